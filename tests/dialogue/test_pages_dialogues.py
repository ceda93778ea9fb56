"""Reception sessions and dialogues on the pages: record, edit, hold, publish, cancel, and the
commitments kept or not — who may, who is refused."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from danvan.accounts.models import User
from danvan.dialogue import services
from danvan.dialogue.models import Commitment, Dialogue, Reception
from danvan.org.models import Role
from tests.conftest import World
from tests.factories import member
from tests.org.test_api import bearer

pytestmark = pytest.mark.django_db
DAY = timezone.localdate()


@pytest.fixture
def bithu(world: World) -> User:
    """A reporter of commune A's Party committee: records its receptions and dialogues."""
    return member(world.party_a, Role.REPORTER, email="bithu@example.vn")


@pytest.fixture
def viewer_a(world: World) -> User:
    return member(world.party_a, Role.VIEWER, email="xem-dang-uy@example.vn")


# --- Receptions -----------------------------------------------------------------------------


def test_record_edit_and_list_a_reception(
    world: World, bithu: User, xa2: User, viewer_a: User, as_user: Any
) -> None:
    client = as_user(bithu)
    assert client.get("/dialogue/receptions/new/").status_code == 200
    data = {
        "organization": world.party_a.pk, "kind": "regular", "held_on": DAY.isoformat(),
        "host_role": "party_secretary", "host_name": "Vi Văn Sơn", "place": "Trụ sở Đảng ủy",
        "citizens": "7", "cases": "3",
    }  # fmt: skip
    response = client.post("/dialogue/receptions/new/", data)
    made = Reception.objects.get()
    assert response.status_code == 302 and response.url == f"/dialogue/receptions/{made.pk}/"
    assert (made.citizens, made.created_by) == (7, bithu)
    page = client.get(f"/dialogue/receptions/{made.pk}/")
    assert (
        "Vi Văn Sơn" in page.text and f"/dialogue/petitions/new/?reception={made.pk}" in page.text
    )
    assert client.get(f"/dialogue/petitions/new/?reception={made.pk}").status_code == 200
    edit = {**data, "citizens": "9"}
    del edit["organization"]
    assert client.post(f"/dialogue/receptions/{made.pk}/edit/", edit).status_code == 302
    made.refresh_from_db()
    assert made.citizens == 9
    listing = client.get("/dialogue/receptions/", {"year": DAY.year})
    assert f"/dialogue/receptions/{made.pk}/" in listing.text
    assert "receptions-empty" in client.get("/dialogue/receptions/", {"year": DAY.year - 1}).text
    # Refused: outside the scope, a viewer, a date in the future.
    assert as_user(xa2).get(f"/dialogue/receptions/{made.pk}/").status_code == 404
    assert as_user(xa2).post(f"/dialogue/receptions/{made.pk}/edit/", edit).status_code == 404
    assert as_user(viewer_a).get(f"/dialogue/receptions/{made.pk}/edit/").status_code == 403
    assert as_user(viewer_a).get("/dialogue/receptions/new/").status_code == 403
    assert (
        'id="edit-reception"' not in as_user(viewer_a).get(f"/dialogue/receptions/{made.pk}/").text
    )
    future = {**data, "held_on": (DAY + datetime.timedelta(days=2)).isoformat()}
    page = client.post("/dialogue/receptions/new/", future)
    assert page.status_code == 200 and "invalid-feedback" in page.text
    assert Reception.objects.count() == 1


# --- Dialogues ------------------------------------------------------------------------------


def _dialogue_form(world: World, **over: Any) -> dict[str, Any]:
    data = {
        "organization": world.party_a.pk, "kind": "conference",
        "title": "Hội nghị đối thoại năm 2026", "held_on": (DAY + datetime.timedelta(days=10)).isoformat(),
        "announced_on": DAY.isoformat(), "host_role": "party_secretary", "channel": "in_person",
        "place": "Hội trường xã",
    }  # fmt: skip
    data.update(over)
    return data


