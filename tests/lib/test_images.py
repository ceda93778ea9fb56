"""Tests for danvan.lib.images: photos are checked, stripped of metadata and made small."""

import io
import struct
import zlib
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from PIL import ExifTags, Image, ImageCms

from danvan.lib import images
from danvan.lib.images import MAX_SIDE, photo_name, process_photo

RED = (255, 0, 0)
BLUE = (0, 0, 255)


def encode(image: Image.Image, fmt: str, **options: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, **options)
    return buffer.getvalue()


def upload(content: bytes, name: str = "photo.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="image/jpeg")


def camera_jpeg() -> bytes:
    """A 4000×3000 JPEG stored sideways (Orientation 6) with GPS, camera tags and ICC."""
    image = Image.new("RGB", (4000, 3000), BLUE)
    image.paste(RED, (0, 0, 1000, 1000))  # stored top-left corner is red
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6
    exif[ExifTags.Base.Make] = "PhoneMaker"
    exif[ExifTags.Base.Model] = "Phone 1"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (21.0, 1.0, 30.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (105.0, 51.0, 0.0)
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    return encode(image, "JPEG", exif=exif.tobytes(), icc_profile=icc, quality=90)


def chunk(kind: bytes, data: bytes) -> bytes:
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))


def png_header(width: int, height: int) -> bytes:
    """A PNG announcing the given size whose pixel data is a few bytes of nothing."""
    header = chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
    pixels = chunk(b"IDAT", zlib.compress(b"\x00" * 16))
    return b"\x89PNG\r\n\x1a\n" + header + pixels + chunk(b"IEND", b"")


def refusal(content: bytes, name: str = "photo.jpg") -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        process_photo(upload(content, name))
    return caught.value


def test_camera_photo_is_rotated_shrunk_and_stripped() -> None:
    source = camera_jpeg()
    with Image.open(io.BytesIO(source)) as original:  # the fixture really carries metadata
        assert original.getexif()[ExifTags.Base.Orientation] == 6
        assert original.getexif().get_ifd(ExifTags.IFD.GPSInfo)
        assert original.info.get("icc_profile")

    photo = upload(source, "IMG_0001.JPG")
    result = process_photo(photo)

    assert photo.tell() == 0
    assert result.name == "IMG_0001.jpg"
    with Image.open(result) as image:
        assert image.format == "JPEG"
        assert image.mode == "RGB"
        # Orientation 6: stored landscape, shown rotated 90° clockwise → portrait.
        assert image.size == (1200, MAX_SIDE)
        # The stored top-left corner ends up at the top-right once rotated.
        right_top = image.getpixel((image.width - 10, 10))
        left_top = image.getpixel((10, 10))
        assert isinstance(right_top, tuple) and right_top[0] > 200 and right_top[2] < 60
        assert isinstance(left_top, tuple) and left_top[2] > 200 and left_top[0] < 60
        assert len(image.getexif()) == 0
        assert "exif" not in image.info
        assert "icc_profile" not in image.info
    result.seek(0)
    raw = result.read()
    assert b"Exif" not in raw
    assert b"PhoneMaker" not in raw
    assert b"ICC_PROFILE" not in raw


def test_transparent_png_becomes_jpeg_on_white_same_size() -> None:
    image = Image.new("RGBA", (120, 80), (0, 128, 0, 255))
    image.paste((0, 0, 0, 0), (0, 0, 20, 20))  # fully transparent corner
    result = process_photo(upload(encode(image, "PNG"), "logo.png"))

    assert result.name == "logo.jpg"
    with Image.open(result) as converted:
        assert converted.format == "JPEG"
        assert converted.size == (120, 80)
        corner = converted.getpixel((5, 5))
        assert isinstance(corner, tuple) and min(corner) > 245


def test_palette_png_with_transparency_is_flattened() -> None:
    image = Image.new("P", (40, 40), 1)
    image.putpalette([0, 0, 0, 200, 0, 0] + [0] * 762)
    result = process_photo(upload(encode(image, "PNG", transparency=1), "p.png"))
    with Image.open(result) as converted:
        corner = converted.getpixel((5, 5))
        assert isinstance(corner, tuple) and min(corner) > 245


