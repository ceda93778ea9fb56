"""The meetings' pages through the web client: tinh holds an online review and invites the
commune fronts in one step, xa confirms his point and the totals move, xa2 and the outsider are
refused, bad input is refused with its message and saves nothing, conclusions are followed up,
and the meeting's page stays at a fixed number of queries whatever the number of points."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from danvan.accounts.models import User
from danvan.meetings import services, services_points
from danvan.meetings.models import (
    AgendaItem,
    BridgePoint,
    Conclusion,
    ConclusionStatus,
    Format,
    Kind,
    Meeting,
    Status,
)
from danvan.org.models import OrganizationKind
from danvan.reporting.models import Form
from tests.conftest import World
from tests.factories import AreaFactory, OrganizationFactory
from tests.reporting.conftest import half_form  # noqa: F401  (a fixture)

from .conftest import at

pytestmark = pytest.mark.django_db


def local(moment: datetime.datetime) -> str:
    """A time as a datetime-local input posts it (the site's time zone)."""
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def front_kind() -> OrganizationKind:
    return OrganizationKind.objects.get(code="fatherland_front")


def point_of(meeting: Meeting, organization: Any) -> BridgePoint:
    return BridgePoint.objects.get(meeting=meeting, organization=organization)


def _meeting_form(world: World, **over: Any) -> dict[str, Any]:
    data = {
        "host": world.commission.pk, "kind": Kind.INTERIM_REVIEW,
        "title": "Hội nghị trực tuyến sơ kết 6 tháng đầu năm",
        "starts_at": local(at(10, 8)), "ends_at": local(at(10, 11, 30)),
        "format": Format.ONLINE, "place": "Hội trường Tỉnh ủy",
        "video_url": "https://meet.example.vn/so-ket", "period_kind": "half", "period": "2026S1",
        "host_chair": "Trưởng Ban Dân vận Tỉnh ủy", "host_expected": "120",
    }  # fmt: skip
    data.update(over)
    return data


# --- Creating and inviting ------------------------------------------------------------------


def test_tinh_holds_an_online_review_and_invites_the_commune_fronts_in_one_step(
    world: World, tinh: User, xa: User, as_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client = as_user(tinh)
    assert 'id="new-meeting"' in client.get("/meetings/").text
    assert client.get("/meetings/new/").status_code == 200
    response = client.post("/meetings/new/", _meeting_form(world))
    meeting = Meeting.objects.get()
    assert response.status_code == 302 and response.url == f"/meetings/{meeting.pk}/"
    assert timezone.localtime(meeting.starts_at).strftime("%H:%M") == "08:00"
    assert (meeting.period, meeting.format, meeting.created_by) == ("2026S1", "online", tinh)
    host = meeting.points.get()
    assert host.is_host and host.expected == 120 and host.chair == "Trưởng Ban Dân vận Tỉnh ủy"

    page = client.get(f"/meetings/{meeting.pk}/")
    assert 'id="action-invite"' in page.text and 'id="meeting-totals"' in page.text
    assert 'hx-trigger="every 20s"' in page.text  # live while scheduled
    assert 'href="https://meet.example.vn/so-ket"' in page.text
    assert f'href="/meetings/{meeting.pk}.ics"' in page.text
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/meetings/{meeting.pk}/points/invite/",
            {"level": "commune", "kind": front_kind().pk, "expected": "30"},
        )
    assert response.status_code == 302 and response.url == f"/meetings/{meeting.pk}/#points"
    invited = meeting.points.filter(is_host=False)
    assert {p.organization for p in invited} == {world.front_a, world.front_b}
    assert all(p.expected == 30 and p.level == "commune" for p in invited)
    page = client.get(response.url)
    said = [str(m) for m in page.context["messages"]]
    assert len(said) == 1 and "2" in said[0]  # «Đã mời 2 điểm cầu»
    totals = page.context["totals"]
    assert (totals.points, totals.expected) == (3, 180)

    # xa now sees it in his list, with its points counted.
    listing = as_user(xa).get("/meetings/")
    assert f'href="/meetings/{meeting.pk}/"' in listing.text
    row = listing.context["page"].object_list[0]
    assert (row.n_points, row.n_confirmed) == (3, 0)
    assert 'id="new-meeting"' in listing.text  # xa may hold meetings of his front


def test_the_list_filters_and_puts_the_coming_meetings_first(
    world: World, tinh: User, review: Meeting, as_user: Any
) -> None:
    past = services.meeting_create(
        actor=tinh, host=world.commission, kind=Kind.WORKING_SESSION, title="Làm việc với xã",
        starts_at=at(-20, 8), ends_at=at(-20, 10),
    )  # fmt: skip
    later = services.meeting_create(
        actor=tinh, host=world.commission, kind=Kind.THEMATIC, title="Chuyên đề dân vận khéo",
        starts_at=at(30, 8), ends_at=at(31, 17),
    )  # fmt: skip
    client = as_user(tinh)
    shown = [m.pk for m in client.get("/meetings/").context["page"].object_list]
    assert shown == [review.pk, later.pk, past.pk]
    assert [m.pk for m in client.get("/meetings/?when=past").context["page"].object_list] == [
        past.pk
    ]
    assert [
        m.pk for m in client.get("/meetings/", {"kind": "thematic"}).context["page"].object_list
    ] == [later.pk]
    assert [m.pk for m in client.get("/meetings/", {"q": "xa"}).context["page"].object_list] == [
        past.pk
    ]
    empty = client.get("/meetings/", {"year": "2001"})
    assert 'id="meetings-empty"' in empty.text
    assert 'href="/meetings/calendar/"' in client.get("/meetings/").text


def test_edit_asks_a_reason_kept_in_the_history_and_others_are_refused(
    world: World, tinh: User, xa: User, review: Meeting, fronts: Any, as_user: Any
) -> None:
    client = as_user(tinh)
    page = client.get(f"/meetings/{review.pk}/edit/")
    assert page.status_code == 200 and 'name="reason"' in page.text
    assert 'name="host"' not in page.text
    data = _meeting_form(world, place="Hội trường B", reason="Đổi phòng họp")
    for name in ("host", "host_chair", "host_expected"):
        del data[name]
    data.update(starts_at=local(review.starts_at), ends_at=local(review.ends_at))
    response = client.post(f"/meetings/{review.pk}/edit/", data)
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.place == "Hội trường B" and review.sequence == 1
    assert "Đổi phòng họp" in client.get(f"/meetings/{review.pk}/").text
    assert as_user(xa).get(f"/meetings/{review.pk}/edit/").status_code == 403
    assert as_user(xa).post(f"/meetings/{review.pk}/edit/", data).status_code == 403


# --- xa confirms his own point --------------------------------------------------------------


def test_xa_confirms_his_point_and_the_totals_move(
    world: World, xa: User, review: Meeting, fronts: Any, as_user: Any
) -> None:
    client = as_user(xa)
    mine = point_of(review, world.front_a)
    page = client.get(f"/meetings/{review.pk}/")
    assert page.status_code == 200
    assert [p.pk for p in page.context["own"]] == [mine.pk]
    assert f'action="/meetings/{review.pk}/points/{mine.pk}/confirm/"' in page.text
    assert 'id="action-invite"' not in page.text and 'id="edit-meeting"' not in page.text
    before = client.get(f"/meetings/{review.pk}/totals/")
    assert before.status_code == 200 and before.context["totals"].confirmed == 0
    assert 'hx-trigger="every 20s"' in before.text

    response = client.post(
        f"/meetings/{review.pk}/points/{mine.pk}/confirm/",
        {"attending": "27", "expected": "30", "place": "Hội trường UBND xã", "chair": "Chủ tịch"},
    )
    assert response.status_code == 302
    assert response.url == f"/meetings/{review.pk}/#point-{mine.pk}"
    mine.refresh_from_db()
    assert (mine.attending, mine.confirmed_by, mine.place) == (27, xa, "Hội trường UBND xã")
    after = client.get(f"/meetings/{review.pk}/totals/")
    totals = after.context["totals"]
    assert (totals.confirmed, totals.attending) == (1, 27)
    assert '<td class="text-end">27</td>' in after.text
    assert '<td class="text-end">27</td>' not in before.text

    response = client.post(
        f"/meetings/{review.pk}/points/{mine.pk}/check/", {"result": "poor", "note": "Tiếng rè"}
    )
    assert response.status_code == 302
    mine.refresh_from_db()
    assert (mine.check_result, mine.checked_by) == ("poor", xa)


def test_xa2_may_not_confirm_xas_point_and_the_outsider_sees_nothing(
    world: World, xa2: User, outsider: User, review: Meeting, fronts: Any, as_user: Any
) -> None:
    mine = point_of(review, world.front_a)
    client = as_user(xa2)
    assert client.get(f"/meetings/{review.pk}/").status_code == 200  # his front is invited
    url = f"/meetings/{review.pk}/points/{mine.pk}/confirm/"
    assert client.get(url).status_code == 403
    assert client.post(url, {"attending": "5", "expected": "30"}).status_code == 403
    check = f"/meetings/{review.pk}/points/{mine.pk}/check/"
    assert client.post(check, {"result": "good"}).status_code == 403
    mine.refresh_from_db()
    assert mine.confirmed_at is None and mine.checked_at is None
    assert client.post(f"/meetings/{review.pk}/cancel/", {"reason": "x"}).status_code == 403

    stranger = as_user(outsider)
    for path in ("", "totals/", "points/", f"points/{mine.pk}/confirm/"):
        assert stranger.get(f"/meetings/{review.pk}/{path}").status_code == 404
    assert stranger.post(url, {"attending": "5", "expected": "30"}).status_code == 404
    assert list(stranger.get("/meetings/").context["page"].object_list) == []
    review.refresh_from_db()
    assert review.status == Status.SCHEDULED and not BridgePoint.objects.filter(
        confirmed_at__isnull=False
    )


# --- Bad input: refused with its message, nothing saved -------------------------------------


def test_an_end_before_the_start_is_refused_on_the_form(
    world: World, tinh: User, as_user: Any
) -> None:
    page = as_user(tinh).post("/meetings/new/", _meeting_form(world, ends_at=local(at(10, 7))))
    assert page.status_code == 200 and "invalid-feedback" in page.text
    assert "ends_at" in page.context["form"].errors
    assert not Meeting.objects.exists()


def test_a_point_outside_the_hosts_reach_is_refused_unless_a_guest(
    world: World, tinh: User, as_user: Any
) -> None:
    meeting = services.meeting_create(
        actor=tinh, host=world.party_a, kind=Kind.ONLINE, title="Giao ban trực tuyến",
        starts_at=at(5, 14), ends_at=at(5, 16), format=Format.ONLINE,
    )  # fmt: skip
    client = as_user(tinh)
    url = f"/meetings/{meeting.pk}/points/add/"
    page = client.post(url, {"organization": world.front_b.pk, "expected": "10"})
    assert page.status_code == 200 and "organization" in page.context["form"].errors
    assert meeting.points.count() == 1  # the host's own point only
    response = client.post(url, {"organization": world.front_b.pk, "expected": "10", "guest": "on"})
    assert response.status_code == 302
    guest = point_of(meeting, world.front_b)
    assert guest.is_guest and guest.expected == 10
    response = client.post(url, {"organization": world.front_a.pk, "expected": "12"})
    assert response.status_code == 302 and not point_of(meeting, world.front_a).is_guest


def test_more_delegates_than_expected_needs_a_note(
    world: World, xa: User, review: Meeting, fronts: Any, as_user: Any
) -> None:
    mine = point_of(review, world.front_a)
    url = f"/meetings/{review.pk}/points/{mine.pk}/confirm/"
    page = as_user(xa).post(url, {"attending": "45", "expected": "30"})
    assert page.status_code == 200 and "attendance_note" in page.context["form"].errors
    mine.refresh_from_db()
    assert mine.confirmed_at is None and mine.attending is None
    response = as_user(xa).post(
        url, {"attending": "45", "expected": "30", "attendance_note": "Thêm trưởng thôn"}
    )
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.attending == 45


def test_an_agenda_item_outside_the_meetings_time_is_refused(
    tinh: User, xa: User, review: Meeting, as_user: Any
) -> None:
    client = as_user(tinh)
    url = f"/meetings/{review.pk}/items/new/"
    assert client.get(url).status_code == 200
    page = client.post(url, {"starts_at": local(at(7, 14)), "title": "Phát biểu bế mạc"})
    assert page.status_code == 200 and "starts_at" in page.context["form"].errors
    assert not AgendaItem.objects.exists()
    response = client.post(
        url,
        {
            "starts_at": local(at(7, 8, 30)), "title": "Báo cáo sơ kết",
            "presenter": "Phó Trưởng Ban Dân vận Tỉnh ủy",
        },
    )  # fmt: skip
    assert response.status_code == 302 and response.url == f"/meetings/{review.pk}/#agenda"
    item = AgendaItem.objects.get()
    page = client.get(f"/meetings/{review.pk}/")
    assert "Báo cáo sơ kết" in page.text and "Phó Trưởng Ban Dân vận Tỉnh ủy" in page.text
    assert as_user(xa).get(url).status_code == 404  # xa does not see this meeting
    remove = f"/meetings/{review.pk}/items/{item.pk}/remove/"
    assert client.post(remove).status_code == 302
    item.refresh_from_db()
    assert item.deleted_at is not None
    assert (
        "Báo cáo sơ kết"
        not in client.get(f"/meetings/{review.pk}/#agenda")
        .text.split('id="agenda"')[1]
        .split("</section>")[0]
    )


# --- Cancel, minutes, conclusions -----------------------------------------------------------


def test_cancel_with_a_reason_stops_the_live_totals(
    tinh: User, review: Meeting, fronts: Any, as_user: Any
) -> None:
    client = as_user(tinh)
    page = client.post(f"/meetings/{review.pk}/cancel/", {"reason": " "})
    assert page.status_code == 200 and "reason" in page.context["form"].errors
    review.refresh_from_db()
    assert review.status == Status.SCHEDULED
    response = client.post(f"/meetings/{review.pk}/cancel/", {"reason": "Trùng lịch Tỉnh ủy"})
    assert response.status_code == 302
    review.refresh_from_db()
    assert (review.status, review.cancel_reason) == (Status.CANCELLED, "Trùng lịch Tỉnh ủy")
    page = client.get(f"/meetings/{review.pk}/")
    assert 'id="cancelled-note"' in page.text and "every 20s" not in page.text
    assert 'id="action-invite"' not in page.text
    again = client.post(f"/meetings/{review.pk}/cancel/", {"reason": "Lần nữa"})
    assert again.status_code == 302  # refused as a message: it was cancelled already


def test_minutes_only_once_the_meeting_began(
    world: World, tinh: User, review: Meeting, as_user: Any
) -> None:
    client = as_user(tinh)
    response = client.post(f"/meetings/{review.pk}/minutes/", {"minutes": "Biên bản"})
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.status == Status.SCHEDULED and not review.minutes
    begun = services.meeting_create(
        actor=tinh, host=world.commission, kind=Kind.WORKING_SESSION, title="Làm việc",
        starts_at=timezone.now() - datetime.timedelta(hours=2),
        ends_at=timezone.now() - datetime.timedelta(hours=1),
    )  # fmt: skip
    assert 'id="record-minutes"' in client.get(f"/meetings/{begun.pk}/").text
    response = client.post(
        f"/meetings/{begun.pk}/minutes/",
        {"minutes": "Hội nghị đã thảo luận", "chair_conclusion": "Giao Mặt trận xã rà soát"},
    )
    assert response.status_code == 302
    begun.refresh_from_db()
    assert begun.status == Status.HELD
    assert "Giao Mặt trận xã rà soát" in client.get(f"/meetings/{begun.pk}/").text


def test_tinh_assigns_a_conclusion_and_xa_reports_it_done(
    world: World, tinh: User, xa: User, xa2: User, review: Meeting, fronts: Any, as_user: Any
) -> None:
    client = as_user(tinh)
    due = timezone.localdate() + datetime.timedelta(days=30)
    page = client.post(
        f"/meetings/{review.pk}/conclusions/new/",
        {"text": "Rà soát hộ nghèo", "organization": world.front_a.pk, "due_on": "2001-01-01"},
    )
    assert page.status_code == 200 and "due_on" in page.context["form"].errors
    assert not Conclusion.objects.exists()
    response = client.post(
        f"/meetings/{review.pk}/conclusions/new/",
        {"text": "Rà soát hộ nghèo", "organization": world.front_a.pk, "due_on": due.isoformat()},
    )
    task = Conclusion.objects.get()
    assert response.url == f"/meetings/{review.pk}/#conclusion-{task.pk}"

    page = as_user(xa).get(f"/meetings/{review.pk}/")
    assert f'id="conclusion-{task.pk}"' in page.text
    assert f'action="/meetings/{review.pk}/conclusions/{task.pk}/done/"' in page.text
    done_url = f"/meetings/{review.pk}/conclusions/{task.pk}/done/"
    assert as_user(xa2).post(done_url, {"result": "x", "done_on": "2026-01-01"}).status_code == 403
    page = as_user(xa).post(done_url, {"result": " ", "done_on": timezone.localdate()})
    assert page.status_code == 200 and "result" in page.context["form"].errors
    response = as_user(xa).post(
        done_url, {"result": "Đã rà soát 120 hộ", "done_on": timezone.localdate().isoformat()}
    )
    assert response.status_code == 302
    assert response.url == f"/meetings/{review.pk}/#conclusion-{task.pk}"
    task.refresh_from_db()
    assert (task.status, task.result) == (ConclusionStatus.DONE, "Đã rà soát 120 hộ")

    reopen = f"/meetings/{review.pk}/conclusions/{task.pk}/reopen/"
    assert as_user(xa).post(reopen, {"reason": "Chưa đủ"}).status_code == 403
    assert client.post(reopen, {"reason": "Còn thiếu 3 thôn"}).status_code == 302
    task.refresh_from_db()
    assert task.status == ConclusionStatus.OPEN
    cancel = f"/meetings/{review.pk}/conclusions/{task.pk}/cancel/"
    assert client.post(cancel, {"reason": "Gộp vào nhiệm vụ khác"}).status_code == 302
    task.refresh_from_db()
    assert task.status == ConclusionStatus.CANCELLED


def test_a_late_task_says_how_many_days(world: World, tinh: User, as_user: Any) -> None:
    held = services.meeting_create(
        actor=tinh, host=world.commission, kind=Kind.WORKING_SESSION, title="Làm việc",
        starts_at=at(-10, 8), ends_at=at(-10, 10),
    )  # fmt: skip
    task = services.conclusion_add(
        actor=tinh, meeting=held, text="Báo cáo kết quả", organization=world.front_a,
        due_on=timezone.localdate() - datetime.timedelta(days=3),
    )  # fmt: skip
    page = as_user(tinh).get(f"/meetings/{held.pk}/")
    shown = next(c for c in page.context["conclusions"] if c.pk == task.pk)
    assert (shown.state, shown.late_days) == ("late", 3)


# --- The points' list -----------------------------------------------------------------------


def test_the_points_list_filters_and_offers_the_right_links(
    world: World, tinh: User, xa: User, review: Meeting, fronts: Any, as_user: Any
) -> None:
    mine = point_of(review, world.front_a)
    services_points.point_confirm(actor=xa, point=mine, attending=25)
    other = point_of(review, world.front_b)
    services_points.point_check(actor=tinh, point=other, result="failed", note="Mất mạng")
    client = as_user(tinh)
    url = f"/meetings/{review.pk}/points/"

    def names(**query: str) -> list[str]:
        page = client.get(url, query)
        return [p.organization.name for p in page.context["page"].object_list]

    assert names()[0] == world.commission.name and len(names()) == 3
    assert names(state="confirmed") == [world.front_a.name]
    assert names(state="failed") == [world.front_b.name]
    assert names(level="commune", q="muong xen") == [world.front_a.name]
    page = client.get(url)
    assert f"/points/{other.pk}/withdraw/" in page.text
    assert as_user(xa).get(url).status_code == 200
    assert f"/points/{other.pk}/withdraw/" not in as_user(xa).get(url).text

    withdraw = f"/meetings/{review.pk}/points/{other.pk}/withdraw/?next={url}"
    assert client.get(withdraw).status_code == 200
    response = client.post(withdraw, {"reason": "Sáp nhập"})
    assert response.status_code == 302 and response.url == url
    other.refresh_from_db()
    assert other.withdrawn_at is not None
    evil = f"/meetings/{review.pk}/points/{mine.pk}/edit/?next=https://evil.example/"
    response = client.post(evil, {"place": "Hội trường", "chair": "", "expected": "30"})
    assert response.url == f"/meetings/{review.pk}/#points"


# --- Fast with thousands of points ----------------------------------------------------------


def _count(client: Any, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_meetings_page_reads_a_fixed_number_of_queries(
    world: World, tinh: User, xa: User, as_user: Any, django_assert_max_num_queries: Any
) -> None:
    small = services.meeting_create(
        actor=tinh, host=world.commission, kind=Kind.ONLINE, title="Một điểm cầu",
        starts_at=at(3, 8), ends_at=at(3, 10), format=Format.ONLINE, host_expected=50,
    )  # fmt: skip
    big = services.meeting_create(
        actor=tinh, host=world.commission, kind=Kind.ONLINE, title="Sáu mươi điểm cầu",
        starts_at=at(4, 8), ends_at=at(4, 10), format=Format.ONLINE, host_expected=50,
    )  # fmt: skip
    for _n in range(57):
        OrganizationFactory.create(
            parent=world.commission, area=AreaFactory.create(parent=world.province)
        )
    services_points.points_invite_level(
        actor=tinh, meeting=big, level="commune", kind=front_kind(), expected=30
    )
    services_points.point_add(actor=tinh, meeting=small, organization=world.front_a, expected=30)
    services_points.point_withdraw(actor=tinh, point=point_of(small, world.front_a))
    assert (small.points.active().count(), big.points.active().count()) == (1, 60)
    for user in (tinh, xa):
        client = as_user(user)
        client.get(f"/meetings/{small.pk}/")  # warm the session and the caches
        if user == xa:
            services_points.point_add(actor=tinh, meeting=small, organization=world.front_a)
        for path in ("", "totals/", "points/"):
            one = _count(client, f"/meetings/{small.pk}/{path}")
            sixty = _count(client, f"/meetings/{big.pk}/{path}")
            assert one == sixty, (user, path, one, sixty)
        with django_assert_max_num_queries(30):
            client.get(f"/meetings/{big.pk}/")
    page = as_user(tinh).get(f"/meetings/{big.pk}/")
    assert len(page.context["preview"]) == 20 and page.context["totals"].points == 60


def test_the_reports_presented_link_to_the_consolidated_report_for_who_may_open_it(
    world: World,
    tinh: User,
    xa: User,
    review: Meeting,
    fronts: Any,
    half_form: Form,  # noqa: F811  (the fixture imported above)
    as_user: Any,
) -> None:
    """xa's Front is a bridge point of the commission's review: xa sees which forms are
    presented, without the link to the commission's consolidated report (404 for xa)."""
    form = half_form
    review.report_forms.set([form])
    url = f"/reports/consolidated/?form={form.pk}&amp;org={world.commission.pk}&amp;period=2026S2"
    assert f'href="{url}"' in as_user(tinh).get(f"/meetings/{review.pk}/").text
    page = as_user(xa).get(f"/meetings/{review.pk}/")
    assert page.status_code == 200 and form.name in page.text
    assert "/reports/consolidated/" not in page.text
    consolidated = url.replace("&amp;", "&")
    assert as_user(xa).get(consolidated).status_code == 404
    assert as_user(tinh).get(consolidated).status_code == 200
