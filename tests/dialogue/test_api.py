"""The dialogue API: reception sessions, dialogues and their commitments, the scorecard and the
data subject requests — who may, who is refused, and that a refusal changes nothing."""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from danvan.accounts.models import User
from danvan.dialogue import services_petitions
from danvan.dialogue.models import (
    Commitment,
    DataRequest,
    Dialogue,
    DialogueStatus,
    Petition,
    Petitioner,
    Reception,
)
from danvan.lib import periods
from danvan.org.models import Role
from tests.conftest import World
from tests.dialogue.conftest import PERSON
from tests.factories import member
from tests.org.test_api import bearer

pytestmark = pytest.mark.django_db
API = "/api/v1"
TODAY = timezone.localdate()


def days(n: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=n)


def post(client: Client, url: str, data: dict[str, Any] | None = None) -> Any:
    return client.post(url, json.dumps(data or {}), content_type="application/json")


def patch(client: Client, url: str, data: dict[str, Any]) -> Any:
    return client.patch(url, json.dumps(data), content_type="application/json")


def english(client: Client) -> Client:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def filed(file_petition: Callable[..., Petition]) -> Callable[..., Petition]:
    def make(actor: User | None = None, **fields: Any) -> Petition:
        return file_petition(actor, **{"received_on": days(-2), "today": TODAY, **fields})

    return make


# --- Reception sessions ----------------------------------------------------------------------


@pytest.fixture
def reception_payload(world: World) -> dict[str, Any]:
    return {
        "organization": world.front_a.pk,
        "held_on": days(-3).isoformat(),
        "host_role": "front_chair",
        "place": "Nhà văn hóa thôn 3",
        "citizens": 12,
        "cases": 4,
    }


def test_xa_records_a_reception_that_xa2_cannot_reach(
    world: World, xa: User, xa2: User, tinh: User, reception_payload: dict[str, Any]
) -> None:
    created = post(bearer(xa), f"{API}/receptions", reception_payload)
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["organization"] == {"id": world.front_a.pk, "name": world.front_a.name}
    assert (body["kind"], body["citizens"], body["cases"]) == ("regular", 12, 4)
    url = f"{API}/receptions/{body['id']}"

    other = bearer(xa2)
    assert other.get(url).status_code == 404
    assert patch(other, url, {"place": "Khác"}).status_code == 404
    assert other.get(f"{url}/history").status_code == 404
    assert other.get(f"{API}/receptions").json()["count"] == 0
    assert Reception.objects.get().place == "Nhà văn hóa thôn 3"
    assert Client().get(f"{API}/receptions").status_code == 401
    assert post(Client(), f"{API}/receptions", reception_payload).status_code == 401
    viewer = bearer(member(world.commission, Role.VIEWER))
    assert post(viewer, f"{API}/receptions", reception_payload).status_code == 403
    assert patch(viewer, url, {"place": "Khác"}).status_code == 403
    assert Reception.objects.count() == 1

    listed = bearer(tinh).get(f"{API}/receptions").json()
    assert listed["count"] == 1 and listed["items"][0]["id"] == body["id"]


def test_reception_filters_patch_and_history(
    world: World, xa: User, tinh: User, record_reception: Callable[..., Reception]
) -> None:
    mine = record_reception(xa, organization=world.front_a, held_on=days(-3), today=TODAY)
    theirs = record_reception(None, organization=world.party_b, held_on=days(-400), today=TODAY)
    client = bearer(tinh)

    def ids(**query: Any) -> set[int]:
        response = client.get(f"{API}/receptions", query)
        assert response.status_code == 200, response.content
        return {r["id"] for r in response.json()["items"]}

    assert ids() == {mine.pk, theirs.pk}
    assert ids(organization=world.party_a.pk) == {mine.pk}  # the unit and those below
    assert ids(year=days(-3).year) == {mine.pk}  # 400 days apart: never the same year
    assert ids(year=days(-400).year) == {theirs.pk}
    assert client.get(f"{API}/receptions", {"year": 1200}).status_code == 422
    assert (
        bearer(xa).get(f"{API}/receptions", {"organization": world.party_b.pk}).status_code == 404
    )

    url = f"{API}/receptions/{mine.pk}"
    read = bearer(xa).get(url)
    assert read.status_code == 200 and read.json()["held_on"] == days(-3).isoformat()
    changed = patch(bearer(xa), url, {"place": "Trụ sở UBMTTQ xã", "citizens": 20})
    assert changed.status_code == 200, changed.content
    assert (changed.json()["place"], changed.json()["citizens"]) == ("Trụ sở UBMTTQ xã", 20)
    assert patch(bearer(xa), url, {"place": None}).status_code == 422
    future = patch(english(bearer(xa)), url, {"held_on": days(5).isoformat()})
    assert future.status_code == 400 and "future" in future.json()["errors"]["held_on"][0]
    blank = patch(bearer(xa), url, {"place": "  "})
    assert blank.status_code == 400 and "place" in blank.json()["errors"]
    assert Reception.objects.get(pk=mine.pk).place == "Trụ sở UBMTTQ xã"
    history = bearer(xa).get(f"{url}/history").json()
    assert len(history) == 2 and history[0]["who"] == str(xa)


