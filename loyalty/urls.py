from django.urls import path

from loyalty import views

app_name = "loyalty"

urlpatterns = [
    path("account/loyalty/", views.loyalty_page, name="loyalty"),
]
