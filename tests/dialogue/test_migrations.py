"""The dialogue app's data migrations: 0004 gives existing extensions their settlement round
from the history, 0005 draws a public id for every existing petition. Each goes back and forth
on the test database (SQLite, and PostgreSQL in CI)."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from danvan.accounts.models import User
from danvan.dialogue.models import Extension, Petition
from tests.dialogue.test_extension_rounds import extended_then_reopened, reopen
from tests.dialogue.test_services import FilePetition, accept, extend, settle


def _migrate(target: list[tuple[str, str]] | None = None) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(target or executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_migration_gives_existing_extensions_their_round(
    xa: User, file_petition: FilePetition
) -> None:
    twice = extended_then_reopened(file_petition, xa)
    extend(twice, xa, 10, reason="Vòng hai")
    settle(twice, xa)
    reopen(twice, xa)
    extend(twice, xa, 3, reason="Vòng ba")
    never = accept(file_petition(), xa)
    extend(never, xa, 7, reason="Chưa mở lại")
    expected = dict(Extension.objects.values_list("reason", "cycle"))
    assert expected == {
        "Cần khảo sát hiện trường lần đầu": 0, "Vòng hai": 1, "Vòng ba": 2, "Chưa mở lại": 0
    }  # fmt: skip

    _migrate([("dialogue", "0003_created_by_verbose_name")])  # the column is gone
    _migrate()  # and filled again from the history
    assert dict(Extension.objects.values_list("reason", "cycle")) == expected


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_migration_draws_a_public_id_for_every_existing_petition(
    xa: User, file_petition: FilePetition
) -> None:
    for _ in range(5):
        file_petition()
    _migrate([("dialogue", "0004_extension_cycle")])  # the column is gone
    _migrate()  # and drawn for each
    drawn = list(Petition.objects.values_list("public_id", flat=True))
    assert len(drawn) == len(set(drawn)) == 5
    assert all(re.fullmatch(r"DV[2-9A-HJKMNP-Z]{8}", p) for p in drawn)
