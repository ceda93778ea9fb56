"""Registering a document on its page (/documents/new/), and who may not.

The cast is the one of tests/conftest.py; every page and endpoint also checks who must be refused.
"""

from __future__ import annotations

import pytest

from danvan.accounts.models import User
from danvan.documents.models import Document
from tests.conftest import World
from tests.documents.helpers import (
    NGHI_QUYET,
    QUY_CHE,
    AsUser,
    D,
    in_english,
)

pytestmark = pytest.mark.django_db


def test_tinh_registers_a_document_on_the_page(world: World, tinh: User, as_user: AsUser) -> None:
    client = as_user(tinh)
    assert client.get("/documents/new/").status_code == 200
    response = client.post("/documents/new/", {
        "kind": "resolution", "number": "25-NQ/TW", "issuer": "Ban Chấp hành Trung ương",
        "issued_on": "2013-06-03", "title": NGHI_QUYET, "summary": "",
    })  # fmt: skip
    document = Document.objects.get(number="25-NQ/TW")
    assert response.status_code == 302 and response.url == f"/documents/{document.pk}/"
    assert (document.created_by, document.issued_on) == (tinh, D(2013, 6, 3))

    again = in_english(client).post("/documents/new/", {
        "kind": "resolution", "number": "25-nq/tw", "issuer": "ban chấp hành trung ương",
        "issued_on": "2013-06-03", "title": "Bản sao",
    })  # fmt: skip
    assert again.status_code == 200
    assert "already has a document numbered 25-NQ/TW" in again.content.decode()
    assert Document.objects.count() == 1


def test_a_reporter_may_not_register(world: World, xa: User, as_user: AsUser) -> None:
    client = as_user(xa)
    assert client.get("/documents/new/").status_code == 403
    response = client.post("/documents/new/", {
        "kind": "decision", "number": "23-QĐ/TW", "issuer": "Bộ Chính trị",
        "issued_on": "2021-07-03", "title": QUY_CHE,
    })  # fmt: skip
    assert response.status_code == 403
    assert not Document.objects.exists()
    assert 'href="/documents/new/"' not in client.get("/documents/").content.decode()
