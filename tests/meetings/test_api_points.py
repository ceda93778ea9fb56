"""The meetings API's bridge points: invited by level, confirmed by their own unit (another's
refused), listed with filters, totalled; the outsider sees none of it."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from danvan.accounts.models import User
from danvan.meetings import services, services_points
from danvan.meetings.models import BridgePoint, Conclusion, ConclusionStatus, Meeting
from danvan.org.models import OrganizationKind
from tests.conftest import World
from tests.meetings.test_api import API, front_point, patch, post, snapshot
from tests.org.test_api import bearer


def test_the_host_invites_a_whole_level(
    world: World, tinh: User, xa: User, review: Meeting
) -> None:
    url = f"{API}/{review.pk}/bridge-points/invite"
    assert post(bearer(xa), url, {"level": "commune"}).status_code == 404  # not invited yet
    unknown = post(bearer(tinh), url, {"level": "commune", "kind": "no-such-kind"})
    assert unknown.status_code == 400 and "kind" in unknown.json()["errors"]
    party = OrganizationKind.objects.get(code="party_committee")
    by_id = post(bearer(tinh), url, {"level": "commune", "kind": str(party.pk), "expected": 5})
    assert by_id.json() == {"invited": 2}
    invited = post(
        bearer(tinh), url, {"level": "commune", "kind": "fatherland_front", "expected": 30}
    )
    assert invited.status_code == 200 and invited.json() == {"invited": 2}
    assert post(bearer(tinh), url, {"level": "commune"}).status_code == 400  # none left
    assert set(review.points.values_list("organization", flat=True)) == {
        world.commission.pk, world.party_a.pk, world.party_b.pk, world.front_a.pk, world.front_b.pk
    }  # fmt: skip
    # xa now sees the meeting through its point, but does not invite.
    assert bearer(xa).get(f"{API}/{review.pk}").status_code == 200
    assert post(bearer(xa), url, {"level": "village"}).status_code == 403


def test_xa_confirms_its_point_and_xa2_is_refused(
    world: World, tinh: User, xa: User, xa2: User, review: Meeting, fronts: list[BridgePoint]
) -> None:
    point = front_point(review, world)
    url = f"{API}/{review.pk}/bridge-points/{point.pk}"
    before = snapshot(point)
    assert bearer(xa2).get(url).status_code == 200  # a point of the same meeting: seen
    for action, body in (
        ("confirm", {"attending": 20}),
        ("check", {"result": "good"}),
        ("withdraw", {"reason": "Không dự"}),
    ):
        assert post(bearer(xa2), f"{url}/{action}", body).status_code == 403
    assert patch(bearer(xa2), url, {"expected": 1}).status_code == 403
    assert patch(bearer(xa), url, {"expected": 1}).status_code == 403  # the host sets it
    assert snapshot(point) == before

    confirmed = post(bearer(xa), f"{url}/confirm", {"attending": 28, "chair": "Chủ tịch UBMTTQ xã"})
    assert confirmed.status_code == 200, confirmed.content
    body = confirmed.json()
    assert (body["attending"], body["confirmed"], body["confirmed_by"]) == (28, True, str(xa))
    assert body["chair"] == "Chủ tịch UBMTTQ xã" and body["expected"] == 30
    crowd = {"attending": 34, "attendance_note": "Thêm 4 trưởng thôn"}
    assert (
        post(bearer(xa), f"{url}/confirm", crowd).json()["attendance_note"]
        == crowd["attendance_note"]
    )
    again = post(bearer(xa), f"{url}/confirm", {"attending": 33})  # the note left out: kept
    assert again.status_code == 200 and again.json()["attendance_note"] == "Thêm 4 trưởng thôn"
    cleared = post(bearer(xa), f"{url}/confirm", {"attending": 28, "attendance_note": ""})
    assert cleared.json()["attendance_note"] == ""  # an empty note clears it
    assert post(bearer(xa), f"{url}/check", {"result": "poor"}).status_code == 400
    checked = post(bearer(xa), f"{url}/check", {"result": "poor", "note": "Tiếng bị rè"})
    assert checked.json()["check_result"] == "poor" and checked.json()["checked_by"] == str(xa)
    verbs = [h["verb"] for h in bearer(xa).get(f"{url}/history").json()]
    assert verbs[:2] == ["connection_checked", "confirmed"]

    assert patch(bearer(tinh), url, {"place": "Nhà văn hóa xã"}).json()["place"] == "Nhà văn hóa xã"
    withdrawn = post(bearer(tinh), f"{url}/withdraw", {"reason": "Sáp nhập điểm cầu"})
    assert withdrawn.status_code == 200
    assert bearer(tinh).get(url).status_code == 404
    host = review.points.get(is_host=True)
    assert (
        post(bearer(tinh), f"{API}/{review.pk}/bridge-points/{host.pk}/withdraw", {}).status_code
        == 409
    )


def test_the_outsider_gets_404_everywhere(
    world: World, outsider: User, review: Meeting, fronts: list[BridgePoint], tinh: User
) -> None:
    point = front_point(review, world)
    task = services.conclusion_add(
        actor=tinh, meeting=review, text="Rà soát", organization=world.front_a,
        due_on=timezone.localdate() + datetime.timedelta(days=30),
    )  # fmt: skip
    client = bearer(outsider)
    url = f"{API}/{review.pk}"
    for path in (
        "", "/history", "/agenda-items", "/bridge-points", "/bridge-points/totals",
        f"/bridge-points/{point.pk}", "/conclusions", f"/conclusions/{task.pk}",
    ):  # fmt: skip
        assert client.get(f"{url}{path}").status_code == 404, path
    assert (
        post(client, f"{url}/bridge-points/{point.pk}/confirm", {"attending": 1}).status_code == 404
    )
    assert post(client, f"{url}/conclusions/{task.pk}/done", {"result": "Xong"}).status_code == 404
    assert post(client, f"{url}/cancel", {"reason": "Không"}).status_code == 404
    assert snapshot(point)[3] is None
    assert Conclusion.objects.get().status == ConclusionStatus.OPEN


def test_the_points_list_filters_and_its_queries_do_not_grow(
    world: World, tinh: User, xa: User, review: Meeting, fronts: list[BridgePoint],
    django_assert_max_num_queries: Any,
) -> None:  # fmt: skip
    services_points.point_confirm(actor=xa, point=front_point(review, world), attending=30)
    client = bearer(tinh)
    url = f"{API}/{review.pk}/bridge-points"

    def names(query: str) -> list[str]:
        return [p["organization"]["name"] for p in client.get(f"{url}?{query}").json()["items"]]

    assert names("")[0] == world.commission.name  # the host's point first
    assert names("level=commune") == [world.front_a.name, world.front_b.name]
    assert names("confirmed=true") == [world.front_a.name]
    assert names("confirmed=false&level=commune") == [world.front_b.name]
    assert names("q=Mỹ Lý") == [world.front_b.name]
    # with or without diacritics, in any case, as the page finds them
    assert names("q=my ly") == names("q=MỸ LÝ") == [world.front_b.name]
    with django_assert_max_num_queries(12) as few:
        assert client.get(url).json()["count"] == 3
    services_points.points_invite_level(actor=tinh, meeting=review, level="commune", expected=10)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).json()["count"] == 5


def test_the_totals_equal_a_plain_sum_over_the_points(
    world: World, tinh: User, xa: User, xa2: User, review: Meeting, fronts: list[BridgePoint]
) -> None:
    url = f"{API}/{review.pk}/bridge-points"
    a, b = front_point(review, world), review.points.get(organization=world.front_b)
    post(bearer(xa), f"{url}/{a.pk}/confirm", {"attending": 29})
    post(bearer(xa2), f"{url}/{b.pk}/confirm", {"attending": 33, "attendance_note": "Thêm khách"})
    totals = bearer(tinh).get(f"{url}/totals").json()
    assert bearer(xa).get(f"{API}/{review.pk}").json()["totals"] == totals

    points = list(BridgePoint.objects.filter(meeting=review, withdrawn_at__isnull=True))
    for line in totals["levels"]:
        mine = [p for p in points if p.level == line["level"]]
        confirmed = [p for p in mine if p.confirmed_at]
        assert line["points"] == len(mine)
        assert line["confirmed"] == len(confirmed)
        assert line["expected"] == sum(p.expected for p in mine)
        assert line["attending"] == sum(p.attending or 0 for p in confirmed)
        expected = sum(p.expected for p in confirmed)
        assert line["rate"] == (round(100 * line["attending"] / expected, 1) if expected else None)
    assert [line["level"] for line in totals["levels"]] == ["province", "commune"]
    assert totals["points"] == len(points) and totals["confirmed"] == 2
    assert totals["attending"] == 62 and totals["expected"] == sum(p.expected for p in points)
    assert totals["rate"] == round(100 * 62 / 60, 1)


def test_no_connection_check_once_the_meeting_was_held(
    world: World, tinh: User, xa: User, as_user: Any
) -> None:
    from tests.meetings.conftest import at

    held = services.meeting_create(
        actor=tinh, host=world.commission, kind="interim_review", format="online",
        title="Hội nghị trực tuyến đã họp", starts_at=at(-1, 8), ends_at=at(-1, 11),
        video_url="https://meet.example.vn/da-hop",
    )  # fmt: skip
    services_points.points_invite_level(
        actor=tinh, meeting=held, level="commune", expected=30,
        kind=OrganizationKind.objects.get(code="fatherland_front"),
    )  # fmt: skip
    point = held.points.get(organization=world.front_a)
    services.meeting_record_minutes(actor=tinh, meeting=held, minutes="Hội nghị đã họp")
    url = f"{API}/{held.pk}/bridge-points/{point.pk}/check"
    refused = post(bearer(xa), url, {"result": "good"})
    assert refused.status_code == 409
    assert (
        refused.json()["detail"] == "Hội nghị đã diễn ra: việc kiểm tra kết nối làm trước hội nghị."
    )
    page = as_user(xa).post(
        f"/meetings/{held.pk}/points/{point.pk}/check/", {"result": "good"}, follow=True
    )
    assert "việc kiểm tra kết nối làm trước hội nghị" in page.content.decode()
    point.refresh_from_db()
    assert point.checked_at is None and point.check_result == ""
