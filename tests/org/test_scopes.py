"""org.scopes.per_scope places rows by the scopes' paths alone: a scope that narrows its own
filter (q) is refused there rather than counted wide."""

from __future__ import annotations

import dataclasses

import pytest
from django.db.models import Count, Q

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
