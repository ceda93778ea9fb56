"""Reading one record out of a queryset already limited to what the user may see."""

from __future__ import annotations

from typing import TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Model, QuerySet
from django.http import Http404

M = TypeVar("M", bound=Model)


def one_or_404(queryset: QuerySet[M], pk: object) -> M:
    """The row with this key in a scoped queryset, or 404 — the same answer as for a row that
    does not exist, so a record outside the scope is never confirmed — also for a key that is
    not a number."""
    try:
        return queryset.get(pk=pk)
    except (ObjectDoesNotExist, ValueError, TypeError):
        raise Http404 from None
