"""The Django admin: a read-only window on the registries.

Areas, organisations, memberships and invitations change only through danvan's own pages
and API, whose services check the tree, the dates and the roles and record who did it. The
admin may edit the table of organisation kinds, which has no such rules.
"""

from typing import Any

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from simple_history.admin import SimpleHistoryAdmin
from treebeard.admin import TreeAdmin

from .models import Area, Invitation, Membership, Organization, OrganizationKind


class NoWrites:
    """Nothing added, changed or deleted: a page that only shows, or its inlines (a report
    form's sections and rules)."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyAdmin(NoWrites, admin.ModelAdmin):
    def history_form_view(
        self, request: HttpRequest, object_id: str, version_id: str, extra_context: Any = None
    ) -> HttpResponse:
        """django-simple-history's page of an earlier version saves what is posted to it after
        checking only the right to view the record: a read-only record is read there, never
        written."""
        if request.method not in ("GET", "HEAD"):
            raise PermissionDenied
        view = super().history_form_view  # type: ignore[misc]
        return view(request, object_id, version_id, extra_context)  # type: ignore[no-any-return]


@admin.register(Area)
class AreaAdmin(ReadOnlyAdmin, TreeAdmin, SimpleHistoryAdmin):
    list_display = ["name", "code", "level", "valid_from", "valid_to", "is_border"]
    list_filter = ["level", "is_border"]
    search_fields = ["search_name", "code"]
    exclude = ["path", "depth", "numchild", "search_name"]


@admin.register(OrganizationKind)
class OrganizationKindAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "name_en", "order", "is_active"]
    list_editable = ["order", "is_active"]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # retire a kind ("in use" off) instead: organisations keep it


@admin.register(Organization)
class OrganizationAdmin(ReadOnlyAdmin, TreeAdmin, SimpleHistoryAdmin):
    list_display = ["name", "kind", "area", "dissolved_on"]
    list_filter = ["kind", "area__level"]
    search_fields = ["search_name"]
    list_select_related = ["kind", "area"]
    exclude = ["path", "depth", "numchild", "search_name"]


@admin.register(Membership)
class MembershipAdmin(ReadOnlyAdmin, SimpleHistoryAdmin):
    list_display = ["user", "organization", "role", "created_at", "ended_on"]
    list_filter = ["role", "ended_on"]
    search_fields = ["user__email", "user__full_name", "organization__name"]
    list_select_related = ["user", "organization"]


@admin.register(Invitation)
class InvitationAdmin(ReadOnlyAdmin):
    list_display = ["email", "organization", "role", "invited_by", "created_at", "accepted_at"]
    search_fields = ["email", "organization__name"]
    exclude = ["token_hash"]
