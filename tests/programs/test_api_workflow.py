"""A programme's life through the API: parties, signing, reopening, ending, renewing.

Each refusal is checked to change nothing; the seed scenario runs through the API alone.
"""

from __future__ import annotations

import io
from typing import Any

import docx
import pytest
from django.test import Client

from danvan.programs import services
from danvan.programs.models import Program
from tests.conftest import World
from tests.org.test_api import bearer
from tests.programs.conftest import send

pytestmark = pytest.mark.django_db

API = "/api/v1"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def state(program: Program) -> tuple[Any, ...]:
    """Everything a refused call must leave as it was."""
    program.refresh_from_db()
    return (
        program.status,
        program.signed_on,
        [(p.organization_id, p.signatory_title) for p in program.parties.all()],
        [(c.number, c.title, c.description) for c in program.contents.all()],
        Program.history.filter(id=program.pk).count(),
        Program.objects.count(),
    )


def test_seed_scenario_through_the_api_alone(world: World, tinh, lanhdao) -> None:  # type: ignore[no-untyped-def]
    specialist, leader = bearer(tinh), bearer(lanhdao)
    titles = [f"Nội dung chủ yếu {i}" for i in range(1, 8)]
    created = send(specialist, "post", f"{API}/programs", {
        "kind": "coordination_programme", "title": "Chương trình phối hợp giai đoạn 2016–2021",
        "lead_id": world.commission.pk, "party_ids": [world.party_a.pk, world.front_a.pk],
        "term": "2016-2021", "contents": titles,
    })  # fmt: skip
    assert created.status_code == 201, created.content
    old = created.json()
    assert [(c["number"], c["title"]) for c in old["contents"]] == list(enumerate(titles, 1))
    assert all(isinstance(c["id"], int) for c in old["contents"])

    signed = send(specialist, "post", f"{API}/programs/{old['id']}/sign", {
        "signed_on": "2016-03-15",
        "signatories": [
            {"organization_id": world.commission.pk, "signatory_title": "Trưởng Ban Dân vận"},
            {"organization_id": world.front_a.pk, "signatory_title": "Chủ tịch Ủy ban MTTQ"},
        ],
    })  # fmt: skip
    assert signed.status_code == 200, signed.content
    assert signed.json()["status"] == "in_force" and signed.json()["signed_on"] == "2016-03-15"
    assert [p["signatory_title"] for p in signed.json()["parties"]] == [
        "Trưởng Ban Dân vận", "", "Chủ tịch Ủy ban MTTQ",
    ]  # fmt: skip

    ended = send(leader, "post", f"{API}/programs/{old['id']}/end")
    assert ended.status_code == 200 and ended.json()["status"] == "ended"

    opened = send(specialist, "post", f"{API}/programs/{old['id']}/reviews",
                  {"kind": "final", "period": "2016-2021"})  # fmt: skip
    assert opened.status_code == 201, opened.content
    review = opened.json()
    assert review["kind"] == "final" and review["facts"]["period"] == "2016-2021"
    edited = send(specialist, "patch", f"{API}/reviews/{review['id']}", {
        "number": "15-BC/BDVTU", "lessons": "Phối hợp chặt chẽ, phân công rõ người, rõ việc.",
    })  # fmt: skip
    assert edited.status_code == 200 and edited.json()["number"] == "15-BC/BDVTU"
    download = specialist.get(f"{API}/reviews/{review['id']}/docx")
    assert download.status_code == 200 and download["Content-Type"] == DOCX
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(download.content)).paragraphs)
    assert "Phối hợp chặt chẽ, phân công rõ người, rõ việc." in text

    renewed = send(specialist, "post", f"{API}/programs/{old['id']}/renew", {"term": "2021-2026"})
    assert renewed.status_code == 201, renewed.content
    new = renewed.json()
    assert new["predecessor_id"] == old["id"] and new["id"] != old["id"]
    assert new["status"] == "draft" and new["term"] == "2021-2026"
    assert [p["organization_id"] for p in new["parties"]] == [
        p["organization_id"] for p in old["parties"]
    ]
    assert [c["title"] for c in new["contents"]] == titles
    more = send(specialist, "post", f"{API}/programs/{new['id']}/contents",
                {"titles": ["Nội dung chủ yếu 8", "Nội dung chủ yếu 9", "Nội dung chủ yếu 10"]})  # fmt: skip
    assert more.status_code == 201 and [c["number"] for c in more.json()] == [8, 9, 10]

    new_contents = specialist.get(f"{API}/programs/{new['id']}/contents").json()
    assert new_contents["count"] == 10
    assert specialist.get(f"{API}/programs/{old['id']}/contents").json()["count"] == 7
    old_now = specialist.get(f"{API}/programs/{old['id']}").json()
    assert old_now["status"] == "reviewed" and len(old_now["contents"]) == 7


