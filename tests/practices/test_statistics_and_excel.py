"""Statistics over nested scopes, Excel in and out, and what a unit has not yet adopted."""

from __future__ import annotations

import datetime
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from danvan.lib import periods
from danvan.org.scopes import ReportingScope
from danvan.practices import selectors, services
from danvan.practices.models import Practice, Recognition
from tests.conftest import World
from tests.practices.test_practices import SCORES, recognise, register

pytestmark = pytest.mark.django_db


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    plan=st.lists(
        st.tuples(st.integers(0, 3), st.sampled_from(["economy", "culture_society"]),
                  st.integers(0, 3)),
        min_size=1, max_size=10,
    )
)  # fmt: skip
def test_a_units_figures_equal_the_sum_over_its_children(world: World, tinh, plan) -> None:  # type: ignore[no-untyped-def]
    Recognition.objects.all().delete()
    Practice.objects.all().delete()
    # Four units under the commission: two communes' Fronts and Party committees.
    leaves = [world.front_a, world.front_b, world.party_a, world.party_b]
    for leaf_index, field, steps in plan:
        practice = services.practice_register(
            actor=tinh, organization=leaves[leaf_index], kind="model", name=f"Mô hình {field}",
            field=field,
        )  # fmt: skip
        if steps >= 1:
            services.appraisal_record(actor=tinh, practice=practice, scores=SCORES)
        if steps >= 2:
            recognise_at = "commune" if steps == 2 else "province"
            services.practice_decide(
                actor=tinh, practice=practice, recognised=True, decided_by=world.commission,
                level=recognise_at, decision_number="1",
            )  # fmt: skip
    year = periods.parse(str(datetime.date.today().year))  # noqa: DTZ011
    whole = selectors.statistics(ReportingScope.of(world.commission), year)["total"]
    parts = [
        selectors.statistics(ReportingScope.of(p), year)["total"]
        for p in (world.party_a, world.party_b)
    ]
    for key, value in whole.items():
        assert value == sum(part[key] for part in parts), key


def test_statistics_page_and_excel(world, tinh, xa, as_user) -> None:  # type: ignore[no-untyped-def]
    practice = register(world, xa)
    recognise(world, tinh, practice)
    client = as_user(tinh)
    year = str(datetime.date.today().year)  # noqa: DTZ011
    page = client.get("/practices/statistics/", {"period": year}).content.decode()
    assert "Xã Mường Xén" in page
    book = openpyxl.load_workbook(io.BytesIO(client.get(
        "/practices/statistics/", {"period": year, "format": "xlsx"}).content))  # fmt: skip
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[-1][0] == "Tổng cộng" and rows[-1][1] == 1
    bad_period = client.get("/practices/statistics/", {"period": "2026S9"})
    assert bad_period.status_code == 200 and "2026S9" in bad_period.content.decode()


def test_export_follows_the_filters(world, tinh, xa, as_user) -> None:  # type: ignore[no-untyped-def]
    register(world, xa, name="Mô hình kinh tế", field="economy")
    register(world, xa, name="Mô hình văn hóa", field="culture_society")
    data = as_user(tinh).get("/practices/export.xlsx", {"field": "economy"}).content
    names = [
        row[0]
        for row in openpyxl.load_workbook(io.BytesIO(data)).active.iter_rows(
            min_row=2, values_only=True
        )
    ]
    assert names == ["Mô hình kinh tế"]


def _sheet(rows: list[list[object]]) -> SimpleUploadedFile:
    from danvan.practices.exports import COLUMNS

    book = openpyxl.Workbook()
    book.active.append([c.header for c in COLUMNS])
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("dang-ky.xlsx", buffer.getvalue())


def test_registration_import_all_or_nothing(world, xa, as_user) -> None:  # type: ignore[no-untyped-def]
    client = as_user(xa)
    assert client.get("/practices/template.xlsx").status_code == 200
    good = [["Mô hình", "Mô hình nhập từ Excel", "Kinh tế", "uy ban mttq viet nam xa muong xen",
             None, "Thực trạng", None, None, None, None, None, None, None, None, "Hộ", 5, "hộ"]]  # fmt: skip
    bad = [
        *good,
        ["Mô hình", "Sai đơn vị", "Kinh tế", "Ủy ban MTTQ Việt Nam xã Mỹ Lý", *[None] * 13],
        ["Loại lạ", "Sai loại", "Kinh tế", "Ủy ban MTTQ Việt Nam xã Mường Xén", *[None] * 13],
        ["Mô hình", "Kết quả âm", "Kinh tế", "Ủy ban MTTQ Việt Nam xã Mường Xén",
         *[None] * 10, "Hộ", -2, "hộ"],
    ]  # fmt: skip
    body = client.post("/practices/import/", {"file": _sheet(bad)}).content.decode()
    assert "Dòng 3, cột D" in body and "Dòng 4, cột A" in body and "Dòng 5, cột P" in body
    assert not Practice.objects.exists()
    assert client.post("/practices/import/", {"file": _sheet(good)}).status_code == 302
    assert Practice.objects.get().organization == world.front_a


def test_units_see_what_they_have_not_yet_adopted(world, tinh, xa, xa2, as_user) -> None:  # type: ignore[no-untyped-def]
    practice = register(world, xa)
    recognise(world, tinh, practice)
    page = as_user(xa2).get("/practices/not-adopted/", {"unit": world.front_b.pk}).content.decode()
    assert practice.name in page
    services.replication_record(
        actor=xa2,
        practice=practice,
        organization=world.front_b,
        adopted_on=timezone.localdate(),
    )
    page = as_user(xa2).get("/practices/not-adopted/", {"unit": world.front_b.pk}).content.decode()
    assert practice.name not in page


def test_an_area_shows_what_it_has_not_yet_adopted(world, tinh, xa, xa2, as_user) -> None:  # type: ignore[no-untyped-def]
    practice = register(world, xa)
    recognise(world, tinh, practice)
    page = (
        as_user(tinh).get("/practices/not-adopted/", {"area": world.commune_b.pk}).content.decode()
    )
    assert practice.name in page
    own = (
        as_user(tinh).get("/practices/not-adopted/", {"area": world.commune_a.pk}).content.decode()
    )
    assert practice.name not in own  # built there
