"""The list page (/documents/): search, filters, sign-in and a flat query count.

The cast is the one of tests/conftest.py; every page and endpoint also checks who must be refused.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from danvan.accounts.models import User
from danvan.documents import services
from danvan.documents.models import Document
from tests.conftest import World
from tests.documents.helpers import (
    AsUser,
    api,
    detail_link,
    in_english,
    register,
)

pytestmark = pytest.mark.django_db


def test_list_searches_without_diacritics_and_filters(
    world: World, tinh: User, decision: Document, resolution: Document, old_regulation: Document,
    as_user: AsUser,
) -> None:  # fmt: skip
    client = as_user(tinh)
    everything = client.get("/documents/").content.decode()
    assert all(detail_link(d) in everything for d in (decision, resolution, old_regulation))

    found = client.get("/documents/", {"q": "23-qd"}).content.decode()
    assert detail_link(decision) in found
    assert detail_link(resolution) not in found and detail_link(old_regulation) not in found

    by_words = client.get("/documents/", {"q": "doi moi su lanh dao"}).content.decode()
    assert detail_link(resolution) in by_words and detail_link(decision) not in by_words

    resolutions = client.get("/documents/", {"kind": "resolution"}).content.decode()
    assert detail_link(resolution) in resolutions and detail_link(decision) not in resolutions

    replaced = client.get("/documents/", {"status": "replaced"}).content.decode()
    assert detail_link(old_regulation) in replaced
    assert detail_link(decision) not in replaced and detail_link(resolution) not in replaced


def test_list_says_when_nothing_matches(
    world: World, tinh: User, decision: Document, as_user: AsUser
) -> None:
    body = in_english(as_user(tinh)).get("/documents/", {"q": "99-XYZ"}).content.decode()
    assert "No document matches. Try fewer words, or the number alone." in body
    assert detail_link(decision) not in body


def test_list_and_new_need_a_sign_in(world: World, decision: Document) -> None:
    for url in ("/documents/", "/documents/new/", f"/documents/{decision.pk}/"):
        response = Client().get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


def test_list_page_and_api_keep_a_flat_query_count(
    world: World, tinh: User, as_user: AsUser
) -> None:
    page, endpoint = as_user(tinh), api(tinh)

    def grow(start: int, stop: int) -> None:
        for i in range(start, stop):
            document = register(number=f"{i}-QĐ/TW", title=f"Quyết định {i}")
            if i % 3 == 0:  # some replaced, so the list shows both statuses and a successor
                first = Document.objects.get(number="1-QĐ/TW")
                services.document_replace(actor=None, document=document, replaced_by=first)

    def on_page() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as ctx:
            response = page.get("/documents/")
            assert response.status_code == 200
        return len(ctx.captured_queries), response.content.decode().count('href="/documents/')

    def in_api() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as ctx:
            response = endpoint.get("/api/v1/documents")
            assert response.status_code == 200
        return len(ctx.captured_queries), len(response.json()["items"])

    grow(1, 4)
    page.get("/documents/")  # warm the session
    endpoint.get("/api/v1/documents")
    page_at_3, api_at_3 = on_page(), in_api()
    grow(4, 31)
    page_at_30, api_at_30 = on_page(), in_api()
    assert (api_at_3[1], api_at_30[1]) == (3, 30)  # the rows really grew
    assert page_at_30[1] - page_at_3[1] == 27
    assert page_at_30[0] == page_at_3[0]
    assert api_at_30[0] == api_at_3[0]