def test_sign_with_signatories_and_the_refused(
    world: World, tinh, xa, xa2, outsider, draft
) -> None:  # type: ignore[no-untyped-def]
    url = f"{API}/programs/{draft.pk}/sign"
    body = {"signed_on": "2025-02-01",
            "signatories": [{"organization_id": world.party_a.pk, "signatory_title": "Bí thư"}]}  # fmt: skip
    before = state(draft)
    assert send(Client(), "post", url, body).status_code == 401
    assert send(bearer(outsider), "post", url, body).status_code == 404
    assert send(bearer(xa2), "post", url, body).status_code == 404
    assert send(bearer(xa), "post", url, body).status_code == 403
    not_a_party = {**body, "signatories": [{"organization_id": world.front_b.pk,
                                            "signatory_title": "Chủ tịch"}]}  # fmt: skip
    response = send(bearer(tinh), "post", url, not_a_party)
    assert response.status_code == 400 and "signatories" in response.json()["errors"]
    assert send(bearer(tinh), "post", url, {"signed_on": "2999-01-01"}).status_code == 400
    assert state(draft) == before

    signed = send(bearer(tinh), "post", url, body)
    assert signed.status_code == 200, signed.content
    draft.refresh_from_db()
    assert draft.status == "in_force" and str(draft.signed_on) == "2025-02-01"
    assert draft.parties.get(organization=world.party_a).signatory_title == "Bí thư"
    assert draft.history.first().history_user == tinh  # type: ignore[attr-defined]

    before = state(draft)
    again = send(bearer(tinh), "post", url, body)
    assert again.status_code == 409 and again.json()["detail"]
    assert state(draft) == before


def test_a_draft_without_contents_cannot_be_signed(world: World, tinh) -> None:  # type: ignore[no-untyped-def]
    empty = services.program_create(
        actor=tinh, kind="twinning", title="Chưa có nội dung", lead=world.commission, term="2026"
    )
    before = state(empty)
    response = send(bearer(tinh), "post", f"{API}/programs/{empty.pk}/sign",
                    {"signed_on": "2025-02-01"})  # fmt: skip
    assert response.status_code == 409
    assert state(empty) == before


def test_parties_of_a_draft_are_replaced(world: World, tinh, xa, xa2, draft, program) -> None:  # type: ignore[no-untyped-def]
    url = f"{API}/programs/{draft.pk}/parties"
    body = {"parties": [
        {"organization_id": world.commission.pk, "signatory_title": "Trưởng Ban"},
        {"organization_id": world.front_a.pk, "signatory_title": "Chủ tịch"},
        {"organization_id": world.party_b.pk, "signatory_title": "Bí thư"},
    ]}  # fmt: skip
    before = state(draft)
    assert send(Client(), "put", url, body).status_code == 401
    assert send(bearer(xa2), "put", url, body).status_code == 404
    assert send(bearer(xa), "put", url, body).status_code == 403
    twice = {"parties": [{"organization_id": world.party_b.pk}] * 2}
    assert send(bearer(tinh), "put", url, twice).status_code == 400
    unknown = {"parties": [{"organization_id": 999999}]}
    assert send(bearer(tinh), "put", url, unknown).status_code == 400
    assert state(draft) == before

    response = send(bearer(tinh), "put", url, body)
    assert response.status_code == 200, response.content
    assert [(p["organization_id"], p["signatory_title"]) for p in response.json()["parties"]] == [
        (world.commission.pk, "Trưởng Ban"), (world.front_a.pk, "Chủ tịch"),
        (world.party_b.pk, "Bí thư"),
    ]  # fmt: skip

    in_force = state(program)
    refused = send(bearer(tinh), "put", f"{API}/programs/{program.pk}/parties", body)
    assert refused.status_code == 409
    assert state(program) == in_force


