"""Situation services: filing and correcting notes, resolving and reopening them, follow-ups,
attachments, the hot-spot alert they raise, and the handling of alerts."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from danvan.accounts.models import User
from danvan.lib.errors import Conflict
from danvan.org.models import Area, Role
from danvan.situation import alerts, selectors, services
from danvan.situation.models import (
    Alert,
    AlertKind,
    AlertStatus,
    Attachment,
    FollowUp,
    Level,
    Note,
    NoteStatus,
    Topic,
)
from tests.conftest import World
from tests.factories import DocumentFactory, OversightFactory, ProgramFactory, member
from tests.situation.conftest import TODAY

pytestmark = pytest.mark.django_db

D = datetime.date
EVENT = TODAY - datetime.timedelta(days=2)
FileNote = Callable[..., Note]


def fields_of(exc: pytest.ExceptionInfo[ValidationError]) -> set[str]:
    return set(exc.value.message_dict)


def verbs(record: Any) -> list[str]:
    return [h.history_verb for h in record.history.order_by("history_date", "history_id")]


# --- Filing a note ---------------------------------------------------------------------------


def test_xa_files_a_note_for_its_own_unit(world: World, xa: User, file_note: FileNote) -> None:
    note = file_note(xa, people_concerned=40, details="Hội nghị đối thoại tại nhà văn hóa")
    note.refresh_from_db()
    assert (note.organization, note.area, note.commune) == (
        world.front_a,
        world.commune_a,
        world.commune_a,
    )
    assert (note.status, note.level, note.created_by) == (NoteStatus.FOLLOWING, "normal", xa)
    assert note.history.get().history_user == xa
    assert not Alert.objects.exists()  # a normal note raises nothing
    assert "hoi nghi doi thoai" in note.search_text


def test_xa_may_not_file_for_another_unit(world: World, xa: User, file_note: FileNote) -> None:
    with pytest.raises(PermissionDenied):
        file_note(xa, organization=world.front_b, area=world.commune_b)
    assert not Note.objects.exists()


def test_a_dissolved_unit_files_only_what_happened_while_it_existed(
    world: World, file_note: FileNote
) -> None:
    from danvan.org import services as org_services

    day_before = EVENT - datetime.timedelta(days=1)
    org_services.organization_dissolve(actor=None, org=world.front_a, dissolved_on=day_before)
    world.front_a.refresh_from_db()
    with pytest.raises(ValidationError) as dissolved:
        file_note(None)
    assert fields_of(dissolved) == {"organization"}
    assert not Note.objects.exists()
    earlier = file_note(None, event_date=day_before - datetime.timedelta(days=1))
    assert earlier.organization == world.front_a


def test_the_area_must_be_a_commune_or_village_of_the_unit(
    world: World, xa: User, file_note: FileNote
) -> None:
    with pytest.raises(ValidationError) as outside:
        file_note(xa, area=world.commune_b)
    assert fields_of(outside) == {"area"}
    assert "Xã Mỹ Lý" in outside.value.message_dict["area"][0]
    with pytest.raises(ValidationError) as province:
        file_note(None, organization=world.commission, area=world.province)
    assert fields_of(province) == {"area"}
    assert not Note.objects.exists()


def test_a_village_note_counts_for_its_commune(
    world: World, xa: User, village: Area, file_note: FileNote
) -> None:
    note = file_note(xa, area=village)
    assert (note.area, note.commune) == (village, world.commune_a)
    moved = services.note_update(actor=xa, note=note, area=world.commune_a, today=TODAY)
    assert Note.objects.get(pk=moved.pk).commune == world.commune_a


def test_event_dates_in_the_future_or_outside_the_areas_life_are_refused(
    world: World, old_commune: Area, file_note: FileNote, xa: User
) -> None:
    with pytest.raises(ValidationError) as future:
        file_note(xa, event_date=TODAY + datetime.timedelta(days=1))
    assert fields_of(future) == {"event_date"}
    file_note(xa, event_date=TODAY)  # today itself is fine
    with pytest.raises(ValidationError) as before:
        file_note(xa, event_date=D(2025, 6, 30))  # commune A exists from 1 July 2025
    assert fields_of(before) == {"event_date"}
    assert "01/07/2025" in before.value.message_dict["event_date"][0]
    file_note(xa, event_date=D(2025, 7, 1))
    with pytest.raises(ValidationError) as ended:
        file_note(None, organization=world.commission, area=old_commune, event_date=D(2025, 7, 1))
    assert fields_of(ended) == {"event_date"}
    assert "30/06/2025" in ended.value.message_dict["event_date"][0]
    file_note(None, organization=world.commission, area=old_commune, event_date=D(2025, 6, 30))
    assert Note.objects.count() == 3


def test_a_retired_topic_is_refused_but_an_old_note_keeps_it(
    xa: User, land: Topic, file_note: FileNote
) -> None:
    note = file_note(xa)
    Topic.objects.filter(pk=land.pk).update(is_active=False)
    land.refresh_from_db()
    with pytest.raises(ValidationError) as retired:
        file_note(xa)
    assert fields_of(retired) == {"topic"}
    # Correcting another field of a note on the retired topic is allowed.
    updated = services.note_update(
        actor=xa, note=note, summary="Bà con thôn 3 đã nhận tiền bồi thường", today=TODAY
    )
    assert updated.topic == land
    # …but moving a note onto it is not.
    other = Topic.objects.get(code="land-disputes")
    moved = services.note_update(actor=xa, note=note, topic=other, today=TODAY)
    with pytest.raises(ValidationError) as back:
        services.note_update(actor=xa, note=moved, topic=land, today=TODAY)
    assert fields_of(back) == {"topic"}
    assert Note.objects.get(pk=note.pk).topic == other


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"summary": "   "}, "summary"),
        ({"people_concerned": -1}, "people_concerned"),
        ({"people_concerned": 10_000_001}, "people_concerned"),
        ({"level": "urgent"}, "level"),
        ({"source": "rumour"}, "source"),
    ],
)
def test_bad_fields_are_refused_naming_them(
    xa: User, file_note: FileNote, fields: dict[str, Any], field: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        file_note(xa, **fields)
    assert fields_of(refused) == {field}
    assert not Note.objects.exists()


def test_people_concerned_at_the_limits_is_kept(xa: User, file_note: FileNote) -> None:
    assert file_note(xa, people_concerned=0).people_concerned == 0
    assert file_note(xa, people_concerned=10_000_000).people_concerned == 10_000_000


def test_links_only_to_records_the_actor_sees(world: World, xa: User, file_note: FileNote) -> None:
    own = ProgramFactory(lead=world.front_a)
    foreign = ProgramFactory(lead=world.front_b)
    foreign_oversight = OversightFactory(lead=world.party_b, subjects=[world.front_b])
    own_oversight = OversightFactory(lead=world.party_a, subjects=[world.front_a])
    document = DocumentFactory()  # the registry is shared by everyone who signs in

    note = file_note(xa, programs=[own], oversights=[own_oversight], documents=[document])
    assert list(note.programs.all()) == [own]
    assert list(note.oversights.all()) == [own_oversight]
    assert list(note.documents.all()) == [document]
    with pytest.raises(ValidationError) as program:
        file_note(xa, programs=[own, foreign])
    assert fields_of(program) == {"programs"}
    with pytest.raises(ValidationError) as oversight:
        file_note(xa, oversights=[foreign_oversight])
    assert fields_of(oversight) == {"oversights"}
    with pytest.raises(ValidationError) as on_update:
        services.note_update(actor=xa, note=note, programs=[foreign], today=TODAY)
    assert fields_of(on_update) == {"programs"}
    assert Note.objects.count() == 1
    assert list(Note.objects.get().programs.all()) == [own]
    # The system (the demo, an import by the job) links what it likes.
    assert list(file_note(None, programs=[foreign]).programs.all()) == [foreign]


# --- The hot-spot alert ---------------------------------------------------------------------


def test_a_hot_spot_raises_one_alert_for_the_commission_and_mails_the_leaders_once(
    world: World,
    xa: User,
    lanhdao: User,
    tinh: User,
    file_note: FileNote,
    django_capture_on_commit_callbacks: Any,
) -> None:
    assert alerts.commission_for(world.commune_a) == world.commission
    with django_capture_on_commit_callbacks(execute=True):
        note = file_note(xa, level=Level.HOT_SPOT)
    alert = Alert.objects.get()
    assert (alert.kind, alert.organization, alert.area, alert.note) == (
        AlertKind.HOT_SPOT,
        world.commission,
        world.commune_a,
        note,
    )
    assert alert.topic.code == "land"  # alerts are kept by topic group
    assert alert.period == "202612" and alert.raised_on == TODAY
    assert alert.explanation["level"] == "hot_spot" and alert.notified_at is not None
    assert verbs(alert) == ["alert_raised"]
    assert [m.to for m in mail.outbox] == [[lanhdao.email]]  # the leader, not the specialist

    with django_capture_on_commit_callbacks(execute=True):
        services.note_update(actor=xa, note=note, details="Đã tổ chức đối thoại lần 2", today=TODAY)
        services.follow_up_add(
            actor=xa, note=note, happened_on=TODAY, text="Tiếp tục đối thoại", today=TODAY
        )
    assert Alert.objects.count() == 1 and len(mail.outbox) == 1


def test_level_changes_raise_the_alert_only_when_the_note_becomes_serious(
    xa: User, lanhdao: User, file_note: FileNote, django_capture_on_commit_callbacks: Any
) -> None:
    note = file_note(xa, level=Level.WATCH)
    with django_capture_on_commit_callbacks(execute=True):
        services.note_update(actor=xa, note=note, level=Level.NORMAL, today=TODAY)
        assert not Alert.objects.exists()
        services.note_update(actor=xa, note=note, level=Level.HOT_SPOT, today=TODAY)
    assert Alert.objects.filter(note=note, kind=AlertKind.HOT_SPOT).count() == 1
    assert len(mail.outbox) == 1
    with django_capture_on_commit_callbacks(execute=True):
        services.note_update(actor=xa, note=note, level=Level.WATCH, today=TODAY)
        # Back to a hot spot in the same matter: the same alert, not a second one.
        services.note_update(actor=xa, note=note, level=Level.HOT_SPOT, today=TODAY)
    assert Alert.objects.count() == 1 and len(mail.outbox) == 1


# --- Correcting a note ----------------------------------------------------------------------


def test_update_refuses_unknown_fields_and_other_units(
    world: World, xa: User, xa2: User, file_note: FileNote
) -> None:
    note = file_note(xa)
    with pytest.raises(ValidationError) as unknown:
        services.note_update(actor=xa, note=note, colour="red", status="resolved")
    assert "colour" in unknown.value.messages[0] and "status" in unknown.value.messages[0]
    with pytest.raises(PermissionDenied):
        services.note_update(actor=xa2, note=note, summary="Đã xong", today=TODAY)
    with pytest.raises(PermissionDenied):
        services.note_update(
            actor=xa, note=note, organization=world.front_b, area=world.commune_b, today=TODAY
        )
    fresh = Note.objects.get(pk=note.pk)
    assert (fresh.summary, fresh.organization) == (note.summary, world.front_a)
    assert fresh.history.count() == 1


def test_update_records_the_reason_and_checks_like_create(xa: User, file_note: FileNote) -> None:
    note = file_note(xa)
    services.note_update(
        actor=xa, note=note, people_concerned=60, reason="Số hộ đã xác minh lại", today=TODAY
    )
    latest = note.history.latest()
    assert (latest.history_change_reason, latest.history_user) == ("Số hộ đã xác minh lại", xa)
    with pytest.raises(ValidationError) as future:
        services.note_update(
            actor=xa, note=note, event_date=TODAY + datetime.timedelta(days=3), today=TODAY
        )
    assert fields_of(future) == {"event_date"}
    assert Note.objects.get(pk=note.pk).event_date == EVENT


# --- Resolving and reopening ----------------------------------------------------------------


def test_resolve_checks_the_day_and_happens_once(xa: User, file_note: FileNote) -> None:
    note = file_note(xa)
    with pytest.raises(ValidationError) as future:
        services.note_resolve(
            actor=xa, note=note, resolved_on=TODAY + datetime.timedelta(days=1), today=TODAY
        )
    assert fields_of(future) == {"resolved_on"}
    with pytest.raises(ValidationError) as early:
        services.note_resolve(
            actor=xa, note=note, resolved_on=EVENT - datetime.timedelta(days=1), today=TODAY
        )
    assert fields_of(early) == {"resolved_on"}
    assert Note.objects.get(pk=note.pk).status == NoteStatus.FOLLOWING

    services.note_resolve(
        actor=xa, note=note, resolved_on=TODAY, actions="Đã chi trả bổ sung", today=TODAY
    )
    fresh = Note.objects.get(pk=note.pk)
    assert (fresh.status, fresh.resolved_on) == (NoteStatus.RESOLVED, TODAY)
    assert fresh.actions == "Đã chi trả bổ sung"
    with pytest.raises(Conflict):
        services.note_resolve(actor=xa, note=note, resolved_on=TODAY, today=TODAY)
    assert verbs(note) == ["", "resolved"]


def test_a_resolved_notes_event_cannot_move_after_its_resolution(
    xa: User, file_note: FileNote
) -> None:
    note = file_note(xa, event_date=D(2026, 11, 20))
    services.note_resolve(actor=xa, note=note, resolved_on=D(2026, 11, 25), today=TODAY)
    with pytest.raises(ValidationError) as late:
        services.note_update(actor=xa, note=note, event_date=D(2026, 11, 26), today=TODAY)
    assert fields_of(late) == {"event_date"}
    assert "25/11/2026" in late.value.message_dict["event_date"][0]
    services.note_update(actor=xa, note=note, event_date=D(2026, 11, 25), today=TODAY)
    assert Note.objects.get(pk=note.pk).event_date == D(2026, 11, 25)


def test_reopen_needs_a_reason_and_a_resolved_note(
    xa: User, xa2: User, file_note: FileNote
) -> None:
    note = file_note(xa)
    with pytest.raises(Conflict):
        services.note_reopen(actor=xa, note=note, reason="Bà con lại kiến nghị")
    services.note_resolve(actor=xa, note=note, resolved_on=TODAY, today=TODAY)
    with pytest.raises(ValidationError) as blank:
        services.note_reopen(actor=xa, note=note, reason="  ")
    assert fields_of(blank) == {"reason"}
    with pytest.raises(PermissionDenied):
        services.note_reopen(actor=xa2, note=note, reason="Bà con lại kiến nghị")
    services.note_reopen(actor=xa, note=note, reason="Bà con lại kiến nghị")
    fresh = Note.objects.get(pk=note.pk)
    assert (fresh.status, fresh.resolved_on) == (NoteStatus.FOLLOWING, None)
    assert verbs(note) == ["", "resolved", "reopened"]
    assert note.history.latest().history_change_reason == "Bà con lại kiến nghị"


def test_resolve_checks_the_text_it_adds(xa: User, file_note: FileNote) -> None:
    note = file_note(xa)
    with pytest.raises(ValidationError) as named:
        services.note_resolve(
            actor=xa,
            note=note,
            resolved_on=TODAY,
            actions="Đã làm việc với ông Nguyễn Văn Hùng",
            today=TODAY,
        )
    assert fields_of(named) == {"actions"}
    assert Note.objects.get(pk=note.pk).status == NoteStatus.FOLLOWING
    services.note_resolve(
        actor=xa,
        note=note,
        resolved_on=TODAY,
        actions="Đã làm việc với ông Nguyễn Văn Hùng, Chủ tịch UBND xã",
        confirm_no_person=True,
        today=TODAY,
    )
    assert Note.objects.get(pk=note.pk).status == NoteStatus.RESOLVED


# --- Follow-ups -----------------------------------------------------------------------------


def test_a_follow_up_carries_its_level_to_the_note(
    xa: User, lanhdao: User, file_note: FileNote, django_capture_on_commit_callbacks: Any
) -> None:
    note = file_note(xa, level=Level.WATCH)
    same = services.follow_up_add(
        actor=xa, note=note, happened_on=TODAY, text="Đã đối thoại", today=TODAY
    )
    assert same.level == Level.WATCH and verbs(note) == [""]
    with django_capture_on_commit_callbacks(execute=True):
        services.follow_up_add(
            actor=xa,
            note=note,
            happened_on=TODAY,
            text="Bà con tập trung đông tại trụ sở xã",
            level=Level.COMPLEX,
            today=TODAY,
        )
    fresh = Note.objects.get(pk=note.pk)
    assert fresh.level == Level.COMPLEX
    assert verbs(note) == ["", "followed_up"]
    assert Alert.objects.get().explanation["level"] == "complex" and len(mail.outbox) == 1
    assert list(FollowUp.objects.filter(note=note).values_list("level", flat=True)) == [
        "watch",
        "complex",
    ]


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"happened_on": TODAY + datetime.timedelta(days=1)}, "happened_on"),
        ({"happened_on": EVENT - datetime.timedelta(days=1)}, "happened_on"),
        ({"text": "  "}, "text"),
        ({"level": "urgent"}, "level"),
        ({"text": "Đã gặp chị Hoa, số điện thoại 0912 345 678"}, "text"),
    ],
)
def test_follow_up_refusals(
    xa: User, file_note: FileNote, fields: dict[str, Any], field: str
) -> None:
    note = file_note(xa)
    values: dict[str, Any] = {"happened_on": TODAY, "text": "Đã đối thoại", **fields}
    with pytest.raises(ValidationError) as refused:
        services.follow_up_add(actor=xa, note=note, today=TODAY, **values)
    assert fields_of(refused) == {field}
    assert not FollowUp.objects.exists()


def test_follow_ups_are_the_filing_units(xa: User, xa2: User, file_note: FileNote) -> None:
    note = file_note(xa)
    with pytest.raises(PermissionDenied):
        services.follow_up_add(
            actor=xa2, note=note, happened_on=TODAY, text="Đã đối thoại", today=TODAY
        )
    confirmed = services.follow_up_add(
        actor=xa,
        note=note,
        happened_on=TODAY,
        text="Đã gặp chị Hoa, cán bộ địa chính xã",
        confirm_no_person=True,
        today=TODAY,
    )
    assert confirmed.author == xa
    assert list(selectors.follow_ups_of(note)) == [confirmed]


# --- Attachments ----------------------------------------------------------------------------


PDF = b"%PDF-1.4\n%bien ban\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def test_attachments_are_added_and_removed_softly(
    xa: User, xa2: User, file_note: FileNote, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    note = file_note(xa)
    pdf = services.attachment_add(
        actor=xa, note=note, upload=SimpleUploadedFile("Biên bản họp.pdf", PDF)
    )
    png = services.attachment_add(actor=xa, note=note, upload=SimpleUploadedFile("anh.png", PNG))
    assert pdf.name == "Bien_ban_hop.pdf" and pdf.uploaded_by == xa
    assert pdf.file.read() == PDF
    assert list(selectors.attachments_of(note)) == [pdf, png]

    with pytest.raises(PermissionDenied):
        services.attachment_remove(actor=xa2, attachment=pdf)
    services.attachment_remove(actor=xa, attachment=pdf)
    kept = Attachment.objects.get(pk=pdf.pk)  # the row stays
    assert kept.removed_at is not None
    assert verbs(kept) == ["", "removed"]
    assert list(selectors.attachments_of(note)) == [png]
    with pytest.raises(Conflict):
        services.attachment_remove(actor=xa, attachment=kept)


def test_attachment_refusals(
    xa: User, xa2: User, file_note: FileNote, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    note = file_note(xa)
    with pytest.raises(ValidationError):
        services.attachment_add(
            actor=xa, note=note, upload=SimpleUploadedFile("bao-cao.pdf", b"MZ\x90\x00" * 8)
        )
    with pytest.raises(ValidationError):
        services.attachment_add(actor=xa, note=note, upload=SimpleUploadedFile("a.exe", PDF))
    with pytest.raises(PermissionDenied):
        services.attachment_add(actor=xa2, note=note, upload=SimpleUploadedFile("b.pdf", PDF))
    assert not Attachment.objects.exists()


# --- Alerts: acknowledge, assign, close -----------------------------------------------------


@pytest.fixture
def alert(xa: User, file_note: FileNote) -> Alert:
    file_note(xa, level=Level.HOT_SPOT)
    return Alert.objects.get()


def test_who_may_handle_an_alert(
    world: World, alert: Alert, tinh: User, lanhdao: User, xa: User, outsider: User
) -> None:
    reporter = member(world.commission, Role.REPORTER)
    viewer = member(world.commission, Role.VIEWER)
    assert selectors.may_handle_alert(tinh, alert)
    assert selectors.may_handle_alert(lanhdao, alert)
    assert not selectors.may_handle_alert(xa, alert)
    assert not selectors.may_handle_alert(reporter, alert)
    assert not selectors.may_handle_alert(viewer, alert)
    assert not selectors.may_handle_alert(outsider, alert)
    with pytest.raises(PermissionDenied):
        services.alert_acknowledge(actor=xa, alert=alert)
    with pytest.raises(PermissionDenied):
        services.alert_close(actor=reporter, alert=alert, outcome="Đã xử lý")
    assert Alert.objects.get(pk=alert.pk).status == AlertStatus.OPEN


def test_acknowledge_with_an_assignee_then_close(
    alert: Alert, tinh: User, lanhdao: User, xa: User
) -> None:
    with pytest.raises(ValidationError) as not_commission:
        services.alert_acknowledge(actor=lanhdao, alert=alert, assigned_to=xa)
    assert fields_of(not_commission) == {"assigned_to"}
    assert Alert.objects.get(pk=alert.pk).status == AlertStatus.OPEN

    services.alert_acknowledge(
        actor=lanhdao, alert=alert, assigned_to=tinh, comment="Đồng chí Tỉnh nắm lại"
    )
    fresh = Alert.objects.get(pk=alert.pk)
    assert (fresh.status, fresh.acknowledged_by, fresh.assigned_to) == (
        AlertStatus.ACKNOWLEDGED,
        lanhdao,
        tinh,
    )
    with pytest.raises(Conflict):
        services.alert_acknowledge(actor=lanhdao, alert=alert)
    with pytest.raises(ValidationError) as blank:
        services.alert_close(actor=tinh, alert=alert, outcome=" ")
    assert fields_of(blank) == {"outcome"}
    services.alert_close(actor=tinh, alert=alert, outcome="Đã đối thoại, bà con đồng thuận")
    closed = Alert.objects.get(pk=alert.pk)
    assert (closed.status, closed.closed_by, closed.outcome) == (
        AlertStatus.CLOSED,
        tinh,
        "Đã đối thoại, bà con đồng thuận",
    )
    with pytest.raises(Conflict):
        services.alert_close(actor=tinh, alert=alert, outcome="Lần nữa")
    with pytest.raises(Conflict):
        services.alert_assign(actor=lanhdao, alert=alert, assigned_to=lanhdao)
    assert verbs(alert) == ["alert_raised", "acknowledged", "closed"]
    reasons = [h.history_change_reason for h in alert.history.order_by("history_date")]
    assert reasons[1:] == ["Đồng chí Tỉnh nắm lại", "Đã đối thoại, bà con đồng thuận"]


def test_assign_acknowledges_an_open_alert(
    alert: Alert, tinh: User, lanhdao: User, xa: User
) -> None:
    with pytest.raises(ValidationError):
        services.alert_assign(actor=lanhdao, alert=alert, assigned_to=xa)
    services.alert_assign(actor=lanhdao, alert=alert, assigned_to=tinh)
    fresh = Alert.objects.get(pk=alert.pk)
    assert (fresh.status, fresh.assigned_to, fresh.acknowledged_by) == (
        AlertStatus.ACKNOWLEDGED,
        tinh,
        lanhdao,
    )
    services.alert_assign(actor=tinh, alert=alert, assigned_to=lanhdao, comment="Chuyển lại")
    assert Alert.objects.get(pk=alert.pk).assigned_to == lanhdao
    assert verbs(alert) == ["alert_raised", "assigned", "assigned"]


def test_a_hot_spot_that_grows_into_a_complex_incident_raises_its_own_alert(
    file_note: Callable[..., Note],
) -> None:
    note = file_note(level=Level.HOT_SPOT)
    services.follow_up_add(
        actor=None,
        note=note,
        happened_on=TODAY,
        text="Sự việc lan rộng, nhiều hộ tụ tập tại công trường",
        level=Level.COMPLEX,
        today=TODAY,
    )
    services.follow_up_add(
        actor=None, note=note, happened_on=TODAY, text="Tình hình lắng dịu", level=Level.HOT_SPOT,
        today=TODAY,
    )  # fmt: skip
    kinds = sorted(a.explanation["level"] for a in Alert.objects.filter(note=note))
    assert kinds == [Level.COMPLEX, Level.HOT_SPOT]
