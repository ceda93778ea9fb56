"""What a dialogue API request names — a petition by id or code, a reception or dialogue, the
competent body — found in the caller's scope, or a 400 naming the field. Topics, areas and users
are found as the situation API finds them (`situation/api_lookups.py`)."""

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from danvan.accounts.models import User
from danvan.org.models import Area, Organization

from . import services_intake
from .models import Petition


def _digits(value: str) -> bool:
    return value.isascii() and value.isdigit() and len(value) < 18


def petition_named(user: User, value: str, field: str) -> Petition:
    """A petition the user sees, named by its id or its tracking code (as a citizen types it)."""
    value = value.strip()
    visible = Petition.objects.visible_to(user)
    found = visible.filter(pk=int(value)).first() if _digits(value) else None
    code = services_intake.normalise_code(value)
    if found is None and code:
        found = visible.filter(code=code).first()
    if found is None:
        raise ValidationError({field: _("No petition you can see has this code.")})
    return found


def record_named(user: User, model: Any, pk: int | None, field: str) -> Any:
    """A reception or dialogue named in a body, seen by the user, or a 400 naming the field."""
    if pk is None:
        return None
    found = model.objects.visible_to(user).filter(pk=pk).first()
    if found is None:
        raise ValidationError({field: _("No record with id %(id)s in your scope.") % {"id": pk}})
    return found


def competent_body_named(petition: Petition, pk: int | None) -> Organization | None:
    """The competent body a petition may be referred to: an active unit of its commune or of
    an area above it (as the page offers them)."""
    if pk is None:
        return None
    step = Area.steplen
    path = petition.area.path
    paths = [path[:end] for end in range(step, len(path) + 1, step)]
    found = Organization.objects.active().filter(pk=pk, area__path__in=paths).first()
    if found is None:
        raise ValidationError(
            {"competent_body": _("No unit with id %(id)s of the petition's area.") % {"id": pk}}
        )
    return found
