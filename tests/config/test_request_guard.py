"""The edge every request passes: bad characters, oversized bodies and invisible text refused."""

from __future__ import annotations

import json

import pytest
from django.conf import settings
from django.test import Client, override_settings

from danvan.documents.models import Document
from danvan.programs.models import Program
from tests.conftest import World
from tests.factories import ProgramFactory

BAD_TEXTS = ["a\ud800b", "a\udfffb", "nul\x00here", "bell\x07", "\ufffe"]


def _english(client: Client) -> Client:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _new_programme(client: Client, world: World, title: object, **more: object) -> object:
    """POST a programme with this title, as an outside client would."""
    body = {"kind": "coordination_programme", "title": title, "lead_id": world.commission.pk}
    return _json(client, "post", "/api/v1/programs", {**body, **more})


def _json(client: Client, method: str, url: str, body: object) -> object:
    # json.dumps writes a lone surrogate as the escape "\ud800", as an outside client would.
    return getattr(client, method)(url, data=json.dumps(body), content_type="application/json")


@pytest.mark.parametrize("text", BAD_TEXTS)
def test_api_refuses_a_text_the_database_or_a_word_file_cannot_hold(as_user, tinh, world, text):
    response = _new_programme(as_user(tinh), world, text)
    assert response.status_code == 400
    assert response.json()["errors"] == {"title": [response.json()["detail"]]}
    assert not Program.objects.exists()


def test_api_names_the_nested_field_that_holds_it(as_user, tinh, world):
    response = _json(
        as_user(tinh),
        "post",
        "/api/v1/programs",
        {"kind": "x", "title": "ok", "lead_id": world.commission.pk, "contents": ["a", "b\x00"]},
    )
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["contents.1"]


def test_pages_refuse_a_nul_in_a_form_and_in_a_query(as_user, tinh, world):
    client = as_user(tinh)
    response = client.post("/documents/new/", {"title": "x\x00y", "number": "1"})
    assert response.status_code == 400
    assert "title" in response.content.decode()
    assert not Document.objects.exists()
    assert client.get("/programs/", {"q": "a\x00"}).status_code == 400
    assert client.get("/api/v1/programs", {"q": "a\x00"}).status_code == 400


def test_anonymous_is_refused_the_same_way_before_anything_else(client):
    assert client.get("/thuc-tien/", {"q": "\x00"}).status_code == 400


def test_text_of_only_spaces_or_zero_width_characters_is_empty(as_user, tinh, world):
    response = _new_programme(as_user(tinh), world, " \u200b\ufeff\u200d ")
    assert response.status_code == 400
    assert "title" in response.json()["errors"]
    assert not Program.objects.exists()


def test_zero_width_characters_inside_text_are_kept(as_user, tinh, world):
    title = "Chương trình\u200b phối hợp"
    response = _new_programme(as_user(tinh), world, f"\u200b {title} \ufeff", term="2021-2026")
    assert response.status_code == 201, response.content
    assert Program.objects.get().title == title


def test_a_form_field_of_only_zero_width_characters_is_refused_as_empty(as_user, tinh, world):
    response = as_user(tinh).post(
        "/programs/new/",
        {"kind": "coordination_programme", "title": "\u200b\u200b", "lead": world.commission.pk},
    )
    assert response.status_code == 200  # the form again, with its error
    assert not Program.objects.exists()


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1000)
def test_a_body_over_the_limit_is_413_with_a_readable_message(as_user, tinh, world):
    client = _english(as_user(tinh))
    big = {"kind": "coordination_programme", "title": "x" * 5000, "lead_id": world.commission.pk}
    response = _json(client, "post", "/api/v1/programs", big)
    assert response.status_code == 413
    assert "larger than" in response.json()["detail"]
    page = client.post("/programs/new/", {"title": "x" * 5000})
    assert page.status_code == 413
    assert "larger than" in page.content.decode()
    assert not Program.objects.exists()


@override_settings(DANVAN_MAX_UPLOAD_BYTES=1000)
def test_an_upload_over_the_limit_is_refused_before_it_is_read(as_user, tinh):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("big.pdf", b"%PDF-" + b"0" * (2 * 1024 * 1024))
    response = as_user(tinh).post("/documents/new/", {"title": "x", "file": upload})
    assert response.status_code == 413
    assert not Document.objects.exists()


def test_a_body_that_is_not_json_is_400(as_user, tinh):
    client = _english(as_user(tinh))
    response = client.post("/api/v1/programs", data=b"\xff\xfe{", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["detail"] == "The request body is not valid JSON."


def test_a_json_array_where_an_object_is_expected_is_refused(as_user, tinh, world):
    response = _json(as_user(tinh), "post", "/api/v1/programs", [{"title": "x"}])
    assert response.status_code in (400, 422)
    assert not Program.objects.exists()


def test_passwords_are_kept_exactly_as_typed(client, db):
    from danvan.accounts.models import User

    User.objects.create_user("p@example.vn", " spaced\u200b ", full_name="P")
    response = client.post(
        "/accounts/login/", {"username": "p@example.vn", "password": " spaced\u200b "}
    )
    assert response.status_code == 302


def test_json_nested_too_deeply_is_400_not_a_recursion_error(as_user, tinh):
    client = as_user(tinh)
    for depth in (500, 100_000):
        body = '{"name": ' + "[" * depth + "]" * depth + "}"
        response = client.post("/api/v1/tokens", data=body, content_type="application/json")
        assert response.status_code == 400, depth


def test_a_form_sent_to_an_operation_that_reads_json_is_400_in_json(as_user, tinh):
    client = as_user(tinh)
    response = client.post("/api/v1/tokens", {"name": "x"})  # multipart, as a browser form
    assert response.status_code == 400
    assert response.json()["detail"]
    no_boundary = client.post("/api/v1/tokens", data=b"name=x", content_type="multipart/form-data")
    assert no_boundary.status_code == 400
    assert no_boundary.json()["detail"]


def test_a_call_without_credentials_hears_401_not_a_csrf_failure(db):
    response = Client(enforce_csrf_checks=True).post(
        "/api/v1/tokens", data=json.dumps({"name": "x"}), content_type="application/json"
    )
    assert response.status_code == 401


def test_invisible_characters_between_spaces_are_trimmed_too(as_user, tinh, world):
    response = _new_programme(as_user(tinh), world, "\u200b \u200b \u00ad\u200e \u2063")
    assert response.status_code == 400
    assert "title" in response.json()["errors"]


@pytest.mark.parametrize("text", ["del\x7f", "csi\x9b", "nel\x85"])
def test_del_and_c1_controls_are_refused(as_user, tinh, world, text):
    response = _new_programme(as_user(tinh), world, text)
    assert response.status_code == 400
    assert not Program.objects.exists()


def test_schema_refusals_speak_the_users_language(as_user, tinh, world):
    program = ProgramFactory(lead=world.commission)
    content = program.contents.first()
    response = _json(
        as_user(tinh), "post", f"/api/v1/contents/{content.pk}/move", {"direction": "sideways"}
    )
    assert response.status_code == 422
    assert "Input should be" not in response.json()["detail"]
    assert "'up'" in response.json()["detail"]
