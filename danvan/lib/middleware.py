"""Middleware of our own: the language a user chose, and the guard at the edge of every request."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.db import DataError
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation.trans_real import parse_accept_lang_header

from danvan.lib.errors import NUMBER_OUT_OF_RANGE
from danvan.lib.uploads import max_bytes as max_upload_bytes


class LanguageMiddleware:
    """Activate the language from the language cookie, else LANGUAGE_CODE.

    Pages never read Accept-Language: they open in Vietnamese whatever the browser says, and the
    header's switch sets the cookie. An API client has no cookie to set, so under /api/ a
    client's `Accept-Language` chooses among the supported languages when no cookie does.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        api = request.path.startswith("/api/")
        if chosen not in self.supported and api:
            chosen = self._accepted(request.headers.get("Accept-Language", ""))
        language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language  # type: ignore[attr-defined]
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie", "Accept-Language") if api else ("Cookie",))
        response.headers.setdefault("Content-Language", language)
        return response

    def _accepted(self, header: str) -> str:
        """The first supported language the header names, by its q order («en-US» is «en»)."""
        for code, _quality in parse_accept_lang_header(header[:255]):
            base = code.lower().split("-")[0]
            if base in self.supported:
                return base
        return ""


# Characters no text may hold: NUL and the other C0 controls but tab and newlines (PostgreSQL
# and XML refuse them: a stored one breaks every page and Word file that shows it), DEL and the
# C1 controls, lone UTF-16 surrogates (they cannot be written as UTF-8) and the two
# non-characters U+FFFE and U+FFFF.
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
# What `str.strip()` leaves but a reader cannot see: zero-width spaces and joiners, the BOM.
_INVISIBLE = "\u00ad\u180e\u200b-\u200f\u2060-\u2064\ufeff"
_EDGES = re.compile(f"^[\\s{_INVISIBLE}]+|[\\s{_INVISIBLE}]+$")
# Deeper JSON than this is no record of ours; refusing it keeps the walk below Python's limit.
_MAX_DEPTH = 32
# Fields whose value is kept exactly as typed.
_VERBATIM = ("password", "token", "csrfmiddlewaretoken")
# Room for the form fields and multipart framing around the largest allowed file.
_MULTIPART_OVERHEAD = 1024 * 1024