def test_small_webp_is_accepted_and_never_upscaled() -> None:
    result = process_photo(upload(encode(Image.new("RGB", (300, 200), RED), "WEBP"), "a.webp"))
    with Image.open(result) as converted:
        assert converted.format == "JPEG"
        assert converted.size == (300, 200)


def test_sixteen_bit_greyscale_png_keeps_its_tones() -> None:
    image = Image.new("I;16", (10, 10), 32768)  # mid grey in 16 bits
    result = process_photo(upload(encode(image, "PNG"), "grey.png"))
    with Image.open(result) as converted:
        pixel = converted.getpixel((5, 5))
        assert isinstance(pixel, tuple) and 110 < pixel[0] < 145


def test_text_file_named_like_a_photo_is_refused() -> None:
    with translation.override("en"):
        error = refusal(b"Just some text, not a picture.\n", "photo.jpg")
        assert error.code == "not_image"
        assert error.messages == ["The file is not a picture: upload a JPEG or PNG photo."]


def test_empty_file_is_refused() -> None:
    with translation.override("en"):
        error = refusal(b"")
        assert error.code == "empty"
        assert error.messages == ["The photo is empty."]


def test_too_large_file_is_refused() -> None:
    content = encode(Image.new("RGB", (50, 50), RED), "JPEG")
    with mock.patch.object(images, "MAX_UPLOAD_BYTES", 10):
        assert refusal(content).code == "too_large"


def test_size_limit_is_said_in_megabytes() -> None:
    with translation.override("en"):
        error = refusal(b"\xff" * (images.MAX_UPLOAD_BYTES + 1))
        assert error.code == "too_large"
        assert error.messages == ["The photo is larger than 15 MB."]


def test_gif_is_refused_for_its_format() -> None:
    with translation.override("en"):
        error = refusal(encode(Image.new("P", (20, 20)), "GIF"), "anim.gif")
        assert error.code == "format"
        assert error.messages == ["Only JPEG, PNG and WEBP photos are accepted, not GIF."]


def test_too_many_pixels_is_refused() -> None:
    content = encode(Image.new("RGB", (1, 1), RED), "PNG")
    with mock.patch.object(images, "MAX_PIXELS", 0):
        assert refusal(content, "dot.png").code == "too_many_pixels"


def test_huge_header_is_refused_before_decoding() -> None:
    # 7000×7000 = 49 Mpx: over MAX_PIXELS but under Pillow's own bomb limit. The file has
    # no pixel data at all, so a "too many pixels" answer proves nothing was decoded.
    with translation.override("en"):
        error = refusal(png_header(7000, 7000), "bomb.png")
        assert error.code == "too_many_pixels"
        assert error.messages == [
            "The picture has too many pixels: at most 40 million are accepted."
        ]


def test_decompression_bomb_header_is_refused() -> None:
    # 100 000 × 100 000: Pillow itself raises DecompressionBombError while opening.
    assert refusal(png_header(100_000, 100_000), "bomb.png").code == "too_many_pixels"


def test_truncated_picture_is_refused_as_damaged() -> None:
    content = encode(Image.new("RGB", (200, 200), RED), "PNG")
    assert refusal(content[: len(content) // 2], "cut.png").code == "damaged"


@pytest.mark.parametrize(
    ("original", "expected"),
    [
        ("Ảnh hội nghị (1).png", "Anh_hoi_nghi_1.jpg"),
        ("Đường làng.JPEG", "Duong_lang.jpg"),
        ("../../etc/passwd", "passwd.jpg"),
        ("C:\\Users\\me\\ảnh đẹp.webp", "anh_dep.jpg"),
        ("mô-hình_tốt.jpg", "mo-hinh_tot.jpg"),
        ("ảnh.", "anh.jpg"),
        ("(((.png", "photo.jpg"),
        ("", "photo.jpg"),
        ("a" * 200 + ".png", "a" * 80 + ".jpg"),
    ],
)
def test_photo_name(original: str, expected: str) -> None:
    assert photo_name(original) == expected


def test_result_name_comes_from_the_upload() -> None:
    content = encode(Image.new("RGB", (10, 10), RED), "PNG")
    assert process_photo(upload(content, "Ảnh hội nghị (1).png")).name == "Anh_hoi_nghi_1.jpg"
