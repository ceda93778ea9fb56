from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin
from treebeard.admin import TreeAdmin
from treebeard.forms import movenodeform_factory

from .models import Area, Invitation, Membership, Organization, OrganizationKind


@admin.register(Area)
class AreaAdmin(TreeAdmin, SimpleHistoryAdmin):
    form = movenodeform_factory(Area, exclude=["search_name"])
    list_display = ["name", "code", "level", "valid_from", "valid_to", "is_border"]
    list_filter = ["level", "is_border"]
    search_fields = ["search_name", "code"]
    filter_horizontal = ["successors"]


@admin.register(OrganizationKind)
class OrganizationKindAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "name_en", "order", "is_active"]
    list_editable = ["order", "is_active"]


@admin.register(Organization)
class OrganizationAdmin(TreeAdmin, SimpleHistoryAdmin):
    form = movenodeform_factory(Organization, exclude=["search_name"])
    list_display = ["name", "kind", "area", "dissolved_on"]
    list_filter = ["kind", "area__level"]
    search_fields = ["search_name"]
    autocomplete_fields = ["area", "successor"]
    list_select_related = ["kind", "area"]


@admin.register(Membership)
class MembershipAdmin(SimpleHistoryAdmin):
    list_display = ["user", "organization", "role", "created_at", "ended_on"]
    list_filter = ["role", "ended_on"]
    search_fields = ["user__email", "user__full_name", "organization__name"]
    autocomplete_fields = ["user", "organization"]
    list_select_related = ["user", "organization"]

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False  # end a membership instead: it stays in the history


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "organization", "role", "invited_by", "created_at", "accepted_at"]
    search_fields = ["email", "organization__name"]
    readonly_fields = ["token_hash", "invited_by", "created_at", "accepted_at"]
