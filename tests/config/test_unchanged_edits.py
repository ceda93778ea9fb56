"""An edit that changes nothing writes nothing: no save, no empty «changed» line in the history.

An API client putting the same values back, or an officer pressing Save on a form they did not
touch, leaves the record and its history as they were; a real change is recorded as before.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from danvan.lib.history import save_if_changed
from danvan.org.models import Organization
from tests.conftest import World
from tests.factories import DocumentFactory, OversightFactory, PracticeFactory, ProgramFactory
from tests.org.test_api import bearer

# The record, its API address, a body putting back what it holds, a body changing it.
Case = tuple[Any, str, dict[str, Any], dict[str, Any]]


def _patch(client: Any, url: str, body: dict[str, Any]) -> Any:
    return client.patch(url, json.dumps(body), content_type="application/json")


def _document(world: World, users: dict[str, Any]) -> Case:
    document = DocumentFactory()
    same = {"title": document.title, "issuer": f"  {document.issuer} ", "number": document.number}
    return document, f"/api/v1/documents/{document.pk}", same, {"title": "Quy định mới"}


def _program(world: World, users: dict[str, Any]) -> Case:
    program = ProgramFactory(lead=world.commission, parties=[world.front_a])
    same = {"title": program.title, "term": program.term, "document_ids": []}
    return program, f"/api/v1/programs/{program.pk}", same, {"title": "Chương trình đã sửa"}


def _oversight(world: World, users: dict[str, Any]) -> Case:
    oversight = OversightFactory(lead=world.commission, subjects=[world.front_a])
    same = {"title": oversight.title, "subject_ids": [world.front_a.pk]}
    changed = {"subject_ids": [world.front_a.pk, world.front_b.pk]}  # a many-to-many change only
    return oversight, f"/api/v1/oversights/{oversight.pk}", same, changed


def _practice(world: World, users: dict[str, Any]) -> Case:
    practice = PracticeFactory(actor=users["xa"], organization=world.front_a)
    same = {"name": practice.name, "field": practice.field}
    return practice, f"/api/v1/practices/{practice.pk}", same, {"name": "Mô hình đã sửa"}


def _organization(world: World, users: dict[str, Any]) -> Case:
    org = world.front_a
    same = {"name": org.name, "kind_id": org.kind_id, "area_id": org.area_id, "email": ""}
    return org, f"/api/v1/organizations/{org.pk}", same, {"phone": "0238 3844 555"}


CASES: dict[str, tuple[Callable[..., Case], str]] = {
    "document": (_document, "tinh"),
    "programme": (_program, "tinh"),
    "oversight": (_oversight, "tinh"),
    "practice": (_practice, "xa"),
    "organisation": (_organization, "lanhdao"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_a_patch_with_the_same_values_writes_no_history(
    case: str, world: World, tinh, lanhdao, xa, xa2
) -> None:
    make, editor = CASES[case]
    users = {"tinh": tinh, "lanhdao": lanhdao, "xa": xa}
    record, url, same, changed = make(world, users)
    entries = record.history.count()  # type: ignore[attr-defined]
    response = _patch(bearer(users[editor]), url, same)
    assert response.status_code == 200, response.content
    assert record.history.count() == entries  # type: ignore[attr-defined]
    assert _patch(bearer(xa2), url, changed).status_code in (403, 404)  # refused: nothing written
    assert record.history.count() == entries  # type: ignore[attr-defined]
    assert _patch(bearer(users[editor]), url, changed).status_code == 200
    assert record.history.count() == entries + 1  # type: ignore[attr-defined]
    latest = record.history.first()  # type: ignore[attr-defined]
    assert latest.history_user == users[editor]


def test_saving_an_untouched_form_writes_no_history(world: World, lanhdao, as_user) -> None:
    org = world.front_a
    form = {
        "name": org.name, "abbreviation": org.abbreviation, "kind": org.kind_id,
        "area": org.area_id, "email": org.email, "phone": org.phone, "address": org.address,
        "established_on": "",
    }  # fmt: skip
    client = as_user(lanhdao)
    entries = org.history.count()
    response = client.post(f"/orgs/{org.pk}/edit/", form)
    assert response.status_code == 302
    assert org.history.count() == entries
    response = client.post(f"/orgs/{org.pk}/edit/", {**form, "address": "Bản Huồi Khe"})
    assert response.status_code == 302
    assert org.history.count() == entries + 1
    assert Organization.objects.get(pk=org.pk).address == "Bản Huồi Khe"


def test_it_compares_with_the_database_not_with_the_instance(world: World, tinh) -> None:
    """A model form sets the new values on the instance before the service runs: the edit is
    still saved, because the comparison is with the stored row."""
    org = world.front_a
    org.address = "Bản Huồi Khe"  # as a bound model form would have done
    assert save_if_changed(org, tinh) is True
    assert Organization.objects.get(pk=org.pk).address == "Bản Huồi Khe"
    assert org.history.first().history_user == tinh
    assert save_if_changed(Organization.objects.get(pk=org.pk), tinh) is False
