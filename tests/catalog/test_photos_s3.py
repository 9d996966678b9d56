"""Product photos in an S3-compatible bucket (STORAGES from AWS_STORAGE_BUCKET_NAME): a local
S3 server (moto) stands in for the bucket."""

import io
import json
import socket

import boto3
import pytest
from django.test import Client
from moto.server import ThreadedMotoServer
from PIL import Image

from catalog.models import ProductImage
from tests.catalog import builders
from tests.catalog.photo_files import jpeg_with_exif, upload
from tests.conftest import bearer_client
from tests.helpers import run_django

pytestmark = pytest.mark.django_db

BUCKET = "shop-photos"
CACHED_FOR_GOOD = "public, max-age=31536000, immutable"


@pytest.fixture(scope="module")
def s3_endpoint():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def bucket(s3_endpoint, settings, monkeypatch):
    """The site's default storage is the bucket, configured as config/settings.py does."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test-key")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test-secret")
    client = boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1")
    client.create_bucket(Bucket=BUCKET)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": BUCKET,
                "endpoint_url": s3_endpoint,
                "region_name": "us-east-1",
                "addressing_style": "path",
                "querystring_auth": False,
                "object_parameters": {"CacheControl": CACHED_FOR_GOOD},
            },
        },
    }
    yield client
    for found in client.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        client.delete_object(Bucket=BUCKET, Key=found["Key"])
    client.delete_bucket(Bucket=BUCKET)


def keys(client) -> list[str]:
    return sorted(
        found["Key"] for found in client.list_objects_v2(Bucket=BUCKET).get("Contents", [])
    )


def test_photos_go_to_the_bucket_and_are_shown_from_there(
    bucket, s3_endpoint, staff_user, django_capture_on_commit_callbacks
):
    shoe = builders.product("Trail Runner", category_name="Shoes")
    staff_api = bearer_client(staff_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_api.post(
            f"/api/staff/products/{shoe.pk}/images",
            {"image": upload("IMG_0042.jpg", jpeg_with_exif()), "alt_text": "The trail runner"},
            format="multipart",
        )
    assert response.status_code == 201, response.content
    image = ProductImage.objects.get(pk=response.json()["id"])
    stem = image.file.name.rpartition(".")[0]
    assert keys(bucket) == sorted(
        [image.file.name, *(f"{stem}-{size}.webp" for size in ("thumbnail", "card", "full"))]
    )
    in_bucket = f"{s3_endpoint}/{BUCKET}/"
    assert response.json()["url"] == in_bucket + image.file.name

    card = Client().get(f"/api/products/{shoe.pk}").json()["images"][0]
    assert card == f"{in_bucket}{stem}-card.webp"
    stored = bucket.get_object(Bucket=BUCKET, Key=f"{stem}-card.webp")
    assert (stored["CacheControl"], stored["ContentType"]) == (CACHED_FOR_GOOD, "image/webp")
    assert Image.open(io.BytesIO(stored["Body"].read())).size == (400, 640)
    original = bucket.get_object(Bucket=BUCKET, Key=image.file.name)["Body"].read()
    assert not Image.open(io.BytesIO(original)).getexif()
    assert f'srcset="{image.srcset}"' in Client().get(f"/p/{shoe.slug}/").content.decode()
    assert in_bucket in image.srcset
    # The bucket serves its files: the site's media view doesn't.
    assert Client().get(f"/media/{image.file.name}").status_code == 404

    with django_capture_on_commit_callbacks(execute=True):
        deleted = staff_api.delete(f"/api/staff/products/{shoe.pk}/images/{image.pk}")
    assert deleted.status_code == 204 and keys(bucket) == []


def test_a_bucket_is_configured_from_the_environment():
    shown = run_django(
        "import json, django; django.setup(); from django.conf import settings as s;"
        "from django.core.files.storage import default_storage as d;"
        "print(json.dumps([d.__class__.__name__, d.bucket_name, d.endpoint_url, d.custom_domain,"
        " d.querystring_auth, d.object_parameters, s.CONTENT_SECURITY_POLICY['DIRECTIVES']"
        "['img-src'], d.url('products/1/a-card.webp')]))",
        DEBUG="1",
        AWS_STORAGE_BUCKET_NAME="shop-media",
        AWS_S3_ENDPOINT_URL="https://s3.example.net",
        AWS_S3_CUSTOM_DOMAIN="media.example.com",
    )
    assert shown.returncode == 0, shown.stderr
    assert json.loads(shown.stdout.splitlines()[-1]) == [
        "S3Storage",
        "shop-media",
        "https://s3.example.net",
        "media.example.com",
        False,
        {"CacheControl": CACHED_FOR_GOOD},
        ["'self'", "data:", "media.example.com"],
        "https://media.example.com/products/1/a-card.webp",
    ]
