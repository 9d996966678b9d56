"""Image files for the photo tests, made on the spot with Pillow (or by hand where Pillow
wouldn't write what a bad upload looks like)."""

import io
import random
import struct
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw

ORIENTATION, MAKE, GPS_IFD = 0x0112, 0x010F, 0x8825


def picture(size=(1600, 1000), mode="RGB") -> Image.Image:
    """A picture whose top-left corner is red, the rest blue: its orientation can be told."""
    image = Image.new(mode, size, "blue")
    ImageDraw.Draw(image).rectangle((0, 0, size[0] // 4, size[1] // 4), fill="red")
    return image


def jpeg_with_exif(size=(1600, 1000)) -> bytes:
    """A JPEG as a phone writes it: stored sideways with EXIF orientation 6 (turn 90° clockwise
    to show), the camera's make and where it was taken."""
    exif = Image.Exif()
    exif[ORIENTATION] = 6
    exif[MAKE] = "PhoneCo"
    gps = exif.get_ifd(GPS_IFD)
    gps.update({1: "N", 2: (52.0, 31.0, 12.0), 3: "E", 4: (13.0, 24.0, 0.0)})
    out = io.BytesIO()
    picture(size).save(out, "JPEG", exif=exif, quality=90)
    return out.getvalue()


def encoded(image: Image.Image, kind: str, **options) -> bytes:
    out = io.BytesIO()
    image.save(out, kind, **options)
    return out.getvalue()


def truncated_jpeg() -> bytes:
    """A real JPEG of noise cut off halfway, as an interrupted upload leaves it."""
    noise = Image.frombytes("RGB", (300, 300), random.Random(7).randbytes(300 * 300 * 3))
    data = encoded(noise, "JPEG", quality=90)
    return data[: len(data) // 2]


def png_of_pixels(width: int, height: int) -> bytes:
    """A valid black-and-white PNG of width x height, a few kilobytes for 50 megapixels."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    rows = (b"\x00" + bytes((width + 7) // 8)) * height  # filter byte + one bit per pixel
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows, 9))
        + chunk(b"IEND", b"")
    )


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)
