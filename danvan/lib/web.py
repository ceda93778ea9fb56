"""Small helpers shared by the web views."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpRequest, HttpResponse

from danvan.lib.periods import MAX_YEAR, MIN_YEAR

if TYPE_CHECKING:
    from danvan.accounts.models import User

PAGE_SIZE = 50
MAX_ID = 2**63 - 1  # the largest id a database row can have (a 64-bit integer)


def int_param(request: HttpRequest, name: str, *, lo: int = 1, hi: int = MAX_ID) -> int | None:
    """A whole-number query parameter within [lo, hi]; None when missing, malformed or out of range.

    Every list filter reads ids, years and counts through this, so `?year=100000` or
    `?party=99999999999999999999` is ignored like any other value that matches nothing.
    """
    raw = request.GET.get(name, "").strip()
    if not raw or len(raw) > 20:
        return None
    try:
        value = int(raw)
    except ValueError:
        return None
    return value if lo <= value <= hi else None


def year_param(request: HttpRequest, name: str = "year") -> int | None:
    """A year query parameter within the years the application knows (see lib.periods)."""
    return int_param(request, name, lo=MIN_YEAR, hi=MAX_YEAR)


def current_user(request: HttpRequest) -> User:
    """The signed-in user of a view behind @login_required."""
    return cast("User", request.user)


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: per field where it names one."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)


def paginate(request: HttpRequest, queryset: QuerySet[Any], per_page: int = PAGE_SIZE) -> Page:
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


def xlsx_response(data: bytes, filename: str) -> HttpResponse:
    """An Excel download."""
    response = HttpResponse(
        data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def query_without_page(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def attachment(file: FieldFile | None) -> FileResponse:
    """Download a record's stored file under its own name; 404 when the record has none."""
    if not file:
        raise Http404
    return FileResponse(
        file.open("rb"), as_attachment=True, filename=(file.name or "").rsplit("/", 1)[-1]
    )
