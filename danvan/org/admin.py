"""The Django admin: a read-only window on the registries.

Areas, organisations, memberships and invitations change only through danvan's own pages
and API, whose services check the tree, the dates and the roles and record who did it. The
admin may edit the table of organisation kinds, which has no such rules.
"""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin
from treebeard.admin import TreeAdmin

from danvan.lib.admin import ReadOnlyAdmin

from .models import Area, Invitation, Membership, Organization, OrganizationKind


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
