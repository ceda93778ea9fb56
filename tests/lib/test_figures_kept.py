"""Derived figures kept between requests (lib/figures.py): kept until a write to what they
count, whichever way danvan writes it, and never kept from inside a transaction.

Cast: the province commission's specialist (`tinh`) registers the communes' «Dân vận khéo» models; the
province's report counts them (the practices group, «registered»).
"""

from __future__ import annotations

import io
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.cache import caches
from django.core.management import call_command
from django.db import connection, transaction
from django.test import override_settings
from django.utils import timezone

from danvan.lib import figures, periods
from danvan.org.scopes import ReportingScope
from danvan.practices.models import Practice
from danvan.reporting.models import Form
from tests.conftest import World
from tests.factories import PracticeFactory

REGISTERED = "practices.registered"


def _registered(world: World) -> Decimal | None:
    period = periods.from_date(timezone.localdate(), periods.PeriodType.YEAR)
    return figures.Calculator().value(REGISTERED, ReportingScope.of(world.commission), period)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_kept_until_a_write_to_what_they_count(
    world: World, tinh, django_assert_num_queries
) -> None:
    PracticeFactory(actor=tinh, organization=world.front_a)
    assert _registered(world) == 1
    with django_assert_num_queries(0):  # kept (the tokens are in memory in the tests)
        assert _registered(world) == 1

    second = PracticeFactory(actor=tinh, organization=world.front_b)  # the ORM's save
    assert _registered(world) == 2

    Practice.objects.filter(pk=second.pk).update(registered_on="2001-01-01")  # QuerySet.update
    assert _registered(world) == 1

    with connection.cursor() as cursor:  # raw SQL, as a data migration might write
        cursor.execute("UPDATE practices_practice SET registered_on = %s", [timezone.localdate()])
    assert _registered(world) == 2

    Form.objects.create(code="khac", name="Báo cáo khác")  # not what the group counts
    with django_assert_num_queries(0):
        assert _registered(world) == 2

    with transaction.atomic():  # computed afresh in a transaction: it may yet be rolled back
        Practice.objects.filter(pk=second.pk).delete()
        with django_assert_num_queries(3):  # registered, recognised, replicated
            assert _registered(world) == 1
        transaction.set_rollback(True)
    assert _registered(world) == 2

    # A Calculator that read the tokens before this process renewed one reads them again.
    period = periods.from_date(timezone.localdate(), periods.PeriodType.YEAR)
    province, commune = ReportingScope.of(world.commission), ReportingScope.of(world.party_b)
    figures.Calculator().prefetch([REGISTERED], [province], period)  # kept under the token
    reader = figures.Calculator()
    assert reader.value(REGISTERED, commune, period) == 1  # the tokens read
    PracticeFactory(actor=tinh, organization=world.front_b)
    assert reader.value(REGISTERED, province, period) == 3  # not the 2 kept before

    caches["figures"].set("practices:unrelated", "kept")
    out = io.StringIO()
    call_command("figures_reset", stdout=out)  # after a write from psql
    assert "afresh" in out.getvalue()
    with django_assert_num_queries(3):
        assert _registered(world) == 3
    assert caches["figures"].get("practices:unrelated") == "kept"  # forgotten by token only


TOKENS_IN_THE_DATABASE = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "figures": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "f"},
    "figure_tokens": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "danvan_figure_tokens",
        "TIMEOUT": None,
    },
}


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@override_settings(CACHES=TOKENS_IN_THE_DATABASE)
def test_tokens_in_the_database_follow_the_transaction(
    world: World, tinh, django_assert_num_queries
) -> None:
    """As installed (settings/base.py): the tokens are rows of the database, renewed once the
    writer's transaction commits; a rolled-back write leaves the token it found."""
    call_command("createcachetable", verbosity=0)  # the test settings keep them in memory
    tokens = caches["figure_tokens"]
    PracticeFactory(actor=tinh, organization=world.front_a)
    assert _registered(world) == 1
    with django_assert_num_queries(1):  # the tokens; the figures are in the process's memory
        assert _registered(world) == 1

    before = tokens.get("token:practices")
    assert before is not None
    with transaction.atomic():
        PracticeFactory(actor=tinh, organization=world.front_b)
        assert tokens.get("token:practices") == before  # not before the commit
        transaction.set_rollback(True)
    assert _registered(world) == 1  # (renewed for nothing: the write left a mark, not a row)

    after_rollback = tokens.get("token:practices")
    PracticeFactory(actor=tinh, organization=world.front_b)  # its own transaction, committed
    assert tokens.get("token:practices") != after_rollback
    assert _registered(world) == 2


def _tables_read(sql: str, tables: set[str]) -> set[str]:
    return {name for name in tables if f'"{name}"' in sql or f" {name} " in sql}


