"""Low-stock alerts: one open alert per variant under the threshold, resolved by itself when
the variant is restocked; staff get an email about the new ones."""

from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone

from accounts.models import User
from catalog.models import LowStockAlert, ProductVariant


def check_low_stock(*, threshold: int | None = None) -> dict:
    threshold = settings.LOW_STOCK_THRESHOLD if threshold is None else threshold
    open_alerts = LowStockAlert.objects.filter(status=LowStockAlert.Status.OPEN)
    resolved = open_alerts.filter(variant__stock__gte=threshold).update(
        status=LowStockAlert.Status.RESOLVED, resolved_at=timezone.now()
    )
    low = (
        ProductVariant.objects.filter(stock__lt=threshold, product__is_active=True)
        .exclude(pk__in=open_alerts.values("variant_id"))
        .select_related("product")
        .order_by("stock", "sku")
    )
    new = LowStockAlert.objects.bulk_create(
        [LowStockAlert(variant=variant, quantity=variant.stock) for variant in low],
        ignore_conflicts=True,  # an alert opened meanwhile by another run stays the one
        batch_size=1000,
    )
    if new:
        _tell_staff(new, threshold)
    return {"opened": len(new), "resolved": resolved}


def _tell_staff(alerts: list[LowStockAlert], threshold: int) -> None:
    recipients = list(
        User.objects.filter(is_staff=True, is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
    )
    if not recipients:
        return
    shown = alerts[:50]
    lines = [f"- {a.variant.sku} {a.variant.product.name}: {a.quantity} left" for a in shown]
    if len(alerts) > len(shown):
        lines.append(f"...and {len(alerts) - len(shown)} more in the admin (Low stock alerts).")
    send_mail(
        subject=f"{len(alerts)} product variant(s) under {threshold} units",
        message="These need restocking:\n\n" + "\n".join(lines),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=recipients,
    )
