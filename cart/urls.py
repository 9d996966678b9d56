from django.urls import path

from cart import views

app_name = "cart"

urlpatterns = [
    path("cart/", views.cart_page, name="cart"),
    path("cart/add/", views.add, name="add"),
    path("cart/items/<int:item_id>/", views.update, name="update"),
    path("cart/items/<int:item_id>/remove/", views.remove, name="remove"),
    path("cart/coupon/", views.coupon, name="coupon"),
    path("cart/points/", views.points, name="points"),
]
