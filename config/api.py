"""The REST API's URLs: the schema and its docs, then each app's api.py: its plain routes
(``urlpatterns``) and its viewsets on the one DRF router (``register(router)``)."""

from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from django.urls import include, re_path
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
    """Paths answer with and without a trailing slash."""

    APIRootView = APIRootView

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
    *router.urls,
    *(re_path(r"^", include(app_api.urlpatterns)) for app_api in APP_APIS),
    re_path(r"^(?P<rest>.+)$", unknown_endpoint),
]
