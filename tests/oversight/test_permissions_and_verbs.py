"""Who may act on an oversight, asked in one place (the `may_…` selectors) by pages and
services alike; the composite writes own one transaction; the history names each act."""

from __future__ import annotations

import datetime
import json

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.test import Client
from django.utils import translation

from danvan.accounts.models import User
from danvan.lib.history import VERBS, history_for
from danvan.oversight import selectors, services
from danvan.oversight.models import Oversight, Plan, PlanItem, Recommendation
from tests.conftest import World
from tests.org.test_api import bearer

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()  # noqa: DTZ011 — only to place test dates in the past
DAY = datetime.timedelta(days=1)


@pytest.fixture
def made(world: World, tinh: User) -> Oversight:
    return services.oversight_create(
        actor=tinh, kind="supervision", title="Giám sát dân chủ ở cơ sở", lead=world.commission,
        subjects=[world.front_a, world.front_b], starts_on=TODAY - 30 * DAY,
        ends_on=TODAY - 20 * DAY,
    )  # fmt: skip


@pytest.fixture
def rec(world: World, tinh: User, made: Oversight) -> Recommendation:
    return services.recommendation_add(
        actor=tinh, oversight=made, text="Tổ chức hội nghị nhân dân", responsible=world.front_a,
        due_on=TODAY + 10 * DAY,
    )  # fmt: skip


def test_the_may_selectors_answer_for_the_cast(  # type: ignore[no-untyped-def]
    world: World, made, rec, tinh, lanhdao, xa, xa2, outsider
) -> None:
    plan = services.plan_create(actor=tinh, organization=world.commission, year=2026, title="KH")
    for user in (tinh, lanhdao):  # the lead's officers keep the oversight and its plan
        assert selectors.may_edit_oversight(user, made)
        assert selectors.may_conclude_oversight(user, made)
        assert selectors.may_add_recommendation(user, made)
        assert selectors.may_edit_recommendation(user, rec)
        assert selectors.may_answer_recommendation(user, rec)
        assert selectors.may_edit_plan(user, plan)
    # The addressee's officer answers; that is all.
    assert selectors.may_answer_recommendation(xa, rec)
    assert not selectors.may_edit_oversight(xa, made)
    assert not selectors.may_conclude_oversight(xa, made)
    assert not selectors.may_add_recommendation(xa, made)
    assert not selectors.may_edit_recommendation(xa, rec)
    assert not selectors.may_edit_plan(xa, plan)
    # Another subject's officer sees the oversight but answers nothing addressed elsewhere.
    assert not selectors.may_answer_recommendation(xa2, rec)
    assert selectors.may_record_oversights(xa)  # for their own unit
    assert not selectors.may_record_oversights(outsider)
    assert not selectors.may_make_plans(outsider)


def test_services_refuse_by_the_same_selectors_and_change_nothing(  # type: ignore[no-untyped-def]
    world: World, made, rec, tinh, xa, xa2
) -> None:
    with pytest.raises(PermissionDenied):
        services.oversight_conclude(actor=xa, oversight=made, conclusion_on=TODAY,
                                    conclusion="Tốt")  # fmt: skip
    with pytest.raises(PermissionDenied):
        services.oversight_update(actor=xa, oversight=made, title="Đổi tên")
    with pytest.raises(PermissionDenied):
        services.recommendation_update(actor=xa, recommendation=rec, text="Khác")
    with pytest.raises(PermissionDenied):
        services.recommendation_respond(actor=xa2, recommendation=rec, status="in_progress")
    plan = services.plan_create(actor=tinh, organization=world.commission, year=2026, title="KH")
    item = services.plan_item_add(actor=tinh, plan=plan, kind="inspection", title="Kiểm tra",
                                  period="2026Q4")  # fmt: skip
    with pytest.raises(PermissionDenied):
        services.plan_item_delete(actor=xa, plan_item=item)
    made.refresh_from_db()
    rec.refresh_from_db()
    assert (made.title, made.conclusion_on) == ("Giám sát dân chủ ở cơ sở", None)
    assert (rec.text, rec.status) == ("Tổ chức hội nghị nhân dân", "open")
    assert PlanItem.objects.filter(pk=item.pk).exists()