def test_reopen_needs_a_leader_and_a_reason(world: World, tinh, lanhdao, xa2, program) -> None:  # type: ignore[no-untyped-def]
    url = f"{API}/programs/{program.pk}/reopen"
    before = state(program)
    assert send(Client(), "post", url, {"reason": "x"}).status_code == 401
    assert send(bearer(xa2), "post", url, {"reason": "x"}).status_code == 404
    assert send(bearer(tinh), "post", url, {"reason": "Bổ sung"}).status_code == 403
    blank = send(bearer(lanhdao), "post", url, {"reason": "  "})
    assert blank.status_code == 400 and "reason" in blank.json()["errors"]
    assert state(program) == before

    response = send(bearer(lanhdao), "post", url, {"reason": "Bổ sung nội dung chuyển đổi số"})
    assert response.status_code == 200 and response.json()["status"] == "draft"
    latest = program.history.first()  # type: ignore[attr-defined]
    assert latest.history_user == lanhdao
    assert "Bổ sung nội dung chuyển đổi số" in latest.history_change_reason

    before = state(program)
    assert send(bearer(lanhdao), "post", url, {"reason": "Lại"}).status_code == 409
    assert state(program) == before


def test_end_then_renew(world: World, tinh, lanhdao, xa, xa2, program) -> None:  # type: ignore[no-untyped-def]
    end, renew = f"{API}/programs/{program.pk}/end", f"{API}/programs/{program.pk}/renew"
    before = state(program)
    assert send(bearer(tinh), "post", renew, {"term": "2027-2028"}).status_code == 409
    assert send(Client(), "post", end).status_code == 401
    assert send(bearer(xa2), "post", end).status_code == 404
    assert send(bearer(tinh), "post", end).status_code == 403
    assert state(program) == before

    assert send(bearer(lanhdao), "post", end).json()["status"] == "ended"
    before = state(program)
    assert send(bearer(lanhdao), "post", end).status_code == 409
    assert send(bearer(xa2), "post", renew, {"term": "2027-2028"}).status_code == 404
    assert send(bearer(xa), "post", renew, {"term": "2027-2028"}).status_code == 403
    assert send(bearer(tinh), "post", renew, {"term": "2026S3"}).status_code == 400
    assert send(bearer(tinh), "post", renew, {"term": "2024"}).status_code == 400
    assert state(program) == before

    renewed = send(bearer(tinh), "post", renew, {"term": "2027-2028"})
    assert renewed.status_code == 201, renewed.content
    assert renewed.json()["predecessor_id"] == program.pk
    assert [c["title"] for c in renewed.json()["contents"]] == [
        "Tuyên truyền", "Dân chủ cơ sở", "Báo cáo",
    ]  # fmt: skip
    before = state(program)
    assert send(bearer(tinh), "post", renew, {"term": "2029-2030"}).status_code == 409
    assert state(program) == before


def test_a_conflict_on_the_page_is_a_message(world: World, lanhdao, program, as_user) -> None:  # type: ignore[no-untyped-def]
    client = as_user(lanhdao)
    services.program_end(actor=lanhdao, program=program)
    response = client.post(f"/programs/{program.pk}/end/", {"confirm": "1"}, follow=True)
    assert response.status_code == 200
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