def test_a_reception_for_a_unit_outside_the_scope_is_refused(
    world: World, xa: User, reception_payload: dict[str, Any]
) -> None:
    theirs = post(bearer(xa), f"{API}/receptions", {**reception_payload, "organization": world.front_b.pk})  # fmt: skip
    assert theirs.status_code == 400 and "organization" in theirs.json()["errors"]
    role = post(bearer(xa), f"{API}/receptions", {**reception_payload, "host_role": "king"})
    assert role.status_code == 422
    assert not Reception.objects.exists()


# --- Dialogues and commitments ---------------------------------------------------------------


@pytest.fixture
def dialogue_payload(world: World) -> dict[str, Any]:
    return {
        "organization": world.party_a.pk,
        "kind": "conference",
        "title": "Hội nghị đối thoại với nhân dân xã Mường Xén",
        "held_on": days(-20).isoformat(),
        "announced_on": days(-30).isoformat(),
        "host_role": "party_secretary",
        "co_hosts": [world.front_a.pk],
        "place": "Hội trường xã",
    }


def test_a_dialogue_from_announcement_to_its_commitments(
    world: World, tinh: User, xa2: User, dialogue_payload: dict[str, Any]
) -> None:
    client = bearer(tinh)
    created = post(client, f"{API}/dialogues", dialogue_payload)
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["status"] == "planned" and body["co_hosts"] == [
        {"id": world.front_a.pk, "name": world.front_a.name}
    ]
    assert body["publish_due"] == days(-10).isoformat() and body["publication_late"] is False
    assert body["commitments"] == []
    url = f"{API}/dialogues/{body['id']}"
    assert client.get(url).json()["title"] == dialogue_payload["title"]

    early = post(client, f"{url}/commitments", {"text": "x", "due_on": TODAY.isoformat(), "responsible_name": "UBND xã"})  # fmt: skip
    assert early.status_code == 409  # commitments come once it is held
    blank = post(client, f"{url}/hold", {"participants": 120, "issues_raised": " "})
    assert blank.status_code == 400 and "issues_raised" in blank.json()["errors"]
    held = post(client, f"{url}/hold", {"participants": 120, "issues_raised": "Đường liên thôn"})
    assert held.status_code == 200, held.content
    assert held.json()["status"] == "held" and held.json()["publication_late"] is True
    assert post(client, f"{url}/hold", {"participants": 1, "issues_raised": "x"}).status_code == 409

    committed = post(
        client,
        f"{url}/commitments",
        {"text": "Sửa đường liên thôn trước mùa mưa", "due_on": days(30).isoformat(),
         "responsible": world.party_a.pk},
    )  # fmt: skip
    assert committed.status_code == 201, committed.content
    kept_id = committed.json()["id"]
    assert committed.json()["responsible"] == {"id": world.party_a.pk, "name": world.party_a.name}
    assert committed.json()["overdue"] is False
    other = post(client, f"{url}/commitments", {"text": "Lắp đèn", "due_on": days(-1).isoformat(), "responsible_name": "Điện lực huyện"})  # fmt: skip
    assert other.status_code == 201 and other.json()["overdue"] is True
    assert other.json()["responsible"] is None
    assert other.json()["responsible_name"] == "Điện lực huyện"
    nobody = post(client, f"{url}/commitments", {"text": "x", "due_on": TODAY.isoformat()})
    assert nobody.status_code == 400 and "responsible" in nobody.json()["errors"]

    kept = post(client, f"{API}/commitments/{kept_id}/keep", {"evidence": "Biên bản nghiệm thu"})
    assert kept.status_code == 200 and kept.json()["status"] == "kept"
    assert kept.json()["done_on"] == TODAY.isoformat()
    again = post(client, f"{API}/commitments/{kept_id}/keep", {"evidence": "x"})
    assert again.status_code == 409
    failed = post(client, f"{API}/commitments/{other.json()['id']}/not-kept", {"reason": "Thiếu kinh phí"})  # fmt: skip
    assert failed.status_code == 200 and failed.json()["status"] == "not_kept"
    assert failed.json()["overdue"] is False

    published = post(client, f"{url}/publish", {"results": "Đã thông báo kết quả đối thoại"})
    assert published.status_code == 200, published.content
    detail = published.json()
    assert detail["status"] == "published" and detail["published_on"] == TODAY.isoformat()
    assert detail["publication_late"] is True  # published after the set 10 days
    assert [c["status"] for c in detail["commitments"]] == ["not_kept", "kept"]

    verbs = [h["verb"] for h in client.get(f"{url}/history").json()]
    assert verbs[:2] == ["published", "held"]
    assert client.get(f"{API}/commitments/{kept_id}/history").json()[0]["verb"] == "kept"

    # Commune B's reporter sees none of it.
    stranger = bearer(xa2)
    assert stranger.get(url).status_code == 404
    assert stranger.get(f"{url}/history").status_code == 404
    assert post(stranger, f"{url}/cancel", {"reason": "x"}).status_code == 404
    assert post(stranger, f"{API}/commitments/{kept_id}/not-kept", {"reason": "x"}).status_code == 404  # fmt: skip
    assert stranger.get(f"{API}/dialogues").json()["count"] == 0
    assert Client().get(f"{API}/dialogues").status_code == 401
    assert Dialogue.objects.get().status == DialogueStatus.PUBLISHED


