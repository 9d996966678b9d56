"""The REST API's URLs: the schema and its docs, then each app's api.py: its plain routes
(``urlpatterns``) and its viewsets on the one DRF router (``register(router)``)."""

import re

from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from django.urls import URLResolver, re_path
from django.urls.resolvers import RegexPattern
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)
from rest_framework import routers
from rest_framework.decorators import api_view, permission_classes, schema
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.reverse import reverse

from accounts import api as accounts_api
from cart import api as cart_api
from catalog import api as catalog_api
from loyalty import api as loyalty_api
from mail import api as mail_api
from orders import api as orders_api
from reports import api as reports_api
from reviews import api as reviews_api
from webhooks import api as webhooks_api
from wishlist import api as wishlist_api


class APIRootView(routers.APIRootView):
    """The browsable API's front page: every resource, plus the schema and its docs."""

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        for name in ("schema", "swagger-ui", "redoc"):
            response.data[name] = reverse(name, request=request)
        return response


class Router(routers.DefaultRouter):
    """Paths answer with and without a trailing slash. No format-suffix twins (products.json):
    the API speaks JSON (?format=api shows the browsable page), and the cached reads took the
    suffix for an error."""

    APIRootView = APIRootView
    include_format_suffixes = False

    def __init__(self):
        super().__init__()
        self.trailing_slash = "/?"


# The catalog first: its reads are the ones most asked for, and Django tries the patterns in order.
APP_APIS = (
    catalog_api,
    accounts_api,
    mail_api,
    cart_api,
    loyalty_api,
    orders_api,
    reviews_api,
    wishlist_api,
    reports_api,
    webhooks_api,
)

router = Router()
for app_api in APP_APIS:
    if hasattr(app_api, "register"):
        app_api.register(router)


FIRST_SEGMENT = re.compile(r"\^([\w-]+)")


def by_first_segment(patterns: list) -> list:
    """``patterns`` behind one check of the path's first segment (a lookahead, which reverse()
    ignores), those that begin with no plain segment (the router's root) as they are. Django
    tries patterns in order: without it a request for the orders' route tried some 50 others
    first, a fifth of a millisecond."""
    segments, others = set(), []
    for pattern in patterns:
        found = FIRST_SEGMENT.match(str(pattern.pattern))
        if found:
            segments.add(found.group(1))
        else:
            others.append(pattern)
    guarded = [p for p in patterns if p not in others]
    if not guarded:
        return others
    return [*others, URLResolver(FirstSegmentIn(sorted(segments)), guarded)]


class FirstSegmentIn(RegexPattern):
    """Matches, consuming nothing, a path whose first segment is one of ``segments``. Shown as
    "^" (str()), as the plain prefix it stands in for: the schema generators build the API's
    paths from each pattern's str()."""

    def __init__(self, segments: list[str]):
        super().__init__(rf"^(?=(?:{'|'.join(segments)})(?:[/.]|$))")

    def __str__(self) -> str:
        return "^"


ALL_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"]


@api_view(ALL_METHODS)
@permission_classes([AllowAny])
@schema(None)
def unknown_endpoint(request, rest=""):
    """Anything else under /api/ is a 404 in the envelope, in DEBUG too."""
    raise NotFound(f"No API endpoint at {request.path}.")


urlpatterns = [
    re_path(r"^schema/?$", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves Swagger UI's start-up script as a file: no inline script for the CSP.
    re_path(
        r"^docs/?$",
        SpectacularSwaggerSplitView.as_view(url_name="schema", template_name="api/swagger_ui.html"),
        name="swagger-ui",
    ),
    # ReDoc injects <style> elements and runs a worker from a blob: URL.
    re_path(
        r"^redoc/?$",
        csp_update({"style-src": [UNSAFE_INLINE], "worker-src": ["blob:"]})(
            SpectacularRedocView.as_view(url_name="schema")
        ),
        name="redoc",
    ),
    # The router's before the apps' own: no path matches both, and it holds the catalog's reads.
    *by_first_segment(router.urls),
    *(pattern for app_api in APP_APIS for pattern in by_first_segment(app_api.urlpatterns)),
    re_path(r"^(?P<rest>.+)$", unknown_endpoint),
]