def test_a_late_announcement_is_refused_unless_urgent_with_a_reason(
    world: World, bithu: User, viewer_a: User, as_user: Any
) -> None:
    client = as_user(bithu)
    soon = (DAY + datetime.timedelta(days=3)).isoformat()
    page = client.post("/dialogue/dialogues/new/", _dialogue_form(world, held_on=soon))
    assert page.status_code == 200 and "invalid-feedback" in page.text
    page = client.post("/dialogue/dialogues/new/", _dialogue_form(world, held_on=soon, urgent="on"))
    assert page.status_code == 200 and not Dialogue.objects.exists()
    response = client.post(
        "/dialogue/dialogues/new/",
        _dialogue_form(world, held_on=soon, urgent="on", urgent_reason="Sạt lở cần đối thoại ngay"),
    )
    assert response.status_code == 302 and Dialogue.objects.get().urgent
    assert (
        as_user(viewer_a).post("/dialogue/dialogues/new/", _dialogue_form(world)).status_code == 403
    )
    assert Dialogue.objects.count() == 1


def test_correct_an_announcement_checked_again_and_refused_to_others(
    world: World, bithu: User, viewer_a: User, xa2: User, as_user: Any
) -> None:
    client = as_user(bithu)
    assert client.post("/dialogue/dialogues/new/", _dialogue_form(world)).status_code == 302
    dialogue = Dialogue.objects.get()
    url = f"/dialogue/dialogues/{dialogue.pk}/edit/"
    assert f'href="{url}"' in client.get(f"/dialogue/dialogues/{dialogue.pk}/").text
    form = _dialogue_form(world, co_hosts=[world.front_a.pk])
    del form["organization"]  # a dialogue stays with its unit
    # Moved to three days after its announcement: refused, nothing changed.
    late = {**form, "held_on": (DAY + datetime.timedelta(days=3)).isoformat()}
    page = client.post(url, late)
    assert page.status_code == 200 and "invalid-feedback" in page.text
    dialogue.refresh_from_db()
    assert dialogue.held_on == DAY + datetime.timedelta(days=10)
    # A new place and title, the Front as co-host: saved, in the history.
    form.update(title="Hội nghị đối thoại năm 2026 (điều chỉnh)", place="Nhà văn hóa xã")
    assert client.post(url, form).status_code == 302
    dialogue.refresh_from_db()
    assert (dialogue.title, dialogue.place) == (form["title"], "Nhà văn hóa xã")
    assert list(dialogue.co_hosts.all()) == [world.front_a]
    assert dialogue.organization == world.party_a
    assert dialogue.history.first().history_user == bithu
    assert as_user(viewer_a).get(url).status_code == 403
    assert as_user(xa2).get(url).status_code == 404
    services.dialogue_cancel(actor=None, dialogue=dialogue, reason="Hoãn do mưa lũ")
    assert client.get(url).status_code == 404  # a cancelled dialogue is not corrected


