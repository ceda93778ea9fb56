"""Reads from a read replica: the public showcase reads there, writes stay on the primary, and a
replica that does not answer sends its pages back to the primary (and shows on /healthz).

Runs when a second database is configured as the replica (DATABASE_REPLICA_URL; .ci/run sets it
to a second PostgreSQL database). Nothing replicates between the two test databases, so what a
page shows tells which one it read: the primary holds a recognised practice, the replica —
as a replica that has not caught up yet — does not.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
from django.conf import settings
from django.db import connections
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from danvan.lib import replica as replica_module
from danvan.lib.replica import ReplicaRouter, replica_alias, replica_reads
from danvan.ops import health
from danvan.practices.models import Practice
from tests.practices.test_practices import recognise, register

pytestmark = [
    pytest.mark.skipif(
        "replica" not in settings.DATABASES, reason="set DATABASE_REPLICA_URL to a second database"
    ),
    pytest.mark.django_db(databases=["default", "replica"]),
]
NAME = "Mô hình «Dân vận khéo» trên máy chính"


@pytest.fixture
def on_the_primary(world, tinh, xa) -> Practice:  # type: ignore[no-untyped-def]
    practice = register(world, xa, name=NAME, is_public=True)
    recognise(world, tinh, practice)
    return practice


@override_settings(DANVAN_READ_REPLICA="replica")
def test_the_showcase_reads_from_the_replica(on_the_primary) -> None:  # type: ignore[no-untyped-def]
    visitor = Client()
    with (
        CaptureQueriesContext(connections["default"]) as primary,
        CaptureQueriesContext(connections["replica"]) as replica,
    ):
        page = visitor.get("/thuc-tien/")
        detail = visitor.get(f"/thuc-tien/{on_the_primary.pk}/")
    assert page.status_code == 200 and NAME not in page.content.decode()
    assert detail.status_code == 404  # not replicated yet
    assert len(replica) > 0 and len(primary) == 0


def test_without_the_setting_every_page_reads_the_primary(on_the_primary) -> None:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connections["replica"]) as replica:
        page = Client().get("/thuc-tien/")
    assert NAME in page.content.decode() and len(replica) == 0


@override_settings(DANVAN_READ_REPLICA="replica")
def test_other_pages_and_every_write_stay_on_the_primary(world, tinh, as_user) -> None:  # type: ignore[no-untyped-def]
    router = ReplicaRouter()
    assert replica_alias() == "replica"
    assert router.db_for_read(Practice) is None  # outside a replica view: the primary
    with replica_reads():
        assert router.db_for_read(Practice) == "replica"
        read_there = Practice(pk=1)
        read_there._state.db = "replica"
        assert router.db_for_write(Practice, instance=read_there) == "default"
    with CaptureQueriesContext(connections["replica"]) as replica:
        assert as_user(tinh).get("/practices/").status_code == 200
    assert len(replica) == 0


def test_the_replica_is_never_given_data_migrations() -> None:
    router = ReplicaRouter()
    assert router.allow_migrate("replica", "org") is False  # RunPython / RunSQL
    assert router.allow_migrate("replica", "org", model_name="area") is None
    assert router.allow_migrate("default", "org") is None


def test_the_national_pivot_reads_from_the_replica(world, tinh, as_user) -> None:  # type: ignore[no-untyped-def]
    assert as_user(tinh).get("/reports/pivot/").status_code == 200
    with (
        override_settings(DANVAN_READ_REPLICA="replica"),
        CaptureQueriesContext(connections["replica"]) as replica,
    ):
        page = as_user(tinh).get("/reports/pivot/")
    # The empty replica does not know tinh's commission yet: what the pivot read came from it.
    assert page.status_code == 404
    assert "org_" in " ".join(query["sql"] for query in replica.captured_queries)


@pytest.fixture
def replica_down() -> Iterator[None]:
    """The replica's address made one nothing listens on (its connection closed first); put back
    after, with the pages' rest from it forgotten."""
    connection = connections["replica"]
    connection.close()
    port = connection.settings_dict["PORT"]
    connection.settings_dict["PORT"] = 1  # nothing listens on port 1: refused at once
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict["PORT"] = port
        replica_module._down_until = 0.0


# Outside a test transaction, as a server's connections are: closing one really closes it.
@pytest.mark.django_db(transaction=True, serialized_rollback=True, databases=["default", "replica"])
@override_settings(DANVAN_READ_REPLICA="replica")
def test_a_replica_that_does_not_answer_sends_its_pages_to_the_primary(  # type: ignore[no-untyped-def]
    on_the_primary, replica_down, caplog
) -> None:
    visitor = Client()
    with caplog.at_level(logging.WARNING, "danvan.replica"):
        page = visitor.get("/thuc-tien/")
        detail = visitor.get(f"/thuc-tien/{on_the_primary.pk}/")
    assert page.status_code == 200 and NAME in page.content.decode()  # read from the primary
    assert detail.status_code == 200
    warnings = [r.getMessage() for r in caplog.records if r.name == "danvan.replica"]
    assert len(warnings) == 1  # tried once, then left alone for RETRY_SECONDS
    assert warnings[0].startswith("the read replica does not answer (")
    assert warnings[0].endswith(": reading from the primary for 30 s")
    # /healthz asks it directly, whatever the pages do, and names it.
    body = health.status()
    assert body["status"] == "degraded" and "replica" in body["problems"]
    assert body["replica"] == {"answers": False, "lag_seconds": None}


@override_settings(DANVAN_READ_REPLICA="replica")
def test_healthz_tells_the_replica_answers() -> None:
    body = health.status()
    # The test's replica is a plain database, not a standby: no lag to measure.
    assert body["replica"] == {"answers": True, "lag_seconds": None}
    assert "replica" not in body["problems"]


@override_settings(
    DANVAN_READ_REPLICA="replica",
    DANVAN_HEALTH={**settings.DANVAN_HEALTH, "replica_lag_seconds": 60},
)
def test_healthz_names_a_replica_too_far_behind(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(health, "_LAG_SQL", "SELECT 61.25")
    body = health.status()
    assert body["replica"] == {"answers": True, "lag_seconds": 61.2}
    assert "replica" in body["problems"] and body["status"] == "degraded"
