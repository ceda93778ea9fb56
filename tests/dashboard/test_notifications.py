"""Notifications: delivery by each person's channel, the digest, settling, the pages and the bell,
the preferences, and the invitation's link shown to the inviter once."""

from __future__ import annotations

import datetime
import io
import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.utils import timezone

from danvan.accounts.models import User
from danvan.dashboard import notifications
from danvan.dashboard.models import Channel, Notification, Preference
from danvan.lib import notify, reminders
from danvan.org.models import Invitation
from danvan.oversight import services as oversight_services
from tests.conftest import World

Capture = Callable[..., Any]


def send(capture: Capture, *messages: notify.Message) -> None:
    with capture(execute=True):
        notify.deliver(list(messages))


def message(to: str, kind: str = "reminder", links: tuple[notify.Link, ...] = ()) -> notify.Message:
    return notify.Message("Nhắc việc", "Nội dung thư", [to], kind, links)


def prefer(user: User, kind: str, channel: str) -> None:
    Preference.objects.create(user=user, kind=kind, channel=channel)


def made(
    user: User, title: str, *, url: str = "", key: str = "", read: bool = False
) -> Notification:
    return Notification.objects.create(
        user=user,
        kind="reminder",
        title=title,
        url=url,
        key=key,
        read_at=timezone.now() if read else None,
    )


# --- Delivery --------------------------------------------------------------------------------


def test_by_default_a_user_gets_the_bell_and_the_email_at_once(
    xa: User, django_capture_on_commit_callbacks: Capture
) -> None:
    links = (notify.Link("Kiến nghị 1", "/oversight/1/", "oversight.recommendation:1"),
             notify.Link("Kiến nghị 2", "/oversight/1/", "oversight.recommendation:2"))  # fmt: skip
    send(django_capture_on_commit_callbacks, message("xa@example.vn", links=links))
    assert [m.to for m in mail.outbox] == [["xa@example.vn"]]  # one e-mail for the message
    assert sorted(Notification.objects.filter(user=xa).values_list("title", "key", "url")) == [
        ("Kiến nghị 1", "oversight.recommendation:1", "/oversight/1/"),
        ("Kiến nghị 2", "oversight.recommendation:2", "/oversight/1/"),
    ]


def test_in_app_only_sends_no_email(xa: User, django_capture_on_commit_callbacks: Capture) -> None:
    prefer(xa, "reminder", Channel.IN_APP)
    send(django_capture_on_commit_callbacks, message("xa@example.vn"))
    assert mail.outbox == []
    notification = Notification.objects.get(user=xa)
    assert (notification.title, notification.digest_pending) == ("Nhắc việc", False)


def test_the_digest_waits_then_sends_one_email_per_person(
    xa: User, tinh: User, django_capture_on_commit_callbacks: Capture
) -> None:
    prefer(xa, "reminder", Channel.DIGEST)
    prefer(xa, "report", Channel.DIGEST)
    prefer(tinh, "alert", Channel.DIGEST)
    send(
        django_capture_on_commit_callbacks,
        message("xa@example.vn", links=(notify.Link("Kiến nghị A", "/a/", "x:1"),)),
        message("xa@example.vn", "report", links=(notify.Link("Báo cáo 6 tháng", "/r/", "y:1"),)),
        message("xa@example.vn", links=(notify.Link("Đã đọc rồi", "/b/", "x:2"),)),
        message("tinh@example.vn", "alert"),
        message("tinh@example.vn", "report"),  # tinh's reports: e-mailed at once
    )
    assert [m.to for m in mail.outbox] == [["tinh@example.vn"]]
    assert Notification.objects.filter(digest_pending=True).count() == 4
    Notification.objects.filter(title="Đã đọc rồi").update(read_at=timezone.now())

    with django_capture_on_commit_callbacks(execute=True):
        assert notifications.send_digests() == 2
    digests = {m.to[0]: m for m in mail.outbox[1:]}
    assert set(digests) == {"xa@example.vn", "tinh@example.vn"}
    body = digests["xa@example.vn"].body
    assert "Kiến nghị A" in body and "http://testserver/a/" in body and "Báo cáo 6 tháng" in body
    assert "Đã đọc rồi" not in body  # read in the application meanwhile
    assert not Notification.objects.filter(digest_pending=True).exists()
    with django_capture_on_commit_callbacks(execute=True):
        assert notifications.send_digests() == 0  # nothing sent twice
    assert len(mail.outbox) == 3