def test_hold_publish_and_commitments(
    world: World, bithu: User, xa2: User, viewer_a: User, as_user: Any,
    hold_dialogue: Callable[..., Dialogue],
) -> None:  # fmt: skip
    held_on = DAY - datetime.timedelta(days=20)
    dialogue = hold_dialogue(held_on=held_on, announced_on=held_on - datetime.timedelta(days=10))
    client = as_user(bithu)
    base = f"/dialogue/dialogues/{dialogue.pk}/"
    page = client.get(base)
    assert 'id="action-hold"' in page.text and 'id="action-publish"' not in page.text
    assert (
        as_user(viewer_a)
        .post(base + "hold/", {"participants": "90", "issues_raised": "x"})
        .status_code
        == 403
    )
    assert as_user(xa2).get(base).status_code == 404
    assert (
        client.post(base + "hold/", {"participants": "90", "issues_raised": ""}).status_code == 200
    )
    assert (
        client.post(
            base + "hold/", {"participants": "90", "issues_raised": "Đường, nước sạch"}
        ).status_code
        == 302
    )
    dialogue.refresh_from_db()
    assert (dialogue.status, dialogue.participants) == ("held", 90)
    page = client.get(base)
    assert 'id="publish-due"' in page.text and 'id="publication-late"' in page.text  # 20 days > 10
    response = client.post(
        base + "commit/",
        {
            "text": "Sửa đường thôn 3",
            "responsible_name": "UBND xã",
            "due_on": (DAY - datetime.timedelta(days=1)).isoformat(),
        },
    )
    kept_later = Commitment.objects.get()
    assert response.status_code == 302 and response.url.endswith(f"#commitment-{kept_later.pk}")
    page = client.get(base)
    assert f'id="commitment-{kept_later.pk}"' in page.text and "text-bg-danger" in page.text
    assert (
        client.post(
            base + "commit/", {"text": "Thiếu cơ quan", "due_on": DAY.isoformat()}
        ).status_code
        == 200
    )
    assert Commitment.objects.count() == 1
    assert (
        client.post(
            base + "publish/", {"results": "Kết quả đối thoại", "published_on": DAY.isoformat()}
        ).status_code
        == 302
    )
    dialogue.refresh_from_db()
    assert dialogue.status == "published" and dialogue.publication_late
    url = f"/dialogue/commitments/{kept_later.pk}/"
    assert (
        as_user(xa2).post(url + "keep/", {"done_on": DAY.isoformat(), "evidence": "x"}).status_code
        == 404
    )
    assert (
        client.post(url + "keep/", {"done_on": DAY.isoformat(), "evidence": ""}).status_code == 200
    )
    assert (
        client.post(
            url + "keep/", {"done_on": DAY.isoformat(), "evidence": "Biên bản nghiệm thu"}
        ).status_code
        == 302
    )
    kept_later.refresh_from_db()
    assert kept_later.status == "kept"
    again = client.post(url + "not_kept/", {"reason": "Thiếu kinh phí"})
    assert again.status_code == 302  # already settled: a message, nothing changed
    kept_later.refresh_from_db()
    assert kept_later.status == "kept"
    other = services.commitment_add(
        actor=None, dialogue=dialogue, text="Cấp nước", responsible=world.party_a, due_on=DAY
    )
    assert (
        client.post(
            f"/dialogue/commitments/{other.pk}/not_kept/", {"reason": "Thiếu kinh phí"}
        ).status_code
        == 302
    )
    other.refresh_from_db()
    assert other.status == "not_kept"


def test_cancel_and_the_list_filters(
    world: World, bithu: User, as_user: Any, hold_dialogue: Callable[..., Dialogue]
) -> None:
    dialogue = hold_dialogue(held_on=DAY + datetime.timedelta(days=10), announced_on=DAY)
    client = as_user(bithu)
    assert (
        client.post(f"/dialogue/dialogues/{dialogue.pk}/cancel/", {"reason": ""}).status_code == 200
    )
    assert (
        client.post(f"/dialogue/dialogues/{dialogue.pk}/cancel/", {"reason": "Mưa lũ"}).status_code
        == 302
    )
    dialogue.refresh_from_db()
    assert dialogue.status == "cancelled"
    assert dialogue.title in client.get("/dialogue/dialogues/", {"status": "cancelled"}).text
    assert "dialogues-empty" in client.get("/dialogue/dialogues/", {"status": "held"}).text
    assert (
        dialogue.title
        in client.get(
            "/dialogue/dialogues/", {"kind": "conference", "year": dialogue.held_on.year}
        ).text
    )
    assert (
        client.post(
            f"/dialogue/dialogues/{dialogue.pk}/hold/", {"participants": "1", "issues_raised": "x"}
        ).status_code
        == 302
    )
    dialogue.refresh_from_db()
    assert dialogue.status == "cancelled"


def test_a_date_at_the_end_of_the_calendar_keeps_the_pages_and_the_api_readable(
    world: World, bithu: User, as_user: Any, hold_dialogue: Callable[..., Dialogue]
) -> None:
    """A dialogue held on 31/12/9999 (a typing slip the form took): its publication due date
    once overflowed, and the list, its page, its export and the API answered errors for every
    dialogue (found by a fuzzing crawl)."""
    dialogue = hold_dialogue()
    Dialogue.objects.filter(pk=dialogue.pk).update(held_on=datetime.date(9999, 12, 31))
    client = as_user(bithu)
    for url in ("/dialogue/dialogues/", f"/dialogue/dialogues/{dialogue.pk}/"):
        assert client.get(url).status_code == 200, url
    assert client.get("/dialogue/dialogues/", {"format": "xlsx"}).status_code == 200
    listed = bearer(bithu).get("/api/v1/dialogues")
    assert listed.status_code == 200 and listed.json()["items"][0]["publish_due"] == "9999-12-31"
    assert bearer(bithu).get(f"/api/v1/dialogues/{dialogue.pk}").status_code == 200
