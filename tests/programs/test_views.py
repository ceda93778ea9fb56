"""Programme pages through the web client, including the users who must be refused."""

from __future__ import annotations

import datetime
import io

import docx
import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from danvan.programs import services, services_tasks
from danvan.programs.models import Program, Review, Task, TaskUpdate
from tests.conftest import World
from tests.programs.conftest import content

pytestmark = pytest.mark.django_db


def test_xa2_gets_404_for_a_programme_outside_its_scope(world, program, xa, xa2, as_user) -> None:  # type: ignore[no-untyped-def]
    assert as_user(xa).get(f"/programs/{program.pk}/").status_code == 200
    assert as_user(xa2).get(f"/programs/{program.pk}/").status_code == 404
    assert "Chương trình phối hợp thử nghiệm" not in as_user(xa2).get("/programs/").content.decode()


def test_tinh_drafts_a_programme_with_parties_and_contents(world, tinh, as_user) -> None:  # type: ignore[no-untyped-def]
    response = as_user(tinh).post("/programs/new/", {
        "kind": "coordination_programme", "title": "Chương trình mới", "term": "2026-2030",
        "lead": world.commission.pk, "parties": [world.party_a.pk, world.front_a.pk],
        "contents": "Nội dung một\nNội dung hai\n\nNội dung ba",
    })  # fmt: skip
    assert response.status_code == 302
    program = Program.objects.get(title="Chương trình mới")
    assert program.parties.count() == 3
    assert [c.number for c in program.contents.all()] == [1, 2, 3]


def test_a_bad_term_shows_on_the_form(world, tinh, as_user) -> None:  # type: ignore[no-untyped-def]
    response = as_user(tinh).post("/programs/new/", {
        "kind": "coordination_programme", "title": "X", "term": "2026S3",
        "lead": world.commission.pk,
    })  # fmt: skip
    assert response.status_code == 200 and "2026S3" in response.content.decode()
    assert not Program.objects.filter(title="X").exists()


def test_xa_reports_progress_on_its_task_not_on_anothers(world, tinh, xa, program, as_user) -> None:  # type: ignore[no-untyped-def]
    (mine,) = services_tasks.task_create(
        actor=tinh, content=content(program, 1), title="Việc của Mặt trận", lead=world.front_a,
        due_on=datetime.date(2025, 6, 1),
    )  # fmt: skip
    (theirs,) = services_tasks.task_create(
        actor=tinh, content=content(program, 1), title="Việc của Đảng ủy", lead=world.party_a,
        due_on=datetime.date(2025, 6, 1),
    )  # fmt: skip
    client = as_user(xa)
    pdf = SimpleUploadedFile("bien-ban.pdf", b"%PDF-1.4\n%test\n", content_type="application/pdf")
    response = client.post(f"/tasks/{mine.pk}/", {
        "text": "Đã tổ chức hội nghị", "percent": 60, "reported_on": "2025-05-20",
        "attachment": pdf,
    })  # fmt: skip
    assert response.status_code == 302
    update = TaskUpdate.objects.get(task=mine)
    assert update.author == xa and update.attachment.name.endswith(".pdf")
    assert client.post(f"/tasks/{theirs.pk}/", {"text": "x", "percent": 10,
                                               "reported_on": "2025-05-20"}).status_code == 403  # fmt: skip
    body = client.get(f"/tasks/{theirs.pk}/").content.decode()
    assert "Việc của Đảng ủy" in body and 'name="percent"' not in body


def test_disguised_attachment_is_refused_on_the_page(world, tinh, xa, program, as_user) -> None:  # type: ignore[no-untyped-def]
    (task,) = services_tasks.task_create(
        actor=tinh, content=content(program, 1), title="Việc", lead=world.front_a,
        due_on=datetime.date(2025, 6, 1),
    )  # fmt: skip
    exe = SimpleUploadedFile("anh.png", b"MZ" + b"\x00" * 64)
    response = as_user(xa).post(f"/tasks/{task.pk}/", {
        "text": "x", "percent": 10, "reported_on": "2025-05-20", "attachment": exe,
    })  # fmt: skip
    assert response.status_code == 200 and "is-invalid" in response.content.decode()
    assert not TaskUpdate.objects.exists()


