"""API for one's own personal tokens: list (never the secret), create (secret shown once), revoke."""

import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from danvan.lib.api import Pages
from danvan.lib.api import request_user as _actor

from . import selectors, services
from .models import ApiToken

router = Router()


class TokenOut(Schema):
    id: int
    name: str
    hint: str
    created_at: datetime.datetime
    last_used_at: datetime.datetime | None
    revoked_at: datetime.datetime | None
    is_active: bool


class NewTokenOut(TokenOut):
    token: str


class TokenIn(Schema):
    name: str = Field(..., max_length=ApiToken._meta.get_field("name").max_length)


@router.get("/tokens", response=list[TokenOut], tags=["tokens"])
@paginate(Pages)
def list_tokens(request: HttpRequest) -> Any:
    """Your own tokens, active first; the secret is never shown again, only its first letters."""
    return selectors.tokens_of(_actor(request))


@router.post("/tokens", response={201: NewTokenOut}, tags=["tokens"])
def create_token(request: HttpRequest, payload: TokenIn) -> Any:
    """Create a token; `token` in this answer is the only time the secret is shown."""
    token, raw = services.token_create(user=_actor(request), name=payload.name)
    return Status(201, {**TokenOut.model_validate(token).model_dump(), "token": raw})


@router.post("/tokens/{token_id}/revoke", response=TokenOut, tags=["tokens"])
def revoke_token(request: HttpRequest, token_id: int) -> Any:
    """Revoke one of your tokens at once (409 if it is already revoked)."""
    user = _actor(request)
    token = selectors.get_token_for_user(user, token_id)
    return services.token_revoke(user=user, token=token, strict=True)