def test_off_tells_nothing(xa: User, django_capture_on_commit_callbacks: Capture) -> None:
    prefer(xa, "alert", Channel.OFF)
    send(django_capture_on_commit_callbacks, message("xa@example.vn", "alert"))
    assert mail.outbox == [] and not Notification.objects.exists()


def test_an_address_of_no_user_is_emailed(
    xa: User, django_capture_on_commit_callbacks: Capture
) -> None:
    send(django_capture_on_commit_callbacks, message("moi@example.vn", "invitation"))
    assert [m.to for m in mail.outbox] == [["moi@example.vn"]]
    assert not Notification.objects.exists()


def test_settle_marks_read_what_no_longer_waits(
    xa: User, tinh: User, django_capture_on_commit_callbacks: Capture
) -> None:
    waiting = made(xa, "Trả lời kiến nghị", key="oversight.recommendation:7")
    other = made(tinh, "Trả lời kiến nghị", key="oversight.recommendation:7")
    still = made(xa, "Báo cáo", key="reporting.submission:3")
    with django_capture_on_commit_callbacks(execute=True):
        notify.settle("oversight.recommendation:7")
    for n in (waiting, other, still):
        n.refresh_from_db()
    assert waiting.read_at is not None and other.read_at is not None
    assert still.read_at is None


