"""The registry's services: registering, changing and replacing documents, and who may.

The cast is the one of tests/conftest.py; every page and endpoint also checks who must be refused.
"""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from danvan.accounts.models import User
from danvan.documents import services
from danvan.documents.models import Document, DocumentStatus
from tests.conftest import World
from tests.documents.helpers import (
    QUY_CHE,
    D,
    register,
)

pytestmark = pytest.mark.django_db


def test_document_create_normalises_and_cites(world: World, tinh: User) -> None:
    document = register(tinh, number=" 23-QĐ/TW ", issuer="  Bộ   Chính trị ", summary=" Tóm tắt ")
    document.refresh_from_db()
    assert (document.number, document.issuer, document.summary) == (
        "23-QĐ/TW", "Bộ Chính trị", "Tóm tắt",
    )  # fmt: skip
    assert document.status == DocumentStatus.IN_FORCE and document.replaced_by is None
    assert document.created_by == tinh
    assert document.citation == "Quyết định số 23-QĐ/TW ngày 3/7/2021 của Bộ Chính trị"
    assert document.history.count() == 1
    assert document.history.first().history_user == tinh


def test_each_missing_field_gets_its_own_message(world: World, tinh: User, english: None) -> None:
    with pytest.raises(ValidationError) as caught:
        register(tinh, number=" ", issuer="", title="  ", issued_on=None)
    errors = caught.value.message_dict
    assert set(errors) == {"number", "issuer", "title", "issued_on"}
    assert errors["issued_on"] == ["Enter the date the document was issued."]
    assert errors["issuer"] == ["Enter the issuing body."]
    assert not Document.objects.exists()


def test_future_date_and_unknown_kind_are_refused(world: World, tinh: User, english: None) -> None:
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as caught:
        register(tinh, issued_on=tomorrow)
    assert caught.value.message_dict == {"issued_on": ["The date cannot be in the future."]}
    with pytest.raises(ValidationError) as caught:
        register(tinh, kind="memo")
    assert set(caught.value.message_dict) == {"kind"}
    assert register(tinh, issued_on=timezone.localdate()).pk  # today itself is fine


def test_same_number_same_issuer_is_refused_however_written(
    world: World, tinh: User, english: None
) -> None:
    register(tinh)
    with pytest.raises(ValidationError) as caught:
        register(tinh, number=" 23-qđ/tw ", issuer="bộ  chính trị", title="Bản sao")
    (message,) = caught.value.message_dict["number"]
    assert "already has a document numbered 23-QĐ/TW" in message
    assert "bộ chính trị" in message.lower()
    assert Document.objects.count() == 1
    other = register(tinh, number="23-QĐ/TW", issuer="Ban Bí thư", title="Khác")
    assert other.pk and Document.objects.count() == 2


def test_only_officers_keep_the_registry(
    world: World, tinh: User, lanhdao: User, xa: User, outsider: User
) -> None:
    for refused in (xa, outsider):
        with pytest.raises(PermissionDenied):
            register(refused)
    assert not Document.objects.exists()
    document = register(tinh)
    register(lanhdao, number="25-NQ/TW")
    with pytest.raises(PermissionDenied):
        services.document_update(actor=xa, document=document, title="Đổi")
    with pytest.raises(PermissionDenied):
        services.document_replace(actor=outsider, document=document, replaced_by=None)
    document.refresh_from_db()
    assert document.title == QUY_CHE


def test_document_update(world: World, tinh: User, decision: Document, english: None) -> None:
    services.document_update(
        actor=tinh, document=decision, title="Quy chế mới", issuer=" Bộ  Chính trị "
    )
    decision.refresh_from_db()
    assert (decision.title, decision.issuer) == ("Quy chế mới", "Bộ Chính trị")
    assert decision.history.count() == 2
    other = register(tinh, number="25-QĐ/TW")
    with pytest.raises(ValidationError) as caught:
        services.document_update(actor=tinh, document=other, number="23-qđ/tw")
    assert set(caught.value.message_dict) == {"number"}
    with pytest.raises(ValidationError):
        services.document_update(actor=tinh, document=other, status="replaced")
    other.refresh_from_db()
    assert (other.number, other.status) == ("25-QĐ/TW", DocumentStatus.IN_FORCE)


def test_document_replace_and_back_in_force(
    world: World, tinh: User, decision: Document, english: None
) -> None:
    old = register(tinh, kind="regulation", number="290-QĐ/TW", issued_on=D(2010, 2, 25))
    services.document_replace(actor=tinh, document=old, replaced_by=decision)
    old.refresh_from_db()
    assert (old.status, old.replaced_by) == (DocumentStatus.REPLACED, decision)
    latest = old.history.first()
    # The act as its verb; the successor as the change of «replaced by», no label as reason.
    assert (latest.history_verb, latest.history_change_reason) == ("replaced", None)
    assert (latest.replaced_by_id, latest.history_user) == (decision.pk, tinh)
    assert list(decision.replaces.all()) == [old]

    services.document_replace(actor=tinh, document=old, replaced_by=None)
    old.refresh_from_db()
    assert (old.status, old.replaced_by) == (DocumentStatus.IN_FORCE, None)
    back = old.history.first()
    assert (back.status, back.replaced_by_id, back.history_verb) == ("in_force", None, "")


def test_a_document_cannot_replace_itself_nor_close_a_loop(
    world: World, tinh: User, english: None
) -> None:
    a = register(tinh, number="1-QĐ/TW")
    b = register(tinh, number="2-QĐ/TW")
    c = register(tinh, number="3-QĐ/TW")
    with pytest.raises(ValidationError) as caught:
        services.document_replace(actor=tinh, document=a, replaced_by=a)
    assert caught.value.message_dict == {"replaced_by": ["A document cannot replace itself."]}

    services.document_replace(actor=tinh, document=a, replaced_by=b)
    with pytest.raises(ValidationError) as caught:
        services.document_replace(
            actor=tinh, document=Document.objects.get(pk=b.pk),
            replaced_by=Document.objects.get(pk=a.pk),
        )  # fmt: skip
    assert set(caught.value.message_dict) == {"replaced_by"}

    services.document_replace(
        actor=tinh, document=Document.objects.get(pk=b.pk), replaced_by=c
    )  # a → b → c
    with pytest.raises(ValidationError):
        services.document_replace(
            actor=tinh, document=Document.objects.get(pk=c.pk),
            replaced_by=Document.objects.get(pk=a.pk),
        )  # fmt: skip
    assert Document.objects.get(pk=c.pk).status == DocumentStatus.IN_FORCE
    assert Document.objects.get(pk=b.pk).replaced_by_id == c.pk