def test_the_page_shows_the_buttons_the_selectors_allow(  # type: ignore[no-untyped-def]
    made, rec, tinh, xa, xa2, as_user
) -> None:
    url = f"/oversight/{made.pk}/"
    edit, conclude = f"/oversight/{made.pk}/edit/", f"/oversight/{made.pk}/conclude/"
    correct, answer = f"/recommendations/{rec.pk}/edit/", f"/recommendations/{rec.pk}/respond/"
    lead = as_user(tinh).get(url).text
    assert all(link in lead for link in (edit, conclude, correct, answer, "add-recommendation"))
    addressee = as_user(xa).get(url).text
    assert answer in addressee
    assert not any(link in addressee for link in (edit, conclude, correct, "add-recommendation"))
    other = as_user(xa2).get(url).text
    assert not any(link in other for link in (edit, conclude, correct, answer))
    # The pages refuse what they do not show.
    assert as_user(xa).get(edit).status_code == 403
    assert as_user(xa).get(correct).status_code == 403
    assert as_user(xa2).post(answer, {f"rec{rec.pk}-status": "done"}).status_code == 403
    assert Recommendation.objects.get(pk=rec.pk).status == "open"


def test_concluding_is_recorded_as_concluded_with_who_in_the_readers_language(  # type: ignore[no-untyped-def]
    made, tinh, xa, as_user
) -> None:
    reply = as_user(tinh).post(
        f"/oversight/{made.pk}/conclude/",
        {"conclusion_on": (TODAY - DAY).isoformat(), "conclusion": "Thực hiện tốt"},
    )
    assert reply.status_code == 302
    record = Oversight.objects.get(pk=made.pk).history.first()
    assert (record.history_verb, record.history_change_reason) == ("concluded", None)
    entry = history_for(made)[0]
    assert (entry.verb, entry.reason, entry.who) == ("concluded", "", str(tinh))

    def history(language: str) -> str:
        client = as_user(xa)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        page = client.get(f"/oversight/{made.pk}/")
        assert page.status_code == 200
        section = page.content.decode().split('id="history"', 1)[1]
        return section.split('id="rec-history"', 1)[0]

    english = history("en")
    assert f"{tinh}</strong> · concluded" in english
    with translation.override("vi"):
        vietnamese = str(VERBS["concluded"])
    assert f"{tinh}</strong> · {vietnamese}" in history("vi")


def test_a_correction_is_a_change_not_a_second_conclusion(made, tinh) -> None:  # type: ignore[no-untyped-def]
    services.oversight_conclude(actor=tinh, oversight=made, conclusion_on=TODAY - DAY,
                                conclusion="Tốt")  # fmt: skip
    services.oversight_update(actor=tinh, oversight=made, conclusion="Thực hiện tốt")
    verbs = list(Oversight.objects.get(pk=made.pk).history.values_list("history_verb", flat=True))
    assert verbs[:2] == ["", "concluded"]  # newest first: corrected, then concluded
    assert verbs.count("concluded") == 1


def test_answering_is_recorded_as_answered_without_a_label(rec, xa) -> None:  # type: ignore[no-untyped-def]
    services.recommendation_respond(actor=xa, recommendation=rec, status="done",
                                    response="Đã tổ chức hội nghị")  # fmt: skip
    record = Recommendation.objects.get(pk=rec.pk).history.first()
    assert (record.history_verb, record.history_user) == ("answered", xa)
    assert record.history_change_reason is None
    assert record.response == "Đã tổ chức hội nghị"  # the answer's words, in the record


