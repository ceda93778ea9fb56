"""Read-only admin views: programmes change through their own pages, whose rules live in services."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from danvan.lib.admin import ReadOnlyAdmin

from .models import Program, Review, Task


@admin.register(Program)
class ProgramAdmin(ReadOnlyAdmin, SimpleHistoryAdmin):
    list_display = ["title", "kind", "term", "lead", "status"]
    list_filter = ["kind", "status"]
    search_fields = ["title", "code"]
    list_select_related = ["lead"]


@admin.register(Task)
class TaskAdmin(ReadOnlyAdmin, SimpleHistoryAdmin):
    list_display = ["title", "period", "lead", "due_on", "status", "percent"]
    list_filter = ["status", "recurrence"]
    search_fields = ["title"]
    list_select_related = ["lead"]


@admin.register(Review)
class ReviewAdmin(ReadOnlyAdmin, SimpleHistoryAdmin):
    list_display = ["program", "kind", "period", "issued_on"]
    list_filter = ["kind"]