def test_review_opens_with_figures_and_downloads_as_docx(world, tinh, xa, program, as_user) -> None:  # type: ignore[no-untyped-def]
    (task,) = services_tasks.task_create(
        actor=tinh, content=content(program, 2), title="Kiểm tra dân chủ", lead=world.front_a,
        due_on=datetime.date(2025, 6, 1),
    )  # fmt: skip
    services_tasks.task_report_progress(
        actor=xa, task=task, text="Đã kiểm tra 3 thôn", percent=100,
        reported_on=datetime.date(2025, 5, 30),
    )  # fmt: skip
    client = as_user(tinh)
    response = client.post(
        f"/programs/{program.pk}/reviews/new/", {"kind": "interim", "period": "2025"}
    )
    review = Review.objects.get()
    assert response.url == f"/reviews/{review.pk}/"
    assert "Đã kiểm tra 3 thôn" in client.get(response.url).content.decode()
    data = client.get(f"/reviews/{review.pk}/docx/").content
    document = docx.Document(io.BytesIO(data))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    assert world.front_a.name in cells and "1" in cells
    text = "\n".join(p.text for p in document.paragraphs)
    assert "1 nhiệm vụ hoàn thành đúng hạn" in text
    assert as_user(world_user := xa).get(f"/reviews/{review.pk}/").status_code == 200
    assert world_user.pk


def test_tasks_export_and_import(world, tinh, program, lanhdao, as_user) -> None:  # type: ignore[no-untyped-def]
    services.program_reopen(actor=lanhdao, program=program, reason="Nhập kế hoạch")
    client = as_user(tinh)
    template = client.get("/programs/template.xlsx")
    assert template["Content-Type"].startswith("application/vnd.openxmlformats")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(
        ["Nội dung số", "Nội dung", "Nhiệm vụ", "Đơn vị chủ trì", "Hạn", "Lặp lại", "Ghi chú"]
    )
    sheet.append([4, "Nội dung nhập", None, None, None, None, None])
    sheet.append([4, None, "Nhiệm vụ nhập", world.front_a.name, "30/06/2025", None, None])
    sheet.append(
        [4, None, "Báo cáo quý", "uy ban mttq viet nam xa muong xen", None, "hàng quý", None]
    )
    good = io.BytesIO()
    book.save(good)
    response = client.post(f"/programs/{program.pk}/import/", {
        "file": SimpleUploadedFile("k.xlsx", good.getvalue()),
    })  # fmt: skip
    assert response.status_code == 302
    assert program.contents.get(number=4).tasks.count() == 1 + 8
    sheet.append([5, None, "Thiếu tên nội dung", world.front_a.name, "30/06/2025", None, None])
    sheet.append([4, None, "Đơn vị lạ", "Ủy ban không tồn tại", "30/06/2025", None, None])
    sheet.append([4, None, "Ngoài nhiệm kỳ", world.front_a.name, "30/06/2030", None, None])
    sheet.append(["bốn", None, "Số sai", world.front_a.name, "31/02/2025", None, None])
    bad = io.BytesIO()
    book.save(bad)
    before = Task.objects.count()
    response = client.post(f"/programs/{program.pk}/import/", {
        "file": SimpleUploadedFile("k.xlsx", bad.getvalue()),
    })  # fmt: skip
    body = response.content.decode()
    assert response.status_code == 200
    # Cell-format errors and content errors are listed together, by row and column.
    assert "Dòng 5" in body and "Dòng 6" in body and "Dòng 7" in body
    assert "Dòng 8, cột A" in body and "Dòng 8, cột E" in body
    assert Task.objects.count() == before  # nothing half-imported
    export = openpyxl.load_workbook(
        io.BytesIO(client.get(f"/programs/{program.pk}/tasks.xlsx").content)
    )
    titles = [row[2].value for row in export.active.iter_rows(min_row=2)]
    assert "Nhiệm vụ nhập" in titles


def test_my_work_lists_overdue_and_due_soon_for_the_users_units(
    world, tinh, xa, xa2, program, as_user
) -> None:  # type: ignore[no-untyped-def]
    today = timezone.localdate()
    for title, lead, due in [
        ("Quá hạn của xã", world.front_a, datetime.date(2025, 3, 1)),
        ("Của Đảng ủy xã", world.party_a, datetime.date(2025, 3, 1)),
    ]:
        services_tasks.task_create(
            actor=tinh, content=content(program, 1), title=title, lead=lead, due_on=due
        )
    body = as_user(xa).get("/my-work/").content.decode()
    assert "Quá hạn của xã" in body and "Của Đảng ủy xã" not in body
    assert today.year >= 2025
    assert "Quá hạn của xã" not in as_user(xa2).get("/my-work/").content.decode()
    assert "Của Đảng ủy xã" in as_user(tinh).get("/my-work/").content.decode()


@pytest.mark.parametrize("path", ["/programs/", "/my-work/"])
def test_lists_keep_a_flat_query_count(world: World, tinh, program, as_user, path) -> None:  # type: ignore[no-untyped-def]
    client = as_user(tinh)

    def grow(n: int) -> None:
        for i in range(n):
            services_tasks.task_create(
                actor=tinh, content=content(program, 1), title=f"Việc {i}", lead=world.front_a,
                due_on=datetime.date(2025, 2, 1),
            )  # fmt: skip
            services.program_create(
                actor=tinh, kind="action_programme", title=f"Kế hoạch {i}",
                lead=world.commission, parties=[world.front_a], term="2026",
            )  # fmt: skip

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(path).status_code == 200
        return len(ctx.captured_queries)

    grow(10)
    at_ten = count()
    grow(40)
    assert count() == at_ten


