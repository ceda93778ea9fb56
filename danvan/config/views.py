"""Site-wide views: the health check and error pages."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.utils.translation import gettext as _

from danvan.lib import requestlog
from danvan.ops import health


def healthz(request: HttpRequest) -> JsonResponse:
    """JSON for monitors: the database, the version, the worker, the jobs waiting, the backup."""
    report = health.status()
    return JsonResponse(report, status=503 if report["status"] == "error" else 200)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "403.html", {"reason": str(exception or "")}, status=403)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form refused by the CSRF check (CSRF_FAILURE_VIEW): said in the user's language, with
    what to do. Most often the user signed in again in another tab (a new token) or the
    browser refuses cookies; a proxy that changes the site's address would refuse every form,
    hence the administrator. Django still logs the exact reason (django.security.csrf)."""
    explanation = _(
        "The form could not be accepted: the page it came from is no longer valid (you signed "
        "in again in another tab, or the browser does not keep this site's cookies). Nothing "
        "was saved. Go back, reload the page and send it again; if this happens again, tell "
        "the administrator."
    )
    return render(request, "403.html", {"reason": explanation}, status=403)


def favicon(request: HttpRequest) -> HttpResponseRedirect:
    """Browsers ask for /favicon.ico on pages that do not name one (the admin, the API docs)."""
    return HttpResponseRedirect(static("danvan/favicon.svg"))


def server_error(request: HttpRequest) -> HttpResponse:
    # The id the log's traceback carries: the user quotes it to the administrator.
    return render(request, "500.html", {"request_id": requestlog.current_id()}, status=500)