def test_a_late_announcement_needs_urgency_and_a_reason(
    world: World, tinh: User, dialogue_payload: dict[str, Any]
) -> None:
    client = english(bearer(tinh))
    late = {**dialogue_payload, "announced_on": days(-22).isoformat()}
    refused = post(client, f"{API}/dialogues", late)
    assert refused.status_code == 400 and "urgent" in refused.json()["errors"]["announced_on"][0]
    no_reason = post(client, f"{API}/dialogues", {**late, "urgent": True})
    assert no_reason.status_code == 400 and "urgent_reason" in no_reason.json()["errors"]
    stranger = post(client, f"{API}/dialogues", {**dialogue_payload, "co_hosts": [999999]})
    assert stranger.status_code == 400 and "co_hosts" in stranger.json()["errors"]
    assert not Dialogue.objects.exists()
    urgent = post(client, f"{API}/dialogues", {**late, "urgent": True, "urgent_reason": "Sạt lở"})
    assert urgent.status_code == 201, urgent.content


def test_dialogue_filters_patch_and_cancel(
    world: World, xa: User, tinh: User, hold_dialogue: Callable[..., Dialogue]
) -> None:
    conference = hold_dialogue(tinh, held_on=days(-20), announced_on=days(-30))
    thematic = hold_dialogue(
        None, organization=world.party_b, kind="thematic", title="Đối thoại về tái định cư",
        held_on=days(20), announced_on=days(-1),
    )  # fmt: skip
    client = bearer(tinh)

    def ids(**query: Any) -> set[int]:
        response = client.get(f"{API}/dialogues", query)
        assert response.status_code == 200, response.content
        return {d["id"] for d in response.json()["items"]}

    assert ids() == {conference.pk, thematic.pk}
    assert ids(kind="thematic") == {thematic.pk} and ids(status="held") == set()
    assert ids(organization=world.party_b.pk) == {thematic.pk}
    assert ids(year=days(20).year) >= {thematic.pk}
    assert client.get(f"{API}/dialogues", {"status": "lost"}).status_code == 422

    url = f"{API}/dialogues/{thematic.pk}"
    changed = patch(client, url, {"place": "Nhà văn hóa bản", "co_hosts": [world.front_b.pk], "participants": None})  # fmt: skip
    assert changed.status_code == 200, changed.content
    assert changed.json()["co_hosts"][0]["id"] == world.front_b.pk
    assert patch(client, url, {"title": None}).status_code == 422
    assert patch(bearer(xa), url, {"place": "x"}).status_code == 404  # not xa's
    assert post(client, f"{url}/cancel", {"reason": " "}).status_code == 400
    cancelled = post(client, f"{url}/cancel", {"reason": "Mưa lũ"})
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    assert patch(client, url, {"place": "x"}).status_code == 409
    assert post(client, f"{url}/publish", {"results": "x"}).status_code == 409
    assert Dialogue.objects.get(pk=thematic.pk).place == "Nhà văn hóa bản"
    viewer = bearer(member(world.commission, Role.VIEWER))
    assert post(viewer, f"{API}/dialogues/{conference.pk}/cancel", {"reason": "x"}).status_code == 403  # fmt: skip
    assert Dialogue.objects.get(pk=conference.pk).status == DialogueStatus.PLANNED
    assert Commitment.objects.count() == 0


