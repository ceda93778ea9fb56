"""Send users who must use two-factor authentication to set it up or to enter a code."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from .selectors import confirmed_device, requires_two_factor

# Paths a half-signed-in user may still reach: signing in and out, the second factor itself,
# password reset, invitations, static files, the health check. The API checks for itself
# (a session that owes a second factor is refused there). Everything else, including the
# profile and API-token pages, waits for the code.
OPEN_PREFIXES = (
    "/accounts/login/",
    "/accounts/logout/",
    "/accounts/password/reset/",
    "/accounts/2fa/",
    "/static/",
    "/healthz",
    "/kien-nghi/",
    "/open311/",
    "/favicon.ico",
    "/i18n/",
    "/invitations/",
    "/thuc-tien/",
    "/practices/photos/",
    "/api/",
)


class RequireTwoFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and not request.path.startswith(OPEN_PREFIXES)
            and not user.is_verified()  # type: ignore[union-attr,attr-defined]
            and requires_two_factor(user)  # type: ignore[arg-type]
        ):
            target = "two_factor_verify" if confirmed_device(user) else "two_factor_setup"  # type: ignore[arg-type]
            return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)
