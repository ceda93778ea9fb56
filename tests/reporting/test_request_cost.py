"""What a request costs (issue 17, the load): what was read once is not asked for again.

Cast: a commune front's reporter (`xa`) opens the half-year report of the unit; the province's
specialist (`tinh`) adds a unit while a page is being made.
"""

from __future__ import annotations

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext

from danvan.lib import figures
from danvan.lib.history import history_for
from danvan.org import services as org_services
from danvan.org.models import Organization
from danvan.reporting import services
from danvan.reporting.models import Submission
from tests.conftest import World, kind
from tests.reporting.test_web_api import PERIOD


@pytest.fixture
def token_reads(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """Each read of the kept things' tokens (the keys asked for at once)."""
    tokens = caches["figure_tokens"]
    reads: list[list[str]] = []
    get_many = tokens.get_many

    def counted(keys, *args, **kwargs):  # type: ignore[no-untyped-def]
        reads.append(list(keys))
        return get_many(keys, *args, **kwargs)

    monkeypatch.setattr(tokens, "get_many", counted)
    return reads


def test_the_history_names_the_rows_read_with_the_record_without_a_query(
    half_form, world: World, english, db
) -> None:
    created = services.submission_start(
        actor=None, form=half_form, organization=world.front_a, period=PERIOD
    )
    bare = Submission.objects.get(pk=created.pk)
    with CaptureQueriesContext(connection) as asked:
        named_by_query = history_for(bare)
    held = Submission.objects.select_related("form", "organization").get(pk=created.pk)
    with CaptureQueriesContext(connection) as asked_held:
        named_held = history_for(held)
    # the history's rows, then the form's and the unit's names: two queries fewer when held
    assert len(asked_held) == len(asked) - 2
    label = {n: str(Submission._meta.get_field(n).verbose_name) for n in ("form", "organization")}
    new = {c.field: c.new for entry in named_held for c in entry.changes}
    assert new[label["form"]] == str(half_form)
    assert new[label["organization"]] == world.front_a.name
    assert named_held == named_by_query


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_report_page_reads_the_kept_things_tokens_once(
    half_form, world: World, xa, as_user, token_reads: list[list[str]]
) -> None:
    """The form's layout, the reporting units and the derived figures are each kept under a
    token: the page reads them all in one query."""
    submission = services.submission_start(
        actor=None, form=half_form, organization=world.front_a, period=PERIOD
    )
    client = as_user(xa)
    assert client.get(f"/reports/{submission.pk}/").status_code == 200
    token_reads.clear()
    assert client.get(f"/reports/{submission.pk}/").status_code == 200
    assert len(token_reads) == 1
    assert {"token:form_layout", "token:reporting_units", "token:practices"} <= set(token_reads[0])


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_inside_a_request_the_tokens_are_read_once_and_a_write_here_is_seen(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(figures._KEPT, "units_counted", frozenset({"org_organization"}))
    monkeypatch.setattr(figures, "_TABLE_GROUPS", {})
    computed: list[int] = []

    def units() -> int:
        def count() -> int:
            computed.append(Organization.objects.count())
            return computed[-1]

        return figures.kept("units_counted", "all", count)

    figures.request_started()
    try:
        before = units()
        # Another process renews the token during this request: the request goes on with what
        # it read at its start, as if it had read everything then.
        caches["figure_tokens"].set("token:units_counted", "from-elsewhere", timeout=None)
        assert units() == before
        assert len(computed) == 1
        # A write of this process, committed, renews the token: read again, counted anew.
        org_services.organization_create(
            actor=None, parent=world.party_a, name="Đoàn Thanh niên xã Mường Xén",
            kind=kind("fatherland_front"), area=world.commune_a,
        )  # fmt: skip
        assert units() == before + 1
    finally:
        figures.request_ended()
    # The next request (or a script) reads the tokens again.
    caches["figure_tokens"].set("token:units_counted", "renewed-again", timeout=None)
    assert units() == before + 1
    assert len(computed) == 3


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_page_reading_from_the_replica_reads_the_tokens_there_each_time(
    world: World, monkeypatch: pytest.MonkeyPatch, token_reads: list[list[str]]
) -> None:
    """The replica's tokens may be older than the ones the request holds from the primary: the
    figures computed there are kept under the replica's own."""
    figures.request_started()
    try:
        figures._tokens(["practices"])
        figures._tokens(["practices"])
        assert len(token_reads) == 1  # held
        monkeypatch.setattr(figures.replica, "reading_replica", lambda: True)
        figures._tokens(["practices"])
        figures._tokens(["practices"])
        assert token_reads[1:] == [["token:practices"], ["token:practices"]]
    finally:
        figures.request_ended()
