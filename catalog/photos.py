"""Product photos: an upload checked for what it really is, stored without its metadata, and
made into renditions by a Celery task once it has committed.

An upload is refused (PhotoRejected: a 400 naming the file and the problem) unless Pillow reads
it as a JPEG, PNG or WebP image of at most MAX_BYTES and MAX_PIXELS, whole. The pixel count is
read from the header, before any pixel is decoded; the image is then decoded in full, so that a
truncated file fails (ImageFile.LOAD_TRUNCATED_IMAGES stays False). The stored original is that
image turned upright by its EXIF orientation and encoded again in its own format with no EXIF,
XMP or comments: camera serials and GPS positions stay with whoever took it.

Files go through the default storage (STORAGES): the filesystem, or an S3-compatible bucket.
Each upload gets a name of its own and its renditions names derived from it, so every URL can be
cached for good. Files are deleted once the deletion of their row has committed, however it was
deleted (the API, the admin, a product's deletion).
"""

import io
from dataclasses import dataclass
from functools import partial

import structlog
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import DatabaseError, transaction
from django.db.models import Max
from PIL import Image, ImageOps, UnidentifiedImageError

from catalog.models import RENDITION_WIDTHS, Product, ProductImage
from core.errors import APIError

log = structlog.get_logger(__name__)

MAX_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000
# What is taken, and the extension its re-encoded original is stored under. MPO is the JPEG of
# phones and cameras that carry extra frames (a depth map, a preview): its first frame is kept.
_EXTENSIONS = {"JPEG": "jpg", "MPO": "jpg", "PNG": "png", "WEBP": "webp"}
_OPENED = ("JPEG", "PNG", "WEBP")
_QUALITY = {"JPEG": 90, "WEBP": 90}
RENDITION_QUALITY = 82


class PhotoRejected(APIError):
    default_code = "invalid_image"
    default_detail = "The file is not a photo the shop can take."

    def __init__(self, file_name: str, problem: str, message: str):
        super().__init__(f"{file_name}: {message}", file=file_name, problem=problem)


class PhotoNotFound(APIError):
    status_code = 404
    default_code = "not_found"
    default_detail = "No such image of this product."


class UploadTooLarge(APIError):
    status_code = 413
    default_code = "request_too_large"
    default_detail = f"Photos are at most {MAX_BYTES // (1024 * 1024)} MB."


@dataclass(frozen=True)
class Photo:
    """An upload that passed: its original encoded again, ready to store."""

    data: bytes
    extension: str
    width: int
    height: int


def _file_name(file) -> str:
    name = (getattr(file, "name", "") or "upload").replace("\\", "/").rpartition("/")[2]
    return name[:100] or "upload"


def check_request_size(content_length: str | None) -> None:
    """Refuses a request body that can't hold a photo of at most MAX_BYTES (plus the form's
    other fields) before it is read."""
    if content_length and content_length.isdigit() and int(content_length) > MAX_BYTES + 65536:
        raise UploadTooLarge(max_bytes=MAX_BYTES)


def validate_upload(file) -> Photo:
    """The upload as a Photo, or PhotoRejected saying what is wrong with which file."""
    name = _file_name(file)
    if not file.size:
        raise PhotoRejected(name, "empty", "the file is empty.")
    if file.size > MAX_BYTES:
        megabytes = file.size / (1024 * 1024)
        raise PhotoRejected(
            name, "too_large", f"the file is {megabytes:.1f} MB; photos are at most 10 MB."
        )
    too_many_pixels = partial(
        PhotoRejected,
        name,
        "too_many_pixels",
        f"the image has more than {MAX_PIXELS // 1_000_000} megapixels; make it smaller.",
    )
    try:
        file.seek(0)
        with Image.open(file, formats=_OPENED) as probe:
            width, height = probe.size  # from the header: no pixel decoded yet
            if width * height > MAX_PIXELS:
                raise too_many_pixels()
            probe.verify()
        file.seek(0)
        with Image.open(file, formats=_OPENED) as image:  # verify() leaves an image unusable
            image.load()
            return _clean(image)
    except Image.DecompressionBombError as exc:  # past twice Pillow's own limit: at open
        raise too_many_pixels() from exc
    except UnidentifiedImageError as exc:
        kind = _format_of(file)
        problem = f"it is a {kind} image" if kind else "it is not an image"
        raise PhotoRejected(
            name, "unsupported_format", f"{problem}; photos are JPEG, PNG or WebP."
        ) from exc
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        raise PhotoRejected(
            name, "damaged", "the image is damaged or incomplete and can't be read."
        ) from exc


def _format_of(file) -> str | None:
    """The format of an image the shop doesn't take, to say so (its header only)."""
    try:
        file.seek(0)
        with Image.open(file) as other:
            return other.format
    except Exception:  # noqa: BLE001 - anything unreadable is simply "not an image"
        return None


