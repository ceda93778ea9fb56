"""The petitions API: intake, the list and its filters, every workflow step, the petitioner's
identity (logged, for the officers handling it) — who may, who is refused, and that no list or
case ever carries the petitioner's personal fields."""

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
from danvan.dialogue.models import (
    Extension,
    IdentityAccess,
    Petition,
    Petitioner,
    PetitionKind,
    PetitionState,
)
from danvan.org.models import Role
from danvan.situation.models import Note, Topic
from tests.conftest import World
from tests.dialogue.conftest import PERSON
from tests.factories import member
from tests.org.test_api import bearer

pytestmark = pytest.mark.django_db
API = "/api/v1"
# The API judges dates against the real day; the petitions here came in a few days before it.
TODAY = timezone.localdate()
RECEIVED = TODAY - datetime.timedelta(days=2)
PERSONAL = (PERSON["name"], PERSON["phone"], PERSON["address"], PERSON["email"], "079201001234")


def post(client: Client, url: str, data: dict[str, Any] | None = None) -> Any:
    return client.post(url, json.dumps(data or {}), content_type="application/json")


def english(client: Client) -> Client:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def no_person(response: Any) -> None:
    """None of the petitioner's personal fields in the answer, escaped or not."""
    raw = response.content.decode()
    text = json.dumps(response.json(), ensure_ascii=False)
    for value in PERSONAL:
        assert value not in raw and value not in text, value


@pytest.fixture
def payload(world: World, land: Topic) -> dict[str, Any]:
    return {
        "organization": world.front_a.pk,
        "area": world.commune_a.pk,
        "topic": str(land.pk),
        "kind": "petition",
        "summary": "Đề nghị sửa chữa đoạn đường liên thôn bị sạt lở",
        "text": "Đoạn đường từ thôn 3 đi trung tâm xã bị sạt lở sau mưa lũ.",
        "petitioner": {**PERSON, "id_number": "079201001234"},
        "consent": True,
    }


@pytest.fixture
def filed(file_petition: Callable[..., Petition]) -> Callable[..., Petition]:
    """Record a petition dated a few days before the real day (keywords override)."""

    def make(actor: User | None = None, **fields: Any) -> Petition:
        return file_petition(actor, **{"received_on": RECEIVED, "today": TODAY, **fields})

    return make


@pytest.fixture
def petition(xa: User, filed: Callable[..., Petition]) -> Petition:
    return filed(xa)


# --- Intake ----------------------------------------------------------------------------------


def test_xa_files_a_petition_that_xa2_cannot_reach(
    world: World, xa: User, xa2: User, tinh: User, outsider: User, payload: dict[str, Any]
) -> None:
    created = post(bearer(xa), f"{API}/petitions", payload)
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["code"].startswith("KN-") and body["channel"] == "api"
    assert (body["state"], body["kind"], body["received_on"]) == (
        "received",
        "petition",
        TODAY.isoformat(),
    )
    assert body["organization"] == {"id": world.front_a.pk, "name": world.front_a.name}
    assert body["topic"]["code"] == "land-clearance" and body["overdue"] is False
    assert body["text"] == payload["text"] and body["extensions"] == []
    no_person(created)
    made = Petition.objects.get()
    assert made.created_by == xa and made.petitioner.name == PERSON["name"]
    url = f"{API}/petitions/{body['id']}"

    other = bearer(xa2)
    assert other.get(url).status_code == 404
    assert other.get(f"{url}/history").status_code == 404
    assert other.get(f"{url}/petitioner").status_code == 404
    for action, data in [
        ("accept", {}),
        ("refuse", {"reason": "Không thuộc thẩm quyền"}),
        ("merge", {"into": body["code"]}),
        ("close", {}),
    ]:
        assert post(other, f"{url}/{action}", data).status_code == 404, action
    assert Petition.objects.get().state == PetitionState.RECEIVED
    assert not IdentityAccess.objects.exists()
    assert other.get(f"{API}/petitions").json()["count"] == 0
    assert bearer(outsider).get(f"{API}/petitions").json()["count"] == 0
    assert bearer(tinh).get(f"{API}/petitions").json()["items"][0]["code"] == body["code"]

    anonymous = Client()
    assert anonymous.get(f"{API}/petitions").status_code == 401
    assert anonymous.get(url).status_code == 401
    assert anonymous.get(f"{url}/petitioner").status_code == 401
    assert post(anonymous, f"{API}/petitions", payload).status_code == 401
    assert post(anonymous, f"{url}/accept").status_code == 401
    assert Petition.objects.count() == 1


