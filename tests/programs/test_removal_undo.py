"""A draft's main content and its parties are removed softly: they leave the programme, its
numbering and the API, keep their history («deleted», «restored»), and come back with Undo —
on the page, through the services and the API — for the lead agency's staff only."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from danvan.accounts.models import User
from danvan.lib.errors import Conflict
from danvan.programs import selectors, services, services_tasks
from danvan.programs.models import Program, ProgramContent, ProgramParty
from tests.conftest import World
from tests.org.test_api import bearer
from tests.programs.conftest import content, send

pytestmark = pytest.mark.django_db
API = "/api/v1"


def titles(program: Program) -> list[tuple[int, str]]:
    return [(c.number, c.title) for c in program.contents.all()]


def verbs(record: Any) -> list[str]:
    return list(
        record.history.order_by("history_date", "history_id").values_list("history_verb", flat=True)
    )


# --- Main contents ----------------------------------------------------------------------------


def test_a_content_is_removed_softly_and_restored_at_its_number(
    world: World, tinh: User, xa: User, draft: Program
) -> None:
    two = content(draft, 2)
    with pytest.raises(PermissionDenied):
        services.content_delete(actor=xa, content=two)
    services.content_delete(actor=tinh, content=two)
    assert titles(draft) == [(1, "Một"), (2, "Ba")]
    kept = ProgramContent.all_objects.get(pk=two.pk)
    assert (kept.number, kept.deleted_by) == (2, tinh)
    assert not ProgramContent.objects.visible_to(tinh).filter(pk=two.pk).exists()
    services.contents_add(actor=tinh, program=draft, titles=["Bốn"])  # numbered 3, not 4
    assert titles(draft) == [(1, "Một"), (2, "Ba"), (3, "Bốn")]
    with pytest.raises(Conflict):
        services.content_delete(actor=tinh, content=kept)

    with pytest.raises(PermissionDenied):
        services.content_restore(actor=xa, content=kept)
    services.content_restore(actor=tinh, content=kept)
    assert titles(draft) == [(1, "Một"), (2, "Hai"), (3, "Ba"), (4, "Bốn")]
    assert verbs(kept) == ["", "deleted", "restored"]
    with pytest.raises(Conflict):
        services.content_restore(actor=tinh, content=kept)


def test_a_content_goes_back_last_when_the_list_got_shorter(tinh: User, draft: Program) -> None:
    three = content(draft, 3)
    services.content_delete(actor=tinh, content=three)
    services.content_delete(actor=tinh, content=content(draft, 2))
    services.content_restore(actor=tinh, content=ProgramContent.all_objects.get(pk=three.pk))
    assert titles(draft) == [(1, "Một"), (2, "Ba")]


def test_a_content_is_restored_only_while_a_draft(world: World, tinh: User, draft: Program) -> None:
    two = services.content_delete(actor=tinh, content=content(draft, 2))
    services.program_put_in_force(actor=tinh, program=draft, signed_on=draft.starts_on)
    with pytest.raises(Conflict):
        services.content_restore(actor=tinh, content=two)
    assert titles(draft) == [(1, "Một"), (2, "Ba")]


def test_a_content_with_tasks_is_still_refused(world: World, tinh: User, draft: Program) -> None:
    one = content(draft, 1)
    services_tasks.task_create(
        actor=tinh, content=one, title="Việc", lead=world.party_a, due_on=draft.starts_on
    )
    with pytest.raises(Conflict):
        services.content_delete(actor=tinh, content=one)
    assert ProgramContent.all_objects.get(pk=one.pk).deleted_at is None


def test_the_page_offers_undo(tinh: User, as_user: Any, draft: Program) -> None:
    two = content(draft, 2)
    client = as_user(tinh)
    html = client.post(f"/contents/{two.pk}/", {"delete": "1"}, follow=True).content.decode()
    restore = f"/contents/{two.pk}/restore/"
    assert f'action="{restore}"' in html and "Hai" in html  # the message names it
    assert titles(draft) == [(1, "Một"), (2, "Ba")]
    assert client.get(f"/contents/{two.pk}/").status_code == 404  # gone from the pages
    assert client.get(restore).status_code == 405
    back = client.post(restore, follow=True)
    assert back.status_code == 200 and titles(draft) == [(1, "Một"), (2, "Hai"), (3, "Ba")]
    section = back.content.decode().split('id="structure-history"')[1]
    assert "Hai" in section


@pytest.mark.parametrize(("who", "expected"), [("xa2", 404), ("outsider", 404), ("xa", 403)])
def test_the_restore_page_refuses_others(
    tinh: User,
    as_user: Any,
    draft: Program,
    request: pytest.FixtureRequest,
    who: str,
    expected: int,
) -> None:
    two = services.content_delete(actor=tinh, content=content(draft, 2))
    client = as_user(request.getfixturevalue(who))
    assert client.post(f"/contents/{two.pk}/restore/").status_code == expected
    assert Client().post(f"/contents/{two.pk}/restore/").status_code == 302  # to sign in
    assert titles(draft) == [(1, "Một"), (2, "Ba")]


def test_the_api_removes_and_restores_a_content(
    tinh: User, xa: User, xa2: User, outsider: User, draft: Program
) -> None:
    client, two = bearer(tinh), content(draft, 2)
    assert client.delete(f"{API}/contents/{two.pk}").status_code == 204
    listed = client.get(f"{API}/programs/{draft.pk}/contents").json()["items"]
    assert [c["title"] for c in listed] == ["Một", "Ba"]
    url = f"{API}/contents/{two.pk}/restore"
    assert [send(bearer(u), "post", url).status_code for u in (xa2, outsider, xa)] == [
        404,
        404,
        403,
    ]
    assert send(Client(), "post", url).status_code == 401
    assert titles(draft) == [(1, "Một"), (2, "Ba")]
    restored = send(client, "post", url)
    assert restored.status_code == 200 and restored.json()["number"] == 2
    assert [c["title"] for c in client.get(f"{API}/programs/{draft.pk}").json()["contents"]] == [
        "Một",
        "Hai",
        "Ba",
    ]
    assert send(client, "post", url).status_code == 409


# --- Parties ----------------------------------------------------------------------------------


def test_a_party_is_removed_softly_revived_when_named_again_and_restored(
    world: World, tinh: User, xa: User, draft: Program
) -> None:
    services.program_set_parties(
        actor=tinh, program=draft, parties=[(world.commission, "Trưởng ban"), (world.front_a, "")]
    )
    removed = ProgramParty.all_objects.get(program=draft, organization=world.party_a)
    assert removed.deleted_by == tinh and verbs(removed)[-1] == "deleted"
    assert set(draft.parties.values_list("organization_id", flat=True)) == {
        world.commission.pk,
        world.front_a.pk,
    }
    assert not selectors.programs_for_user(tinh, party=world.party_a.pk).exists()
    with pytest.raises(PermissionDenied):
        services.party_restore(actor=xa, party=removed)
    services.party_restore(actor=tinh, party=removed)
    assert draft.parties.filter(organization=world.party_a).exists()
    assert selectors.programs_for_user(tinh, party=world.party_a.pk).get() == draft
    with pytest.raises(Conflict):
        services.party_restore(actor=tinh, party=removed)

    services.program_set_parties(actor=tinh, program=draft, parties=[(world.front_a, "")])
    services.program_set_parties(
        actor=tinh, program=draft, parties=[(world.front_a, ""), (world.party_a, "Bí thư")]
    )  # named again: the same row comes back
    assert ProgramParty.all_objects.filter(program=draft, organization=world.party_a).count() == 1
    assert verbs(removed)[-2:] == ["deleted", "restored"]


def test_a_removed_party_no_longer_opens_the_programme(
    world: World, tinh: User, xa: User, draft: Program
) -> None:
    """Commune A's Front saw the programme as a party; once removed it does not."""
    assert selectors.get_program_for_user(xa, draft.pk) == draft
    services.program_set_parties(actor=tinh, program=draft, parties=[(world.party_a, "")])
    assert not type(draft).objects.visible_to(xa).filter(pk=draft.pk).exists()
    party = ProgramParty.all_objects.get(program=draft, organization=world.front_a)
    services.party_restore(actor=tinh, party=party)
    assert type(draft).objects.visible_to(xa).filter(pk=draft.pk).exists()


