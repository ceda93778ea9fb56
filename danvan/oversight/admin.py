"""Oversights change through their own pages; the admin shows them read-only with history."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from danvan.lib.admin import ReadOnlyAdmin

from .models import Oversight, Plan


@admin.register(Oversight)
class OversightAdmin(ReadOnlyAdmin, SimpleHistoryAdmin):
    list_display = ["title", "kind", "lead", "starts_on", "conclusion_on"]
    list_filter = ["kind"]
    search_fields = ["search_text"]
    list_select_related = ["lead"]


@admin.register(Plan)
class PlanAdmin(ReadOnlyAdmin, SimpleHistoryAdmin):
    list_display = ["title", "organization", "year"]
    list_select_related = ["organization"]