def test_the_channel_is_api_unless_an_officers_channel_is_given(
    xa: User, payload: dict[str, Any]
) -> None:
    letter = post(bearer(xa), f"{API}/petitions", {**payload, "channel": "letter"})
    assert letter.status_code == 201 and letter.json()["channel"] == "letter"
    public = post(bearer(xa), f"{API}/petitions", {**payload, "channel": "public_form"})
    assert public.status_code == 422  # the citizens' own channel is not the officers'
    assert Petition.objects.count() == 1


def test_bad_petitions_are_refused_naming_the_field(
    world: World, xa: User, payload: dict[str, Any]
) -> None:
    client = english(bearer(xa))

    def refused(field: str, **changes: Any) -> None:
        response = post(client, f"{API}/petitions", {**payload, **changes})
        assert response.status_code == 400, (field, response.content)
        assert field in response.json()["errors"], response.json()

    refused("organization", organization=world.front_b.pk)  # not in xa's scope
    refused("area", area=world.commune_b.pk)
    refused("topic", topic="no-such-topic")
    refused("received_on", received_on=(TODAY + datetime.timedelta(days=3)).isoformat())
    refused("received_on", received_on="9999-12-31")  # its deadline would pass the calendar
    refused("received_on", received_on="0001-01-01")
    refused("consent", consent=False)
    refused("phone", petitioner={**PERSON, "phone": "12345"})
    refused("email", petitioner={**PERSON, "email": "không phải thư"})
    refused("summary", summary="   ")
    assert post(client, f"{API}/petitions", {**payload, "summary": "x" * 301}).status_code == 422
    assert not Petition.objects.exists() and not Petitioner.objects.exists()


def test_a_viewer_may_read_but_not_file_or_act(
    world: World, payload: dict[str, Any], petition: Petition
) -> None:
    viewer = bearer(member(world.commission, Role.VIEWER))
    assert viewer.get(f"{API}/petitions/{petition.pk}").status_code == 200
    assert post(viewer, f"{API}/petitions", payload).status_code == 403
    url = f"{API}/petitions/{petition.pk}"
    for action, data in [
        ("accept", {}),
        ("refuse", {"reason": "Không thuộc thẩm quyền"}),
        ("refer", {"competent_body_name": "Thanh tra tỉnh"}),
        ("note", {}),
    ]:
        assert post(viewer, f"{url}/{action}", data).status_code == 403, action
    assert viewer.get(f"{url}/petitioner").status_code == 403
    assert Petition.objects.get().state == PetitionState.RECEIVED
    assert Petition.objects.count() == 1 and not Note.objects.exists()
    assert not IdentityAccess.objects.exists()


# --- The person stays out of the lists and the case ------------------------------------------


