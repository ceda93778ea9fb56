"""Every destructive or irreversible form asks first: each page below is rendered as the person
who sees its form, and each form (or the one submit button that does the irreversible part)
carries a `data-confirm` sentence for confirm.js. Removing one makes this test fail; ordinary
saves stay unasked."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.test import Client
from django.urls import resolve
from django.utils import timezone

from danvan.accounts import services as account_services
from danvan.dialogue import services as dialogue_services
from danvan.dialogue import services_petitions, services_privacy
from danvan.org import services as org_services
from danvan.org.models import Membership, Role
from danvan.oversight import services as oversight_services
from danvan.programs import services as program_services
from danvan.reporting import services as report_services
from danvan.situation import services as situation_services
from danvan.situation.models import Alert, Level, NoteStatus
from tests.conftest import _member
from tests.dialogue.conftest import (  # noqa: F401
    TODAY,
    file_petition,
    hold_dialogue,
    land,
    quantri,
)
from tests.factories import member
from tests.practices.test_practices import register
from tests.reporting.conftest import half_form  # noqa: F401
from tests.reporting.test_services import GOOD
from tests.situation.conftest import file_note  # noqa: F401

pytestmark = pytest.mark.django_db
DAY = timezone.localdate()
PERIOD = "2025S2"


class Forms(HTMLParser):
    """The page's POST forms: for each, the key of what it does and its data-confirm; a submit
    button with its own data-confirm counts as its own key (`form[name=value]`)."""

    def __init__(self, page_path: str) -> None:
        super().__init__()
        self.page_path = page_path
        self.confirms: dict[str, str] = {}
        self.current: str | None = None

    def key(self, action: str) -> str:
        match = resolve(urlsplit(action or self.page_path).path)
        verb = match.kwargs.get("action")
        return f"{match.url_name}:{verb}" if verb else str(match.url_name)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {name: value or "" for name, value in attrs}
        if tag == "form" and found.get("method", "").lower() == "post":
            self.current = self.key(found.get("action", ""))
            self.confirms[self.current] = found.get("data-confirm", "")
        elif tag == "button" and self.current and found.get("type", "submit") == "submit":
            self.button(found)

    def button(self, found: dict[str, str]) -> None:
        if "data-confirm" in found:
            key = f"{self.current}[{found.get('name', '')}={found.get('value', '')}]"
            self.confirms[key] = found["data-confirm"]

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.current = None


def confirms_on(client: Client, url: str) -> dict[str, str]:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    parser = Forms(urlsplit(url).path)
    parser.feed(response.content.decode())
    return parser.confirms


# --- The pages, each as the person who sees its forms -----------------------------------------
# A case takes the test's `request` (for the cast and fixtures) and gives a client and a URL.

Case = Callable[[pytest.FixtureRequest], tuple[Client, str]]


def fx(request: pytest.FixtureRequest, name: str) -> Any:
    return request.getfixturevalue(name)


def profile(request: pytest.FixtureRequest) -> tuple[Client, str]:
    tinh = fx(request, "tinh")
    account_services.token_create(user=tinh, name="Bảng tổng hợp")
    return fx(request, "as_user")(tinh), "/accounts/profile/"


def two_factor_new_phone(request: pytest.FixtureRequest) -> tuple[Client, str]:
    return fx(request, "as_user")(fx(request, "tinh")), "/accounts/2fa/setup/?restart=1"


def organization_detail(request: pytest.FixtureRequest) -> tuple[Client, str]:
    world, lanhdao = fx(request, "world"), fx(request, "lanhdao")
    org_services.invitation_create(
        actor=lanhdao, email="moi@example.vn", organization=world.commission, role=Role.REPORTER
    )
    return fx(request, "as_user")(lanhdao), f"/orgs/{world.commission.pk}/"


def membership_end(request: pytest.FixtureRequest) -> tuple[Client, str]:
    world, lanhdao, xa = fx(request, "world"), fx(request, "lanhdao"), fx(request, "xa")
    membership = Membership.objects.get(user=xa, organization=world.front_a)
    return fx(request, "as_user")(lanhdao), f"/memberships/{membership.pk}/end/"


def organization_dissolve(request: pytest.FixtureRequest) -> tuple[Client, str]:
    world = fx(request, "world")
    return fx(request, "as_user")(fx(request, "lanhdao")), f"/orgs/{world.front_b.pk}/dissolve/"


def organization_move(request: pytest.FixtureRequest) -> tuple[Client, str]:
    world = fx(request, "world")
    return fx(request, "as_user")(fx(request, "lanhdao")), f"/orgs/{world.front_b.pk}/move/"


def area_import(request: pytest.FixtureRequest) -> tuple[Client, str]:
    return fx(request, "as_user")(fx(request, "lanhdao")), "/areas/import/"


def plan_detail(request: pytest.FixtureRequest) -> tuple[Client, str]:
    world, tinh = fx(request, "world"), fx(request, "tinh")
    plan = oversight_services.plan_create(
        actor=tinh, organization=world.commission, year=DAY.year, title="Kế hoạch kiểm tra"
    )
    oversight_services.plan_item_add(
        actor=tinh, plan=plan, kind="inspection", title="Kiểm tra Quy chế dân chủ",
        period=f"{DAY.year}Q4",
    )  # fmt: skip
    return fx(request, "as_user")(tinh), f"/oversight/plans/{plan.pk}/"


def _program(request: pytest.FixtureRequest) -> Any:
    world, tinh = fx(request, "world"), fx(request, "tinh")
    return program_services.program_create(
        actor=tinh, kind="coordination_programme", title="Chương trình phối hợp",
        lead=world.commission, parties=[world.party_a, world.front_a], term="2025-2026",
        contents=["Tuyên truyền", "Dân chủ cơ sở"],
    )  # fmt: skip


def content_edit(request: pytest.FixtureRequest) -> tuple[Client, str]:
    content = _program(request).contents.get(number=1)
    return fx(request, "as_user")(fx(request, "tinh")), f"/contents/{content.pk}/"


def program_draft(request: pytest.FixtureRequest) -> tuple[Client, str]:
    program = _program(request)
    return fx(request, "as_user")(fx(request, "tinh")), f"/programs/{program.pk}/"


def program_in_force(request: pytest.FixtureRequest) -> tuple[Client, str]:
    program = _program(request)
    program_services.program_put_in_force(
        actor=None, program=program, signed_on=datetime.date(2025, 1, 15)
    )
    return fx(request, "as_user")(fx(request, "lanhdao")), f"/programs/{program.pk}/"


def program_ended(request: pytest.FixtureRequest) -> tuple[Client, str]:
    program = _program(request)
    program_services.program_put_in_force(
        actor=None, program=program, signed_on=datetime.date(2025, 1, 15)
    )
    program_services.program_end(actor=None, program=program)
    return fx(request, "as_user")(fx(request, "tinh")), f"/programs/{program.pk}/"


def _report(request: pytest.FixtureRequest, org_name: str = "front_a") -> Any:
    form, world = fx(request, "half_form"), fx(request, "world")
    submission = report_services.submission_start(
        actor=None, form=form, organization=getattr(world, org_name), period=PERIOD
    )
    report_services.submission_save(actor=None, submission=submission, values=GOOD)
    return submission


def submission_draft(request: pytest.FixtureRequest) -> tuple[Client, str]:
    submission = _report(request)
    return fx(request, "as_user")(fx(request, "xa")), f"/reports/{submission.pk}/"


def submission_submitted(request: pytest.FixtureRequest) -> tuple[Client, str]:
    submission = report_services.submission_submit(actor=None, submission=_report(request))
    return fx(request, "as_user")(fx(request, "tinh")), f"/reports/{submission.pk}/"


def submission_approved(request: pytest.FixtureRequest) -> tuple[Client, str]:
    submission = report_services.submission_submit(actor=None, submission=_report(request))
    report_services.submission_approve(actor=None, submission=submission)
    return fx(request, "as_user")(fx(request, "tinh")), f"/reports/{submission.pk}/"


def completeness(request: pytest.FixtureRequest) -> tuple[Client, str]:
    world = fx(request, "world")
    report_services.submission_submit(actor=None, submission=_report(request, "party_a"))
    _member(world.party_b, "pb@example.vn", Role.REPORTER)  # a unit that has not reported
    query = f"form={fx(request, 'half_form').pk}&org={world.commission.pk}&period={PERIOD}"
    return fx(request, "as_user")(fx(request, "tinh")), f"/reports/completeness/?{query}"


def practice_detail(request: pytest.FixtureRequest) -> tuple[Client, str]:
    practice = register(fx(request, "world"), fx(request, "xa"))
    return fx(request, "as_user")(fx(request, "tinh")), f"/practices/{practice.pk}/"


def _note(request: pytest.FixtureRequest, level: str = Level.NORMAL) -> Any:
    return fx(request, "file_note")(
        fx(request, "xa"), event_date=DAY - datetime.timedelta(days=3), today=DAY, level=level
    )


def alert_detail(request: pytest.FixtureRequest) -> tuple[Client, str]:
    alert = Alert.objects.get(note=_note(request, Level.HOT_SPOT))
    return fx(request, "as_user")(fx(request, "tinh")), f"/situation/alerts/{alert.pk}/"


def note_detail(request: pytest.FixtureRequest) -> tuple[Client, str]:
    from django.core.files.uploadedfile import SimpleUploadedFile

    fx(request, "settings").MEDIA_ROOT = str(fx(request, "tmp_path"))
    note = _note(request)
    assert note.status == NoteStatus.FOLLOWING
    upload = SimpleUploadedFile("bien-ban.pdf", b"%PDF-1.4 minutes", "application/pdf")
    situation_services.attachment_add(actor=None, note=note, upload=upload)
    return fx(request, "as_user")(fx(request, "xa")), f"/situation/notes/{note.pk}/"


def _bithu(request: pytest.FixtureRequest) -> Client:
    """A reporter of commune A's Party committee: keeps its dialogues."""
    user = member(fx(request, "world").party_a, Role.REPORTER, email="bithu@example.vn")
    return fx(request, "as_user")(user)


