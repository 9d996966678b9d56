from django import forms
from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from accounts import services
from accounts.models import Address, PaymentMethod, User
from core.ratelimit import client_ip


class RateLimitedAdminAuthenticationForm(AdminAuthenticationForm):
    """The admin's sign-in counts against the same limits as the shop's."""

    def clean(self):
        try:
            services.count_signin_attempt(
                login=self.data.get("username", ""), client_ip=client_ip(self.request)
            )
        except services.TooManySigninAttempts as exc:
            raise forms.ValidationError(str(exc.detail), code="too_many_attempts") from exc
        return super().clean()


admin.site.login_form = RateLimitedAdminAuthenticationForm


class AddressInline(admin.TabularInline):
    model = Address
    extra = 0
    fields = ("street", "city", "state", "zip_code", "country", "is_default")
    readonly_fields = ("is_default",)  # one default per user: changed through the account page


class PaymentMethodInline(admin.TabularInline):
    """Shown masked; changed only by the customer (through accounts.services)."""

    model = PaymentMethod
    extra = 0
    fields = ("label", "type", "exp_month", "exp_year", "is_default", "created_at")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ("username", "email", "full_name", "is_staff", "is_active", "date_joined")
    list_filter = ("is_staff", "is_superuser", "is_active")
    search_fields = ("username", "email", "full_name", "phone")
    ordering = ("-date_joined",)
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        ("Shop profile", {"fields": ("full_name", "phone")}),
    )
    inlines = [AddressInline, PaymentMethodInline]
