from django.conf import settings
from django.urls import path

from catalog import views

app_name = "catalog"

urlpatterns = [
    path("", views.home, name="home"),
    path("c/<slug:slug>/", views.category, name="category"),
    path("search/", views.search_page, name="search"),
    path("p/<slug:slug>/", views.product_detail, name="product"),
    path("images/products/<slug:slug>/<int:number>.svg", views.product_image, name="product-image"),
]
if "//" not in settings.MEDIA_URL:  # uploaded files, when MEDIA_URL is a path of this site
    urlpatterns.append(
        path(f"{settings.MEDIA_URL.strip('/')}/<path:name>", views.media_file, name="media")
    )
