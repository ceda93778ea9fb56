"""Site-wide views: the health check and error pages."""

from __future__ import annotations

from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static

import danvan


def healthz(request: HttpRequest) -> JsonResponse:
    """JSON for monitors: is the database reachable, and which version runs."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        database = "ok"
    except DatabaseError:
        database = "unreachable"
    return JsonResponse(
        {
            "status": "ok" if database == "ok" else "error",
            "database": database,
            "version": danvan.__version__,
        },
        status=200 if database == "ok" else 503,
    )


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "403.html", {"reason": str(exception or "")}, status=403)


def favicon(request: HttpRequest) -> HttpResponseRedirect:
    """Browsers ask for /favicon.ico on pages that do not name one (the admin, the API docs)."""
    return HttpResponseRedirect(static("danvan/favicon.svg"))


def server_error(request: HttpRequest) -> HttpResponse:
    return render(request, "500.html", status=500)
