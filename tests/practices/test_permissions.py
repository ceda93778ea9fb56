"""Who may do what with a practice, decided once in the selectors: the page offers exactly
what the services accept."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from danvan.practices import selectors, services
from tests.conftest import World
from tests.practices.test_practices import SCORES, recognise, register

pytestmark = pytest.mark.django_db


def test_the_selectors_decide_each_verb(world: World, tinh, lanhdao, xa, xa2, outsider) -> None:  # type: ignore[no-untyped-def]
    practice = register(world, xa)
    assert selectors.may_edit_practice(xa, practice)
    assert not selectors.may_edit_practice(xa2, practice)
    assert selectors.may_edit_practice(tinh, practice)  # the province's specialist, above it
    assert selectors.may_appraise_practice(tinh, practice)
    assert not selectors.may_appraise_practice(xa, practice)  # its own unit does not
    assert selectors.may_decide_practice(tinh, practice, world.commission)
    assert not selectors.may_decide_practice(xa, practice, world.front_a)
    assert selectors.may_waive_appraisal(lanhdao, world.commission)
    assert not selectors.may_waive_appraisal(tinh, world.commission)
    assert selectors.may_waive_appraisal(lanhdao) and not selectors.may_waive_appraisal(tinh)
    assert selectors.may_replicate_practice(xa2, practice, world.front_b)
    assert not selectors.may_replicate_practice(xa2, practice, world.front_a)
    assert not selectors.may_register_practice(outsider)
    assert selectors.appraisals_for_user(xa2, practice) == []


def test_the_services_refuse_what_the_selectors_refuse(world: World, tinh, xa, xa2) -> None:  # type: ignore[no-untyped-def]
    practice = register(world, xa)
    with pytest.raises(PermissionDenied):
        services.appraisal_record(actor=xa, practice=practice, scores=SCORES)
    with pytest.raises(PermissionDenied):
        services.practice_update(actor=xa2, practice=practice, name="Đổi tên")
    recognise(world, tinh, practice)
    with pytest.raises(PermissionDenied):
        services.replication_record(
            actor=xa2, practice=practice, organization=world.front_a,
            adopted_on=practice.registered_on,
        )  # fmt: skip


def test_the_page_shows_the_buttons_the_selectors_allow(
    world: World, tinh, xa, xa2, as_user
) -> None:  # type: ignore[no-untyped-def]
    practice = register(world, xa)
    for user in (xa, tinh):
        page = as_user(user).get(f"/practices/{practice.pk}/")
        actions = selectors.practice_actions(user, practice)
        for key in ("owner", "may_appraise", "may_decide", "may_replicate"):
            assert page.context[key] is actions[key], (user, key)
        assert ('id="appraise-form"' in page.content.decode()) is actions["may_appraise"]
    assert as_user(xa2).get(f"/practices/{practice.pk}/").status_code == 404


def test_child_records_of_practices_out_of_scope_are_404(world: World, tinh, xa, xa2) -> None:  # type: ignore[no-untyped-def]
    practice = register(world, xa)
    with pytest.raises(Http404):
        selectors.get_practice_for_user(xa2, practice.pk)
    with pytest.raises(Http404):
        selectors.get_practice_for_user(xa, "not-a-number")
    recognise(world, tinh, practice)
    replication = services.replication_record(
        actor=xa2, practice=practice, organization=world.front_b, adopted_on=practice.registered_on
    )
    assert selectors.get_replication_for_user(xa, replication.pk) == replication
    assert list(selectors.replications_for_user(xa2, practice=practice.pk)) == [replication]
