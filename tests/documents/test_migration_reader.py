"""The data migration's reader of numbers, kinds, issuers and dates typed before the registry.

The cast is the one of tests/conftest.py; every page and endpoint also checks who must be refused.
"""

from __future__ import annotations

import importlib

import pytest

from tests.documents.helpers import (
    D,
)

pytestmark = pytest.mark.django_db


def test_migration_reads_numbers_kinds_issuers_and_dates() -> None:
    migration = importlib.import_module("danvan.programs.migrations.0003_documents_from_registry")
    read = migration.read_line
    assert read("Nghị quyết số 25-NQ/TW ngày 03/6/2013 của Ban Chấp hành Trung ương") == (
        "25-NQ/TW", "resolution", "Ban Chấp hành Trung ương", D(2013, 6, 3),
    )  # fmt: skip
    assert read("Luật số 10/2022/QH15 ngày 10/11/2022 về thực hiện dân chủ ở cơ sở") == (
        "10/2022/QH15", "law", "Quốc hội", D(2022, 11, 10),
    )  # fmt: skip
    assert read("Nghị định 59/2023/NĐ-CP") == ("59/2023/NĐ-CP", "decree", "Chính phủ", None)
    assert read("Kết luận số 61-KL/TW ngày 3/12/2009 của Ban Bí thư về Đề án") == (
        "61-KL/TW", "conclusion", "Ban Bí thư", D(2009, 12, 3),
    )  # fmt: skip
    assert read("Quy định số 08-QĐi/TW")[1] == "regulation"
    assert read("Hướng dẫn số 12-HD/BDVTW")[2] == "(chưa ghi cơ quan ban hành)"
    assert read("Các văn bản chỉ đạo của tỉnh ngày 5/6/2024") is None
