"""The petitions export: case fields for all who see them, personal fields only for leaders and
administrators, a denouncer never; every export logged."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest
from openpyxl import load_workbook

from danvan.accounts.models import User
from danvan.dialogue.exports import CASE_HEADERS, PERSONAL_HEADERS
from danvan.dialogue.models import IdentityAccess, Petition, PetitionKind
from danvan.dialogue.privacy import MASK
from tests.conftest import World

pytestmark = pytest.mark.django_db
URL = "/dialogue/petitions/export.xlsx"


def _rows(response: Any) -> list[list[Any]]:
    sheet = load_workbook(io.BytesIO(response.content)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_the_case_export_is_filtered_scoped_and_logged(
    world: World, xa: User, as_user: Any, file_petition: Callable[..., Petition]
) -> None:
    mine = file_petition()
    file_petition(organization=world.front_b, area=world.commune_b)
    response = as_user(xa).get(URL)
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    rows = _rows(response)
    assert rows[0] == CASE_HEADERS
    assert [r[0] for r in rows[1:]] == [mine.code]
    assert "Nguyễn Văn Thành" not in str(rows)
    log = IdentityAccess.objects.get()
    assert (log.user, log.purpose, log.petition) == (xa, "export", None)
    assert log.detail == "1 petitions"
    filtered = _rows(as_user(xa).get(URL, {"state": "settled"}))
    assert len(filtered) == 1 and IdentityAccess.objects.count() == 2


def test_personal_fields_only_for_leaders_and_never_a_denouncer(
    xa: User, tinh: User, lanhdao: User, as_user: Any, file_petition: Callable[..., Petition]
) -> None:
    plain = file_petition()
    denunciation = file_petition(kind=PetitionKind.DENUNCIATION, summary="Tố cáo sai phạm")
    for refused in (xa, tinh):
        assert as_user(refused).get(URL, {"personal": "1"}).status_code == 403
    assert not IdentityAccess.objects.exists()
    page = as_user(xa).get("/dialogue/")
    assert 'id="petitions-export-personal"' not in page.text
    assert 'id="petitions-export-personal"' in as_user(lanhdao).get("/dialogue/").text
    rows = _rows(as_user(lanhdao).get(URL, {"personal": "1"}))
    assert rows[0] == CASE_HEADERS + PERSONAL_HEADERS
    by_code = {r[0]: r for r in rows[1:]}
    assert by_code[plain.code][-3:] == ["Nguyễn Văn Thành", "0912345678", "Thôn 3, xã Mường Xén"]
    assert by_code[denunciation.code][-3:] == [MASK, MASK, MASK]
    log = IdentityAccess.objects.get()
    assert (log.user, log.detail) == (lanhdao, "2 petitions with personal fields")


def test_erased_petitioners_export_as_erased(
    lanhdao: User, quantri: User, as_user: Any, file_petition: Callable[..., Petition]
) -> None:
    from danvan.dialogue import services_privacy

    petition = file_petition()
    services_privacy.petitioner_erase(actor=quantri, petition=petition, reason="hết hạn lưu")
    rows = _rows(as_user(lanhdao).get(URL, {"personal": "1"}))
    assert rows[1][-3:] == ["(đã xóa)"] * 3


def test_the_reception_register_in_excel_is_the_filtered_scoped_list(
    world: World, tinh: User, xa2: User, as_user: Any, record_reception: Callable[..., Any]
) -> None:
    from danvan.dialogue.exports import RECEPTION_HEADERS

    record_reception(place="Nhà văn hóa bản Xốp Phe")
    record_reception(organization=world.party_b, place="Trụ sở Đảng ủy xã Mỹ Lý")
    rows = _rows(as_user(tinh).get("/dialogue/receptions/", {"format": "xlsx"}))
    assert rows[0] == RECEPTION_HEADERS
    assert sorted(r[5] for r in rows[1:]) == ["Nhà văn hóa bản Xốp Phe", "Trụ sở Đảng ủy xã Mỹ Lý"]
    only_a = _rows(
        as_user(tinh).get(
            "/dialogue/receptions/", {"format": "xlsx", "organization": world.party_a.pk}
        )
    )
    assert [r[5] for r in only_a[1:]] == ["Nhà văn hóa bản Xốp Phe"]
    # xa2 (commune B's Front) sees neither Party committee's sessions.
    assert _rows(as_user(xa2).get("/dialogue/receptions/", {"format": "xlsx"}))[1:] == []


def test_the_dialogues_in_excel_count_their_commitments(
    world: World, tinh: User, xa2: User, as_user: Any, hold_dialogue: Callable[..., Any]
) -> None:
    import datetime

    from danvan.dialogue import services
    from danvan.dialogue.exports import DIALOGUE_HEADERS
    from tests.dialogue.conftest import TODAY

    dialogue = hold_dialogue()
    services.dialogue_hold(
        actor=None, dialogue=dialogue, participants=120, issues_raised="Đường, nước sạch",
        today=TODAY,
    )  # fmt: skip
    commitment = services.commitment_add(
        actor=None, dialogue=dialogue, text="Sửa đường liên thôn", responsible=world.party_a,
        due_on=TODAY + datetime.timedelta(days=30),
    )  # fmt: skip
    services.commitment_add(
        actor=None, dialogue=dialogue, text="Kéo điện về bản", responsible_name="Điện lực Kỳ Sơn",
        due_on=TODAY + datetime.timedelta(days=60),
    )  # fmt: skip
    services.commitment_keep(
        actor=None, commitment=commitment, done_on=TODAY, evidence="Biên bản nghiệm thu",
        today=TODAY,
    )  # fmt: skip
    rows = _rows(as_user(tinh).get("/dialogue/dialogues/", {"format": "xlsx"}))
    assert rows[0] == DIALOGUE_HEADERS
    (row,) = rows[1:]
    assert (row[3], row[8], row[12], row[13], row[14], row[15]) == (dialogue.title, 120, 2, 1, 0, 1)
    assert _rows(as_user(xa2).get("/dialogue/dialogues/", {"format": "xlsx"}))[1:] == []
