from django.urls import path

from wishlist import views

app_name = "wishlist"

urlpatterns = [
    path("account/saved/", views.saved, name="saved"),
    path("account/saved/add/", views.add, name="add"),
    path("account/saved/<int:item_id>/remove/", views.remove, name="remove"),
    path("account/notify-me/", views.notify_me, name="notify-me"),
]