def test_only_a_leader_may_reopen_on_the_page(world, tinh, lanhdao, program, as_user) -> None:  # type: ignore[no-untyped-def]
    as_user(tinh).post(f"/programs/{program.pk}/reopen/", {"reason": "x"})
    program.refresh_from_db()
    assert program.status == "in_force"
    as_user(lanhdao).post(f"/programs/{program.pk}/reopen/", {"reason": "Sửa nội dung"})
    program.refresh_from_db()
    assert program.status == "draft"


def test_search_finds_a_vietnamese_title_with_or_without_accents(
    world, program, tinh, as_user
) -> None:  # type: ignore[no-untyped-def]
    client = as_user(tinh)
    for q in ("thử nghiệm", "thu nghiem"):
        assert (
            "Chương trình phối hợp thử nghiệm"
            in client.get("/programs/", {"q": q}).content.decode()
        )
    assert bearer_count(tinh, "thu nghiem") == 1


def bearer_count(user, q: str) -> int:  # type: ignore[no-untyped-def]
    from tests.org.test_api import bearer

    return bearer(user).get("/api/v1/programs", {"q": q}).json()["count"]


def test_attachments_are_served_only_within_the_scope(
    world, tinh, xa, xa2, program, as_user
) -> None:  # type: ignore[no-untyped-def]
    (task,) = services_tasks.task_create(
        actor=tinh, content=content(program, 1), title="Việc", lead=world.front_a,
        due_on=datetime.date(2025, 6, 1),
    )  # fmt: skip
    update = services_tasks.task_report_progress(
        actor=xa, task=task, text="Biên bản", percent=20,
        attachment=SimpleUploadedFile("bien-ban.pdf", b"%PDF-1.4\n%test\n"),
    )  # fmt: skip
    url = f"/task-updates/{update.pk}/attachment/"
    response = as_user(xa).get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")
    assert as_user(xa2).get(url).status_code == 404
    assert as_user(xa).get(f"/media/{update.attachment.name}").status_code == 404


def test_ending_needs_a_leader_and_a_confirmation(world, tinh, lanhdao, program, as_user) -> None:  # type: ignore[no-untyped-def]
    as_user(tinh).post(f"/programs/{program.pk}/end/", {"confirm": "1"})
    program.refresh_from_db()
    assert program.status == "in_force"
    as_user(lanhdao).post(f"/programs/{program.pk}/end/", {})
    program.refresh_from_db()
    assert program.status == "in_force"
    as_user(lanhdao).post(f"/programs/{program.pk}/end/", {"confirm": "1"})
    program.refresh_from_db()
    assert program.status == "ended"


def test_parties_are_added_and_removed_while_draft_and_the_change_is_shown(
    world, tinh, lanhdao, program, as_user
) -> None:  # type: ignore[no-untyped-def]
    services.program_reopen(actor=lanhdao, program=program, reason="Thêm đơn vị")
    client = as_user(tinh)
    parties = {p.organization_id: p for p in program.parties.all()}
    response = client.post(f"/programs/{program.pk}/parties/", {
        f"party_{parties[world.commission.pk].pk}": "Trưởng ban",
        f"party_{parties[world.party_a.pk].pk}": "",
        f"remove_{parties[world.party_a.pk].pk}": "on",
        f"party_{parties[world.front_a.pk].pk}": "Chủ tịch",
        "add": [world.front_b.pk],
    })  # fmt: skip
    assert response.status_code == 302
    assert set(program.parties.values_list("organization_id", flat=True)) == {
        world.commission.pk,
        world.front_a.pk,
        world.front_b.pk,
    }
    page = client.get(f"/programs/{program.pk}/").content.decode()
    section = page.split('id="structure-history"')[1]
    assert world.front_b.name in section and world.party_a.name in section


def test_contents_are_reordered_while_a_draft(world, tinh, lanhdao, program, as_user) -> None:  # type: ignore[no-untyped-def]
    client = as_user(tinh)
    third = program.contents.get(number=3)
    assert client.post(f"/contents/{third.pk}/move/", {"up": "1"}).status_code == 302
    assert [c.title for c in program.contents.all()] == ["Tuyên truyền", "Dân chủ cơ sở", "Báo cáo"]
    services.program_reopen(actor=lanhdao, program=program, reason="Sắp xếp lại")
    client.post(f"/contents/{third.pk}/move/", {"up": "1"})
    assert [c.title for c in program.contents.all()] == ["Tuyên truyền", "Báo cáo", "Dân chủ cơ sở"]
    client.post(f"/contents/{third.pk}/move/", {"up": "0"})
    assert [c.number for c in program.contents.all()] == [1, 2, 3]
    assert program.contents.get(number=3).title == "Báo cáo"
