"""Photos of good practices: checked, stripped of metadata and made small before saving.

Every accepted photo is decoded to pixels and encoded again as a fresh JPEG, so nothing
from the original file survives except the picture itself: no EXIF (camera, date, GPS
position), no ICC profile, no comments, no hidden trailing data.
"""

from __future__ import annotations

import io
import os
import re
import unicodedata

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from PIL import Image, ImageFile, ImageOps

MAX_UPLOAD_BYTES = 15 * 1024 * 1024
MAX_PIXELS = 40_000_000
MAX_SIDE = 1600
# What decoding one picture may take in memory (pixels × bytes per pixel, after JPEG's reduced
# decoding): with the copies made while flattening and resizing, well under 500 MB.
MAX_DECODED_BYTES = 64 * 1024 * 1024
JPEG_QUALITY = 85
NAME_LIMIT = 80
ALLOWED_FORMATS = frozenset({"JPEG", "MPO", "PNG", "WEBP"})  # MPO: phone JPEGs with a preview

_WHITE = (255, 255, 255)
_EXTRA_LETTERS = str.maketrans({"đ": "d", "Đ": "D"})
_UNSAFE_RUN = re.compile(r"[^A-Za-z0-9_-]+")


def process_photo(upload: UploadedFile) -> ContentFile:
    """Return the upload as a small, metadata-free JPEG, or raise ValidationError.

    Refuses empty and oversized files, files that are not pictures, formats other than
    JPEG, PNG and WEBP, and pictures of more than MAX_PIXELS pixels (checked from the
    header, before any decoding). The upload is rewound afterwards.
    """
    try:
        upload.seek(0)
        data = upload.read(MAX_UPLOAD_BYTES + 1)
    finally:
        upload.seek(0)
    if not data:
        raise ValidationError(_("The photo is empty."), code="empty")
    if len(data) > MAX_UPLOAD_BYTES:
        raise ValidationError(
            _("The photo is larger than %(limit)s MB."),
            code="too_large",
            params={"limit": round(MAX_UPLOAD_BYTES / (1024 * 1024))},
        )
    encoded = _reencode(data)
    return ContentFile(encoded, name=photo_name(upload.name or ""))


def photo_name(original: str) -> str:
    """A safe file name ending in .jpg: «Ảnh hội nghị (1).png» → «Anh_hoi_nghi_1.jpg»."""
    base = os.path.basename(original.replace("\\", "/"))
    stem = os.path.splitext(base)[0] if not base.startswith(".") else base
    folded = unicodedata.normalize("NFKD", stem.translate(_EXTRA_LETTERS))
    ascii_only = folded.encode("ascii", "ignore").decode("ascii")
    safe = _UNSAFE_RUN.sub("_", ascii_only).strip("_-")
    safe = safe[:NAME_LIMIT].rstrip("_-")
    return f"{safe or 'photo'}.jpg"


def _not_a_picture() -> ValidationError:
    return ValidationError(
        _("The file is not a picture: upload a JPEG or PNG photo."), code="not_image"
    )


def _too_many_pixels() -> ValidationError:
    return ValidationError(
        _("The picture has too many pixels: at most %(limit)s million are accepted."),
        code="too_many_pixels",
        params={"limit": MAX_PIXELS // 1_000_000},
    )


def _reencode(data: bytes) -> bytes:
    # Image.open only reads the header; nothing is decoded until load().
    # Pillow's own bomb guard (Image.MAX_IMAGE_PIXELS, a process-wide setting left
    # untouched here) raises DecompressionBombError for absurd sizes while opening;
    # our stricter MAX_PIXELS check below covers everything else.
    # A damaged picture is refused: WeasyPrint (PDF reports) turns on Pillow's
    # process-wide LOAD_TRUNCATED_IMAGES when imported, so turn it off again here.
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    try:
        image = Image.open(io.BytesIO(data))
    except Image.DecompressionBombError:
        raise _too_many_pixels() from None
    except Exception:
        raise _not_a_picture() from None
    with image:
        if image.format not in ALLOWED_FORMATS:
            raise ValidationError(
                _("Only JPEG, PNG and WEBP photos are accepted, not %(format)s."),
                code="format",
                params={"format": image.format or _("this format")},
            )
        width, height = image.size
        if width <= 0 or height <= 0:
            raise _not_a_picture()
        if width * height > MAX_PIXELS:
            raise _too_many_pixels()
        try:
            return _shrink_and_encode(image)
        except ValidationError:
            raise
        except Image.DecompressionBombError:
            raise _too_many_pixels() from None
        except Exception:
            raise ValidationError(
                _("The picture is damaged or incomplete: save it again and upload the copy."),
                code="damaged",
            ) from None


def _shrink_and_encode(image: Image.Image) -> bytes:
    width, height = image.size
    scale = MAX_SIDE / max(width, height)
    if scale < 1:
        # JPEG can decode straight at a reduced scale (never below the wanted size),
        # which saves most of the memory and time for large camera photos.
        image.draft(None, (max(1, round(width * scale)), max(1, round(height * scale))))
    decoded_width, decoded_height = image.size
    bands = max(len(image.getbands()), 1)
    if decoded_width * decoded_height * bands > MAX_DECODED_BYTES:
        raise ValidationError(
            _(
                "The picture is too large to process: save it with at most %(limit)s million "
                "pixels and upload it again."
            ),
            code="too_many_pixels",
            params={"limit": MAX_DECODED_BYTES // bands // 1_000_000},
        )
    image.load()
    try:
        oriented = ImageOps.exif_transpose(image)
    except Exception:  # broken EXIF: keep the picture as stored
        oriented = image
    rgb = _flatten(oriented)
    rgb.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
    # A brand-new image from raw pixels carries no info dict: no EXIF, ICC, comments.
    clean = Image.frombytes("RGB", rgb.size, rgb.tobytes())
    out = io.BytesIO()
    clean.save(out, format="JPEG", quality=JPEG_QUALITY, optimize=True)
    return out.getvalue()


def _flatten(image: Image.Image) -> Image.Image:
    """RGB with any transparency laid on a white background."""
    if image.mode in {"RGBA", "LA", "PA", "RGBa", "La"} or "transparency" in image.info:
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, _WHITE)
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    if image.mode in {"I;16", "I;16B", "I;16L", "I"}:
        # 16-bit greyscale: scale down to 8 bits before colour conversion.
        image = image.point(lambda value: value / 256).convert("L")
    return image.convert("RGB")
