"""What every app's API shares: the caller, bounded page numbers, PATCH bodies that refuse a
null, and file answers in the OpenAPI."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, cast

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Schema
from ninja.pagination import PageNumberPagination
from pydantic import ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from danvan.lib.history import history_for
from danvan.lib.periods import MAX_YEAR, MIN_YEAR

if TYPE_CHECKING:
    from danvan.accounts.models import User

# Past this a page is empty anyway; below it the offset stays within a 64-bit integer.
MAX_PAGE = 1_000_000


def request_user(request: HttpRequest) -> User:
    """The authenticated user of an API call (the token's owner, or the session's user)."""
    return cast("User", request.user)


# A year in a filter or body: within the years the application knows (see lib.periods).
Year = Annotated[int, Field(ge=MIN_YEAR, le=MAX_YEAR)]


class Ref(Schema):
    """Another record named in an answer: its id and its name (a unit, an area, an officer)."""

    id: int
    name: str


class Pages(PageNumberPagination):
    """`?page=` and `?page_size=` as every list answers them, with a page number kept in range."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE)
        page_size: int | None = Field(
            None,
            ge=1,
            le=MAX_PAGE,
            description=f"Items a page: {settings.NINJA_PAGINATION_PER_PAGE} unless given, "
            f"at most {settings.NINJA_MAX_PER_PAGE_SIZE} (a larger size gives that many)",
        )


class Patch(Schema):
    """A PATCH body: leave a field out to keep it; `null` only where `nullable` names the field.

    Without this, `{"title": null}` would reach a service as None and fail in the database.
    """

    nullable: ClassVar[frozenset[str]] = frozenset()

    @field_validator("*", mode="before")
    @classmethod
    def _refuse_null(cls, value: Any, info: ValidationInfo) -> Any:
        if value is None and info.field_name not in cls.nullable:
            raise PydanticCustomError(
                "null_refused", str(_("This field may not be null; leave it out to keep it."))
            )
        return value


class HistoryOut(Schema):
    """One entry of a record's history, as its page shows it."""

    when: datetime.datetime
    who: str
    action: str = Field(..., description="the act (or created / changed), in the reader's language")
    verb: str = Field(
        ..., description="the act's key (signed, approved, recognised, …); empty for an edit"
    )
    reason: str = Field(..., description="the person's own words, when they gave any")


def history_items(instance: Any) -> list[dict[str, Any]]:
    """A record's history for the API, newest first (lib.history.history_for)."""
    return [
        {"when": h.when, "who": h.who, "action": h.action, "verb": h.verb, "reason": h.reason}
        for h in history_for(instance)
    ]


def binary(media_type: str, description: str) -> dict[str, Any]:
    """OpenAPI for an operation that answers with a file rather than JSON."""
    content = {media_type: {"schema": {"type": "string", "format": "binary"}}}
    return {"responses": {200: {"description": description, "content": content}}}
