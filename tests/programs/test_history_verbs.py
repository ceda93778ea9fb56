"""A programme's history names each act (signed, reopened, ended, renewed) with who did it, and
as the reason only what the person typed."""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from danvan.programs import services
from danvan.programs.models import Program, ProgramStatus
from tests.conftest import World

pytestmark = pytest.mark.django_db


def history_of(client: Client, program: Program) -> list[str]:
    """The entries of the programme's history on its page, newest first."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(f"/programs/{program.pk}/").content.decode()
    section = page[page.index('id="history"') : page.index('id="structure-history"')]
    return section.split("<li")[1:]


def test_signing_on_the_page_shows_signed_and_who(world: World, tinh, draft, as_user) -> None:  # type: ignore[no-untyped-def]
    client = as_user(tinh)
    client.post(f"/programs/{draft.pk}/sign/", {"signed_on": "2025-01-15"})
    draft.refresh_from_db()
    assert draft.status == ProgramStatus.IN_FORCE
    latest = history_of(client, draft)[0]
    assert " · signed" in latest and str(tinh) in latest
    assert "Signed; in force" not in latest
    assert draft.history.first().history_verb == "signed"  # type: ignore[attr-defined]


def test_reopening_keeps_the_reason_as_typed(world: World, lanhdao, program, as_user) -> None:  # type: ignore[no-untyped-def]
    client = as_user(lanhdao)
    client.post(f"/programs/{program.pk}/reopen/", {"reason": "Bổ sung nội dung chuyển đổi số"})
    latest = program.history.first()  # type: ignore[attr-defined]
    assert (latest.history_verb, latest.history_change_reason, latest.history_user) == (
        "reopened", "Bổ sung nội dung chuyển đổi số", lanhdao
    )  # fmt: skip
    entry = history_of(client, program)[0]
    assert " · reopened" in entry and "Bổ sung nội dung chuyển đổi số" in entry
    assert "Reopened:" not in entry


def test_ending_and_renewing_are_named(world: World, lanhdao, tinh, program) -> None:  # type: ignore[no-untyped-def]
    services.program_end(actor=lanhdao, program=program)
    ended = program.history.first()  # type: ignore[attr-defined]
    assert (ended.history_verb, ended.history_change_reason) == ("ended", None)
    new = services.program_renew(actor=tinh, program=program, term="2027-2028")
    renewed = program.history.first()  # type: ignore[attr-defined]
    assert (renewed.history_verb, renewed.history_user) == ("renewed", tinh)
    assert new.predecessor == program and new.status == ProgramStatus.DRAFT


def test_a_refused_signing_through_the_api_saves_no_title(world: World, tinh, draft) -> None:  # type: ignore[no-untyped-def]
    """Titles and the signing are one act: a signing date in the future leaves the titles."""
    before = [p.signatory_title for p in draft.parties.all()]
    future = timezone.localdate() + datetime.timedelta(days=30)
    with pytest.raises(ValidationError):
        services.program_sign(
            actor=tinh,
            program=draft,
            signed_on=future,
            signatories={world.commission.pk: "Trưởng ban"},
        )
    assert [p.signatory_title for p in draft.parties.all()] == before
    draft.refresh_from_db()
    assert draft.status == ProgramStatus.DRAFT
