"""The site's URLs: health, the API, the admin and each app's pages."""

from django.contrib import admin
from django.urls import include, path, re_path

from core.health import health
from core.metrics import metrics

urlpatterns = [
    re_path(r"^health/?$", health, name="health"),
    re_path(r"^metrics/?$", metrics, name="metrics"),
    path("api/", include("config.api")),
    path("", include("reports.urls")),  # /admin/dashboard/, before the admin's own URLs
    path("admin/", admin.site.urls),
    path("", include("accounts.urls")),
    path("", include("cart.urls")),
    path("", include("loyalty.urls")),
    path("", include("orders.urls")),
    path("", include("reviews.urls")),
    path("", include("wishlist.urls")),
    path("", include("catalog.urls")),
]

handler400 = "core.errors.bad_request"
handler403 = "core.errors.permission_denied"
handler404 = "core.errors.page_not_found"
handler500 = "core.errors.server_error"