def dialogue_announced(request: pytest.FixtureRequest) -> tuple[Client, str]:
    held_on = DAY - datetime.timedelta(days=20)
    dialogue = fx(request, "hold_dialogue")(
        held_on=held_on, announced_on=held_on - datetime.timedelta(days=10)
    )
    return _bithu(request), f"/dialogue/dialogues/{dialogue.pk}/"


def dialogue_held(request: pytest.FixtureRequest) -> tuple[Client, str]:
    held_on = DAY - datetime.timedelta(days=20)
    dialogue = fx(request, "hold_dialogue")(
        held_on=held_on, announced_on=held_on - datetime.timedelta(days=10)
    )
    dialogue_services.dialogue_hold(
        actor=None, dialogue=dialogue, participants=90, issues_raised="Đường, nước sạch", today=DAY
    )
    dialogue_services.commitment_add(
        actor=None, dialogue=dialogue, text="Sửa đường thôn 3",
        responsible=fx(request, "world").party_a, due_on=DAY,
    )  # fmt: skip
    return _bithu(request), f"/dialogue/dialogues/{dialogue.pk}/"


def _petition(request: pytest.FixtureRequest, state: str) -> Any:
    petition = fx(request, "file_petition")()
    if state in ("accepted", "settled"):
        services_petitions.petition_accept(
            actor=None, petition=petition, accepted_on=petition.received_on, today=TODAY
        )
    if state == "settled":
        services_petitions.petition_settle(
            actor=None, petition=petition, result="Đã sửa xong đoạn đường sạt lở.",
            settled_on=TODAY, publish=True, today=TODAY,
        )  # fmt: skip
    return petition


