"""Administrators keep the topics table; notes and alerts change through their own pages."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from danvan.lib.admin import ReadOnlyAdmin

from .models import Alert, Note, Topic


@admin.register(Topic)
class TopicAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "name_en", "parent", "order", "is_active"]
    list_filter = ["is_active", "parent"]
    list_editable = ["order", "is_active"]
    search_fields = ["code", "name", "name_en"]

    def get_readonly_fields(self, request, obj=None):  # type: ignore[no-untyped-def]
        return ["code"] if obj else []  # codes are stable: reports are keyed by them

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False  # retire a topic ("in use" off): notes keep it


@admin.register(Note)
class NoteAdmin(ReadOnlyAdmin, SimpleHistoryAdmin):
    list_display = ["summary", "area", "topic", "level", "status", "event_date"]
    list_filter = ["level", "status", "topic"]
    search_fields = ["search_text"]
    list_select_related = ["area", "topic"]


@admin.register(Alert)
class AlertAdmin(ReadOnlyAdmin, SimpleHistoryAdmin):
    list_display = ["area", "topic", "kind", "period", "status", "raised_on"]
    list_filter = ["kind", "status"]
    list_select_related = ["area", "topic"]
