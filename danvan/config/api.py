"""The REST API at /api/v1/: one NinjaAPI, each app adds its router; errors are readable JSON."""

import logging
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DataError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.request import RawPostDataException
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as SchemaValidationError
from ninja.security import HttpBearer
from ninja.security.session import SessionAuth

import danvan
from danvan.accounts.selectors import requires_two_factor
from danvan.accounts.services import token_authenticate
from danvan.lib.errors import NUMBER_OUT_OF_RANGE, Conflict

logger = logging.getLogger(__name__)


class BearerToken(HttpBearer):
    """`Authorization: Bearer <token>` with a personal API token."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = token_authenticate(token)
        if user is not None:
            request.user = user
        return user


class VerifiedSession(SessionAuth):
    """The browser session; a user who owes a second factor must give it first."""

    def _get_key(self, request: HttpRequest) -> str | None:
        # No signed-in session, nothing for a forged request to ride on: skip the CSRF check so
        # that a call without credentials hears 401, not "CSRF check failed".
        if not request.user.is_authenticated:
            return None
        return super()._get_key(request)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = super().authenticate(request, key)
        if user and requires_two_factor(user) and not user.is_verified():
            return None
        return user


# The error answers, each with the same body: {"detail": "...", "errors": {"field": ["..."]}}.
ERROR_RESPONSES = {
    400: "Refused: a value breaks a rule (the message says which), or a character text may not hold",
    401: "Not signed in and no valid token",
    403: "Your role does not allow this here",
    404: "No such record in your scope (the same answer whether it exists or not)",
    409: "The record is not in a state that allows this action",
    413: "The request body is larger than the server accepts",
    422: "The request does not match the schema (missing field, wrong type, out of range)",
}


def _error_codes(method: str, path: str, operation: dict[str, Any]) -> list[int]:
    """The error statuses an operation can answer, from its shape."""
    codes = [400, 422] if operation.get("parameters") or operation.get("requestBody") else []
    if operation.get("security"):
        codes += [401, 403]
    if "{" in path or codes:
        codes.append(404)  # a record named in the path, the query or the body is not in scope
    if method != "get":
        codes += [403, 409]
    if operation.get("requestBody"):
        codes.append(413)
    return sorted(set(codes))


class DanvanAPI(NinjaAPI):
    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        """The schema, with the error answers every operation can give documented on it."""
        schema = super().get_openapi_schema(*args, **kwargs)
        schema.setdefault("components", {}).setdefault("schemas", {})["Error"] = {
            "type": "object",
            "properties": {
                "detail": {"type": "string"},
                "errors": {
                    "type": "object",
                    "additionalProperties": {"type": "array", "items": {"type": "string"}},
                },
            },
            "required": ["detail"],
        }
        error = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
        for path, operations in schema.get("paths", {}).items():
            for method, operation in operations.items():
                responses = operation.setdefault("responses", {})
                for code in _error_codes(method, path, operation):
                    responses.setdefault(
                        code, {"description": ERROR_RESPONSES[code], "content": error}
                    )
        return schema


api = DanvanAPI(
    title="danvan API",
    version="1",
    description=_(
        "Scoped access to danvan's records. Authenticate with the browser session "
        "or a personal token: `Authorization: Bearer <token>`."
    ),
    urls_namespace="api-v1",
    auth=[BearerToken(), VerifiedSession()],
    docs_url="/docs",
    openapi_url="/openapi.json",
)


def _error(request: HttpRequest, status: int, detail: str, **extra: Any) -> HttpResponse:
    return api.create_response(request, {"detail": detail, **extra}, status=status)


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    if hasattr(exc, "error_dict"):
        errors = exc.message_dict
        detail = " ".join(
            msg if field == "__all__" else f"{field}: {msg}"
            for field, msgs in errors.items()
            for msg in msgs
        )
        return _error(request, 400, detail, errors=errors)
    return _error(request, 400, " ".join(exc.messages))


# Pydantic's messages are English only; the common ones in the user's language.
SCHEMA_MESSAGES = {
    "missing": gettext_lazy("This field is required."),
    "int_parsing": gettext_lazy("Enter a whole number."),
    "int_type": gettext_lazy("Enter a whole number."),
    "int_from_float": gettext_lazy("Enter a whole number."),
    "bool_parsing": gettext_lazy("Enter true or false."),
    "bool_type": gettext_lazy("Enter true or false."),
    "date_parsing": gettext_lazy("Enter a date as YYYY-MM-DD."),
    "date_from_datetime_parsing": gettext_lazy("Enter a date as YYYY-MM-DD."),
    "date_type": gettext_lazy("Enter a date as YYYY-MM-DD."),
    "datetime_parsing": gettext_lazy("Enter a date and time as YYYY-MM-DDTHH:MM:SS+07:00."),
    "datetime_from_date_parsing": gettext_lazy(
        "Enter a date and time as YYYY-MM-DDTHH:MM:SS+07:00."
    ),
    "datetime_type": gettext_lazy("Enter a date and time as YYYY-MM-DDTHH:MM:SS+07:00."),
    "decimal_parsing": gettext_lazy("Enter a number."),
    "decimal_type": gettext_lazy("Enter a number."),
    "float_parsing": gettext_lazy("Enter a number."),
    "string_type": gettext_lazy("Enter text."),
    "list_type": gettext_lazy("Enter a list."),
    "greater_than_equal": gettext_lazy("Enter a value of at least %(ge)s."),
    "less_than_equal": gettext_lazy("Enter a value of at most %(le)s."),
    "json_invalid": gettext_lazy("The request body is not valid JSON."),
    "literal_error": gettext_lazy("Choose one of: %(expected)s."),
    "enum": gettext_lazy("Choose one of: %(expected)s."),
    "finite_number": gettext_lazy("Enter a finite number."),
    "string_too_long": gettext_lazy("Enter at most %(max_length)s characters."),
    "too_long": gettext_lazy("Enter at most %(max_length)s items."),
    "dict_type": gettext_lazy("Enter an object."),
    "model_type": gettext_lazy("Enter an object."),
    "model_attributes_type": gettext_lazy("Enter an object."),
    "decimal_max_digits": gettext_lazy("Enter a number of at most %(max_digits)s digits."),
    "decimal_max_places": gettext_lazy("Enter at most %(decimal_places)s decimal places."),
    "decimal_whole_digits": gettext_lazy("Enter a smaller number."),
    "greater_than": gettext_lazy("Enter a value greater than %(gt)s."),
    "less_than": gettext_lazy("Enter a value less than %(lt)s."),
    "null_refused": gettext_lazy("This field may not be null; leave it out to keep it."),
}

# ninja's own refusals, in the user's language.
NINJA_MESSAGES = {
    "Cannot parse request body": gettext_lazy("The request body is not valid JSON."),
    "CSRF check Failed": gettext_lazy(
        "The page's security token is missing or out of date: reload the page and try again."
    ),
}


def _schema_message(error: dict[str, Any]) -> str:
    template = SCHEMA_MESSAGES.get(str(error.get("type", "")))
    if template is None:  # pydantic's own words, or a validator's of ours
        return str(error.get("msg", ""))
    try:
        return str(template) % dict(error.get("ctx") or {})
    except (TypeError, KeyError, ValueError):  # pydantic gave other context
        return str(error.get("msg", ""))


@api.exception_handler(SchemaValidationError)
def on_schema_error(request: HttpRequest, exc: SchemaValidationError) -> HttpResponse:
    errors: dict[str, list[str]] = {}
    for error in exc.errors:
        loc = [
            str(part) for part in error.get("loc", []) if part not in ("body", "payload", "query")
        ]
        errors.setdefault(".".join(loc) or "__all__", []).append(_schema_message(error))
    detail = " ".join(f"{field}: {msg}" for field, msgs in errors.items() for msg in msgs)
    return _error(request, 422, detail, errors=errors)


@api.exception_handler(Conflict)
def on_conflict(request: HttpRequest, exc: Conflict) -> HttpResponse:
    response = on_validation_error(request, exc)
    response.status_code = 409
    return response


@api.exception_handler(PermissionDenied)
def on_permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return _error(request, 403, str(exc) or _("You may not do this."))


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _error(request, 404, _("Not found."))


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _error(
        request, 401, _("Sign in, or send a personal token: Authorization: Bearer <token>.")
    )


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return _error(request, exc.status_code, str(NINJA_MESSAGES.get(exc.message, exc.message)))


@api.exception_handler(RawPostDataException)
def on_body_already_read(request: HttpRequest, exc: RawPostDataException) -> HttpResponse:
    # A form (multipart) sent to an operation that reads JSON: the form parser has the body.
    return _error(
        request, 400, _("Send this operation's body as JSON (Content-Type: application/json).")
    )


@api.exception_handler(OverflowError)
def on_overflow(request: HttpRequest, exc: OverflowError) -> HttpResponse:
    return _error(request, 400, str(NUMBER_OUT_OF_RANGE))


@api.exception_handler(DataError)
def on_data_error(request: HttpRequest, exc: DataError) -> HttpResponse:
    # PostgreSQL refuses a number beyond its column's range (the SQLite driver: OverflowError).
    return _error(request, 400, str(NUMBER_OUT_OF_RANGE))


@api.exception_handler(Exception)
def on_unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
    logger.exception("API error on %s", request.path, exc_info=exc)
    return _error(request, 500, _("The server could not complete the request; it has been logged."))


@api.get("/version", auth=None, tags=["system"])
def version(request: HttpRequest) -> dict[str, str]:
    return {"version": danvan.__version__}


def _routers() -> None:
    from danvan.accounts.api import router as accounts_router
    from danvan.dashboard.api import router as dashboard_router
    from danvan.dialogue.api import router as dialogue_router
    from danvan.documents.api import router as documents_router
    from danvan.meetings.api import router as meetings_router
    from danvan.org.api import router as org_router
    from danvan.oversight.api import router as oversight_router
    from danvan.practices.api import router as practices_router
    from danvan.programs.api import router as programs_router
    from danvan.public.api import router as public_router
    from danvan.reporting.api import router as reporting_router
    from danvan.situation.api import router as situation_router
    from danvan.situation.api_alerts import router as alerts_router

    api.add_router("/", org_router)
    api.add_router("/", programs_router)
    api.add_router("/", practices_router)
    api.add_router("/", documents_router)
    api.add_router("/", oversight_router)
    api.add_router("/", reporting_router)
    api.add_router("/", situation_router)
    api.add_router("/", alerts_router)
    api.add_router("/", dialogue_router)
    api.add_router("/", meetings_router)
    api.add_router("/", public_router)
    api.add_router("/", accounts_router)
    api.add_router("/", dashboard_router)


_routers()
