"""The only personal data in danvan: encrypted at rest, out of history, masked in the text,
given with consent, shown to the officers handling the case (a denouncer's to the handler only)
with each showing logged, erased on schedule or on request, readable across a key rotation."""

from __future__ import annotations

import datetime
import io
from collections.abc import Callable
from typing import Any

import pytest
from django.apps import apps
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import override_settings
from django.utils import timezone, translation

from danvan.accounts.models import User
from danvan.dialogue import (
    figures,
    privacy,
    privacy_jobs,
    selectors,
    services_petitions,
    services_privacy,
    tasks,
)
from danvan.dialogue.models import (
    Confirmation,
    DataRequest,
    IdentityAccess,
    Petition,
    Petitioner,
    PetitionKind,
    PetitionState,
    RequestKind,
    RequestState,
)
from danvan.lib import periods
from danvan.lib.errors import Conflict
from danvan.org.models import Membership, Role
from danvan.org.scopes import ReportingScope
from tests.conftest import World
from tests.dialogue.conftest import PERSON, TODAY

pytestmark = pytest.mark.django_db

D = datetime.date
DAY = datetime.timedelta(days=1)
FilePetition = Callable[..., Petition]
RETENTION = settings.DANVAN_PETITIONER_RETENTION_DAYS


def raw(sql: str, *params: object) -> list[tuple[object, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


def settle_and_close(petition: Petition, on: datetime.date = TODAY) -> Petition:
    services_petitions.petition_accept(
        actor=None, petition=petition, accepted_on=petition.received_on, today=TODAY
    )
    services_petitions.petition_settle(
        actor=None, petition=petition, result="Đã giải quyết", settled_on=on, today=TODAY
    )
    services_petitions.petition_confirm(actor=None, petition=petition, confirmation=Confirmation.SATISFIED,
                              confirmed_on=on, today=TODAY)  # fmt: skip
    petition.refresh_from_db()
    return petition


# --- At rest and in history -----------------------------------------------------------------


def test_the_database_holds_only_the_encrypted_form(file_petition: FilePetition) -> None:
    petition = file_petition(person={**PERSON, "id_number": "001085012345"})
    ((name, phone, email, address, id_number),) = raw(
        "SELECT name, phone, email, address, id_number FROM dialogue_petitioner WHERE petition_id = %s",
        petition.pk,
    )
    ((text,),) = raw("SELECT text FROM dialogue_petition WHERE id = %s", petition.pk)
    stored = [name, phone, email, address, id_number, text]
    assert all(isinstance(v, str) and v.startswith("gAAAA") for v in stored)
    dump = " ".join(str(v) for v in stored)
    for plain in [*PERSON.values(), "001085012345", "Nguyễn", "0912345678", "sạt lở", "thôn 3"]:
        assert plain not in dump
    # …and reads back in clear through the model.
    petitioner = Petitioner.objects.get(petition=petition)
    assert (petitioner.name, petitioner.phone, petitioner.id_number) == (
        "Nguyễn Văn Thành", "0912345678", "001085012345"
    )  # fmt: skip
    assert Petition.objects.get(pk=petition.pk).text.startswith("Đoạn đường từ thôn 3")


def test_no_personal_field_in_history(xa: User, file_petition: FilePetition) -> None:
    petition = file_petition(xa)
    historical = type(petition.history.first())
    names = {f.name for f in historical._meta.get_fields()}
    assert "text" not in names and "search_text" not in names
    assert "summary" in names  # the case itself is kept with its history
    assert not hasattr(Petitioner, "history")
    assert not any(m.__name__ == "HistoricalPetitioner" for m in apps.get_models())
    request_history = apps.get_model("dialogue", "HistoricalDataRequest")
    assert "details" not in {f.name for f in request_history._meta.get_fields()}
    columns = {c.name for c in connection.introspection.get_table_description(
        connection.cursor(), historical._meta.db_table
    )}  # fmt: skip
    assert "text" not in columns


def test_identifiers_typed_in_the_text_are_masked_and_kept_encrypted(
    xa: User, file_petition: FilePetition
) -> None:
    petition = file_petition(
        xa,
        summary="Ông A (CCCD 001085012345) đề nghị sửa đường",
        text="Liên hệ 0912 345 678 hoặc +84 987 654 321. Thửa đất 150 m2, năm 2025.",
        person={"name": "Nguyễn Văn Thành"},
    )
    petition.refresh_from_db()
    assert petition.summary == "Ông A (CCCD •••) đề nghị sửa đường"
    assert petition.text == "Liên hệ ••• hoặc •••. Thửa đất 150 m2, năm 2025."
    assert "001085012345" not in petition.search_text
    assert petition.history.get().summary == petition.summary
    petitioner = Petitioner.objects.get(petition=petition)
    assert (petitioner.id_number, petitioner.phone) == ("001085012345", "0912 345 678")
    # A phone given in the form stays; the one in the text is still masked.
    other = file_petition(xa, text="Gọi 0987654321", person={"phone": "0912345678"})
    assert Petition.objects.get(pk=other.pk).text == "Gọi •••"
    assert Petitioner.objects.get(petition=other).phone == "0912345678"


def test_the_masks(db: None) -> None:
    masked, ids, phones = privacy.take_identifiers(
        "CMND 123456789, CCCD 001085012345, ĐT 0912.345.678, giá 1.500.000 đồng, số 12345"
    )
    assert masked == "CMND •••, CCCD •••, ĐT •••, giá 1.500.000 đồng, số 12345"
    assert (ids, phones) == (["123456789", "001085012345"], ["0912.345.678"])
    # Amounts and decimals stay; an ID at the end of a sentence does not.
    assert privacy.mask("Số CCCD 001085012345.") == "Số CCCD •••."
    assert privacy.mask("Hệ số 123456789,5 và 0,123456789") == "Hệ số 123456789,5 và 0,123456789"
    assert privacy.mask("Diện tích 1234567890,5 m2; 2.000.000.000 đồng") == (
        "Diện tích 1234567890,5 m2; 2.000.000.000 đồng"
    )


def test_consent_is_required_and_its_version_recorded(
    world: World, xa: User, file_petition: FilePetition
) -> None:
    with pytest.raises(ValidationError) as caught:
        file_petition(xa, consent=False)
    assert set(caught.value.message_dict) == {"consent"}
    with pytest.raises(ValidationError) as caught:  # a phone in the text is personal data too
        file_petition(xa, consent=False, person={}, text="Gọi tôi 0912345678")
    assert set(caught.value.message_dict) == {"consent"}
    with pytest.raises(ValidationError) as caught:
        file_petition(xa, person={"id_number": "12345", "phone": "12"})
    assert set(caught.value.message_dict) == {"id_number", "phone"}
    with pytest.raises(ValidationError):
        file_petition(xa, person={"religion": "x"})
    assert not Petition.objects.exists() and not Petitioner.objects.exists()  # nothing half-saved
    before = timezone.now()
    petitioner = Petitioner.objects.get(petition=file_petition(xa))
    assert petitioner.consent_version == settings.DANVAN_CONSENT_VERSION == "2026-01"
    assert petitioner.consent_at is not None and petitioner.consent_at >= before
    with translation.override("en"):
        assert privacy.consent_text(petitioner.consent_version).startswith("I agree")
    with translation.override("vi"):
        assert privacy.consent_text(petitioner.consent_version).startswith("Tôi đồng ý")
    anonymous = Petitioner.objects.get(petition=file_petition(xa, person={}, consent=False))
    assert (anonymous.consent_version, anonymous.consent_at, anonymous.name) == ("", None, None)


# --- Showing the identity -------------------------------------------------------------------


def test_each_showing_is_logged(
    xa: User, xa2: User, tinh: User, outsider: User, file_petition: FilePetition
) -> None:
    petition = file_petition()
    assert (
        services_privacy.petitioner_reveal(actor=xa, petition=petition).name == "Nguyễn Văn Thành"
    )  # type: ignore[union-attr]
    services_privacy.petitioner_reveal(actor=tinh, petition=petition)
    services_privacy.petitioner_reveal(actor=xa, petition=petition)
    log = IdentityAccess.objects.filter(petition=petition, purpose="view")
    assert sorted(a.user.email for a in log) == [
        "tinh@example.vn",
        "xa@example.vn",
        "xa@example.vn",
    ]
    for user in (xa2, outsider):
        with pytest.raises(PermissionDenied):
            services_privacy.petitioner_reveal(actor=user, petition=petition)
    assert log.count() == 3  # a refusal shows nothing, so nothing is logged


def test_a_denouncer_is_shown_to_the_assigned_handler_only(
    world: World, xa: User, tinh: User, lanhdao: User, file_petition: FilePetition
) -> None:
    petition = file_petition(kind=PetitionKind.DENUNCIATION)
    services_petitions.petition_refer(actor=tinh, petition=petition, referred_on=TODAY,
                            competent_body_name="Thanh tra tỉnh", today=TODAY)  # fmt: skip
    for user in (xa, tinh, lanhdao):  # nobody is assigned yet
        with pytest.raises(PermissionDenied):
            services_privacy.petitioner_reveal(actor=user, petition=petition)
    services_petitions.petition_assign(actor=tinh, petition=petition, handler=xa)
    petition.refresh_from_db()
    for user in (tinh, lanhdao):  # not even the unit above
        assert not selectors.may_see_identity(user, petition)
        with pytest.raises(PermissionDenied):
            services_privacy.petitioner_reveal(actor=user, petition=petition)
    assert services_privacy.petitioner_reveal(actor=xa, petition=petition) is not None
    assert list(IdentityAccess.objects.values_list("user__email", flat=True)) == ["xa@example.vn"]
    # A handler who no longer handles the unit's petitions no longer sees the denouncer.
    Membership.objects.filter(user=xa).update(role=Role.VIEWER)
    viewer = User.objects.get(pk=xa.pk)
    assert not selectors.may_see_identity(viewer, petition)


# --- Erasure --------------------------------------------------------------------------------


def test_erase_expired_keeps_the_case_and_its_figures(
    world: World, xa: User, file_petition: FilePetition
) -> None:
    old = settle_and_close(file_petition())
    recent = settle_and_close(file_petition())
    Petition.objects.filter(pk=recent.pk).update(closed_on=TODAY + 10 * DAY)
    still_open = file_petition()
    scope = ReportingScope.of(world.commission)
    period = periods.parse("2026S2")
    before = figures.dialogue_figures(scope, period)
    assert before["petitions_received"] == 3 and before["petitions_settled"] == 2
    assert (
        services_privacy.erase_expired(today=TODAY + RETENTION * DAY) == 0
    )  # exactly the limit: kept
    assert services_privacy.erase_expired(today=TODAY + (RETENTION + 1) * DAY) == 1
    erased = Petitioner.objects.get(petition=old)
    assert erased.is_erased
    assert [erased.name, erased.phone, erased.email, erased.address, erased.id_number] == [None] * 5
    ((name, text),) = raw(
        "SELECT p.name, q.text FROM dialogue_petitioner p JOIN dialogue_petition q "
        "ON q.id = p.petition_id WHERE q.id = %s", old.pk,
    )  # fmt: skip
    assert (name, text) == (None, None)
    old.refresh_from_db()
    assert (old.state, old.summary, old.result) == (
        PetitionState.CLOSED, "Đề nghị sửa chữa đoạn đường liên thôn bị sạt lở", "Đã giải quyết"
    )  # fmt: skip
    assert figures.dialogue_figures(scope, period) == before
    assert not Petitioner.objects.get(petition=recent).is_erased
    assert not Petitioner.objects.get(petition=still_open).is_erased
    assert (
        services_privacy.petitioner_reveal(actor=xa, petition=old) is None
    )  # nothing left to show
    assert not IdentityAccess.objects.filter(petition=old).exists()
    assert services_privacy.erase_expired(today=TODAY + (RETENTION + 1) * DAY) == 0  # once


def test_the_retention_job_removes_the_files_sent(
    file_petition: FilePetition, django_capture_on_commit_callbacks: Any
) -> None:
    letter = SimpleUploadedFile("don-ong-tu.pdf", b"%PDF-1.4 don")
    old = settle_and_close(file_petition(attachments=[letter]))
    kept = file_petition(attachments=[SimpleUploadedFile("anh.png", b"\x89PNG\r\n\x1a\n0")])
    stored = old.attachments.get().file
    with django_capture_on_commit_callbacks(execute=True):
        assert services_privacy.erase_expired(today=TODAY + (RETENTION + 1) * DAY) == 1
    assert not old.attachments.exists() and not stored.storage.exists(stored.name)
    assert kept.attachments.count() == 1  # an open case keeps its files


def test_the_daily_job_erases_and_closes(file_petition: FilePetition) -> None:
    today = timezone.localdate()
    old = settle_and_close(file_petition())
    Petition.objects.filter(pk=old.pk).update(closed_on=today - (RETENTION + 1) * DAY)
    assert privacy_jobs.run(today=today) == 1
    assert Petitioner.objects.get(petition=old).is_erased
    again = settle_and_close(file_petition())
    Petition.objects.filter(pk=again.pk).update(closed_on=today - (RETENTION + 5) * DAY)
    result = tasks.daily_upkeep.enqueue()  # the immediate backend runs it now
    assert result.return_value == 1
    assert Petitioner.objects.get(petition=again).is_erased


# --- Data subject requests ------------------------------------------------------------------


def request(petition: Petition, actor: User | None, kind: str, **kw: object) -> DataRequest:
    values: dict[str, object] = {"received_on": TODAY, "today": TODAY, **kw}
    return services_privacy.data_request_create(actor=actor, petition=petition, kind=kind, **values)  # type: ignore[arg-type]


def test_only_administrators_handle_data_requests(
    xa: User, tinh: User, lanhdao: User, quantri: User, file_petition: FilePetition
) -> None:
    petition = file_petition()
    for user in (xa, tinh, lanhdao):
        with pytest.raises(PermissionDenied):
            request(petition, user, RequestKind.SEE)
    assert not DataRequest.objects.exists()
    made = request(petition, quantri, RequestKind.SEE, details="Xin xem dữ liệu của tôi")
    assert made.acknowledge_due == D(2026, 12, 7)  # 2 working days from Thursday 3/12
    for user in (xa, tinh, lanhdao):
        with pytest.raises(PermissionDenied):
            services_privacy.data_request_acknowledge(actor=user, request=made)
        with pytest.raises(PermissionDenied):
            services_privacy.data_request_complete(actor=user, request=made, outcome="x")
    assert list(selectors.data_requests_for_user(quantri)) == [made]
    assert list(selectors.data_requests_for_user(lanhdao)) == []
    with pytest.raises(ValidationError) as caught:
        request(petition, quantri, "sell", received_on=TODAY + DAY)
    assert set(caught.value.message_dict) == {"kind", "received_on"}


def test_acknowledge_then_refuse_with_the_reason(
    quantri: User, file_petition: FilePetition
) -> None:
    petition = file_petition()
    made = request(petition, quantri, RequestKind.ERASE)
    with pytest.raises(ValidationError):
        services_privacy.data_request_acknowledge(
            actor=quantri, request=made, acknowledged_on=TODAY - DAY
        )
    services_privacy.data_request_acknowledge(actor=quantri, request=made, acknowledged_on=TODAY)
    with pytest.raises(Conflict):
        services_privacy.data_request_acknowledge(
            actor=quantri, request=made, acknowledged_on=TODAY
        )
    with pytest.raises(ValidationError) as caught:
        services_privacy.data_request_complete(
            actor=quantri, request=made, outcome=" ", refuse=True
        )
    assert set(caught.value.message_dict) == {"outcome"}
    services_privacy.data_request_complete(
        actor=quantri, request=made, outcome="Hồ sơ đang giải quyết, cần giữ liên lạc", refuse=True
    )
    made.refresh_from_db()
    assert (made.state, made.handled_by) == (RequestState.REFUSED, quantri)
    assert not Petitioner.objects.get(petition=petition).is_erased
    with pytest.raises(Conflict):
        services_privacy.data_request_complete(actor=quantri, request=made, outcome="x")
    assert [h.history_verb for h in made.history.order_by("history_date", "history_id")] == [
        "", "acknowledged", "closed"
    ]  # fmt: skip


def test_an_erasure_request_erases(quantri: User, file_petition: FilePetition) -> None:
    petition = file_petition()
    made = request(petition, quantri, RequestKind.ERASE)
    services_privacy.data_request_complete(
        actor=quantri, request=made, outcome="Đã xóa theo yêu cầu"
    )
    made.refresh_from_db()
    assert (made.state, made.acknowledged_on, made.done_on) == (
        RequestState.DONE, timezone.localdate(), timezone.localdate()
    )  # fmt: skip
    petitioner = Petitioner.objects.get(petition=petition)
    assert petitioner.is_erased and petitioner.name is None
    assert petitioner.consent_withdrawn_at is None
    assert Petition.objects.get(pk=petition.pk).state == PetitionState.RECEIVED  # the case goes on
    assert IdentityAccess.objects.get(petition=petition).purpose == "erase"
    with pytest.raises(Conflict):
        services_privacy.petitioner_erase(actor=quantri, petition=petition, reason="again")


def test_withdrawing_consent_erases_and_is_recorded(
    quantri: User, xa: User, file_petition: FilePetition
) -> None:
    petition = file_petition()
    with pytest.raises(PermissionDenied):
        services_privacy.petitioner_erase(actor=xa, petition=petition, reason="x")
    made = request(petition, quantri, RequestKind.WITHDRAW)
    services_privacy.data_request_complete(actor=quantri, request=made, outcome="Đã rút lại đồng ý")
    petitioner = Petitioner.objects.get(petition=petition)
    assert petitioner.consent_withdrawn_at is not None
    assert petitioner.is_erased and petitioner.phone is None


def test_a_correction_request_corrects(quantri: User, file_petition: FilePetition) -> None:
    petition = file_petition()
    made = request(petition, quantri, RequestKind.CORRECT, details="Sai số điện thoại")
    with pytest.raises(ValidationError):
        services_privacy.data_request_complete(
            actor=quantri, request=made, outcome="x", corrections={"phone": "12"}
        )
    services_privacy.data_request_complete(
        actor=quantri, request=made, outcome="Đã sửa", corrections={"phone": "0987654321"}
    )
    assert Petitioner.objects.get(petition=petition).phone == "0987654321"
    assert IdentityAccess.objects.get(petition=petition).detail == "phone"


# --- Key rotation ---------------------------------------------------------------------------

OLD, NEW = "old-field-key-0123456789", "new-field-key-9876543210"


def test_a_row_written_under_the_old_key_reads_after_rotation(
    file_petition: FilePetition,
) -> None:
    with override_settings(SALT_KEY=[OLD]):
        petition = file_petition()
    ((token_before,),) = raw(
        "SELECT name FROM dialogue_petitioner WHERE petition_id = %s", petition.pk
    )
    with override_settings(SALT_KEY=[NEW]):  # the old key forgotten too soon: unreadable
        assert Petitioner.objects.get(petition=petition).name == token_before
    with override_settings(SALT_KEY=[NEW, OLD]):
        assert Petitioner.objects.get(petition=petition).name == "Nguyễn Văn Thành"
        out = io.StringIO()
        call_command("rotate_field_keys", "--batch-size", "1", stdout=out)
        assert "dialogue.Petitioner: 4 values re-encrypted" in out.getvalue()  # no id_number
        assert "dialogue.Petition: 1 values re-encrypted" in out.getvalue()
    ((token_after,),) = raw(
        "SELECT name FROM dialogue_petitioner WHERE petition_id = %s", petition.pk
    )
    assert token_after != token_before and str(token_after).startswith("gAAAA")
    with override_settings(SALT_KEY=[NEW]):  # the old key can go now
        assert Petitioner.objects.get(petition=petition).name == "Nguyễn Văn Thành"
        assert Petition.objects.get(pk=petition.pk).text.startswith("Đoạn đường")


def test_rotation_writes_nothing_it_cannot_read(file_petition: FilePetition) -> None:
    with override_settings(SALT_KEY=[OLD]):
        petition = file_petition()
    before = raw("SELECT name, phone FROM dialogue_petitioner WHERE petition_id = %s", petition.pk)
    with (
        override_settings(SALT_KEY=[NEW, "another-key-not-the-old-one"]),
        pytest.raises(CommandError, match="could not be read"),
    ):
        call_command("rotate_field_keys", stdout=io.StringIO())
    assert (
        raw("SELECT name, phone FROM dialogue_petitioner WHERE petition_id = %s", petition.pk)
        == before
    )
    with override_settings(SALT_KEY=[OLD]):
        assert Petitioner.objects.get(petition=petition).name == "Nguyễn Văn Thành"
