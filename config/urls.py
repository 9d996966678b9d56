from django.contrib import admin
from django.urls import include, path, re_path

from config.health import health

admin.site.site_header = "Shop administration"
admin.site.site_title = "Shop admin"
admin.site.index_title = "Catalog, stock, orders and customers"

urlpatterns = [
    re_path(r"^health/?$", health, name="health"),
    path("api/", include("config.api")),
    path("admin/", admin.site.urls),
    path("", include("accounts.urls")),
    path("", include("cart.urls")),
    path("", include("loyalty.urls")),
    path("", include("orders.urls")),
    path("", include("catalog.urls")),
]

handler400 = "config.errors.bad_request"
handler403 = "config.errors.permission_denied"
handler404 = "config.errors.page_not_found"
handler500 = "config.errors.server_error"
