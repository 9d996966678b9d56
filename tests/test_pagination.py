"""Every paged list answers an offset past its end, even one beyond what the database's
integers hold, with an empty page: never a 500."""

import pytest

from tests.conftest import bearer_client

pytestmark = pytest.mark.django_db

BEYOND_ANY_INTEGER = str(2**90)


@pytest.mark.parametrize(
    "path",
    [
        "/api/orders",
        "/api/products",
        "/api/staff/reviews",
        "/api/staff/webhooks/{endpoint}/deliveries",
    ],
)
def test_an_offset_past_the_end_is_an_empty_page(path, staff_user, settings):
    settings.WEBHOOKS_ALLOW_PRIVATE = True
    client = bearer_client(staff_user)
    if "{endpoint}" in path:
        made = client.post(
            "/api/staff/webhooks",
            {"url": "http://127.0.0.1:9/hook", "events": ["order.paid"]},
            format="json",
        )
        assert made.status_code == 201, made.content
        path = path.format(endpoint=made.json()["id"])
    response = client.get(path, {"offset": BEYOND_ANY_INTEGER, "limit": 5})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["results"] == []
    assert body["offset"] == int(BEYOND_ANY_INTEGER)
