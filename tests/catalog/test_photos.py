"""Product photos: uploaded by staff (API and admin), checked for what they really are, stored
without EXIF, made into WebP renditions after commit and shown at once in cached pages and
answers; served with long-lived cache headers; in a bucket when one is configured."""

import io
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from PIL import Image

from cart import services as cart_services
from catalog import photos
from catalog.models import RENDITION_WIDTHS, ProductImage
from tests.catalog import builders
from tests.catalog.photo_files import (
    GPS_IFD,
    MAKE,
    ORIENTATION,
    encoded,
    jpeg_with_exif,
    picture,
    png_of_pixels,
    truncated_jpeg,
    upload,
)
from tests.conftest import bearer_client

pytestmark = pytest.mark.django_db

DRAWN = "/images/products/{slug}/1.svg"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def staff_api(staff_user):
    return bearer_client(staff_user)


@pytest.fixture
def runner(db):
    """A product with a drawn picture, as the demo makes them."""
    made = builders.product("Trail Runner", brand_name="Salomon", category_name="Shoes")
    ProductImage.objects.create(
        product=made, url=DRAWN.format(slug=made.slug), alt_text=made.name, position=1
    )
    return made


def post_photo(api, product_id, name, data, alt_text="A red and blue shoe", **fields):
    return api.post(
        f"/api/staff/products/{product_id}/images",
        {"image": upload(name, data), "alt_text": alt_text, **fields},
        format="multipart",
    )


def add_photo(api, product, capture, name="shoe.jpg", data=None, **fields):
    """Uploads a photo and lets its commit run (the rendition task, the cache versions)."""
    with capture(execute=True):
        response = post_photo(api, product.pk, name, data or jpeg_with_exif(), **fields)
    assert response.status_code == 201, response.content
    return ProductImage.objects.get(pk=response.json()["id"])


def stored(media, name) -> Image.Image:
    return Image.open(media / name)


def files_in(media) -> list[str]:
    return sorted(str(p.relative_to(media)) for p in media.rglob("*") if p.is_file())


