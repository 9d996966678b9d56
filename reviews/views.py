"""The product page's review forms: write or edit your review, delete it, mark another's
helpful. Thin: reviews.services does the work; each answers with a redirect back to the
product's page and a message. The section itself is the ``product_reviews`` template tag."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from catalog.models import Product
from core.web import attempt
from reviews import queries, services
from reviews.forms import ReviewForm
from reviews.models import Review

WRITE_ANCHOR = "#write-review"


def draft_key(product_id: int) -> str:
    """Where a form that didn't pass waits in the session, to be shown again with its errors."""
    return f"reviews:draft:{product_id}"


def _product_page(product_id: int) -> str | None:
    slug = Product.objects.filter(pk=product_id).values_list("slug", flat=True).first()
    return reverse("catalog:product", args=[slug]) if slug else None


def _back(request, page: str, anchor: str) -> str:
    """The product page the form was on (``next``: with its reviews' sorting and page), else
    ``page``; at ``anchor``."""
    target = request.POST.get("next", "")
    if target.split("?")[0] != page or not url_has_allowed_host_and_scheme(
        target, {request.get_host()}, request.is_secure()
    ):
        target = page
    return target + anchor


@login_required
def write(request, product_id: int):
    """GET: the product page's form (the order page links here). POST: your review, new or
    edited."""
    page = _product_page(product_id)
    if page is None:
        return render(request, "404.html", status=404)
    if request.method != "POST":
        return redirect(page + WRITE_ANCHOR)
    form = ReviewForm(request.POST)
    done = False
    if form.is_valid():
        mine = queries.own_review(user=request.user, product_id=product_id)
        if mine is None:
            done = attempt(
                request,
                lambda: services.write_review(
                    user=request.user, product_id=product_id, **form.cleaned_data
                ),
                "Thank you! Your review is published.",
            )
        else:
            done = attempt(
                request,
                lambda: services.edit_review(
                    user=request.user,
                    product_id=product_id,
                    review_id=mine.pk,
                    **form.cleaned_data,
                ),
                "Your review is updated.",
            )
    else:
        messages.error(request, "Please check your review.")
    if not done:
        request.session[draft_key(product_id)] = {
            name: request.POST.get(name, "") for name in ReviewForm.base_fields
        }
        return redirect(_back(request, page, WRITE_ANCHOR))
    return redirect(_back(request, page, "#reviews"))


@login_required
@require_POST
def delete(request, product_id: int):
    page = _product_page(product_id)
    if page is None:
        return render(request, "404.html", status=404)
    mine = queries.own_review(user=request.user, product_id=product_id)
    if mine is None:
        messages.error(request, "You have no review of this product.")
    else:
        attempt(
            request,
            lambda: services.delete_review(
                user=request.user, product_id=product_id, review_id=mine.pk
            ),
            "Your review is deleted.",
        )
    return redirect(_back(request, page, "#reviews"))


@login_required
@require_POST
def helpful(request, review_id: int):
    product_id = Review.objects.filter(pk=review_id).values_list("product_id", flat=True).first()
    page = _product_page(product_id) if product_id else None
    if page is None:
        return render(request, "404.html", status=404)
    attempt(
        request,
        lambda: services.vote_helpful(user=request.user, review_id=review_id),
        "Thanks for your feedback.",
    )
    return redirect(_back(request, page, f"#review-{review_id}"))
