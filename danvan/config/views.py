"""Site-wide views: the health check and error pages."""

from __future__ import annotations

import logging

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.utils.translation import gettext as _
from django.views import defaults

from danvan.lib import requestlog
from danvan.ops import health

logger = logging.getLogger(__name__)


def healthz(request: HttpRequest) -> JsonResponse:
    """JSON for monitors: the database, the version, the worker, the jobs waiting, the backup."""
    report = health.status()
    return JsonResponse(report, status=503 if report["status"] == "error" else 200)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if request.path.startswith("/api/"):  # an API client reads JSON, as every API error is
        return JsonResponse({"detail": _("Not found.")}, status=404)
    return render(request, "404.html", status=404)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """A request Django refuses before any view (a Host header the site does not serve, a
    malformed one): JSON under /api/, as every API error is; Django's page elsewhere (drawn
    without the request, which may be what is wrong)."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": _("The request could not be read.")}, status=400)
    return defaults.bad_request(request, exception or Exception())


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": str(exception or "") or _("Forbidden.")}, status=403)
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
    """The error page, with the id the log's traceback carries (the user quotes it to the
    administrator). When what failed is what the full page needs — the database, for the
    signed-in user, the menu and the bell — the page is drawn without them: a handler that
    raised would leave the user with the server's bare error and the log without its line."""
    context = {"request_id": requestlog.current_id()}
    try:
        return render(request, "500.html", context, status=500)
    except Exception:
        logger.warning("the full error page failed; the plain one is shown", exc_info=True)
        return HttpResponse(render_to_string("500_plain.html", context), status=500)
