"""The front doors: storefront, API root, schema, offline Swagger UI, admin, ASGI app."""

import re

import pytest
from asgiref.sync import async_to_sync
from channels.testing import HttpCommunicator

pytestmark = pytest.mark.django_db


def test_storefront_home_renders(client):
    response = client.get("/")
    assert response.status_code == 200
    assert b"Gear up for your next run" in response.content
    css = re.search(rb'href="(/static/css/site\.css)"', response.content)
    assert css and client.get(css.group(1).decode()).status_code == 200


def test_browsable_api_root(client):
    assert client.get("/api/", HTTP_ACCEPT="text/html").status_code == 200
    links = client.get("/api/").json()
    assert links["schema"].endswith("/api/schema") and links["swagger-ui"].endswith("/api/docs")


def test_openapi_schema(client):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert schema["info"]["title"] == "Shop API"


def test_swagger_ui_needs_no_internet(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui" in html
    assert not re.search(r"""(src|href)=["']https?://""", html), (
        "docs load assets from the internet"
    )
    bundle = re.search(r'src="(/static/drf_spectacular_sidecar/[^"]+\.js)"', html).group(1)
    assert client.get(bundle).status_code == 200


def test_admin_asks_staff_to_sign_in(client):
    response = client.get("/admin/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert client.get("/admin/login/").status_code == 200


def test_staff_user_reaches_the_admin(client, django_user_model):
    staff = django_user_model.objects.create_superuser("boss", "boss@example.com", "pw-boss-12345")
    client.force_login(staff)
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/accounts/user/").status_code == 200


@pytest.mark.django_db(transaction=True)
def test_the_asgi_application_serves_http():
    from config.asgi import application

    communicator = HttpCommunicator(
        application, "GET", "/health", headers=[(b"host", b"testserver")]
    )
    response = async_to_sync(communicator.get_response)()
    assert response["status"] == 200
    assert b'"database": "ok"' in response["body"]
    assert any(name.lower() == b"x-request-id" for name, _ in response["headers"])
