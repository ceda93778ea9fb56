"""The Django admin's read-only pages. The admin writes around the services, so it edits only
tables no service owns (managed lists, user accounts); every other model is registered with
`ReadOnlyAdmin` (tests/config/test_site.py lists what may stay editable)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse


class NoWrites:
    """Nothing added, changed or deleted: a page that only shows, or its inlines (a report
    form's sections and rules), or a table changed by an admin action through its service (API
    tokens, revoked)."""

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