def petition_received(request: pytest.FixtureRequest) -> tuple[Client, str]:
    petition = _petition(request, "received")
    return fx(request, "as_user")(fx(request, "xa")), f"/dialogue/petitions/{petition.pk}/"


def petition_accepted(request: pytest.FixtureRequest) -> tuple[Client, str]:
    petition = _petition(request, "accepted")
    return fx(request, "as_user")(fx(request, "xa")), f"/dialogue/petitions/{petition.pk}/"


def petition_settled(request: pytest.FixtureRequest) -> tuple[Client, str]:
    petition = _petition(request, "settled")
    return fx(request, "as_user")(fx(request, "xa")), f"/dialogue/petitions/{petition.pk}/"


def data_requests(request: pytest.FixtureRequest) -> tuple[Client, str]:
    admin = fx(request, "quantri")
    services_privacy.data_request_create(
        actor=admin, petition=_petition(request, "received"), kind="erase", received_on=DAY
    )
    return fx(request, "as_user")(admin), "/dialogue/data-requests/"


def public_track(request: pytest.FixtureRequest) -> tuple[Client, str]:
    petition = _petition(request, "settled")
    return Client(), f"/kien-nghi/tra-cuu/{petition.code}/"


# (page, the forms on it that must ask first) — the list the issue asks to keep.
CONFIRMED: list[tuple[Case, list[str]]] = [
    (profile, ["token_revoke"]),
    (two_factor_new_phone, ["two_factor_setup"]),
    (organization_detail, ["invitation_revoke"]),
    (membership_end, ["membership_end"]),
    (organization_dissolve, ["organization_dissolve"]),
    (organization_move, ["organization_move"]),
    (area_import, ["area_import"]),
    (plan_detail, ["plan_item_delete"]),
    (content_edit, ["content_edit[delete=1]"]),
    (program_draft, ["program_transition:sign"]),
    (program_in_force, ["program_transition:reopen", "program_transition:end"]),
    (program_ended, ["program_transition:renew"]),
    (submission_draft, ["submission_save[action=submit]"]),
    (submission_submitted, ["submission_approve", "submission_return"]),
    (submission_approved, ["submission_reopen"]),
    (completeness, ["report_remind"]),
    (practice_detail, ["practice_action:decide"]),
    (alert_detail, ["situation_alert_close"]),
    (note_detail, ["situation_note_resolve", "situation_attachment_remove"]),
    (dialogue_announced, ["dialogue_dialogue_action:hold", "dialogue_dialogue_action:cancel"]),
    (
        dialogue_held,
        [
            "dialogue_dialogue_action:publish",
            "dialogue_commitment_action:keep",
            "dialogue_commitment_action:not_kept",
        ],
    ),
    (
        petition_received,
        [
            "dialogue_petition_action:accept",
            "dialogue_petition_action:refer",
            "dialogue_petition_action:refuse",
            "dialogue_petition_action:merge",
        ],
    ),
    (petition_accepted, ["dialogue_petition_action:extend", "dialogue_petition_action:settle"]),
    (
        petition_settled,
        [
            "dialogue_petition_action:confirm",
            "dialogue_petition_action:close",
            "dialogue_petition_action:reopen",
        ],
    ),
    (
        data_requests,
        ["dialogue_data_request_action:complete", "dialogue_data_request_action:refuse"],
    ),
    (public_track, ["public_confirm"]),
]

