"""What every app's API shares: the caller, bounded page numbers, PATCH bodies that refuse a
null, and file answers in the OpenAPI."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, cast

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Schema
from ninja.pagination import PageNumberPagination
from pydantic import model_validator
from pydantic_core import PydanticCustomError

if TYPE_CHECKING:
    from danvan.accounts.models import User

# Past this a page is empty anyway; below it the offset stays within a 64-bit integer.
MAX_PAGE = 1_000_000


def request_user(request: HttpRequest) -> User:
    """The authenticated user of an API call (the token's owner, or the session's user)."""
    return cast("User", request.user)


class Pages(PageNumberPagination):
    """`?page=` and `?page_size=` as every list answers them, with a page number kept in range."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE)
        page_size: int | None = Field(None, ge=1, le=MAX_PAGE)


class Patch(Schema):
    """A PATCH body: leave a field out to keep it; `null` only where `nullable` names the field.

    Without this, `{"title": null}` would reach a service as None and fail in the database.
    """

    nullable: ClassVar[frozenset[str]] = frozenset()

    @model_validator(mode="before")
    @classmethod
    def _refuse_null(cls, data: Any) -> Any:
        # ninja hands validators its DjangoGetter wrapper; the request's dict is inside.
        body = getattr(data, "_obj", data)
        if isinstance(body, dict):
            for name, value in body.items():
                if value is None and name in cls.model_fields and name not in cls.nullable:
                    raise PydanticCustomError(
                        "null_refused",
                        str(_("%(field)s: may not be null; leave it out to keep it."))
                        % {"field": name},
                    )
        return data


def binary(media_type: str, description: str) -> dict[str, Any]:
    """OpenAPI for an operation that answers with a file rather than JSON."""
    content = {media_type: {"schema": {"type": "string", "format": "binary"}}}
    return {"responses": {200: {"description": description, "content": content}}}
