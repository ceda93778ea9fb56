"""Check uploaded files (attachments, signed documents) before they are saved."""

from __future__ import annotations

import os
import re
import unicodedata
import zipfile

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

ALLOWED = {".pdf", ".doc", ".docx", ".xls", ".xlsx", ".odt", ".ods", ".jpg", ".jpeg", ".png"}
DEFAULT_MAX_BYTES = 20 * 1024 * 1024
NAME_LIMIT = 100

_ZIP = b"PK\x03\x04"
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_MAGIC = {
    ".pdf": b"%PDF-",
    ".png": b"\x89PNG\r\n\x1a\n",
    ".jpg": b"\xff\xd8\xff",
    ".jpeg": b"\xff\xd8\xff",
    ".docx": _ZIP,
    ".xlsx": _ZIP,
    ".odt": _ZIP,
    ".ods": _ZIP,
    ".doc": _OLE,
    ".xls": _OLE,
}
# The entry that a genuine package of each kind always contains.
_ZIP_MARKER = {
    ".docx": "[Content_Types].xml",
    ".xlsx": "[Content_Types].xml",
    ".odt": "mimetype",
    ".ods": "mimetype",
}
_PROGRAM_MAGIC = (b"MZ", b"\x7fELF", b"#!", b"\xca\xfe\xba\xbe", b"\xcf\xfa\xed\xfe")
_PROGRAM_SUFFIXES = (
    ".exe", ".dll", ".bat", ".cmd", ".com", ".scr", ".pif", ".msi", ".cpl", ".hta", ".lnk",
    ".reg", ".sh", ".js", ".jse", ".vbs", ".vbe", ".wsf", ".ps1", ".psm1", ".jar",
)  # fmt: skip
_HEAD_BYTES = 16

_EXTRA_LETTERS = str.maketrans({"đ": "d", "Đ": "D"})
_UNSAFE_RUN = re.compile(r"[^A-Za-z0-9._-]+")


def max_bytes() -> int:
    """The upload size limit, read from settings at call time so overrides apply."""
    return int(getattr(settings, "DANVAN_MAX_UPLOAD_BYTES", DEFAULT_MAX_BYTES))


# An Office file is a ZIP of XML: what it unpacks to is bounded, so a small upload cannot
# make the server (or a reader's computer) inflate hundreds of megabytes.
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
MAX_UNPACK_RATIO = 100
MAX_ENTRIES = 10_000


def check_zip_container(archive: zipfile.ZipFile, name: str, packed_size: int) -> None:
    """Refuse a ZIP whose entries unpack to too much, too many times its size, or too many files
    (`name` is the upload's file name, "" for an import read as a workbook).

    The sizes come from the archive's directory; Python's zipfile never inflates an entry past
    its recorded size, so they are a bound on what reading it costs.
    """
    entries = archive.infolist()
    unpacked = sum(entry.file_size for entry in entries)
    if (
        len(entries) > MAX_ENTRIES
        or unpacked > MAX_UNPACKED_BYTES
        or unpacked > MAX_UNPACK_RATIO * max(packed_size, 1)
    ):
        message = (
            _(
                "The file “%(name)s” unpacks to %(size)s, far more than such a file holds; "
                "save it again from the office program and upload the copy."
            )
            if name
            else _(
                "The workbook unpacks to %(size)s, far more than a workbook holds; "
                "save it again from the office program and upload the copy."
            )
        )
        raise ValidationError(message % {"name": name, "size": filesizeformat(unpacked)})


def _zip_names(upload: UploadedFile) -> list[str] | None:
    """The entry names of a ZIP upload (checked as a container), or None when it is not a ZIP."""
    try:
        upload.seek(0)
        with zipfile.ZipFile(upload) as archive:
            check_zip_container(archive, upload.name or "", upload.size or 0)
            return archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return None


def check_upload(upload: UploadedFile) -> None:
    """Raise ValidationError unless the upload is a non-empty, allowed, genuine document."""
    try:
        _check(upload)
    finally:
        upload.seek(0)


def _check(upload: UploadedFile) -> None:
    name = upload.name or ""
    extension = os.path.splitext(name)[1].lower()
    upload.seek(0)
    head = upload.read(_HEAD_BYTES)
    size = upload.size or 0

    if not size or not head:
        raise ValidationError(_("The file “%(name)s” is empty.") % {"name": name})
    limit = max_bytes()
    if size > limit:
        raise ValidationError(
            _("The file “%(name)s” is %(size)s, larger than the %(limit)s limit.")
            % {"name": name, "size": filesizeformat(size), "limit": filesizeformat(limit)}
        )
    allowed = ", ".join(sorted(ALLOWED))
    if not extension:
        raise ValidationError(
            _("The file “%(name)s” has no extension. Allowed types: %(allowed)s.")
            % {"name": name, "allowed": allowed}
        )
    if extension not in ALLOWED:
        raise ValidationError(
            _("Files of type “%(extension)s” are not accepted. Allowed types: %(allowed)s.")
            % {"extension": extension, "allowed": allowed}
        )
    zip_names = _zip_names(upload) if head.startswith(_ZIP) else None
    hidden_program = zip_names is not None and any(
        entry.lower().endswith(_PROGRAM_SUFFIXES) for entry in zip_names
    )
    if head.startswith(_PROGRAM_MAGIC) or hidden_program:
        raise ValidationError(
            _("The file “%(name)s” contains a program or script and cannot be uploaded.")
            % {"name": name}
        )
    marker = _ZIP_MARKER.get(extension)
    genuine = head.startswith(_MAGIC[extension]) and (
        marker is None or (zip_names is not None and marker in zip_names)
    )
    if not genuine:
        raise ValidationError(
            _("The content of “%(name)s” is not a real %(extension)s file.")
            % {"name": name, "extension": extension}
        )


def _clean(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text.translate(_EXTRA_LETTERS))
    ascii_text = "".join(ch for ch in folded if not unicodedata.combining(ch))
    return _UNSAFE_RUN.sub("_", ascii_text).strip("._-")


def safe_name(name: str) -> str:
    """An ASCII file name of letters, digits, dots, dashes and underscores, extension kept."""
    base = re.split(r"[/\\]", name)[-1]
    stem, extension = os.path.splitext(base)
    extension = _clean(extension).lower()[:10]
    suffix = f".{extension}" if extension else ""
    stem = _clean(stem)[: NAME_LIMIT - len(suffix)].rstrip("._-") or "file"
    return stem + suffix
