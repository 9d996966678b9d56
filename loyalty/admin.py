"""Staff admin for loyalty: coupons with their usage; accounts with a read-only ledger.
Points change only through loyalty.services (the adjust action), never by editing a row."""

from django import forms
from django.contrib import admin, messages
from django.shortcuts import redirect, render
from django.urls import path, reverse

from core.admin import ReadOnlyInline
from loyalty import services
from loyalty.models import Coupon, CouponRedemption, LoyaltyAccount, PointsEntry


class RedemptionInline(ReadOnlyInline):
    model = CouponRedemption
    fields = ("user", "order_id", "created_at")
    readonly_fields = fields


@admin.register(Coupon)
class CouponAdmin(admin.ModelAdmin):
    list_display = (
        "code",
        "description",
        "discount_type",
        "discount_value",
        "min_tier",
        "valid_until",
        "is_active",
        "usage",
    )
    list_filter = ("is_active", "discount_type", "min_tier")
    search_fields = ("code", "description")
    readonly_fields = ("times_used", "created_at")
    inlines = [RedemptionInline]

    @admin.display(description="used")
    def usage(self, coupon):
        return (
            f"{coupon.times_used} / {coupon.usage_limit}"
            if coupon.usage_limit
            else str(coupon.times_used)
        )


class PointsEntryInline(ReadOnlyInline):
    model = PointsEntry
    fields = ("created_at", "kind", "points", "balance_after", "order_id", "reason", "created_by")
    readonly_fields = fields
    ordering = ("-created_at", "-id")


class AdjustForm(forms.Form):
    points = forms.IntegerField(help_text="Negative takes points away.")
    reason = forms.CharField(max_length=200)


@admin.register(LoyaltyAccount)
class LoyaltyAccountAdmin(admin.ModelAdmin):
    list_display = ("user", "tier", "points", "lifetime_points", "updated_at")
    search_fields = ("user__email", "user__username")
    list_select_related = ("user",)
    readonly_fields = ("user", "points", "lifetime_points", "tier")
    inlines = [PointsEntryInline]

    def has_add_permission(self, request):
        return False

    def get_urls(self):
        adjust = self.admin_site.admin_view(self.adjust_view)
        return [
            path("<int:pk>/adjust/", adjust, name="loyalty_loyaltyaccount_adjust"),
            *super().get_urls(),
        ]

    def adjust_view(self, request, pk: int):
        account = self.get_object(request, pk)
        form = AdjustForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                services.adjust_points(user=account.user, staff=request.user, **form.cleaned_data)
            except services.InsufficientPoints as exc:
                form.add_error("points", str(exc.detail))
            else:
                messages.success(request, "Points adjusted.")
                return redirect(reverse("admin:loyalty_loyaltyaccount_change", args=[pk]))
        context = {
            **self.admin_site.each_context(request),
            "form": form,
            "account": account,
            "title": f"Adjust points of {account.user}",
        }
        return render(request, "admin/loyalty/adjust.html", context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra = {"adjust_url": reverse("admin:loyalty_loyaltyaccount_adjust", args=[object_id])}
        return super().change_view(request, object_id, form_url, {**(extra_context or {}), **extra})