# Ordinary saves on the same pages: they go through without a question.
UNASKED: dict[str, list[str]] = {
    "plan_detail": ["plan_detail"],  # add an item
    "content_edit": ["content_edit"],  # save the title
    "submission_draft": ["submission_save"],  # save without submitting
    "note_detail": ["situation_attachment_add"],
    "petition_received": ["dialogue_petition_action:note"],
}


@pytest.mark.parametrize(
    ("case", "expected"), CONFIRMED, ids=[case.__name__ for case, _keys in CONFIRMED]
)
def test_destructive_forms_ask_first(
    case: Case, expected: list[str], request: pytest.FixtureRequest
) -> None:
    client, url = case(request)
    confirms = confirms_on(client, url)
    for key in expected:
        assert key in confirms, f"{case.__name__}: no form {key} on {url} ({sorted(confirms)})"
        assert len(confirms[key].strip()) > 20, f"{case.__name__}: {key} asks nothing"
    for key in UNASKED.get(case.__name__, []):
        assert confirms.get(key) == "", f"{case.__name__}: {key} should not ask"


def test_the_question_says_what_will_happen(request: pytest.FixtureRequest) -> None:
    client, url = submission_submitted(request)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    asked = confirms_on(client, url)
    assert asked["submission_approve"] == (
        "Approve this report? It is locked, and its figures are added to the roll-ups of every "
        "unit above."
    )
    assert "comment" in asked["submission_return"]


def test_every_page_carries_the_question_box_in_the_readers_language(
    as_user: Any, tinh: Any
) -> None:
    client = as_user(tinh)
    html = client.get("/accounts/profile/").content.decode()
    assert 'id="dv-confirm"' in html and 'id="dv-confirm-ok"' in html
    assert "/static/danvan/confirm.js" in html
    assert 'id="dv-confirm-cancel" data-bs-dismiss="modal">Hủy</button>' in html
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get("/accounts/profile/").content.decode()
    assert 'id="dv-confirm-cancel" data-bs-dismiss="modal">Cancel</button>' in english
    assert 'data-confirm-default="Confirm"' in english
    anonymous = Client().get("/kien-nghi/").content.decode()
    assert 'id="dv-confirm"' in anonymous  # the citizens' pages ask too
