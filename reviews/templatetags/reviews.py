"""The product page's reviews section: ``{% load reviews %}{% product_reviews product %}``.

It shows the product's average and count, the 1-5 distribution, a page of its published reviews
(sorted and paged by the page's ``reviews`` and ``reviews_page`` parameters), and the form for
a shopper who bought it. Visitors get the product page from the cache: for them the section
depends on nothing but the product and the page's parameters.
"""

from django import template

from reviews import queries
from reviews.forms import ReviewForm
from reviews.views import draft_key

register = template.Library()

PER_PAGE = 10
SORTS = [
    ("-created_at", "Newest"),
    ("-helpful", "Most helpful"),
    ("-rating", "Highest rated"),
    ("rating", "Lowest rated"),
]
SORT_PARAM, PAGE_PARAM = "reviews", "reviews_page"


@register.filter
def stars(rating) -> str:
    """4 -> "★★★★☆"."""
    filled = int(rating or 0)
    return "★" * filled + "☆" * (5 - filled)


def _page_number(value) -> int:
    try:
        return max(1, int(value))
    except (TypeError, ValueError):
        return 1


def _link(request, **params) -> str:
    query = request.GET.copy()
    for name, value in params.items():
        if value is None:
            query.pop(name, None)
        else:
            query[name] = value
    return f"?{query.urlencode()}#reviews"


@register.inclusion_tag("reviews/product_reviews.html", takes_context=True)
def product_reviews(context, product):
    request = context["request"]
    ordering = request.GET.get(SORT_PARAM, "")
    if ordering not in queries.ORDERINGS:
        ordering = queries.DEFAULT_ORDERING
    # Its count is that of its published reviews (reviews.services): none, no query.
    summary = queries.summary(product.pk) if product.reviews_count else queries.Summary()
    count = summary.count
    pages = max(1, -(-count // PER_PAGE))
    number = min(_page_number(request.GET.get(PAGE_PARAM)), pages)
    shown = []
    if count:
        found = queries.published_reviews(product.pk, ordering=ordering)
        shown = list(found[(number - 1) * PER_PAGE : number * PER_PAGE])
    section = {
        "request": request,
        "product": product,
        "count": count,
        "average": summary.average,
        "bars": [
            {
                "stars": n,
                "count": summary.distribution[n],
                "percent": round(100 * summary.distribution[n] / count) if count else 0,
            }
            for n in queries.STARS
        ],
        "reviews": shown,
        "sorts": [
            {
                "label": label,
                "url": _link(request, **{SORT_PARAM: key, PAGE_PARAM: None}),
                "current": key == ordering,
            }
            for key, label in SORTS
        ],
        "page": {
            "number": number,
            "pages": pages,
            "previous": _link(request, **{PAGE_PARAM: str(number - 1)}) if number > 1 else "",
            "next": _link(request, **{PAGE_PARAM: str(number + 1)}) if number < pages else "",
        },
        "back": request.get_full_path(),
    }
    user = request.user
    if user.is_authenticated:
        section.update(_for_shopper(request, user, product, shown))
    return section


def _for_shopper(request, user, product, shown) -> dict:
    """What a signed-in shopper sees besides: their review and its form, their votes."""
    mine = queries.own_review(user=user, product_id=product.pk)
    may_write = mine is not None or queries.has_bought(user=user, product_id=product.pk)
    form = None
    if may_write:
        draft = request.session.pop(draft_key(product.pk), None)
        if draft is not None:
            form = ReviewForm(draft)
            form.is_valid()  # shows what was wrong with it
        elif mine is not None:
            form = ReviewForm(
                initial={"rating": mine.rating, "title": mine.title, "body": mine.body}
            )
        else:
            form = ReviewForm()
    others = [review.pk for review in shown if review.user_id != user.pk]
    return {
        "signed_in": True,
        "user_id": user.pk,
        "mine": mine,
        "form": form,
        "voted": queries.voted_review_ids(user=user, review_ids=others),
    }
