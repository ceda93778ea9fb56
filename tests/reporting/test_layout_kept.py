"""A form's layout kept between requests (selectors.form_layout, lib/figures.kept): read on
every report page and save, kept until a write to its sections, indicators or rules — whichever
way it is written — and never a layout a transaction wrote and then rolled back.

Cast: the province's leader (`lanhdao`) keeps the six-month form (`half_form`) in the form
editor while commune A's Fatherland Front reporter (`xa`) fills its report.
"""

from __future__ import annotations

import atexit
import io
from typing import Any

import pytest
from django.apps import apps
from django.conf import settings
from django.core.cache import caches
from django.core.management import call_command
from django.db import connection, transaction
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from danvan.lib import figures
from danvan.lib.replica import replica_reads
from danvan.reporting import definitions, selectors, services, services_forms
from danvan.reporting.models import Form, FormIndicator, Section, ValidationRule
from tests.conftest import World
from tests.lib.test_figures_kept import TOKENS_IN_THE_DATABASE, _tables_read
from tests.reporting.test_services import GOOD, start

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _shape(form: Form) -> tuple[Any, ...]:
    layout = selectors.form_layout(form)
    return (
        [
            (s.title, s.kind, [(i.indicator.code, i.indicator.name, i.required) for i in items])
            for s, items in layout.sections
        ],
        sorted((r.left, r.operator, r.right) for r in layout.rules),
    )


def _fresh(form: Form) -> tuple[Any, ...]:
    """The layout as the database holds it, nothing kept."""
    caches["figures"].clear()
    return _shape(form)


def test_kept_until_a_write_to_what_it_is_read_from(
    half_form, world: World, lanhdao, xa, client, django_assert_num_queries
) -> None:
    form = half_form
    before = _shape(form)
    with django_assert_num_queries(0):  # kept (the tokens are in memory in the tests)
        layout = selectors.form_layout(form)
        assert _shape(form) == before
    assert layout.form is form and all(s.form is form for s, _items in layout.sections)

    results = Section.objects.get(form=form, title="Kết quả")
    services_forms.section_update(actor=lanhdao, section=results, title="Kết quả thực hiện")
    assert _shape(form)[0][0][0] == "Kết quả thực hiện" and _shape(form) == _fresh(form)

    extra = definitions.indicator_create(actor=lanhdao, code="HOUSES", name="Nhà đại đoàn kết")
    services_forms.item_add(actor=lanhdao, section=results, indicator=extra, required=False)
    assert ("HOUSES", "Nhà đại đoàn kết", False) in _shape(form)[0][0][2]

    definitions.indicator_update(actor=lanhdao, indicator=extra, name="Nhà Đại đoàn kết")
    assert ("HOUSES", "Nhà Đại đoàn kết", False) in _shape(form)[0][0][2]

    item = FormIndicator.objects.get(section=results, indicator=extra)
    services_forms.item_move(actor=lanhdao, item=item, step=-1)
    assert [code for code, _n, _r in _shape(form)[0][0][2]][-2:] == ["HOUSES", "OV_SUPERVISIONS"]

    ValidationRule.objects.filter(form=form, left="DONE").update(is_active=False)  # .update()
    assert ("DONE", "<=", "PLANNED") not in _shape(form)[1] and len(_shape(form)[1]) == 1

    with connection.cursor() as cursor:  # raw SQL, as a data migration might write
        cursor.execute("UPDATE reporting_indicator SET name = %s WHERE code = 'HOUSES'", ["Nhà"])
    assert ("HOUSES", "Nhà", False) in _shape(form)[0][0][2]
    assert _shape(form) == _fresh(form)

    # A report filled and submitted writes no table of the layout: it stays kept.
    kept = _shape(form)
    submission = start(form, world.front_a, xa)
    services.submission_save(actor=xa, submission=submission, values=GOOD)
    with django_assert_num_queries(0):
        assert _shape(form) == kept

    # The page the reporter reads shows the form as the editor left it.
    client.force_login(xa)
    page = client.get(reverse("submission_detail", args=[submission.pk]))
    assert "Kết quả thực hiện" in page.content.decode()
    services_forms.section_update(actor=lanhdao, section=results, title="Kết quả công tác")
    page = client.get(reverse("submission_detail", args=[submission.pk]))
    assert "Kết quả công tác" in page.content.decode()
    assert "Kết quả thực hiện" not in page.content.decode()

    # Inside a transaction that writes the layout, it is read afresh, and not kept after a
    # rollback; another form's layout is kept apart.
    with transaction.atomic():
        services_forms.section_update(actor=lanhdao, section=results, title="Nháp")
        assert _shape(form)[0][0][0] == "Nháp"
        transaction.set_rollback(True)
    assert _shape(form)[0][0][0] == "Kết quả công tác"
    other = definitions.form_create(
        actor=lanhdao, code="year-report", name="Báo cáo năm", periodicity="year",
        sections=[{"title": "Năm", "indicators": ["MEETINGS"]}],
    )  # fmt: skip
    assert _shape(other)[0] == [("Năm", "indicators", [("MEETINGS", "Số cuộc họp", True)])]
    assert _shape(form)[0][0][0] == "Kết quả công tác"

    now = _shape(form)
    with django_assert_num_queries(0):
        assert _shape(form) == now
    call_command("figures_reset", stdout=io.StringIO())  # after a write from psql
    with django_assert_num_queries(3):  # read again: sections, their indicators, rules
        assert _shape(form) == now


