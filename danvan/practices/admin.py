"""Administrators manage the list of sub-fields; practices change through their own pages."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from danvan.lib.admin import ReadOnlyAdmin

from .models import Practice, SubField


@admin.register(SubField)
class SubFieldAdmin(admin.ModelAdmin):
    list_display = ["name", "name_en", "field", "order", "is_active"]
    list_filter = ["field", "is_active"]
    list_editable = ["order", "is_active"]

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False  # retire a sub-field ("in use" off): practices keep it


@admin.register(Practice)
class PracticeAdmin(ReadOnlyAdmin, SimpleHistoryAdmin):
    list_display = ["name", "kind", "field", "organization", "status", "is_public"]
    list_filter = ["kind", "field", "status", "is_public"]
    search_fields = ["search_text"]
    list_select_related = ["organization"]