@pytest.fixture
def committing(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Run what waits for the commit at once, as each job's own commit does outside the tests."""

    def at_once(func: Callable[[], object], using: str | None = None, robust: bool = False) -> None:
        func()

    monkeypatch.setattr(transaction, "on_commit", at_once)
    yield


def test_danvan_reminders_sends_the_digest_after_the_reminders(
    world: World, tinh: User, xa: User, committing: None
) -> None:
    jobs = reminders.jobs()
    assert jobs[-1] is notifications.daily_digest
    assert all(notifications.daily_digest.priority < job.priority for job in jobs[:-1])

    today = timezone.localdate()
    supervision = oversight_services.oversight_create(
        actor=tinh, kind="supervision", title="Giám sát quy chế dân chủ", lead=world.commission,
        subjects=[world.front_a], starts_on=today - datetime.timedelta(days=30),
        ends_on=today - datetime.timedelta(days=20),
    )  # fmt: skip
    oversight_services.recommendation_add(
        actor=tinh, oversight=supervision, text="Niêm yết công khai", responsible=world.front_a,
        due_on=today + datetime.timedelta(days=2),
    )  # fmt: skip
    prefer(xa, "reminder", Channel.DIGEST)
    mail.outbox.clear()

    call_command("reminders", stdout=io.StringIO())

    assert [m.to for m in mail.outbox] == [["xa@example.vn"]]  # the digest, not the reminder
    assert "Niêm yết công khai" in mail.outbox[0].body
    notification = Notification.objects.get(user=xa)
    assert notification.digest_pending is False


# --- Pages -----------------------------------------------------------------------------------


def bell(page: Any) -> str | None:
    found = re.search(r'id="dv-bell-count">(\d+)<', page.content.decode())
    return found.group(1) if found else None


def test_the_list_shows_ones_own_newest_first_and_unread_in_bold(
    xa: User, xa2: User, as_user: Callable[[User], Client]
) -> None:
    made(xa, "Cũ đã đọc", read=True)
    made(xa, "Mới chưa đọc", url="/oversight/1/")
    made(xa2, "Của người khác")
    page = as_user(xa).get("/notifications/")
    text = page.content.decode()
    assert page.status_code == 200
    assert text.index("Mới chưa đọc") < text.index("Cũ đã đọc")
    assert "Của người khác" not in text
    assert re.search(r'fw-bold"[^>]*>Mới chưa đọc<', text)
    assert not re.search(r'fw-bold"[^>]*>Cũ đã đọc<', text)
    unread = as_user(xa).get("/notifications/?show=unread").content.decode()
    assert "Mới chưa đọc" in unread and "Cũ đã đọc" not in unread
    assert bell(page) == "1"


def test_the_list_is_paginated_in_flat_queries(
    xa: User, as_user: Callable[[User], Client], django_assert_max_num_queries: Any
) -> None:
    client = as_user(xa)
    made(xa, "Một")
    client.get("/notifications/")  # the session and the second factor, read once
    with django_assert_max_num_queries(12) as few:
        client.get("/notifications/")
    queries = len(few.captured_queries)  # read now: the next request clears the log
    Notification.objects.bulk_create(
        [Notification(user=xa, kind="report", title=f"Báo cáo {i}") for i in range(70)]
    )
    with django_assert_max_num_queries(queries):
        first = client.get("/notifications/")
    assert 'href="?page=2"' in first.content.decode()
    assert client.get("/notifications/?page=2").status_code == 200


def test_anonymous_goes_to_sign_in(xa: User) -> None:
    mine = made(xa, "Nhắc việc")
    for response in (
        Client().get("/notifications/"),
        Client().get("/notifications/settings/"),
        Client().post(f"/notifications/{mine.pk}/read/"),
        Client().post("/notifications/read-all/"),
    ):
        assert response.status_code == 302 and "/login/" in response["Location"]
    mine.refresh_from_db()
    assert mine.read_at is None


def test_opening_marks_read_and_goes_to_its_page(
    xa: User, as_user: Callable[[User], Client]
) -> None:
    client = as_user(xa)
    mine = made(xa, "Kiến nghị", url="/oversight/5/#rec-9")
    made(xa, "Khác")
    assert bell(client.get("/notifications/")) == "2"
    response = client.post(f"/notifications/{mine.pk}/read/?next=open")
    assert (response.status_code, response["Location"]) == (302, "/oversight/5/#rec-9")
    mine.refresh_from_db()
    assert mine.read_at is not None
    assert bell(client.get("/notifications/")) == "1"  # the header's count dropped


def test_a_link_off_the_site_is_not_followed(xa: User, as_user: Callable[[User], Client]) -> None:
    mine = made(xa, "Lạ", url="https://evil.example/steal")
    response = as_user(xa).post(f"/notifications/{mine.pk}/read/?next=open")
    assert (response.status_code, response["Location"]) == (302, "/notifications/")


def test_another_persons_notification_is_not_found(
    xa: User, xa2: User, as_user: Callable[[User], Client]
) -> None:
    theirs = made(xa2, "Của xa2")
    client = as_user(xa)
    assert client.post(f"/notifications/{theirs.pk}/read/").status_code == 404
    assert client.post(f"/notifications/{theirs.pk}/read/?next=open").status_code == 404
    assert client.post("/notifications/99999999/read/").status_code == 404
    client.post("/notifications/read-all/")
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_htmx_marks_read_and_swaps_the_row_and_the_bell(
    xa: User, as_user: Callable[[User], Client]
) -> None:
    first = made(xa, "Một")
    made(xa, "Hai")
    response = as_user(xa).post(f"/notifications/{first.pk}/read/", headers={"HX-Request": "true"})
    text = response.content.decode()
    assert response.status_code == 200
    assert f'id="notification-{first.pk}"' in text and "dv-unread" not in text
    assert 'id="dv-bell" hx-swap-oob="true"' in text and bell(response) == "1"
    first.refresh_from_db()
    assert first.read_at is not None


def test_mark_all_read_empties_the_bell(xa: User, as_user: Callable[[User], Client]) -> None:
    client = as_user(xa)
    made(xa, "Một")
    made(xa, "Hai")
    page = client.post("/notifications/read-all/", {"show": "unread"}, follow=True)
    assert page.redirect_chain == [("/notifications/?show=unread", 302)]
    assert bell(page) is None
    assert "dv-notifications" not in page.content.decode()  # the empty state
    assert not Notification.objects.filter(user=xa, read_at__isnull=True).exists()


# --- Preferences -----------------------------------------------------------------------------


def test_settings_choose_the_channel_per_kind(
    xa: User, as_user: Callable[[User], Client], django_capture_on_commit_callbacks: Capture
) -> None:
    client = as_user(xa)
    assert 'href="/notifications/settings/"' in client.get("/accounts/profile/").content.decode()
    page = client.get("/notifications/settings/")
    assert page.status_code == 200
    assert all(f'name="{kind}"' in page.content.decode() for kind in notify.KINDS)

    data = dict.fromkeys(notify.KINDS, "email")
    data.update({"reminder": "digest", "report": "in_app", "alert": "off"})
    response = client.post("/notifications/settings/", data)
    assert response.status_code == 302
    assert dict(Preference.objects.filter(user=xa).values_list("kind", "channel")) == data
    send(django_capture_on_commit_callbacks, message("xa@example.vn", "alert"))
    assert not Notification.objects.exists()  # off

    refused = client.post("/notifications/settings/", {**data, "report": "pigeon"})
    assert refused.status_code == 200 and "is-invalid" in refused.content.decode()
    assert Preference.objects.get(user=xa, kind="report").channel == "in_app"


# --- The invitation's link -------------------------------------------------------------------


def test_the_inviter_sees_the_link_once_to_copy(
    world: World, lanhdao: User, xa2: User, as_user: Callable[[User], Client],
    django_capture_on_commit_callbacks: Capture,
) -> None:  # fmt: skip
    client = as_user(lanhdao)
    with django_capture_on_commit_callbacks(execute=True):
        page = client.post(
            f"/orgs/{world.front_a.pk}/invite/", {"email": "moi@example.vn", "role": "reporter"},
            follow=True,
        )  # fmt: skip
    text = page.content.decode()
    link = re.search(
        r'id="new-invitation-link" value="(http://testserver/invitations/[^"]+/)"', text
    )
    assert link is not None
    assert "data-copy=" in text and "danvan/copy.js" in text
    assert "alert-warning" in text  # e-mail is not set up in the tests: say so
    assert link.group(1) in mail.outbox[0].body  # the same link as the e-mail's
    assert Client().get(link.group(1)[len("http://testserver") :]).status_code == 200
    again = client.get(f"/orgs/{world.front_a.pk}/").content.decode()
    assert "new-invitation-link" not in again  # shown only once
    assert Invitation.objects.count() == 1


def test_with_email_set_up_the_link_is_offered_beside_the_email(
    world: World, lanhdao: User, as_user: Callable[[User], Client], settings: Any
) -> None:
    settings.DANVAN_EMAIL_CONFIGURED = True
    page = as_user(lanhdao).post(
        f"/orgs/{world.front_a.pk}/invite/", {"email": "moi@example.vn", "role": "reporter"},
        follow=True,
    )  # fmt: skip
    text = page.content.decode()
    assert "alert-success" in text and 'id="new-invitation-link"' in text


def test_the_api_gives_the_invitations_link_once(world: World, lanhdao: User, xa: User) -> None:
    from tests.org.test_api import bearer, post

    url = f"/api/v1/organizations/{world.front_a.pk}/invitations"
    created = post(bearer(lanhdao), url, {"email": "moi@example.vn", "role": "reporter"})
    assert created.status_code == 201  # type: ignore[attr-defined]
    link = created.json()["link"]  # type: ignore[attr-defined]
    assert re.fullmatch(r"http://testserver/invitations/[\w-]+/", link)
    assert Client().get(link[len("http://testserver") :]).status_code == 200
    listed = bearer(lanhdao).get(url).json()["items"]
    assert "link" not in listed[0]  # never again
    refused = post(bearer(xa), url, {"email": "khac@example.vn", "role": "viewer"})
    assert refused.status_code == 403 and Invitation.objects.count() == 1  # type: ignore[attr-defined]
