"""org.scopes.per_scope places rows by the scopes' paths alone: a scope that narrows its own
filter (q) is refused there rather than counted wide."""

from __future__ import annotations

import dataclasses

import pytest
from django.db.models import Avg, Count, Min, Q, Sum, Value
from django.db.models.functions import Coalesce

from danvan.org.models import Membership
from danvan.org.scopes import ReportingScope, per_scope
from tests.conftest import World

pytestmark = pytest.mark.django_db


@dataclasses.dataclass(frozen=True)
class _OnlyLeaders(ReportingScope):
    def q(self, field: str) -> Q:
        return super().q(field) & Q(role="leader")


def test_a_scope_that_narrows_its_filter_is_refused_not_counted_wide(
    world: World, tinh, lanhdao
) -> None:
    whole = ReportingScope.of(world.commission)
    narrowed = _OnlyLeaders(org_paths=whole.org_paths)
    members = Membership.objects.all()
    assert per_scope(members, [whole], "organization", n=Count("pk")) == [{"n": 2}]
    assert members.filter(narrowed.q("organization")).count() == 1  # its own filter: lanhdao
    with pytest.raises(TypeError, match="_OnlyLeaders"):
        per_scope(members, [narrowed], "organization", n=Count("pk"))


def test_a_scope_without_rows_gets_what_django_answers_for_no_rows(
    world: World, tinh, lanhdao, django_assert_num_queries
) -> None:
    """The empty values are read from the expressions, not from a query Django finds empty,
    and they are exactly Django's: 0 for a count, the default or Coalesce's fallback for a sum,
    None for a plain sum, an average or an extreme."""
    members = Membership.objects.all()
    aggregates = {
        "n": Count("pk"),
        "leaders": Count("pk", filter=Q(role="leader")),
        "ids": Coalesce(Sum("pk"), 0),
        "ids_default": Sum("pk", default=7),
        "ids_value": Sum("pk", default=Value(3)),
        "ids_plain": Sum("pk"),
        "mean": Avg("pk"),
        "first": Min("pk"),
    }
    nowhere = ReportingScope.of(world.front_b)  # nobody is a member there
    with django_assert_num_queries(1):  # the GROUP BY, which finds no rows there
        (empty,) = per_scope(members, [nowhere], "organization", **aggregates)
    assert empty == members.none().aggregate(**aggregates)
    assert empty == {
        "n": 0, "leaders": 0, "ids": 0, "ids_default": 7, "ids_value": 3,
        "ids_plain": None, "mean": None, "first": None,
    }  # fmt: skip
    (whole,) = per_scope(
        members, [ReportingScope.of(world.commission)], "organization", **aggregates
    )
    assert (whole["n"], whole["leaders"], whole["ids_plain"]) == (2, 1, whole["ids"])
    # An expression that cannot say, or that is not an aggregate: Django is asked.
    odd = {"n": Count("pk"), "more": Count("pk") + 1, "inner": Coalesce(Sum("pk", default=5), 0)}
    assert per_scope(members, [nowhere], "organization", **odd) == [{"n": 0, "more": 1, "inner": 5}]
    with pytest.raises(TypeError, match="not an aggregate"):
        per_scope(members, [nowhere], "organization", n=Count("pk"), three=Value(3))
