"""The Django admin: for superusers only, and in the reader's language.

Everyone else works through danvan's own pages, whose rules live in the services; a signed-in
person who is not a superuser is answered 404 here, as if there were no admin. Signing in goes
through danvan's own sign-in page, with its lockout and second factor.

The admin shows danvan's own tables and, of the libraries', the sign-in attempts (to see who is
locked out). Two-factor devices (their secret keys) and background-task results are left out:
a lost device is reset from the member's page, and task results are internal.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from django.apps import apps
from django.contrib import admin
from django.contrib.admin.apps import AdminConfig as BaseAdminConfig
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

# Names of the libraries' tables the admin shows, for the translation catalogue: the
# libraries mark them for translation but ship no Vietnamese.
LIBRARY_NAMES = (
    gettext_noop("access attempt"),
    gettext_noop("access attempts"),
    gettext_noop("access failure"),
    gettext_noop("access failures"),
    gettext_noop("access log"),
    gettext_noop("access logs"),
    gettext_noop("access attempt expiration"),
    gettext_noop("access attempt expirations"),
    gettext_noop("Access Attempt"),
    gettext_noop("Expires At"),
    gettext_noop("The time when access attempt expires and is no longer valid."),
    gettext_noop("User Agent"),
    gettext_noop("IP Address"),
    gettext_noop("Username"),
    gettext_noop("HTTP Accept"),
    gettext_noop("Path"),
    gettext_noop("Attempt Time"),
    gettext_noop("GET Data"),
    gettext_noop("POST Data"),
    gettext_noop("Failed Logins"),
    gettext_noop("Access lock out"),
    gettext_noop("Logout Time"),
    gettext_noop("Session key hash (sha256)"),
    gettext_noop("Locked Out"),
    gettext_noop("Form Data"),
    gettext_noop("Meta Data"),
    gettext_noop("Clean up expired attempts"),
    gettext_noop("Attempt Remaining"),
    gettext_noop("Not set"),
)

# Apps whose name the library does not offer for translation.
APP_NAMES = {"axes": _("Sign-in attempts")}

# Tables of libraries left out of the admin (see the module's docstring).
HIDDEN_MODELS = (
    ("otp_totp", "TOTPDevice"),
    ("otp_static", "StaticDevice"),
    ("django_tasks_database", "DBTaskResult"),
)


View = TypeVar("View", bound=Callable[..., HttpResponseBase])


class AdminSite(admin.AdminSite):
    site_header = "danvan"
    site_title = "danvan"
    index_title = "danvan"

    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        return bool(user.is_active and user.is_superuser)

    def _refuse_others(self, request: HttpRequest) -> None:
        if request.user.is_authenticated and not self.has_permission(request):
            raise Http404

    def _sign_in(self, target: str) -> HttpResponse:
        """danvan's own sign-in page (lockout, second factor), then back to `target`."""
        from django.contrib.auth.views import redirect_to_login  # imports the models

        return redirect_to_login(target, reverse("login"))

    def admin_view(self, view: View, cacheable: bool = False) -> View:
        inner = super().admin_view(view, cacheable)

        @wraps(inner)
        def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            self._refuse_others(request)
            if not request.user.is_authenticated:
                return self._sign_in(request.get_full_path())
            return inner(request, *args, **kwargs)

        return cast("View", guarded)

    def login(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        """No sign-in form of its own: danvan's sign-in page, then back here."""
        self._refuse_others(request)
        index = reverse("admin:index", current_app=self.name)
        target = request.GET.get(REDIRECT_FIELD_NAME) or index
        if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
            target = index
        if request.user.is_authenticated:
            return HttpResponseRedirect(target)
        return self._sign_in(target)


class AdminConfig(BaseAdminConfig):
    default_site = "danvan.config.admin_site.AdminSite"

    def ready(self) -> None:
        super().ready()  # finds every app's admin.py
        from django.contrib.admin.exceptions import NotRegistered

        for app_label, model_name in HIDDEN_MODELS:
            try:
                admin.site.unregister(apps.get_model(app_label, model_name))
            except (LookupError, NotRegistered):
                continue
        for app_label, name in APP_NAMES.items():
            if app_label in apps.app_configs:
                apps.get_app_config(app_label).verbose_name = name
        _name_the_lockout_column()


def _name_the_lockout_column() -> None:
    """The sign-in attempts' status column, under a name the catalogue translates."""
    try:
        from axes.admin import AccessAttemptAdmin
        from axes.models import AccessAttempt
    except ImportError:
        return

    class AttemptAdmin(AccessAttemptAdmin):  # type: ignore[misc]
        @admin.display(description=_("Status"))
        def status(self, obj: Any) -> str:
            return str(super().status(obj))

    if admin.site.is_registered(AccessAttempt):
        admin.site.unregister(AccessAttempt)
        admin.site.register(AccessAttempt, AttemptAdmin)
