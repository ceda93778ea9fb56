"""Situation notes in Excel: the filtered list out, a unit's notes in — all rows or none."""

from __future__ import annotations

import datetime
import io
from collections.abc import Callable
from typing import Any

import openpyxl
import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from danvan.accounts.models import User
from danvan.org.models import Role
from danvan.situation import exports
from danvan.situation.models import Level, Note, Topic
from tests.conftest import World
from tests.factories import member

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
EVENT = TODAY - datetime.timedelta(days=3)
HEADERS = [c.header for c in exports.columns()]


def sheet(*rows: list[Any]) -> bytes:
    book = openpyxl.Workbook()
    page = book.active
    assert page is not None
    page.append(HEADERS)
    for row in rows:
        page.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def good(summary: str = "Bà con chưa đồng thuận phương án bồi thường", **over: Any) -> list[Any]:
    values = {
        "area": "16813",
        "topic": "land-clearance",
        "day": EVENT.strftime("%d/%m/%Y"),
        "summary": summary,
        "details": "Hội nghị đối thoại ở thôn 3",
        "people": 40,
        "level": "Cần theo dõi",
        "source": "meeting",
        "actions": "",
    }
    values.update(over)
    return list(values.values())


def upload(data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile("notes.xlsx", data)


def in_english(client: Client) -> Client:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def read(response: Any) -> list[tuple[Any, ...]]:
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    return [tuple(row) for row in book.worksheets[0].iter_rows(values_only=True)]


# --- Export -------------------------------------------------------------------------------


def test_the_export_is_the_filtered_list(
    world: World, xa: User, xa2: User, tinh: User, as_user: Any, file_note: Callable[..., Note]
) -> None:
    mine = file_note(
        xa, event_date=EVENT, today=TODAY, level=Level.HOT_SPOT, people_concerned=120,
        details="Tập trung tại trụ sở xã", actions="Đối thoại",
    )  # fmt: skip
    file_note(
        xa2, organization=world.front_b, area=world.commune_b, event_date=EVENT, today=TODAY,
        summary="Giá phân bón tăng",
    )  # fmt: skip
    response = as_user(tinh).get("/situation/notes/export.xlsx", {"area": world.commune_a.pk})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    header, *rows = read(response)
    assert header == (
        "Ngày xảy ra", "Địa bàn", "Mã địa bàn", "Mã chủ đề", "Chủ đề", "Mức độ", "Nguồn",
        "Tóm tắt", "Chi tiết", "Số người liên quan", "Tình trạng", "Ngày giải quyết", "Đơn vị",
        "Việc đã làm",
    )  # fmt: skip
    (row,) = rows
    assert row[0].date() == EVENT  # a real date cell
    assert row[1:8] == (
        "Xã Mường Xén", "16813", "land-clearance", "Giải phóng mặt bằng", "Điểm nóng",
        "Hội nghị, cuộc họp", mine.summary,
    )  # fmt: skip
    assert row[8:] == (
        "Tập trung tại trụ sở xã", 120, "Đang theo dõi", None, "Ủy ban MTTQ Việt Nam xã Mường Xén",
        "Đối thoại",
    )  # fmt: skip
    everything = read(as_user(tinh).get("/situation/notes/export.xlsx"))
    assert len(everything) == 3
    # xa2 exports only what xa2 sees.
    assert [r[7] for r in read(as_user(xa2).get("/situation/notes/export.xlsx"))[1:]] == [
        "Giá phân bón tăng"
    ]
    assert Client().get("/situation/notes/export.xlsx").status_code == 302


def test_an_export_imports_back(
    world: World, xa: User, as_user: Any, file_note: Callable[..., Note]
) -> None:
    """The shared columns carry the same headers, so an exported sheet is an import file."""
    file_note(xa, event_date=EVENT, today=TODAY, level=Level.WATCH)
    exported = as_user(xa).get("/situation/notes/export.xlsx").content
    notes = exports.notes_import(actor=xa, organization=world.front_a, data=exported)
    assert len(notes) == 1 and Note.objects.count() == 2
    assert notes[0].level == "watch" and notes[0].source == "meeting"


# --- Import ---------------------------------------------------------------------------------


def test_the_template_downloads_and_its_example_imports(
    world: World, xa: User, as_user: Any
) -> None:
    response = as_user(xa).get("/situation/notes/import/template.xlsx")
    assert response.status_code == 200
    header, example = read(response)
    assert list(header) == HEADERS and example[0] == "16813"
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames[1] == "Hướng dẫn"


def test_import_of_good_rows_saves_them_all(
    world: World, xa: User, lanhdao: User, as_user: Any
) -> None:
    data = sheet(
        good(),
        good(
            "Nước thải trại lợn", topic="environment-waste", level="watch", source="Tiếp công dân"
        ),
        good("Tập trung đông người tại trụ sở", level="hot_spot", people=""),
    )
    client = as_user(xa)
    page = client.get("/situation/notes/import/")
    assert page.status_code == 200 and 'name="organization"' in page.text
    response = client.post(
        "/situation/notes/import/", {"organization": world.front_a.pk, "file": upload(data)}
    )
    assert response.status_code == 302
    assert response.url == f"/situation/notes/?org={world.front_a.pk}"
    notes = list(Note.objects.order_by("pk"))
    assert [n.level for n in notes] == ["watch", "watch", "hot_spot"]
    assert [n.source for n in notes] == ["meeting", "reception", "meeting"]
    assert notes[2].people_concerned is None and notes[0].people_concerned == 40
    assert {n.created_by for n in notes} == {xa} and {n.area for n in notes} == {world.commune_a}
    assert notes[1].topic.code == "environment-waste"
    assert notes[2].alerts.count() == 1  # a hot spot raises its alert, as on the page


def test_a_file_with_two_bad_rows_saves_none_and_names_both(
    world: World, xa: User, as_user: Any
) -> None:
    data = sheet(good(), good(area="99999"), good(), good(topic="no-such-topic"))
    response = in_english(as_user(xa)).post(
        "/situation/notes/import/", {"organization": world.front_a.pk, "file": upload(data)}
    )
    assert response.status_code == 200 and not Note.objects.exists()
    errors = [str(e) for e in response.context["errors"]]
    assert len(errors) == 2
    assert errors[0].startswith("Row 3") and "99999" in errors[0]
    assert errors[1].startswith("Row 5") and "no-such-topic" in errors[1]
    assert "Nothing was imported" in response.text


def test_every_refusal_is_reported_with_its_row(world: World, xa: User, english: None) -> None:
    Topic.objects.filter(code="land-disputes").update(is_active=False)
    tomorrow = (TODAY + datetime.timedelta(days=1)).strftime("%d/%m/%Y")
    data = sheet(
        good(),  # row 2: good
        good(area="00000"),  # 3: unknown area
        good(topic="nope"),  # 4: unknown topic
        good(topic="land-disputes"),  # 5: retired topic
        good(day=tomorrow),  # 6: in the future
        good(area="16816"),  # 7: commune B, outside commune A's Front
        good("Hộ ông Nguyễn Văn Tám không đồng ý"),  # 8: names a person
        good(level="very bad"),  # 9: not a level
        good(day="31/02/2026"),  # 10: not a date
    )
    with pytest.raises(exports.ImportRefused) as refused:
        exports.notes_import(actor=xa, organization=world.front_a, data=data, today=TODAY)
    assert not Note.objects.exists()
    by_row = {e.row: e for e in refused.value.errors}
    assert sorted(by_row) == [3, 4, 5, 6, 7, 8, 9, 10]
    assert "00000" in by_row[3].message and by_row[3].column == "A"
    assert "nope" in by_row[4].message and by_row[4].column == "B"
    assert "retired" in by_row[5].message
    assert "future" in by_row[6].message and by_row[6].column == "C"
    assert "outside the area" in by_row[7].message
    assert "private person" in by_row[8].message and refused.value.personal_data
    assert by_row[9].column == "G" and by_row[10].column == "C"

    # Confirmed, the row naming a person goes in with the good one.
    fine = sheet(good(), good("Hộ ông Nguyễn Văn Tám không đồng ý"))
    notes = exports.notes_import(
        actor=xa, organization=world.front_a, data=fine, confirm_no_person=True, today=TODAY
    )
    assert len(notes) == 2 and Note.objects.count() == 2


def test_import_refusals_for_people_and_files(
    world: World, xa: User, xa2: User, outsider: User, as_user: Any
) -> None:
    data = sheet(good())
    with pytest.raises(PermissionDenied):
        exports.notes_import(actor=xa2, organization=world.front_a, data=data)
    # commune A's Front is not among xa2's choices on the page.
    refused = as_user(xa2).post(
        "/situation/notes/import/", {"organization": world.front_a.pk, "file": upload(data)}
    )
    assert refused.status_code == 200 and not Note.objects.exists()
    assert as_user(outsider).get("/situation/notes/import/").status_code == 403
    viewer = member(world.front_a, Role.VIEWER)
    assert as_user(viewer).get("/situation/notes/import/").status_code == 403
    not_excel = as_user(xa).post(
        "/situation/notes/import/",
        {"organization": world.front_a.pk, "file": SimpleUploadedFile("x.xlsx", b"not a zip")},
    )
    assert not_excel.status_code == 200 and not_excel.context["errors"]
    assert not Note.objects.exists()
    named = as_user(xa).post(
        "/situation/notes/import/",
        {"organization": world.front_a.pk, "file": upload(sheet(good("Bà Lò Thị Mai phản ánh")))},
    )
    assert named.status_code == 200 and not Note.objects.exists()
    assert 'type="checkbox" name="confirm_no_person"' in named.text
    confirmed = as_user(xa).post(
        "/situation/notes/import/",
        {
            "organization": world.front_a.pk,
            "file": upload(sheet(good("Bà Lò Thị Mai phản ánh"))),
            "confirm_no_person": "on",
        },
    )
    assert confirmed.status_code == 302 and Note.objects.count() == 1
