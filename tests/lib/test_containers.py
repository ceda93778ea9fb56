"""Bounded unpacking: Office files and Excel imports as ZIP containers, pictures by decoded size."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import translation
from openpyxl import Workbook

from danvan.lib.excel import Column, SheetError, read_rows
from danvan.lib.images import process_photo
from danvan.lib.uploads import MAX_UNPACK_RATIO, check_upload

from .test_images import png_header

COLUMNS = [Column("name", "Tên", "text")]


def workbook() -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Tên"])
    sheet.append(["Xã Mường Xén"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def with_bomb(data: bytes, inflated: int) -> bytes:
    """The same package plus one entry of `inflated` zero bytes (which compresses ~1000:1)."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for item in source.infolist():
            target.writestr(item, source.read(item))
        target.writestr("xl/worksheets/padding.xml", b"\0" * inflated)
    return out.getvalue()


def test_a_genuine_workbook_is_read() -> None:
    assert [row["name"] for row in read_rows(workbook(), COLUMNS)] == ["Xã Mường Xén"]


def test_an_import_that_unpacks_to_far_more_than_its_size_is_refused() -> None:
    bomb = with_bomb(workbook(), 20 * 1024 * 1024)
    assert len(bomb) * MAX_UNPACK_RATIO < 20 * 1024 * 1024
    with translation.override("en"), pytest.raises(SheetError) as caught:
        read_rows(bomb, COLUMNS)
    assert "unpacks to 20.0" in str(caught.value)


@override_settings(DANVAN_MAX_UPLOAD_BYTES=1000)
def test_an_import_over_the_upload_limit_is_refused() -> None:
    with translation.override("en"), pytest.raises(SheetError) as caught:
        read_rows(workbook(), COLUMNS)
    assert "larger than the 1000" in str(caught.value)


def test_an_office_attachment_that_unpacks_too_far_is_refused() -> None:
    bomb = with_bomb(workbook(), 20 * 1024 * 1024)
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        check_upload(SimpleUploadedFile("bao-cao.xlsx", bomb))
    assert "unpacks to" in caught.value.messages[0]


def test_a_genuine_office_attachment_passes() -> None:
    check_upload(SimpleUploadedFile("bao-cao.xlsx", workbook()))


def test_a_picture_whose_pixels_would_take_too_much_memory_is_refused_undecoded() -> None:
    # 5000×5000 RGB is 25 Mpx (under the pixel limit) but 75 MB decoded; the file holds no pixel
    # data at all, so the refusal proves nothing was decoded.
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        process_photo(SimpleUploadedFile("big.png", png_header(5000, 5000)))
    assert caught.value.code == "too_many_pixels"
    assert "at most 22 million pixels" in caught.value.messages[0]