def test_no_list_case_or_history_carries_the_petitioner(
    xa: User, tinh: User, payload: dict[str, Any]
) -> None:
    typed = {**payload, "summary": "Gọi 0912345678 hoặc CCCD 079201001234 về đường sạt lở"}
    created = post(bearer(xa), f"{API}/petitions", typed)
    assert created.status_code == 201
    no_person(created)
    assert "•••" in created.json()["summary"]  # numbers typed in the text are masked
    pk = created.json()["id"]
    client = bearer(tinh)
    post(client, f"{API}/petitions/{pk}/accept")
    for url in (
        f"{API}/petitions",
        f"{API}/petitions?q=duong",
        f"{API}/petitions/{pk}",
        f"{API}/petitions/{pk}/history",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        no_person(response)


def test_the_petitioner_is_shown_to_officers_handling_it_and_logged(
    world: World, xa: User, tinh: User, petition: Petition
) -> None:
    url = f"{API}/petitions/{petition.pk}/petitioner"
    shown = bearer(xa).get(url)
    assert shown.status_code == 200
    body = shown.json()
    assert (body["name"], body["phone"], body["address"]) == (
        PERSON["name"],
        PERSON["phone"],
        PERSON["address"],
    )
    assert body["erased"] is False and body["consent_version"] == settings.DANVAN_CONSENT_VERSION
    access = IdentityAccess.objects.get()
    assert (access.user, access.petition, access.purpose) == (xa, petition, "view")

    # Another unit's officer in the same commune sees nothing of it.
    party = bearer(member(world.party_b, Role.LEADER))
    assert party.get(url).status_code == 404
    assert IdentityAccess.objects.count() == 1


def test_a_denouncer_is_shown_only_to_the_assigned_handler(
    xa: User, tinh: User, filed: Callable[..., Petition]
) -> None:
    denunciation = filed(xa, kind=PetitionKind.DENUNCIATION)
    url = f"{API}/petitions/{denunciation.pk}"
    assert bearer(tinh).get(f"{url}/petitioner").status_code == 403
    assert bearer(xa).get(f"{url}/petitioner").status_code == 403
    # Denunciations are referred, not accepted here.
    assert post(bearer(tinh), f"{url}/accept").status_code == 409
    referred = post(bearer(tinh), f"{url}/refer", {"competent_body_name": "Thanh tra tỉnh"})
    assert referred.status_code == 200 and referred.json()["state"] == "referred"
    assert referred.json()["competent_body_name"] == "Thanh tra tỉnh"
    assigned = post(bearer(tinh), f"{url}/assign", {"handler": xa.pk})
    assert assigned.json()["handler"] == {"id": xa.pk, "name": str(xa)}
    assert bearer(xa).get(f"{url}/petitioner").json()["name"] == PERSON["name"]
    assert bearer(tinh).get(f"{url}/petitioner").status_code == 403
    assert list(IdentityAccess.objects.values_list("user", flat=True)) == [xa.pk]


# --- The list --------------------------------------------------------------------------------


def test_the_petition_list_filters(
    world: World, xa: User, tinh: User, land: Topic, filed: Callable[..., Petition]
) -> None:
    mine = filed(xa)
    health = Topic.objects.get(code="health")
    other = filed(
        None,
        organization=world.front_b,
        area=world.commune_b,
        topic=health,
        kind=PetitionKind.FEEDBACK,
        summary="Trạm y tế xã thiếu thuốc",
    )
    late = filed(None, received_on=TODAY - datetime.timedelta(days=60), summary="Cầu treo hỏng")
    client = bearer(tinh)

    def codes(**query: Any) -> set[str]:
        response = client.get(f"{API}/petitions", query)
        assert response.status_code == 200, response.content
        return {p["code"] for p in response.json()["items"]}

    everything = {mine.code, other.code, late.code}
    assert codes() == everything
    assert codes(kind="feedback") == {other.code}
    assert codes(state="received") == everything and codes(state="settled") == set()
    assert codes(topic=str(land.group.pk)) == {mine.code, late.code}  # a group: its topics
    assert codes(topic=str(health.pk)) == {other.code}
    assert codes(area=world.commune_b.pk) == {other.code}
    assert codes(area=world.province.pk) == everything  # a subtree
    assert codes(organization=world.party_a.pk) == {mine.code, late.code}
    assert codes(overdue="true") == {late.code}
    assert codes(overdue="false") == {mine.code, other.code}
    assert codes(q="TRAM Y TE XA") == {other.code}  # accents optional
    assert codes(q=mine.code) == {mine.code}

    item = next(p for p in client.get(f"{API}/petitions").json()["items"] if p["id"] == late.pk)
    assert item["overdue"] is True and item["area"] == {"id": world.commune_a.pk, "name": world.commune_a.name}  # fmt: skip
    assert set(item) == {
        "id", "code", "summary", "kind", "kind_label", "channel", "state", "state_label",
        "organization", "area", "topic", "received_on", "due_on", "overdue", "settle_due",
        "settled_on", "on_time",
    }  # fmt: skip

    bad = english(client).get(f"{API}/petitions", {"topic": "no-such-topic"})
    assert bad.status_code == 400 and "topic" in bad.json()["errors"]
    assert client.get(f"{API}/petitions", {"state": "lost"}).status_code == 422
    # Outside xa's scope: 404, as a missing area or unit.
    assert bearer(xa).get(f"{API}/petitions", {"area": world.commune_b.pk}).status_code == 404
    assert bearer(xa).get(f"{API}/petitions", {"organization": world.front_b.pk}).status_code == 404


def test_the_list_does_not_grow_its_queries(
    tinh: User, filed: Callable[..., Petition], django_assert_max_num_queries: Any
) -> None:
    for _ in range(5):
        filed(tinh)
    client = bearer(tinh)
    client.get(f"{API}/petitions")
    with django_assert_max_num_queries(12) as few:
        assert client.get(f"{API}/petitions").json()["count"] == 5
    for _ in range(25):
        filed(tinh)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(client.get(f"{API}/petitions").json()["items"]) == 30


# --- The workflow ----------------------------------------------------------------------------


def test_a_whole_case_through_the_api_alone(xa: User, tinh: User, payload: dict[str, Any]) -> None:
    client = bearer(xa)
    created = post(client, f"{API}/petitions", payload)
    assert created.status_code == 201
    url = f"{API}/petitions/{created.json()['id']}"

    accepted = post(client, f"{url}/accept", {"complexity": "normal", "handler": xa.pk})
    assert accepted.status_code == 200, accepted.content
    body = accepted.json()
    assert body["state"] == "in_progress" and body["accepted_on"] == TODAY.isoformat()
    assert body["settle_due"] == body["due_on"] and body["handler"]["id"] == xa.pk
    settle_due = datetime.date.fromisoformat(body["settle_due"])

    extended = post(client, f"{url}/extend", {"working_days": 5, "reason": "Cần xác minh thực địa"})
    assert extended.status_code == 200, extended.content
    (extension,) = extended.json()["extensions"]
    assert extension["working_days"] == 5 and extension["previous_due"] == body["settle_due"]
    assert datetime.date.fromisoformat(extended.json()["due_on"]) > settle_due
    assert extended.json()["settle_due"] == body["settle_due"]  # the law's date stays

    settled = post(client, f"{url}/settle", {"result": "Đã sửa chữa xong đoạn đường sạt lở"})
    assert settled.status_code == 200, settled.content
    assert settled.json()["state"] == "settled" and settled.json()["on_time"] is True

    confirmed = post(client, f"{url}/confirm", {"confirmation": "satisfied", "comment": "Cảm ơn"})
    assert confirmed.status_code == 200, confirmed.content
    assert (confirmed.json()["state"], confirmed.json()["confirmation"]) == ("closed", "satisfied")

    reopened = post(client, f"{url}/reopen", {"reason": "Đường lại sạt lở sau mưa"})
    assert reopened.status_code == 200, reopened.content
    body = reopened.json()
    assert (body["state"], body["reopened"], body["confirmation"]) == ("in_progress", 1, "")
    assert body["settled_on"] is None and body["on_time"] is None

    history = english(client).get(f"{url}/history").json()
    verbs = [h["verb"] for h in history]
    assert verbs[:5] == ["reopened", "confirmed", "settled", "extended", "accepted"]
    assert history[0]["reason"] == "Đường lại sạt lở sau mưa" and history[0]["who"] == str(xa)
    assert post(client, f"{url}/accept").status_code == 409  # no longer received


def test_an_extension_beyond_the_maximum_is_refused(xa: User, petition: Petition) -> None:
    client = english(bearer(xa))
    url = f"{API}/petitions/{petition.pk}"
    assert post(client, f"{url}/extend", {"working_days": 5, "reason": "x"}).status_code == 409
    post(client, f"{url}/accept")
    assert (
        post(client, f"{url}/extend", {"working_days": 10, "reason": "Xác minh"}).status_code == 200
    )
    due = Petition.objects.get().due_on
    refused = post(client, f"{url}/extend", {"working_days": 6, "reason": "Xác minh thêm"})
    assert refused.status_code == 400
    message = refused.json()["errors"]["working_days"][0]
    assert "at most 15" in message and "at most 5 more" in message
    assert post(client, f"{url}/extend", {"working_days": 0, "reason": "x"}).status_code == 400
    assert Extension.objects.count() == 1 and Petition.objects.get().due_on == due


def test_settling_without_a_result_is_refused(xa: User, petition: Petition) -> None:
    client = bearer(xa)
    url = f"{API}/petitions/{petition.pk}"
    post(client, f"{url}/accept")
    refused = post(client, f"{url}/settle", {"result": "   "})
    assert refused.status_code == 400 and "result" in refused.json()["errors"]
    assert post(client, f"{url}/settle", {}).status_code == 422
    assert Petition.objects.get().state == PetitionState.ACCEPTED
    assert post(client, f"{url}/confirm", {"confirmation": "satisfied"}).status_code == 409
    assert post(client, f"{url}/close").status_code == 409
    assert Petition.objects.get().state == PetitionState.ACCEPTED


def test_refuse_then_reopen_and_settle_then_close(xa: User, filed: Callable[..., Petition]) -> None:
    client = bearer(xa)
    first, second = filed(xa), filed(xa, summary="Đèn đường hỏng")
    url = f"{API}/petitions/{first.pk}"
    assert post(client, f"{url}/refuse", {"reason": "  "}).status_code == 400
    said = "Trùng đơn đã giải quyết (SĐT 0912345678, CCCD 001234567890)"
    refused = post(client, f"{url}/refuse", {"reason": said})
    assert refused.status_code == 200 and refused.json()["state"] == "refused"
    # Phone and ID numbers in a reason are masked, in the record and in its history.
    assert refused.json()["refusal_reason"].startswith("Trùng đơn đã giải quyết (SĐT ")
    reopened = post(client, f"{url}/reopen", {"reason": "Gọi lại 0987 654 321: đã có thẩm quyền"})
    assert reopened.json()["state"] == "accepted" and reopened.json()["refusal_reason"] == ""
    reasons = " ".join(h["reason"] for h in client.get(f"{url}/history").json())
    assert "Trùng đơn" in reasons and "thẩm quyền" in reasons
    for number in ("0912345678", "001234567890", "0987 654 321"):
        assert number not in reasons and number not in str(
            Petition.objects.get(pk=first.pk).refusal_reason
        )

    other = f"{API}/petitions/{second.pk}"
    post(client, f"{other}/accept")
    post(client, f"{other}/settle", {"result": "Đã thay đèn", "publish": False})
    closed = post(client, f"{other}/close")
    assert closed.status_code == 200, closed.content
    assert closed.json()["state"] == "closed" and closed.json()["published"] is False
    assert closed.json()["confirmation"] == ""


def test_referring_to_a_unit_of_the_area(
    world: World, xa: User, tinh: User, petition: Petition
) -> None:
    url = f"{API}/petitions/{petition.pk}"
    client = bearer(tinh)
    elsewhere = post(client, f"{url}/refer", {"competent_body": world.party_b.pk})
    assert elsewhere.status_code == 400 and "competent_body" in elsewhere.json()["errors"]
    nobody = post(client, f"{url}/refer", {})
    assert nobody.status_code == 400 and "competent_body" in nobody.json()["errors"]
    referred = post(
        client, f"{url}/refer", {"competent_body": world.party_a.pk, "reason": "Đất đai"}
    )
    assert referred.status_code == 200, referred.content
    assert referred.json()["competent_body"] == {"id": world.party_a.pk, "name": world.party_a.name}
    assert referred.json()["state"] == "referred"
    assert bearer(tinh).get(f"{url}/history").json()[0]["reason"] == "Đất đai"


def test_merging_by_code_and_the_cycle_refused(
    xa: User, xa2: User, filed: Callable[..., Petition]
) -> None:
    client = english(bearer(xa))
    first, second = filed(xa), filed(xa)
    url = f"{API}/petitions/{first.pk}"
    assert post(client, f"{url}/merge", {"into": first.code}).status_code == 400  # itself
    unknown = post(client, f"{url}/merge", {"into": "KN-2222-2222"})
    assert unknown.status_code == 400 and "into" in unknown.json()["errors"]
    typed = second.code.lower().replace("-", " ")  # as a citizen reads it out
    merged = post(client, f"{url}/merge", {"into": typed, "reason": "Trùng nội dung"})
    assert merged.status_code == 200, merged.content
    assert merged.json()["state"] == "merged" and merged.json()["merged_into"] == second.code
    assert client.get(f"{API}/petitions/{second.pk}").json()["duplicates"] == [first.code]

    back = post(client, f"{API}/petitions/{second.pk}/merge", {"into": str(first.pk)})
    assert back.status_code == 400
    assert "cycle" in back.json()["errors"]["into"][0]
    assert Petition.objects.get(pk=second.pk).state == PetitionState.RECEIVED
    assert Petition.objects.get(pk=second.pk).merged_into is None


def test_a_merge_into_a_petition_outside_the_scope_is_refused(
    world: World, xa: User, filed: Callable[..., Petition]
) -> None:
    mine = filed(xa)
    theirs = filed(None, organization=world.front_b, area=world.commune_b)
    refused = post(bearer(xa), f"{API}/petitions/{mine.pk}/merge", {"into": theirs.code})
    assert refused.status_code == 400 and "into" in refused.json()["errors"]
    assert Petition.objects.get(pk=mine.pk).state == PetitionState.RECEIVED
    # A viewer may not merge at all: refused for the role (403), not for the target it named.
    viewer = member(world.front_a, Role.VIEWER, email="xem@example.vn")
    other = filed(xa)
    merging = post(bearer(viewer), f"{API}/petitions/{mine.pk}/merge", {"into": other.code})
    assert merging.status_code == 403, merging.content
    assert Petition.objects.get(pk=mine.pk).state == PetitionState.RECEIVED


def test_a_petition_files_or_links_a_situation_note(
    world: World, xa: User, xa2: User, petition: Petition, filed: Callable[..., Petition]
) -> None:
    url = f"{API}/petitions/{petition.pk}"
    filed_note = post(bearer(xa), f"{url}/note", {"level": "watch"})
    assert filed_note.status_code == 200, filed_note.content
    note = Note.objects.get()
    assert filed_note.json()["note"] == note.pk and note.summary == petition.summary
    assert note.level == "watch"
    hidden = post(bearer(xa), f"{url}/note", {"note": 999999})
    assert hidden.status_code == 400 and "note" in hidden.json()["errors"]
    assert post(bearer(xa), f"{url}/note", {"note": note.pk}).json()["note"] == note.pk
    assert Note.objects.count() == 1
    assert post(bearer(xa2), f"{url}/note", {"level": "hot_spot"}).status_code == 404
    # A merged petition is followed in the one it was merged into: no note from the duplicate.
    duplicate = filed(xa, summary="Trùng nội dung")
    merging = post(bearer(xa), f"{API}/petitions/{duplicate.pk}/merge", {"into": petition.code})
    assert merging.status_code == 200, merging.content
    merged = f"{API}/petitions/{duplicate.pk}/note"
    assert post(bearer(xa), merged, {"level": "hot_spot"}).status_code == 409
    assert post(bearer(xa), merged, {"note": note.pk}).status_code == 409
    assert Note.objects.count() == 1 and Petition.objects.get(pk=duplicate.pk).note_id is None


def test_assigning_names_an_officer_of_the_unit(
    world: World, xa: User, xa2: User, tinh: User, petition: Petition
) -> None:
    url = f"{API}/petitions/{petition.pk}"
    assert post(bearer(tinh), f"{url}/assign", {"handler": xa.pk}).status_code == 409
    post(bearer(tinh), f"{url}/accept")
    stranger = post(bearer(tinh), f"{url}/assign", {"handler": xa2.pk})
    assert stranger.status_code == 400 and "handler" in stranger.json()["errors"]
    missing = post(bearer(tinh), f"{url}/assign", {"handler": 999999})
    assert missing.status_code == 400 and "handler" in missing.json()["errors"]
    assigned = post(bearer(tinh), f"{url}/assign", {"handler": xa.pk})
    assert assigned.status_code == 200
    assert (assigned.json()["state"], assigned.json()["handler"]["id"]) == ("in_progress", xa.pk)
