from django.contrib import admin

from cart.models import Cart, CartItem
from core.admin import ReadOnlyInline


class CartItemInline(ReadOnlyInline):
    model = CartItem
    fields = ("variant", "quantity", "added_at")
    readonly_fields = fields


@admin.register(Cart)
class CartAdmin(admin.ModelAdmin):
    """Read-only: support can see what a customer has in their cart."""

    list_display = ("id", "user", "coupon", "points_to_redeem", "updated_at")
    search_fields = ("user__email", "user__username")
    list_select_related = ("user", "coupon")
    readonly_fields = (
        "user",
        "session_key",
        "coupon",
        "points_to_redeem",
        "created_at",
        "updated_at",
    )
    inlines = [CartItemInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