def test_the_parties_page_offers_undo_for_each_removed_party(
    world: World, tinh: User, xa2: User, as_user: Any, draft: Program
) -> None:
    parties = {p.organization_id: p for p in draft.parties.all()}
    client = as_user(tinh)
    html = client.post(
        f"/programs/{draft.pk}/parties/",
        {
            f"party_{parties[world.commission.pk].pk}": "Trưởng ban",
            f"party_{parties[world.party_a.pk].pk}": "",
            f"remove_{parties[world.party_a.pk].pk}": "on",
            f"party_{parties[world.front_a.pk].pk}": "",
        },
        follow=True,
    ).content.decode()
    removed = parties[world.party_a.pk]
    restore = f"/programs/parties/{removed.pk}/restore/"
    assert f'action="{restore}"' in html and html.count("/restore/") == 1
    assert as_user(xa2).post(restore).status_code == 404
    assert client.get(restore).status_code == 405
    assert not draft.parties.filter(organization=world.party_a).exists()
    assert client.post(restore).status_code == 302
    assert draft.parties.filter(organization=world.party_a).exists()
    assert client.post(restore).status_code == 404  # not removed any more


def test_the_api_restores_a_party_by_its_organisation(
    world: World, tinh: User, xa: User, xa2: User, draft: Program
) -> None:
    client = bearer(tinh)
    body = {"parties": [{"organization_id": world.front_a.pk, "signatory_title": ""}]}
    assert send(client, "put", f"{API}/programs/{draft.pk}/parties", body).status_code == 200
    url = f"{API}/programs/{draft.pk}/parties/{world.party_a.pk}/restore"
    assert send(bearer(xa2), "post", url).status_code == 404
    assert send(bearer(xa), "post", url).status_code == 403
    assert send(Client(), "post", url).status_code == 401
    restored = send(client, "post", url)
    assert restored.status_code == 200
    assert {p["organization_id"] for p in restored.json()["parties"]} == {
        world.commission.pk,
        world.party_a.pk,
        world.front_a.pk,
    }
    assert send(client, "post", url).status_code == 404  # nothing removed to restore