def _clean(image: Image.Image) -> Photo:
    kind = "JPEG" if image.format == "MPO" else image.format
    icc_profile = image.info.get("icc_profile")
    upright = ImageOps.exif_transpose(image)
    # Nothing of the upload's metadata is written again, save a palette's transparent colour.
    upright.info = {k: v for k, v in upright.info.items() if k == "transparency"}
    if kind == "JPEG" and upright.mode not in ("RGB", "L"):
        upright, icc_profile = upright.convert("RGB"), None
    elif kind == "WEBP" and upright.mode not in ("RGB", "RGBA"):
        upright = upright.convert("RGBA" if _has_alpha(upright) else "RGB")
    elif kind == "PNG" and upright.mode not in ("1", "L", "LA", "P", "RGB", "RGBA"):
        upright, icc_profile = upright.convert("RGBA"), None
    out = io.BytesIO()
    options = {"quality": _QUALITY[kind]} if kind in _QUALITY else {}
    if icc_profile:
        options["icc_profile"] = icc_profile
    upright.save(out, format=kind, **options)
    return Photo(
        data=out.getvalue(),
        extension=_EXTENSIONS[kind],
        width=upright.width,
        height=upright.height,
    )


def _has_alpha(image: Image.Image) -> bool:
    return "A" in image.mode or "transparency" in image.info


def add_photo(
    *, product: Product, file, alt_text: str, position: int | None = None
) -> ProductImage:
    """Checks, cleans and stores an uploaded photo of ``product``; its renditions are made
    once it has committed. ``position`` None: after the product's other pictures."""
    return save_photo(
        product=product, photo=validate_upload(file), alt_text=alt_text, position=position
    )


def save_photo(
    *, product: Product, photo: Photo, alt_text: str, position: int | None = None
) -> ProductImage:
    """Stores a photo that validate_upload passed (the admin's form checks it first)."""
    alt_text = alt_text.strip()
    if not alt_text:
        raise ValidationError({"alt_text": "Describe the photo for shoppers who can't see it."})
    image = ProductImage(product=product, alt_text=alt_text, width=photo.width, height=photo.height)
    image.file.save(f"photo.{photo.extension}", ContentFile(photo.data), save=False)
    try:
        with transaction.atomic():
            if position is None:
                last = product.images.aggregate(last=Max("position"))["last"]
                position = 0 if last is None else last + 1
            image.position = position
            image.save()
            transaction.on_commit(partial(_make_renditions_later, image.pk), robust=True)
    except BaseException:
        image.file.storage.delete(image.file.name)
        raise
    return image


def _make_renditions_later(image_id: int) -> None:
    from catalog.tasks import make_photo_renditions

    make_photo_renditions.delay(image_id)


def make_renditions(image_id: int) -> dict[str, str] | None:
    """Makes the photo's renditions (RENDITION_WIDTHS, WebP) and records them; the save
    retires the cached pages and answers that showed the original. Safe to run again: what
    was made is kept. None when the photo is gone."""
    image = ProductImage.objects.filter(pk=image_id).first()
    if image is None or not image.file:
        return None
    if image.renditions and set(image.renditions) >= set(RENDITION_WIDTHS):
        return image.renditions
    storage = image.file.storage
    stem = image.file.name.rpartition(".")[0]
    made = {}
    with image.file.open("rb") as stored, Image.open(stored) as original:
        original.load()
        for size, width in RENDITION_WIDTHS.items():
            made[size] = _rendition(storage, f"{stem}-{size}.webp", original, width)
    image.renditions = made
    try:
        image.save(update_fields=["renditions"])
    except DatabaseError:
        if ProductImage.objects.filter(pk=image_id).exists():
            raise
        _delete_files(list(made.values()), storage=storage)  # the photo was deleted meanwhile
        return None
    log.info("photo_renditions_made", image_id=image_id, renditions=made)
    return made


def _rendition(storage, name: str, original: Image.Image, width: int) -> str:
    if storage.exists(name):  # made by an earlier run from the same original
        return name
    image = original.convert("RGBA" if _has_alpha(original) else "RGB")
    if image.width > width:  # never larger than the original
        height = max(1, round(image.height * width / image.width))
        image = image.resize((width, height), Image.Resampling.LANCZOS, reducing_gap=3.0)
    out = io.BytesIO()
    image.save(out, format="WEBP", quality=RENDITION_QUALITY, method=4)
    return storage.save(name, ContentFile(out.getvalue()))


def delete_photo(*, product_id: int, image_id: int) -> None:
    """Deletes one of the product's pictures; its files go once that has committed."""
    with transaction.atomic():
        # Locked, so a rendition task finishing now either is seen here or fails to record.
        image = (
            ProductImage.objects.select_for_update()
            .filter(pk=image_id, product_id=product_id)
            .first()
        )
        if image is None:
            raise PhotoNotFound()
        image.delete()


def forget_files(sender, instance: ProductImage, **kwargs) -> None:
    """post_delete receiver: a deleted photo's files go once the deletion has committed."""
    names = [instance.file.name, *(instance.renditions or {}).values()] if instance.file else []
    if names:
        transaction.on_commit(partial(_delete_files, names), robust=True)


def _delete_files(names: list[str], *, storage=default_storage) -> None:
    for name in names:
        storage.delete(name)