def test_an_upload_is_stored_upright_without_exif_and_made_into_renditions(
    staff_api, runner, media, django_capture_on_commit_callbacks
):
    sent = Image.open(io.BytesIO(jpeg_with_exif()))
    assert sent.getexif()[MAKE] == "PhoneCo" and sent.getexif().get_ifd(GPS_IFD)  # it had them

    with django_capture_on_commit_callbacks(execute=True):
        response = post_photo(staff_api, runner.pk, "IMG_0042.jpg", jpeg_with_exif())

    assert response.status_code == 201, response.content
    body = response.json()
    image = ProductImage.objects.get(pk=body["id"])
    assert body["url"] == f"/media/{image.file.name}"
    assert re.fullmatch(rf"products/{runner.pk}/[0-9a-f]{{32}}\.jpg", image.file.name)
    assert (body["alt_text"], body["position"]) == ("A red and blue shoe", 2)  # after the drawing
    # Built before the commit: the renditions are made once it has committed.
    assert body["renditions"] == {"thumbnail": None, "card": None, "full": None}

    original = stored(media, image.file.name)
    assert original.format == "JPEG"
    assert original.size == (1000, 1600) == (image.width, image.height)  # turned upright
    assert not original.getexif() and "exif" not in original.info
    assert original.getpixel((900, 50))[0] > 200  # the red corner, now at the top right

    assert set(image.renditions) == set(RENDITION_WIDTHS)
    for size, width in {"thumbnail": 160, "card": 400, "full": 1000}.items():  # never upscaled
        rendition = stored(media, image.renditions[size])
        assert rendition.format == "WEBP"
        assert rendition.size == (width, width * 16 // 10), size
        assert not rendition.getexif()
    assert image.card_url == f"/media/{image.renditions['card']}"
    assert image.srcset == ", ".join(
        f"/media/{image.renditions[size]} {width}w"
        for size, width in (("thumbnail", 160), ("card", 400), ("full", 1000))
    )


def test_the_catalog_shows_card_size_photos_in_order_else_the_drawn_picture(
    staff_api, runner, django_capture_on_commit_callbacks
):
    drawn = DRAWN.format(slug=runner.slug)
    assert staff_api.get(f"/api/products/{runner.pk}").json()["images"] == [drawn]

    second = add_photo(
        staff_api,
        runner,
        django_capture_on_commit_callbacks,
        name="side.png",
        data=encoded(see_through(picture((600, 600), "RGBA")), "PNG"),
    )
    first = add_photo(staff_api, runner, django_capture_on_commit_callbacks, position=0)

    images = staff_api.get(f"/api/products/{runner.pk}").json()["images"]
    assert images == [first.card_url, second.card_url]  # photos take over from the drawing
    assert all(url.endswith("-card.webp") for url in images)
    assert stored_mode(second) == "RGBA"  # a transparent PNG stays transparent
    listed = staff_api.get("/api/products").json()["results"][0]["images"]
    assert listed == images


def see_through(image: Image.Image) -> Image.Image:
    image.putalpha(128)
    return image


def stored_mode(image) -> str:
    return Image.open(image.file.storage.path(image.renditions["card"])).mode


def test_cached_pages_and_answers_show_a_new_photo_at_once(
    staff_api, runner, django_capture_on_commit_callbacks
):
    visitor = Client()
    reads = [f"/api/products/{runner.pk}", "/api/products", f"/p/{runner.slug}/", "/c/shoes/"]
    before = {url: visitor.get(url).content.decode() for url in reads}
    assert all(DRAWN.format(slug=runner.slug) in page for page in before.values())

    image = add_photo(staff_api, runner, django_capture_on_commit_callbacks)

    for url in reads:
        shown = visitor.get(url).content.decode()
        assert image.card_url in shown, url
    product_page = visitor.get(f"/p/{runner.slug}/").content.decode()
    assert f'src="{image.full_url}"' in product_page and f'srcset="{image.srcset}"' in product_page
    assert 'width="1000" height="1600"' in product_page
    card = visitor.get("/c/shoes/").content.decode()
    assert f'src="{image.card_url}" srcset="{image.srcset}"' in card
    assert 'alt="A red and blue shoe"' in card


def test_the_rendition_task_retires_what_showed_the_original(
    staff_api, runner, django_capture_on_commit_callbacks
):
    # Uploaded with no task run: the pages show the original until the renditions are made.
    response = post_photo(staff_api, runner.pk, "shoe.jpg", jpeg_with_exif())
    image = ProductImage.objects.get(pk=response.json()["id"])
    visitor = Client()
    assert image.original_url in visitor.get(f"/p/{runner.slug}/").content.decode()
    assert Client().get(f"/api/products/{runner.pk}").json()["images"] == [image.original_url]

    with django_capture_on_commit_callbacks(execute=True):
        photos.make_renditions(image.pk)

    image.refresh_from_db()
    assert image.card_url.endswith("-card.webp")
    assert image.card_url in visitor.get(f"/p/{runner.slug}/").content.decode()
    assert Client().get(f"/api/products/{runner.pk}").json()["images"] == [image.card_url]


def test_making_renditions_again_keeps_what_was_made(
    staff_api, runner, media, django_capture_on_commit_callbacks
):
    image = add_photo(staff_api, runner, django_capture_on_commit_callbacks)
    files = files_in(media)
    ProductImage.objects.filter(pk=image.pk).update(renditions=None)  # as if the save was lost
    assert photos.make_renditions(image.pk) == image.renditions
    assert files_in(media) == files


def test_deleting_a_photo_removes_its_files(
    staff_api, runner, media, django_capture_on_commit_callbacks
):
    image = add_photo(staff_api, runner, django_capture_on_commit_callbacks)
    assert len(files_in(media)) == 4  # the original and three renditions
    url = f"/api/staff/products/{runner.pk}/images/{image.pk}"

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_api.delete(url)

    assert response.status_code == 204
    assert files_in(media) == []
    assert Client().get(f"/api/products/{runner.pk}").json()["images"] == [
        DRAWN.format(slug=runner.slug)
    ]
    again = staff_api.delete(url)
    assert again.status_code == 404 and again.json()["error"]["code"] == "not_found"


def test_a_photo_is_deleted_only_through_its_own_product(
    staff_api, runner, django_capture_on_commit_callbacks
):
    image = add_photo(staff_api, runner, django_capture_on_commit_callbacks)
    other = builders.product("Other Shoe")
    response = staff_api.delete(f"/api/staff/products/{other.pk}/images/{image.pk}")
    assert response.status_code == 404
    assert ProductImage.objects.filter(pk=image.pk).exists()


def test_only_staff_manage_photos(api, user_api, runner, media):
    for client, status in ((api, 401), (user_api, 403)):
        response = post_photo(client, runner.pk, "shoe.jpg", jpeg_with_exif())
        assert response.status_code == status
        assert response.json()["error"]["code"] in ("not_authenticated", "permission_denied")
        drawn = runner.images.get()
        assert client.delete(f"/api/staff/products/{runner.pk}/images/{drawn.pk}").status_code == (
            status
        )
    assert runner.images.count() == 1 and files_in(media) == []


def test_a_missing_product_is_a_404(staff_api, media):
    response = post_photo(staff_api, 999999, "shoe.jpg", jpeg_with_exif())
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    assert files_in(media) == []


def gif() -> bytes:
    return encoded(picture((40, 40)).convert("P"), "GIF")


BAD_UPLOADS = [
    (
        "notes.jpg",
        lambda: b"Meeting notes: order more shoes.\n" * 40,
        "unsupported_format",
        "it is not an image",
    ),
    ("huge.png", lambda: png_of_pixels(8000, 6250), "too_many_pixels", "more than 40 megapixels"),
    ("cut.jpg", truncated_jpeg, "damaged", "damaged or incomplete"),
    ("anim.gif", gif, "unsupported_format", "it is a GIF image"),
    ("big.jpg", lambda: b"\xff\xd8\xff" + bytes(10 * 1024 * 1024), "too_large", "at most 10 MB"),
    ("empty.jpg", lambda: b"", "empty", "the file is empty"),
]


@pytest.mark.parametrize(
    "name, make, problem, says", BAD_UPLOADS, ids=[name for name, *_ in BAD_UPLOADS]
)
def test_a_bad_upload_is_a_400_naming_the_file_and_nothing_is_saved(
    staff_api, runner, media, name, make, problem, says, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = post_photo(staff_api, runner.pk, name, make())
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["code"] == "invalid_image"
    assert error["message"].startswith(f"{name}: ") and says in error["message"]
    assert (error["details"]["file"], error["details"]["problem"]) == (name, problem)
    assert runner.images.count() == 1 and files_in(media) == []


def test_a_body_too_large_for_any_photo_is_refused_before_it_is_read(staff_api, runner, media):
    response = post_photo(staff_api, runner.pk, "huge.jpg", bytes(11 * 1024 * 1024))
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "request_too_large"
    assert files_in(media) == []


def test_alt_text_is_required(staff_api, runner, media):
    for alt_text in ("", "   "):
        response = post_photo(staff_api, runner.pk, "shoe.jpg", jpeg_with_exif(), alt_text)
        assert response.status_code == 400
        assert "alt_text" in response.json()["error"]["details"]
    assert runner.images.count() == 1 and files_in(media) == []


def test_media_are_served_for_good_and_only_from_media_root(
    staff_api, runner, media, django_capture_on_commit_callbacks, settings
):
    image = add_photo(staff_api, runner, django_capture_on_commit_callbacks)
    response = Client().get(image.card_url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/webp"
    assert response["Cache-Control"] == "public, max-age=31536000, immutable"
    assert b"".join(response.streaming_content).startswith(b"RIFF")

    (media.parent / "secret.txt").write_text("not for visitors")
    for path in (
        "/media/../secret.txt",
        "/media/%2e%2e/secret.txt",
        "/media/products/../../secret.txt",
        f"/media/{media.parent / 'secret.txt'}",
        "/media/products/",
        "/media/products/nothing.webp",
    ):
        assert Client().get(path).status_code == 404, path


def test_a_cart_line_shows_the_card_size_photo_in_the_same_query(
    user, user_api, client, runner, staff_api, django_capture_on_commit_callbacks
):
    cart = cart_services.cart_for(user=user)
    cart_services.add_item(cart=cart, product_id=runner.pk, quantity=1)
    assert user_api.get("/api/cart").json()["items"][0]["product_image"] == DRAWN.format(
        slug=runner.slug
    )
    image = add_photo(staff_api, runner, django_capture_on_commit_callbacks)

    with CaptureQueriesContext(connection) as queries:
        line = user_api.get("/api/cart").json()["items"][0]
    assert line["product_image"] == image.card_url
    assert len(queries) == 2  # the cart with its points; the lines with products and pictures
    client.force_login(user)
    assert f'src="{image.card_url}"' in client.get("/cart/").content.decode()


def test_listings_read_no_more_with_photos(staff_api, runner, django_capture_on_commit_callbacks):
    def count(url) -> int:
        from django.core.cache import cache

        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            assert Client().get(url).status_code == 200
        return len(queries)

    reads = ["/api/products", f"/api/products/{runner.pk}", "/c/shoes/", f"/p/{runner.slug}/"]
    [count(url) for url in reads]  # the process learns the product page's slug once
    without = [count(url) for url in reads]
    add_photo(staff_api, runner, django_capture_on_commit_callbacks)
    add_photo(staff_api, runner, django_capture_on_commit_callbacks)
    assert [count(url) for url in reads] == without


@pytest.fixture
def staff_client(client, django_user_model):
    client.force_login(
        django_user_model.objects.create_superuser("boss", "boss@example.com", "boss-pass-2026")
    )
    return client


def change_form(product, **image_row) -> dict:
    """The admin's change form of ``product`` as sent, with one new picture row."""
    variant = product.variants.get()
    return {
        "name": product.name,
        "slug": product.slug,
        "description": product.description,
        "category": product.category_id,
        "brand": product.brand_id,
        "price": str(product.price),
        "is_active": "on",
        "variants-TOTAL_FORMS": "1",
        "variants-INITIAL_FORMS": "1",
        "variants-MIN_NUM_FORMS": "0",
        "variants-MAX_NUM_FORMS": "1000",
        "variants-0-id": variant.pk,
        "variants-0-product": product.pk,
        "variants-0-sku": variant.sku,
        "variants-0-color": variant.color,
        "variants-0-size": variant.size,
        "variants-0-price_override": "",
        "variants-0-position": variant.position,
        "images-TOTAL_FORMS": "1",
        "images-INITIAL_FORMS": "0",
        "images-MIN_NUM_FORMS": "0",
        "images-MAX_NUM_FORMS": "1000",
        "images-0-product": product.pk,
        "images-0-url": "",
        "images-0-position": "0",
        **{f"images-0-{field}": value for field, value in image_row.items()},
        "_save": "Save",
    }


def test_staff_upload_photos_in_the_admin(staff_client, media, django_capture_on_commit_callbacks):
    shoe = builders.product("Court Shoe", category_name="Shoes")
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            f"/admin/catalog/product/{shoe.pk}/change/",
            change_form(
                shoe, file=upload("court.jpg", jpeg_with_exif()), alt_text="The court shoe"
            ),
        )
    assert response.status_code == 302, response.content.decode()[-3000:]
    image = shoe.images.get()
    assert (image.alt_text, image.width, image.height) == ("The court shoe", 1000, 1600)
    assert ORIENTATION not in stored(media, image.file.name).getexif()
    assert set(image.renditions) == set(RENDITION_WIDTHS)
    page = staff_client.get(f"/admin/catalog/product/{shoe.pk}/change/").content.decode()
    assert f'src="{image.thumbnail_url}"' in page  # its preview


@pytest.mark.parametrize(
    "row, says",
    [
        ({"alt_text": ""}, "Describe the photo"),
        ({"alt_text": "Notes", "data": b"just text"}, "notes.jpg: it is not an image"),
    ],
    ids=["no alt text", "not an image"],
)
def test_the_admin_refuses_a_bad_upload_on_the_form(staff_client, media, row, says):
    shoe = builders.product("Court Shoe", category_name="Shoes")
    data = row.pop("data", None) or jpeg_with_exif()
    response = staff_client.post(
        f"/admin/catalog/product/{shoe.pk}/change/",
        change_form(shoe, file=upload("notes.jpg", data), **row),
    )
    assert response.status_code == 200
    assert says in response.content.decode()
    assert not shoe.images.exists() and files_in(media) == []
