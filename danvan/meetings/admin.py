"""Meetings, their agenda, bridge points and conclusions change through their own pages and API,
whose services send the invitations and keep the history; the admin shows them read-only."""

from django.contrib import admin
from django.db import models
from simple_history.admin import SimpleHistoryAdmin

from danvan.lib.admin import ReadOnlyAdmin

from .models import AgendaItem, BridgePoint, Conclusion, Meeting


@admin.register(Meeting)
class MeetingAdmin(ReadOnlyAdmin, SimpleHistoryAdmin):
    list_display = ["title", "host", "kind", "format", "starts_at", "status"]
    list_filter = ["kind", "format", "status"]
    search_fields = ["title"]
    list_select_related = ["host"]
    raw_id_fields = ["host", "program", "created_by"]
    filter_horizontal = ["report_forms", "documents"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


@admin.register(AgendaItem)
class AgendaItemAdmin(ReadOnlyAdmin, SimpleHistoryAdmin):
    list_display = ["title", "meeting", "starts_at", "presenter"]
    raw_id_fields = ["meeting"]
    list_select_related = ["meeting"]


@admin.register(BridgePoint)
class BridgePointAdmin(ReadOnlyAdmin, SimpleHistoryAdmin):
    """A national review has thousands of points: raw ids, no drop-downs of units."""

    list_display = ["organization", "meeting", "level", "expected", "attending", "confirmed_at"]
    list_filter = ["level", "is_host", "is_guest", "check_result"]
    list_select_related = ["organization", "meeting"]
    raw_id_fields = ["meeting", "organization", "confirmed_by", "checked_by"]


@admin.register(Conclusion)
class ConclusionAdmin(ReadOnlyAdmin, SimpleHistoryAdmin):
    list_display = ["text", "meeting", "organization", "due_on", "status"]
    list_filter = ["status"]
    list_select_related = ["meeting", "organization"]
    raw_id_fields = ["meeting", "organization"]
