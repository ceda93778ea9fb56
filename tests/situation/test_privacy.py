"""The check for text that seems to name a private person: what it finds, what it leaves, and
how the services use it (refuse with code `personal_data`, accept once confirmed)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st

from danvan.accounts.models import User
from danvan.situation import services
from danvan.situation.models import Note
from danvan.situation.privacy import find_personal_data, message
from tests.situation.conftest import TODAY

FileNote = Callable[..., Note]


def found(text: str) -> list[tuple[str, str]]:
    return [(f.kind, f.text) for f in find_personal_data(text)]


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Hộ ông Nguyễn Văn Hùng không nhận tiền bồi thường", "ông Nguyễn Văn Hùng"),
        ("Chị Hoa phản ánh về giá phân bón", "Chị Hoa"),
        ("Đất của hộ ông Lò Văn Pằng bị sạt lở", "ông Lò Văn Pằng"),
        ("Gia đình bà Lò Thị Mai ở bản Huồi Giảng", "bà Lò Thị Mai"),
        ("Cụ Đinh Văn Ất kiến nghị về đường", "Cụ Đinh Văn Ất"),
        ("vợ chồng Tuấn – Lan chưa ký biên bản", "vợ chồng Tuấn"),
        ("Cháu Ánh nghỉ học", "Cháu Ánh"),
    ],
)
def test_a_name_after_a_form_of_address_is_found(text: str, name: str) -> None:
    assert found(text) == [("name", name)]


@pytest.mark.parametrize(
    "text",
    [
        "Bà con thôn 3 chưa đồng thuận mức bồi thường",
        "anh em trong thôn cùng làm đường",
        "Chủ tịch UBND xã đã đối thoại với bà con",
        "Hộ dân trên đường Lê Lợi phản ánh ngập úng",
        "ông bà con cháu trong dòng họ",
        "Anh hùng lực lượng vũ trang, chị em phụ nữ, các cháu học sinh",
        "cần chú ý theo dõi, anh đi họp, chị ở nhà, ông ấy ốm, em ăn cơm",
        "Chủ tịch Nguyễn Văn A chủ trì hội nghị",  # a public title: officials in office are public
        "Hỗ trợ 250.000.000 đồng cho 12 hộ, mỗi hộ 1.500.000 đồng, tổng 100 000 000 đ",
        "Ngày 15/11/2026, 45 hộ với khoảng 180 khẩu; năm 2025 có 3 vụ",
    ],
)
def test_ordinary_words_and_numbers_are_not_a_person(text: str) -> None:
    assert found(text) == []


@pytest.mark.parametrize(
    ("text", "kind", "value"),
    [
        ("Liên hệ 0912 345 678 để biết thêm", "phone", "0912 345 678"),
        ("gọi +84 912345678", "phone", "+84 912345678"),
        ("số 0912.345.678", "phone", "0912.345.678"),
        ("CCCD 040123456789 cấp năm 2021", "id_number", "040123456789"),
        ("CMND số 186543210", "id_number", "186543210"),
        ("CMND số 186 543 210", "id_number", "186 543 210"),
    ],
)
def test_phone_and_identity_numbers_are_found(text: str, kind: str, value: str) -> None:
    assert found(text) == [(kind, value)]


def test_findings_come_in_order_and_the_message_names_them(english: None) -> None:
    text = "Ông Nguyễn Văn Hùng, SĐT 0912345678, CCCD 040123456789"
    findings = find_personal_data(text)
    assert [f.kind for f in findings] == ["name", "phone", "id_number"]
    said = message(findings)
    assert "a person's name: «Ông Nguyễn Văn Hùng»" in said
    assert "a telephone number: «0912345678»" in said
    assert "an identity number: «040123456789»" in said


# Lowercase Vietnamese words (forms of address among them) and small numbers, each number
# counting something («120 hộ»): no name starts with a capital, no number is long enough, so
# nothing may be found. (Bare three-digit numbers in a row, «040 123 456 789», are how an
# identity number is written with spaces: those are found on purpose.)
WORDS = [
    "ông", "bà", "anh", "chị", "em", "cô", "chú", "bác", "cụ", "cháu", "thím", "dì", "con",
    "đi", "ở", "ấy", "ý", "ăn", "ốm", "ước", "đất", "đường", "bồi", "thường", "giải", "phóng",
    "mặt", "bằng", "hộ", "dân", "thôn", "bản", "xã", "người", "ủng", "hộ", "đồng", "thuận",
    "ổn", "định", "ưu", "tiên", "ảnh", "hưởng", "ý", "kiến", "ỷ", "lại", "ẩn", "ý",
]  # fmt: skip
TOKENS = st.one_of(
    st.sampled_from(WORDS),
    st.tuples(st.integers(0, 999), st.sampled_from(WORDS)).map(lambda t: f"{t[0]} {t[1]}"),
)


@settings(max_examples=50, deadline=None)
@given(st.lists(TOKENS, min_size=1, max_size=30), st.sampled_from([" ", ", ", "; ", " - "]))
def test_lowercase_words_and_small_numbers_never_trigger(tokens: list[str], sep: str) -> None:
    assert find_personal_data(sep.join(tokens)) == []


# --- In the services ------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_note_naming_a_person_is_refused_until_confirmed(
    xa: User, file_note: FileNote, english: None
) -> None:
    with pytest.raises(ValidationError) as refused:
        file_note(
            xa,
            details="Hộ ông Lò Văn Pằng phản ánh, điện thoại 0912 345 678",
        )
    errors = refused.value.error_dict
    assert set(errors) == {"details"}  # the field where it was found
    (error,) = errors["details"]
    assert error.code == "personal_data"
    assert "«ông Lò Văn Pằng»" in error.message and "«0912 345 678»" in error.message
    assert not Note.objects.exists()

    note = file_note(xa, details="Đã gặp ông Lò Văn Pằng, trưởng bản", confirm_no_person=True)
    assert note.details == "Đã gặp ông Lò Văn Pằng, trưởng bản"


@pytest.mark.django_db
def test_an_update_checks_only_the_text_it_changes(xa: User, file_note: FileNote) -> None:
    note = file_note(xa, summary="Bà Lò Thị Mai, trưởng bản, báo cáo", confirm_no_person=True)
    # Correcting another field does not ask again about text already confirmed.
    services.note_update(actor=xa, note=note, people_concerned=12, today=TODAY)
    with pytest.raises(ValidationError) as refused:
        services.note_update(
            actor=xa, note=note, actions="Đã liên hệ anh Tuấn qua số 0987654321", today=TODAY
        )
    assert [e.code for e in refused.value.error_dict["actions"]] == ["personal_data"]
    assert Note.objects.get(pk=note.pk).actions == ""
    services.note_update(
        actor=xa,
        note=note,
        actions="Đã liên hệ anh Tuấn, cán bộ văn hóa xã",
        confirm_no_person=True,
        today=TODAY,
    )
    assert Note.objects.get(pk=note.pk).actions == "Đã liên hệ anh Tuấn, cán bộ văn hóa xã"