# --- The scorecard ---------------------------------------------------------------------------


def test_the_scorecard_over_a_scope_and_a_period(
    world: World, xa: User, xa2: User, tinh: User, filed: Callable[..., Petition]
) -> None:
    # All on the real day, so that receipt and settlement fall in the same half year.
    mine = filed(xa, received_on=TODAY)
    filed(None, organization=world.party_a, received_on=TODAY)  # above xa's unit, same commune
    filed(None, organization=world.front_b, area=world.commune_b, received_on=TODAY)
    services_petitions.petition_accept(actor=xa, petition=mine, accepted_on=TODAY, today=TODAY)
    services_petitions.petition_settle(
        actor=xa, petition=mine, result="Đã sửa đường", settled_on=TODAY, today=TODAY
    )
    half = periods.from_date(TODAY, periods.PeriodType.HALF).code
    client = bearer(tinh)

    whole = client.get(f"{API}/scorecards", {"period": half})
    assert whole.status_code == 200, whole.content
    body = whole.json()
    assert (body["period"], body["scope"]) == (half, "")
    assert body["total"]["received"] == 3
    units = {u["id"]: u for u in body["units"]}
    assert units[world.front_a.pk]["settled"] == 1 and units[world.front_a.pk]["on_time"] == 1
    assert units[world.front_a.pk]["on_time_pct"] == 100.0
    assert {a["id"] for a in body["areas"]} == {world.commune_a.pk, world.commune_b.pk}
    assert len(body["trend"]) == 4 and body["trend"][-1]["period"] == half
    assert body["trend"][-1]["received"] == 3

    commune = client.get(f"{API}/scorecards", {"period": half, "scope": f"a{world.commune_a.pk}"})
    assert commune.json()["total"]["received"] == 2
    assert commune.json()["scope_name"] == world.commune_a.name
    unit = client.get(f"{API}/scorecards", {"period": half, "scope": f"o{world.front_b.pk}"})
    assert unit.json()["total"]["received"] == 1

    # xa sees only its Front: the commune counts its unit's petitions, not the Party's above.
    own = bearer(xa).get(f"{API}/scorecards", {"period": half, "scope": f"a{world.commune_a.pk}"})
    assert own.status_code == 200 and own.json()["total"]["received"] == 1
    assert bearer(xa).get(f"{API}/scorecards", {"period": half}).json()["total"]["received"] == 1
    for scope in (f"a{world.commune_b.pk}", f"o{world.front_b.pk}", f"o{world.party_a.pk}"):
        assert bearer(xa).get(f"{API}/scorecards", {"scope": scope}).status_code == 404, scope
    assert bearer(xa2).get(f"{API}/scorecards", {"scope": f"o{world.front_a.pk}"}).status_code == 404  # fmt: skip

    default = client.get(f"{API}/scorecards").json()
    assert default["period"] == periods.from_date(TODAY, periods.PeriodType.HALF).code
    bad = english(client).get(f"{API}/scorecards", {"period": "2026X9"})
    assert bad.status_code == 400 and "period" in bad.json()["errors"]
    term = client.get(f"{API}/scorecards", {"period": "2021-2025"})
    assert term.status_code == 400 and "period" in term.json()["errors"]
    shape = client.get(f"{API}/scorecards", {"scope": "x12"})
    assert shape.status_code == 400 and "scope" in shape.json()["errors"]
    assert Client().get(f"{API}/scorecards").status_code == 401