def patch(client: Client, url: str, data: dict):  # type: ignore[no-untyped-def]
    return client.patch(url, json.dumps(data), content_type="application/json")


def test_an_oversight_patch_is_one_transaction(made, tinh) -> None:  # type: ignore[no-untyped-def]
    records = made.history.count()
    reply = patch(bearer(tinh), f"/api/v1/oversights/{made.pk}",
                  {"title": "Tên mới", "conclusion_on": (TODAY + 5 * DAY).isoformat(),
                   "conclusion": "Tốt"})  # fmt: skip
    assert reply.status_code == 400  # a conclusion in the future: the new title is not kept
    stored = Oversight.objects.get(pk=made.pk)
    assert (stored.title, stored.conclusion_on) == ("Giám sát dân chủ ở cơ sở", None)
    assert stored.history.count() == records
    ok = patch(bearer(tinh), f"/api/v1/oversights/{made.pk}",
               {"title": "Tên mới", "conclusion_on": (TODAY - DAY).isoformat(),
                "conclusion": "Tốt"})  # fmt: skip
    assert ok.status_code == 200 and ok.json()["stage"] == "concluded"
    assert Oversight.objects.get(pk=made.pk).history.first().history_verb == "concluded"


def test_a_recommendation_patch_is_one_transaction(rec, tinh) -> None:  # type: ignore[no-untyped-def]
    reply = patch(bearer(tinh), f"/api/v1/recommendations/{rec.pk}",
                  {"text": "Sửa lời", "status": "nonsense"})  # fmt: skip
    assert reply.status_code == 400
    stored = Recommendation.objects.get(pk=rec.pk)
    assert (stored.text, stored.status, stored.history.count()) == (
        "Tổ chức hội nghị nhân dân",
        "open",
        1,
    )
    ok = patch(bearer(tinh), f"/api/v1/recommendations/{rec.pk}",
               {"text": "Sửa lời", "status": "in_progress"})  # fmt: skip
    assert ok.status_code == 200 and (ok.json()["text"], ok.json()["status"]) == (
        "Sửa lời",
        "in_progress",
    )
    assert Recommendation.objects.get(pk=rec.pk).history.first().history_verb == "answered"


def test_the_composites_own_their_transaction(made, rec, tinh) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(RuntimeError), transaction.atomic():
        services.oversight_update(actor=tinh, oversight=made, title="Bên trong")
    with pytest.raises(RuntimeError), transaction.atomic():
        services.recommendation_update(actor=tinh, recommendation=rec, text="Bên trong")


def test_scope_in_one_place(world: World, made, rec, xa, xa2, outsider) -> None:  # type: ignore[no-untyped-def]
    boss = User.objects.create_superuser(email="root@example.vn", password="x" * 12)
    other = services.oversight_create(
        actor=None, kind="inspection", title="Kiểm tra xã", lead=world.party_b,
        subjects=[world.party_b], starts_on=TODAY - 3 * DAY, ends_on=TODAY,
    )  # fmt: skip
    plan = services.plan_create(actor=None, organization=world.party_b, year=2026, title="KH xã")
    item = services.plan_item_add(actor=None, plan=plan, kind="inspection", title="Kiểm tra",
                                  period="2026Q4")  # fmt: skip
    assert set(Oversight.objects.visible_to(boss)) == {made, other}
    assert set(Oversight.objects.visible_to(xa)) == {made}  # a subject
    assert set(Oversight.objects.visible_to(xa2)) == {made}  # a subject, not under party_b
    assert not Oversight.objects.visible_to(outsider).exists()
    assert set(Recommendation.objects.visible_to(xa)) == {rec}
    assert set(Plan.objects.visible_to(boss)) == {plan}
    assert set(PlanItem.objects.visible_to(boss)) == {item}
    assert not PlanItem.objects.visible_to(xa).exists()
    assert not Plan.objects.visible_to(outsider).exists()
