"""A file removed from a note comes back with Undo: the page offers it beside the message, the
service restores it with its verb, and only those who may change the note can."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from danvan.accounts.models import User
from danvan.lib.errors import Conflict
from danvan.situation import selectors, services
from danvan.situation.models import Attachment, Note

pytestmark = pytest.mark.django_db
DAY = timezone.localdate()


@pytest.fixture
def attached(xa: User, file_note: Callable[..., Note], settings: Any, tmp_path: Any) -> Attachment:
    settings.MEDIA_ROOT = tmp_path
    note = file_note(xa, event_date=DAY - datetime.timedelta(days=3), today=DAY)
    upload = SimpleUploadedFile("bien-ban.pdf", b"%PDF-1.4 minutes", "application/pdf")
    return services.attachment_add(actor=xa, note=note, upload=upload)


def verbs(attachment: Attachment) -> list[str]:
    records = attachment.history.order_by("history_date", "history_id")  # type: ignore[attr-defined]
    return list(records.values_list("history_verb", flat=True))


def test_the_service_restores_a_removed_file(attached: Attachment, xa: User, xa2: User) -> None:
    services.attachment_remove(actor=xa, attachment=attached)
    assert list(selectors.attachments_of(attached.note)) == []
    with pytest.raises(PermissionDenied):
        services.attachment_restore(actor=xa2, attachment=attached)
    services.attachment_restore(actor=xa, attachment=attached)
    assert list(selectors.attachments_of(attached.note)) == [attached]
    assert verbs(attached) == ["", "removed", "restored"]
    with pytest.raises(Conflict):
        services.attachment_restore(actor=xa, attachment=attached)


def test_the_page_offers_undo(attached: Attachment, xa: User, as_user: Any) -> None:
    client = as_user(xa)
    page = client.post(f"/situation/attachments/{attached.pk}/remove/", follow=True)
    restore = f"/situation/attachments/{attached.pk}/restore/"
    html = page.content.decode()
    download = f'href="/situation/attachments/{attached.pk}/"'
    assert f'action="{restore}"' in html and download not in html
    assert client.get(f"/situation/attachments/{attached.pk}/").status_code == 404
    assert client.get(restore).status_code == 405
    back = client.post(restore, follow=True).content.decode()
    assert download in back and f'action="/situation/attachments/{attached.pk}/remove/"' in back
    assert client.get(f"/situation/attachments/{attached.pk}/").status_code == 200
    assert client.post(restore).status_code == 404  # on the note: nothing to undo


@pytest.mark.parametrize(("who", "expected"), [("xa2", 404), ("outsider", 404)])
def test_the_restore_page_refuses_others(
    attached: Attachment, xa: User, as_user: Any, request: pytest.FixtureRequest, who: str,
    expected: int,
) -> None:  # fmt: skip
    services.attachment_remove(actor=xa, attachment=attached)
    url = f"/situation/attachments/{attached.pk}/restore/"
    assert as_user(request.getfixturevalue(who)).post(url).status_code == expected
    assert Client().post(url).status_code == 302  # to sign in
    attached.refresh_from_db()
    assert attached.removed_at is not None


def test_a_viewer_of_the_note_may_not_restore(
    world: Any, attached: Attachment, xa: User, as_user: Any
) -> None:
    from tests.factories import member

    viewer = member(world.front_a, "viewer", email="xem@example.vn")
    services.attachment_remove(actor=xa, attachment=attached)
    assert as_user(viewer).post(f"/situation/attachments/{attached.pk}/restore/").status_code == 403
    attached.refresh_from_db()
    assert attached.removed_at is not None


# --- Through the API ------------------------------------------------------------------------


def test_the_api_attaches_removes_and_restores_a_file(
    world: Any, attached: Attachment, xa: User, xa2: User
) -> None:
    from tests.factories import member
    from tests.org.test_api import bearer

    note = attached.note
    url = f"/api/v1/situation-notes/{note.pk}/attachments"
    photo = SimpleUploadedFile("hien-truong.pdf", b"%PDF-1.4 site photo", "application/pdf")
    added = bearer(xa).post(url, {"file": photo})
    assert added.status_code == 201, added.content
    body = added.json()
    assert (body["name"], body["note_id"], body["removed_at"]) == ("hien-truong.pdf", note.pk, None)
    assert bearer(xa).get(body["url"]).status_code == 200
    names = [a["name"] for a in bearer(xa).get(f"/api/v1/situation-notes/{note.pk}").json()["attachments"]]  # fmt: skip
    assert names == ["bien-ban.pdf", "hien-truong.pdf"]
    fake = SimpleUploadedFile("virus.exe", b"MZ\x90\x00", "application/octet-stream")
    refused = bearer(xa).post(url, {"file": fake})
    assert refused.status_code == 400 and Attachment.objects.count() == 2
    assert bearer(xa2).post(url, {"file": photo}).status_code == 404  # another commune's note
    viewer = member(world.front_a, "viewer", email="xem@example.vn")
    assert bearer(viewer).post(url, {"file": photo}).status_code == 403
    assert Client().post(url, {"file": photo}).status_code == 401

    remove = f"/api/v1/situation-attachments/{attached.pk}/remove"
    assert bearer(viewer).post(remove).status_code == 403
    assert bearer(xa2).post(remove).status_code == 404
    gone = bearer(xa).post(remove)
    assert gone.status_code == 200 and gone.json()["removed_at"] is not None
    assert bearer(xa).post(remove).status_code == 409  # already off
    assert bearer(xa).get(f"/api/v1/situation-attachments/{attached.pk}").status_code == 404
    restore = f"/api/v1/situation-attachments/{attached.pk}/restore"
    assert bearer(viewer).post(restore).status_code == 403
    back = bearer(xa).post(restore)
    assert back.status_code == 200 and back.json()["removed_at"] is None
    assert bearer(xa).post(restore).status_code == 409  # on the note: nothing to undo
    assert verbs(attached) == ["", "removed", "restored"]
