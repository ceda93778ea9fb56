"""What a situation API request names, looked up or refused with a 400 that names the field."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Model
from django.http import Http404
from django.utils.translation import gettext as _

from danvan.accounts.models import User
from danvan.lib import periods
from danvan.org.models import Area
from danvan.org.selectors import get_area_for_user

from .models import Topic


def topic_named(value: str, field: str) -> Topic:
    """A topic named by its code (or its id), or a 400 naming the field."""
    value = value.strip()
    topics = Topic.objects.select_related("parent")
    found = topics.filter(code=value).first()
    if found is None and value.isascii() and value.isdigit() and len(value) < 18:
        found = topics.filter(pk=int(value)).first()
    if found is None:
        raise ValidationError({field: _("No topic with the code «%(code)s».") % {"code": value}})
    return found


def period_named(code: str) -> periods.Period:
    try:
        return periods.parse(code)
    except periods.PeriodError as exc:
        raise ValidationError({"period": str(exc)}) from None


def area_in_body(user: User, pk: int, field: str) -> Area:
    """An area named in a body, or a 400 that says which field is wrong."""
    try:
        return get_area_for_user(user, pk)
    except Http404:
        raise ValidationError(
            {field: _("No area with id %(id)s in your scope.") % {"id": pk}}
        ) from None


def linked_in_scope(user: User, model: type[Model], ids: list[int], field: str) -> list[Any]:
    """The records a note links to, all of them in the user's scope, or a 400 naming the field."""
    wanted = list(dict.fromkeys(ids))
    found = {r.pk: r for r in model.objects.visible_to(user).filter(pk__in=wanted)}  # type: ignore[attr-defined]
    missing = [pk for pk in wanted if pk not in found]
    if missing:
        raise ValidationError(
            {field: _("No record with id %(id)s in your scope.") % {"id": missing[0]}}
        )
    return [found[pk] for pk in wanted]


def active_user(pk: int, field: str) -> User:
    found = User.objects.filter(pk=pk, is_active=True).first()
    if found is None:
        raise ValidationError({field: _("No user with id %(id)s.") % {"id": pk}})
    return found
