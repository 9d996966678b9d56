"""The wishlist's mail: back in stock, sent unless the user turned that kind of mail off. Each is
about one "notify me" request, so a request is mailed once however often stock moves."""

from django.urls import reverse

from accounts.emails import site_link
from catalog.models import ProductVariant
from mail.events import mail_event

BACK_IN_STOCK = "back_in_stock"


@mail_event(
    BACK_IN_STOCK,
    template="wishlist/mail/back_in_stock",
    subject="{name} is back in stock",
    category="back_in_stock",
)
def back_in_stock(email) -> dict:
    # Drawn from the catalog as it is when the mail is sent: its price then, not when asked.
    variant = (
        ProductVariant.objects.select_related("product")
        .filter(pk=email.data.get("variant_id"))
        .first()
    )
    return {
        "name": email.data["name"],
        "variant": variant,
        "price": variant.price if variant else None,
        "product_url": site_link(email.data["url"]),
        "saved_url": site_link(reverse("wishlist:saved")),
        "preferences_url": site_link(reverse("accounts:account") + "#mail"),
    }
