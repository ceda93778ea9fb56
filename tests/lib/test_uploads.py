"""Tests for danvan.lib.uploads: refusing empty, oversized, foreign and disguised files."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import translation

from danvan.lib.uploads import ALLOWED, DEFAULT_MAX_BYTES, check_upload, max_bytes, safe_name

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(17)
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(16)
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + bytes(64)


def package(*entries: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for entry in entries:
            archive.writestr(entry, "<x/>" if entry != "mimetype" else "application/x")
    return buffer.getvalue()


DOCX = package("[Content_Types].xml", "word/document.xml")
XLSX = package("[Content_Types].xml", "xl/workbook.xml")
ODT = package("mimetype", "content.xml")


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def refusal(name: str, content: bytes) -> str:
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        check_upload(upload(name, content))
    return " ".join(caught.value.messages)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("bien-ban.pdf", PDF),
        ("anh.png", PNG),
        ("anh.JPG", JPEG),
        ("anh.jpeg", JPEG),
        ("bao-cao.docx", DOCX),
        ("so-lieu.xlsx", XLSX),
        ("bao-cao.odt", ODT),
        ("so-lieu.ods", ODT),
        ("cu.doc", OLE),
        ("cu.xls", OLE),
    ],
)
def test_genuine_files_pass_and_are_rewound(name: str, content: bytes) -> None:
    file = upload(name, content)
    file.read(3)
    check_upload(file)
    assert file.tell() == 0
    assert file.read() == content


def test_program_renamed_pdf() -> None:
    message = refusal("bien-ban.pdf", EXE)
    assert message == "The file “bien-ban.pdf” contains a program or script and cannot be uploaded."


@pytest.mark.parametrize(
    "content", [b"\x7fELF\x02\x01\x01", b"\xca\xfe\xba\xbe\x00", b"\xcf\xfa\xed\xfe\x07"]
)
def test_other_programs_are_refused(content: bytes) -> None:
    assert "program or script" in refusal("tai-lieu.doc", content + bytes(32))


def test_script_renamed_png() -> None:
    assert "program or script" in refusal("anh.png", b"#!/bin/sh\nrm -rf /\n")


def test_pdf_named_docx() -> None:
    message = refusal("bao-cao.docx", PDF)
    assert message == "The content of “bao-cao.docx” is not a real .docx file."


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("so-lieu.xlsx", package("word.xml")),
        ("bao-cao.odt", package("[Content_Types].xml")),
        ("bao-cao.docx", b"PK\x03\x04 but not really a zip"),
        ("cu.doc", PDF),
        ("anh.jpg", PNG),
    ],
)
def test_other_disguises(name: str, content: bytes) -> None:
    assert "is not a real" in refusal(name, content)


def test_package_hiding_a_program() -> None:
    docx = package("[Content_Types].xml", "word/document.xml", "word/media/evil.EXE")
    message = refusal("bao-cao.docx", docx)
    assert message == "The file “bao-cao.docx” contains a program or script and cannot be uploaded."


@pytest.mark.parametrize("entry", ["run.bat", "a/b/payload.js", "tool.jar", "x.ps1", "lib.dll"])
def test_package_hiding_other_programs(entry: str) -> None:
    assert "program or script" in refusal("so-lieu.xlsx", package("[Content_Types].xml", entry))


@override_settings(DANVAN_MAX_UPLOAD_BYTES=10)
def test_oversized_file() -> None:
    assert max_bytes() == 10
    message = refusal("bien-ban.pdf", PDF)
    assert message.startswith("The file “bien-ban.pdf” is ")
    assert "larger than the 10\xa0bytes limit." in message


def test_default_limit_is_stated_in_megabytes() -> None:
    assert max_bytes() == DEFAULT_MAX_BYTES == 20 * 1024 * 1024
    big = SimpleUploadedFile("big.pdf", PDF)
    big.size = DEFAULT_MAX_BYTES + 1
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        check_upload(big)
    assert "larger than the 20.0\xa0MB limit" in caught.value.messages[0]


def test_empty_file() -> None:
    assert refusal("bien-ban.pdf", b"") == "The file “bien-ban.pdf” is empty."


def test_zip_extension() -> None:
    message = refusal("tai-lieu.zip", DOCX)
    assert message == (
        "Files of type “.zip” are not accepted. Allowed types: "
        ".doc, .docx, .jpeg, .jpg, .ods, .odt, .pdf, .png, .xls, .xlsx."
    )
    assert len(ALLOWED) == 10


def test_no_extension() -> None:
    assert refusal("README", PDF).startswith("The file “README” has no extension.")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Báo cáo (bản cuối).docx", "Bao_cao_ban_cuoi.docx"),
        ("Đề án Đảng ủy xã.PDF", "De_an_Dang_uy_xa.pdf"),
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\an\\Biên bản họp.pdf", "Bien_ban_hop.pdf"),
        ("  -- .hidden.png", "hidden.png"),
        ("会议.pdf", "file.pdf"),
        ("bao-cao_2024.v2.xlsx", "bao-cao_2024.v2.xlsx"),
        ("", "file"),
    ],
)
def test_safe_name(name: str, expected: str) -> None:
    assert safe_name(name) == expected


def test_safe_name_is_trimmed_keeping_the_extension() -> None:
    result = safe_name("ả" * 300 + ".docx")
    assert result == "a" * 95 + ".docx"
    assert len(result) == 100