@pytest.mark.django_db
def test_each_group_reads_only_the_apps_it_names(world: World, tinh) -> None:
    """A group counted from a table of an app its `reads` does not name would be kept past
    a write to that table: every group's queries are checked against its `reads`."""
    from django.test.utils import CaptureQueriesContext

    PracticeFactory(actor=tinh, organization=world.front_a)
    tables = set(connection.introspection.table_names())
    period = periods.from_date(timezone.localdate(), periods.PeriodType.YEAR)
    groups = {source.group for source in figures.sources()}
    assert groups == {"dialogue", "meetings", "oversight", "practices", "programs", "situation"}
    for group in sorted(groups):
        keys = [s.key for s in figures.sources() if s.group == group]
        with CaptureQueriesContext(connection) as captured:
            figures.Calculator().prefetch(keys, [ReportingScope.of(world.commission)], period)
        read = set().union(*(_tables_read(q["sql"], tables) for q in captured.captured_queries))
        assert read, group
        outside = {t for t in read if not any(t.startswith(f"{a}_") for a in figures.reads(group))}
        assert not outside, (group, outside)


@pytest.mark.parametrize(
    ("sql", "groups"),
    [
        ('INSERT INTO "practices_practice" ("name") VALUES (%s) RETURNING "id"', {"practices"}),
        ("update dialogue_petition set status = 'settled'", {"dialogue"}),
        ('DELETE FROM "meetings_bridgepoint" WHERE "id" = %s', {"meetings"}),
        (
            'TRUNCATE "reporting_value", "situation_note", "oversight_oversight";',
            {"situation", "oversight"},
        ),
        ("TRUNCATE TABLE programs_task CASCADE", {"programs"}),
        (
            'UPDATE "org_organization" SET "name" = %s',
            {
                "dialogue",
                "meetings",
                "oversight",
                "practices",
                "programs",
                "situation",
                "pickers",
                "reporting_units",
            },
        ),
        ('DELETE FROM "reporting_form_kinds" WHERE "form_id" = %s', {"reporting_units"}),
        ('UPDATE "reporting_submission" SET "status" = %s', set()),  # a report's own writes
        (
            'INSERT OR IGNORE INTO "dialogue_petitionreminder" ("petition_id") VALUES (%s)',
            {"dialogue"},
        ),
        ('INSERT INTO "reporting_value" ("number") VALUES (%s)', set()),  # report figures
        ('SELECT "id" FROM "practices_practice"', set()),
        ('INSERT INTO "danvan_figure_tokens" VALUES (%s, %s, %s)', set()),  # the tokens' own
    ],
)
def test_the_writes_seen(sql: str, groups: set[str]) -> None:
    assert figures._written_groups(sql) == groups


def test_a_renewal_that_did_not_take_is_tried_again(monkeypatch: pytest.MonkeyPatch) -> None:
    """Django's database cache swallows its errors (the database locked): the groups stay
    marked and the next chance renews them."""
    connection = SimpleNamespace(figure_groups_written={"practices"}, in_atomic_block=False)
    renewals: list[set[str]] = []
    outcome = [False]

    def renew(groups: set[str]) -> bool:
        renewals.append(set(groups))
        return outcome[0]

    monkeypatch.setattr(figures, "_renew", renew)
    figures.flush(connection)
    assert connection.figure_groups_written == {"practices"}
    outcome[0] = True
    figures.flush(connection)
    assert connection.figure_groups_written == set()
    assert renewals == [{"practices"}, {"practices"}]
    connection.in_atomic_block = True  # not before the commit
    connection.figure_groups_written.add("dialogue")
    figures.flush(connection)
    assert renewals == [{"practices"}, {"practices"}]


@pytest.mark.parametrize(
    ("sql", "written"),
    [
        ('UPDATE "reporting_section" SET "title" = %s', True),
        ("update reporting_section set title = 'x'", True),
        ('UPDATE "public"."reporting_section" SET title = %s', True),  # the schema named
        ("UPDATE public.reporting_formindicator SET required = false", True),
        ("/* a fix */ UPDATE reporting_indicator SET name = 'x'", True),  # after comments
        ("-- a fix\n  DELETE FROM reporting_validationrule WHERE id = 1", True),
        ("WITH gone AS (SELECT 1) UPDATE reporting_section SET title = 'x'", True),  # a CTE
        ('INSERT OR IGNORE INTO "reporting_form_kinds" ("form_id") VALUES (1)', False),
        ('INSERT INTO "reporting_section" ("title") VALUES (%s)', True),
        ('UPDATE "reporting_submission" SET "status" = %s', False),  # a report's own write
        ('SELECT * FROM "reporting_section" FOR UPDATE', False),
        ("WITH x AS (SELECT 1) SELECT * FROM reporting_section", False),
    ],
)
def test_the_writes_seen_in_sql(sql: str, written: bool) -> None:
    """Every statement danvan sends passes `_watch`: raw SQL as a data fix is written too."""
    assert ("form_layout" in figures._written_groups(sql)) is written
