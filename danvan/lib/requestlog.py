"""One log line per request (JSON in production), with a request id that follows the request.

The id comes from the proxy's X-Request-ID (nginx's $request_id) or is made here; it is sent
back in the X-Request-ID header, added to every log record written while the request runs
(so a 500's traceback carries it) and shown on the error page for the user to quote.
"""

from __future__ import annotations

import ipaddress
import logging
import re
import time
import uuid
from collections.abc import Callable
from contextvars import ContextVar

from django.conf import settings
from django.http import HttpRequest, HttpResponse

logger = logging.getLogger("danvan.request")
_request_id: ContextVar[str] = ContextVar("request_id", default="")
_VALID_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


def current_id() -> str:
    return _request_id.get()


def client_ip(request: HttpRequest) -> str:
    """The visitor's address: behind the proxy (a request from DANVAN_FORWARDED_ALLOW_IPS, or
    over a unix socket) its X-Real-IP, else REMOTE_ADDR. The login throttle (django-axes) and
    the public form's rate limit (django-ratelimit) count by it."""
    remote = request.META.get("REMOTE_ADDR", "") or ""
    real = request.META.get("HTTP_X_REAL_IP", "").strip()
    trusted = {ip.strip() for ip in settings.DANVAN_FORWARDED_ALLOW_IPS.split(",")}
    if real and (not remote or remote in trusted or "*" in trusted):
        try:
            return str(ipaddress.ip_address(real))
        except ValueError:
            pass
    return remote or "0.0.0.0"  # noqa: S104 — an address to count by, not one to bind


class RequestIdFilter(logging.Filter):
    """Give every record a `request_id` (empty outside a request) for the formatters."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", ""):
            # Django logs a 4xx's warning after the middleware has returned: from its request.
            request = getattr(record, "request", None)
            record.request_id = _request_id.get() or getattr(request, "request_id", "")
        return True


def _user_id(request: HttpRequest) -> int | None:
    """The signed-in user's id, without a query: only when the request already loaded it."""
    user = request.__dict__.get("user")
    wrapped = getattr(user, "_wrapped", user)
    if wrapped is None or not hasattr(wrapped, "is_authenticated"):
        return None  # never loaded (static files, the health check, …)
    return wrapped.pk if wrapped.is_authenticated else None


class RequestLogMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        given = request.headers.get("X-Request-ID", "")
        request_id = given if _VALID_ID.match(given) else uuid.uuid4().hex
        request.request_id = request_id  # type: ignore[attr-defined]
        token = _request_id.set(request_id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
        except Exception:  # past Django's own handling: the server answers 500, logged here too
            _log(request, 500, started)
            raise
        else:
            response["X-Request-ID"] = request_id
            _log(request, response.status_code, started)
            return response
        finally:
            _request_id.reset(token)


def _log(request: HttpRequest, status: int, started: float) -> None:
    logger.info(
        "%s %s %s",
        request.method,
        request.path,
        status,
        extra={
            "method": request.method,
            "path": request.path,
            "status": status,
            "duration_ms": round((time.perf_counter() - started) * 1000, 1),
            "user_id": _user_id(request),
            "remote_addr": client_ip(request),
        },
    )