@override_settings(CACHES=TOKENS_IN_THE_DATABASE)
def test_as_installed_one_query_a_read_and_a_rolled_back_write_not_kept(
    half_form, lanhdao, django_assert_num_queries
) -> None:
    """The tokens in the database (settings/base.py), as every process of a server shares them:
    a kept layout costs the token's query; a write is seen once committed."""
    call_command("createcachetable", verbosity=0)
    form = half_form
    before = _shape(form)
    with django_assert_num_queries(1):
        assert _shape(form) == before
    token = caches["figure_tokens"].get("token:form_layout")
    section = Section.objects.get(form=form, title="Ưu điểm")
    with transaction.atomic():
        services_forms.section_update(actor=lanhdao, section=section, title="Mặt được")
        assert caches["figure_tokens"].get("token:form_layout") == token  # not before the commit
        assert _shape(form)[0][1][0] == "Mặt được"
        transaction.set_rollback(True)
    assert _shape(form) == before
    services_forms.section_update(actor=lanhdao, section=section, title="Mặt được")
    assert caches["figure_tokens"].get("token:form_layout") != token
    assert _shape(form)[0][1][0] == "Mặt được" and _shape(form) == _fresh(form)


def test_a_layout_reads_only_the_tables_it_is_kept_for(half_form) -> None:
    """A layout read from a table outside LAYOUT_TABLES would be kept past a write to it."""
    tables = set(connection.introspection.table_names())
    kept_for = {model._meta.db_table for model in selectors.LAYOUT_TABLES}
    assert kept_for == {"reporting_section", "reporting_formindicator", "reporting_indicator",
                        "reporting_validationrule"}  # fmt: skip
    with CaptureQueriesContext(connection) as captured:
        selectors.form_layout(half_form)
    read = set().union(*(_tables_read(q["sql"], tables) for q in captured.captured_queries))
    assert read == kept_for


def test_a_scripts_last_write_is_seen_when_it_ends(half_form, monkeypatch) -> None:
    """A write outside a transaction is renewed before the connection's next statement or at
    the request's end; a shell or script may end on it, so the process's exit renews it too."""
    registered: list[Any] = []
    monkeypatch.setattr(atexit, "register", registered.append)
    apps.get_app_config("ops").ready()
    assert figures.flush_all in registered
    before = _shape(half_form)
    token = caches["figure_tokens"].get("token:form_layout")
    Section.objects.filter(form=half_form, title="Ưu điểm").update(title="Mặt được")  # the last
    assert caches["figure_tokens"].get("token:form_layout") == token  # no statement after it
    figures.flush_all()  # what the exit runs
    assert caches["figure_tokens"].get("token:form_layout") != token
    assert _shape(half_form) != before and _shape(half_form)[0][1][0] == "Mặt được"


@pytest.mark.skipif(
    "replica" not in settings.DATABASES, reason="set DATABASE_REPLICA_URL to a second database"
)
@pytest.mark.django_db(transaction=True, serialized_rollback=True, databases=["default", "replica"])
@override_settings(DANVAN_READ_REPLICA="replica")
def test_a_layout_read_on_the_replica_is_not_kept_for_the_primary(half_form) -> None:
    """The pivot reads from the replica; its layout's objects belong to the replica's connection
    (and in the tests the replica is empty: nothing replicates between the two databases)."""
    with replica_reads():
        assert selectors.form_layout(half_form).sections == []
    layout = selectors.form_layout(half_form)
    assert len(layout.sections) == 2
    assert all(s._state.db == "default" for s, _items in layout.sections)
