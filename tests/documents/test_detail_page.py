"""A document's page: what cites it within the scope, its status form and its file.

The cast is the one of tests/conftest.py; every page and endpoint also checks who must be refused.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from danvan.accounts.models import User
from danvan.documents.models import Document, DocumentStatus
from tests.conftest import World
from tests.documents.helpers import (
    INSPECTION,
    PROGRAMME,
    QUY_CHE,
    AsUser,
    D,
    detail_link,
    in_english,
    oversight,
    programme,
    register,
)

pytestmark = pytest.mark.django_db


def test_detail_lists_what_cites_it_within_the_users_scope(
    world: World, tinh: User, xa: User, xa2: User, decision: Document, as_user: AsUser
) -> None:
    programme(world, tinh, decision)
    programme(world, tinh, None, title="Chương trình không trích dẫn")
    oversight(world, tinh, decision, start=D(2024, 4, 1))

    for reader in (tinh, xa):
        body = as_user(reader).get(f"/documents/{decision.pk}/").content.decode()
        assert PROGRAMME in body and INSPECTION in body
        assert "Chương trình không trích dẫn" not in body
        assert "Quyết định số 23-QĐ/TW ngày 3/7/2021 của Bộ Chính trị" in body

    outside = as_user(xa2).get(f"/documents/{decision.pk}/")
    assert outside.status_code == 200  # the registry itself is shared
    body = outside.content.decode()
    assert QUY_CHE in body
    assert PROGRAMME not in body and INSPECTION not in body


def test_status_form(
    world: World, tinh: User, xa: User, decision: Document, as_user: AsUser
) -> None:
    old = register(tinh, kind="regulation", number="290-QĐ/TW", issued_on=D(2010, 2, 25))
    client = in_english(as_user(tinh))
    url = f"/documents/{old.pk}/status/"
    assert client.get(url).status_code == 405

    response = client.post(url, {"replaced_by": decision.pk})
    assert response.status_code == 302 and response.url == f"/documents/{old.pk}/"
    old.refresh_from_db()
    assert (old.status, old.replaced_by_id) == (DocumentStatus.REPLACED, decision.pk)
    page = client.get(f"/documents/{decision.pk}/").content.decode()
    assert "Replaces" in page and detail_link(old) in page

    refused = client.post(url, {"replaced_by": old.pk}, follow=True)
    assert "A document cannot replace itself." in refused.content.decode()
    old.refresh_from_db()
    assert old.replaced_by_id == decision.pk

    client.post(url, {"replaced_by": ""})
    old.refresh_from_db()
    assert (old.status, old.replaced_by_id) == (DocumentStatus.IN_FORCE, None)

    assert as_user(xa).post(url, {"replaced_by": decision.pk}).status_code == 403
    old.refresh_from_db()
    assert old.status == DocumentStatus.IN_FORCE


def test_file_download(
    world: World, tinh: User, xa2: User, decision: Document, as_user: AsUser,
    settings: Any, tmp_path: Any,
) -> None:  # fmt: skip
    settings.MEDIA_ROOT = tmp_path
    assert as_user(tinh).get(f"/documents/{decision.pk}/file/").status_code == 404
    pdf = b"%PDF-1.4\n%quy che dan van\n"
    with_file = register(
        tinh, number="25-NQ/TW", file=SimpleUploadedFile("nghi-quyet.pdf", pdf, "application/pdf")
    )
    response = as_user(xa2).get(f"/documents/{with_file.pk}/file/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == pdf
    assert "attachment" in response["Content-Disposition"]
    assert Client().get(f"/documents/{with_file.pk}/file/").status_code == 302
