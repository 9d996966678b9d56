from django.urls import path

from reviews import views

app_name = "reviews"

urlpatterns = [
    path("products/<int:product_id>/review/", views.write, name="write"),
    path("products/<int:product_id>/review/delete/", views.delete, name="delete"),
    path("reviews/<int:review_id>/helpful/", views.helpful, name="helpful"),
]