# --- Data subject requests -------------------------------------------------------------------


def test_an_administrator_handles_a_request_to_erase(
    world: World, quantri: User, xa: User, tinh: User, filed: Callable[..., Petition]
) -> None:
    petition = filed(xa)
    client = bearer(quantri)
    made = post(
        client,
        f"{API}/data-requests",
        {"petition": petition.code.lower(), "kind": "erase", "details": "Gọi điện đề nghị xóa"},
    )
    assert made.status_code == 201, made.content
    body = made.json()
    assert body["petition"] == {"id": petition.pk, "code": petition.code}
    assert (body["state"], body["received_on"], body["overdue"]) == ("received", TODAY.isoformat(), False)  # fmt: skip
    url = f"{API}/data-requests/{body['id']}"

    # Officers who are not administrators are refused, and change nothing.
    for officer in (xa, tinh):
        assert bearer(officer).get(f"{API}/data-requests").status_code == 403
        assert post(bearer(officer), f"{url}/acknowledge").status_code == 403
        assert post(bearer(officer), f"{url}/complete", {"outcome": "x"}).status_code == 403
        refused = post(bearer(officer), f"{API}/data-requests", {"petition": petition.code, "kind": "see"})  # fmt: skip
        assert refused.status_code == 403
    assert Client().get(f"{API}/data-requests").status_code == 401
    assert DataRequest.objects.count() == 1 and DataRequest.objects.get().state == "received"

    acknowledged = post(client, f"{url}/acknowledge")
    assert acknowledged.status_code == 200 and acknowledged.json()["state"] == "acknowledged"
    assert acknowledged.json()["handled_by"] == {"id": quantri.pk, "name": str(quantri)}
    assert post(client, f"{url}/acknowledge").status_code == 409
    assert post(client, f"{url}/complete", {"outcome": " "}).status_code == 400
    done = post(client, f"{url}/complete", {"outcome": "Đã xóa dữ liệu cá nhân"})
    assert done.status_code == 200 and done.json()["state"] == "done"
    assert Petitioner.objects.get().is_erased and not Petition.objects.get().text
    assert post(client, f"{url}/complete", {"outcome": "x"}).status_code == 409
    shown = bearer(xa).get(f"{API}/petitions/{petition.pk}/petitioner").json()
    assert shown["erased"] is True and shown["name"] == ""

    listed = client.get(f"{API}/data-requests").json()
    assert listed["count"] == 1
    assert client.get(f"{API}/data-requests", {"open_only": "true"}).json()["count"] == 0


def test_a_correction_and_a_petition_outside_the_administrators_units(
    world: World, quantri: User, xa: User, filed: Callable[..., Petition]
) -> None:
    petition = filed(xa)
    theirs = filed(None, organization=world.front_b, area=world.commune_b)
    admin_b = bearer(member(world.front_b, Role.ADMIN))
    outside = post(admin_b, f"{API}/data-requests", {"petition": petition.code, "kind": "see"})
    assert outside.status_code == 400 and "petition" in outside.json()["errors"]
    assert post(admin_b, f"{API}/data-requests", {"petition": theirs.code, "kind": "see"}).status_code == 201  # fmt: skip
    unknown = post(bearer(quantri), f"{API}/data-requests", {"petition": "KN-2222-2222", "kind": "see"})  # fmt: skip
    assert unknown.status_code == 400

    client = bearer(quantri)
    made = post(client, f"{API}/data-requests", {"petition": str(petition.pk), "kind": "correct"})
    assert made.status_code == 201
    url = f"{API}/data-requests/{made.json()['id']}"
    assert admin_b.get(f"{API}/data-requests").json()["count"] == 1  # only its own unit's
    assert post(admin_b, f"{url}/acknowledge").status_code == 404
    bad = post(client, f"{url}/complete", {"outcome": "Sửa số điện thoại", "corrections": {"phone": "12"}})  # fmt: skip
    assert bad.status_code == 400 and "phone" in bad.json()["errors"]
    done = post(client, f"{url}/complete", {"outcome": "Sửa số điện thoại", "corrections": {"phone": "0987654321"}})  # fmt: skip
    assert done.status_code == 200, done.content
    person = Petitioner.objects.get(petition=petition)
    assert person.phone == "0987654321" and person.name == PERSON["name"]
