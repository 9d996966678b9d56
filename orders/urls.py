from django.urls import path

from orders import views

app_name = "orders"

urlpatterns = [
    path("checkout/", views.checkout, name="checkout"),
    path("account/orders/", views.history, name="history"),
    path("orders/<int:order_id>/", views.detail, name="detail"),
    path("orders/<int:order_id>/cancel/", views.cancel, name="cancel"),
    path("orders/<int:order_id>/return/", views.request_return, name="return"),
]