class RequestGuardMiddleware:
    """The edge every request passes: size, readable text, and text trimmed at its ends.

    - A body larger than the upload limit (files) or DATA_UPLOAD_MAX_MEMORY_SIZE (anything
      else) is refused with 413 before it is read.
    - A query parameter, form field or JSON string holding a forbidden character is refused
      with 400 naming the field; nothing is saved.
    - Form fields and JSON strings are trimmed of white space and invisible characters at both
      ends, so text that is only spaces or zero-width characters counts as empty and a required
      field refuses it, as forms already do for plain spaces.
    - Under /api/, a method the address does not take answers 405 in JSON, as every API error
      does, with its Allow header (django-ninja's own answer is plain text).
    The API answers in JSON, pages with the 400/413 page.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        refusal = self._too_large(request) or self._check(request)
        if refusal is not None:
            return refusal
        response = self.get_response(request)
        if (
            response.status_code == 405
            and request.path.startswith("/api/")
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            return _not_allowed(request, response.get("Allow", ""))
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        """A number beyond the database's range in a page's filter or form: 400, not 500."""
        if isinstance(exception, (OverflowError, DataError)):
            return _refuse(request, 400, str(NUMBER_OUT_OF_RANGE))
        return None

    def _too_large(self, request: HttpRequest) -> HttpResponse | None:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        multipart = request.content_type == "multipart/form-data"
        limit = (
            max_upload_bytes() + _MULTIPART_OVERHEAD
            if multipart
            else settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0
        )
        if limit and length > limit:
            return _refuse(
                request,
                413,
                _("The request is %(size)s, larger than the %(limit)s this server accepts.")
                % {"size": filesizeformat(length), "limit": filesizeformat(limit)},
            )
        return None

    def _check(self, request: HttpRequest) -> HttpResponse | None:
        bad = _bad_field(request.GET) or _bad_text("path", request.path)
        if bad:
            return _refuse_field(request, bad)
        if request.method not in ("POST", "PUT", "PATCH", "DELETE"):
            return None
        try:
            if request.content_type in ("multipart/form-data", "application/x-www-form-urlencoded"):
                bad = _bad_field(request.POST)
                if not bad:
                    request.POST = _trimmed_form(request.POST)  # type: ignore[assignment]
            elif request.path.startswith("/api/") and request.body:
                return self._check_json(request)
        except RequestDataTooBig:
            return _refuse(request, 413, _("The request is larger than this server accepts."))
        except MultiPartParserError:
            return _refuse(request, 400, _("The form data cannot be read."))
        except TooManyFieldsSent:
            return _refuse(request, 400, _("The form has too many fields."))
        return _refuse_field(request, bad) if bad else None

    def _check_json(self, request: HttpRequest) -> HttpResponse | None:
        try:
            data = json.loads(request.body)
        except (ValueError, UnicodeDecodeError, RecursionError):
            return _refuse(request, 400, _("The request body is not valid JSON."))
        if _depth(data) > _MAX_DEPTH:
            return _refuse(request, 400, _("The request body is nested too deeply to be a record."))
        bad = _bad_json(data, "")
        if bad:
            return _refuse_field(request, bad)
        request._body = json.dumps(_trimmed_json(data)).encode()  # type: ignore[attr-defined]
        return None


def _bad_text(field: str, value: str) -> str | None:
    return field if _FORBIDDEN.search(value) else None


def _bad_field(data: QueryDict) -> str | None:
    for key, values in data.lists():
        for value in [key, *values]:
            if isinstance(value, str) and _FORBIDDEN.search(value):
                return key if _FORBIDDEN.search(key) is None else "?"
    return None


def _depth(data: Any) -> int:
    """How deeply lists and objects nest, counted without recursion."""
    deepest, stack = 0, [(data, 1)]
    while stack:
        node, level = stack.pop()
        if isinstance(node, (dict, list)):
            deepest = max(deepest, level)
            if level <= _MAX_DEPTH:
                values = node.values() if isinstance(node, dict) else node
                stack.extend((value, level + 1) for value in values)
    return deepest


def _bad_json(data: Any, where: str) -> str | None:
    if isinstance(data, str):
        return where or "body" if _FORBIDDEN.search(data) else None
    if isinstance(data, dict):
        for key, value in data.items():
            path = f"{where}.{key}" if where else str(key)
            if _FORBIDDEN.search(str(key)):
                return where or "body"
            found = _bad_json(value, path)
            if found:
                return found
    if isinstance(data, list):
        for index, value in enumerate(data):
            found = _bad_json(value, f"{where}.{index}" if where else str(index))
            if found:
                return found
    return None


def _trim(text: str) -> str:
    return _EDGES.sub("", text)


def _trimmed_form(data: QueryDict) -> QueryDict:
    trimmed = data.copy()
    for key, values in data.lists():
        if not any(word in key.lower() for word in _VERBATIM):
            trimmed.setlist(key, [_trim(v) if isinstance(v, str) else v for v in values])
    trimmed._mutable = False
    return trimmed


def _trimmed_json(data: Any, key: str = "") -> Any:
    if isinstance(data, str):
        return data if any(word in key.lower() for word in _VERBATIM) else _trim(data)
    if isinstance(data, dict):
        return {k: _trimmed_json(v, str(k)) for k, v in data.items()}
    if isinstance(data, list):
        return [_trimmed_json(v, key) for v in data]
    return data


def _refuse_field(request: HttpRequest, field: str) -> HttpResponse:
    message = _(
        "“%(field)s” holds a character that text may not contain (a control character or "
        "an unpaired surrogate); remove it and send again."
    ) % {"field": field}
    return _refuse(request, 400, message, field=field)


def _refuse(request: HttpRequest, status: int, message: str, field: str = "") -> HttpResponse:
    if request.path.startswith("/api/"):
        body: dict[str, Any] = {"detail": message}
        if field:
            body["errors"] = {field: [message]}
        return JsonResponse(body, status=status)
    return render(request, "400.html", {"status": status, "reason": message}, status=status)


def _not_allowed(request: HttpRequest, allowed: str) -> HttpResponse:
    methods = ", ".join(sorted(m.strip() for m in allowed.split(",") if m.strip()))
    answer = JsonResponse(
        {
            "detail": _("This address does not take %(method)s; it takes %(allowed)s.")
            % {"method": request.method, "allowed": methods}
        },
        status=405,
    )
    answer["Allow"] = methods
    return answer
