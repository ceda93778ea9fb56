"""Changing a document on its edit page.

The cast is the one of tests/conftest.py; every page and endpoint also checks who must be refused.
"""

from __future__ import annotations

import pytest

from danvan.accounts.models import User
from danvan.documents.models import Document
from tests.conftest import World
from tests.documents.helpers import (
    AsUser,
)

pytestmark = pytest.mark.django_db


def test_edit_page(world: World, tinh: User, xa: User, decision: Document, as_user: AsUser) -> None:
    client = as_user(tinh)
    form = client.get(f"/documents/{decision.pk}/edit/").content.decode()
    assert 'value="23-QĐ/TW"' in form and 'value="2021-07-03"' in form
    response = client.post(f"/documents/{decision.pk}/edit/", {
        "kind": "decision", "number": "23-QĐ/TW", "issuer": "Bộ Chính trị",
        "issued_on": "2021-07-03", "title": "Quy chế công tác dân vận (sửa)",
        "summary": "Thay thế Quyết định số 290-QĐ/TW.",
    })  # fmt: skip
    assert response.status_code == 302
    decision.refresh_from_db()
    assert decision.title == "Quy chế công tác dân vận (sửa)"
    assert decision.summary == "Thay thế Quyết định số 290-QĐ/TW."

    assert as_user(xa).get(f"/documents/{decision.pk}/edit/").status_code == 403
    assert as_user(xa).post(f"/documents/{decision.pk}/edit/", {
        "kind": "decision", "number": "23-QĐ/TW", "issuer": "Bộ Chính trị",
        "issued_on": "2021-07-03", "title": "Đổi bởi xã",
    }).status_code == 403  # fmt: skip
    decision.refresh_from_db()
    assert decision.title == "Quy chế công tác dân vận (sửa)"
    assert as_user(tinh).get("/documents/999999/edit/").status_code == 404
