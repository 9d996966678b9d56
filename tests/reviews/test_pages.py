"""The product page's reviews section (average, distribution, sorted and paged reviews, helpful
votes, the buyer's form) and the order page's "Review this product"."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from reviews import services
from reviews.models import HelpfulVote, Review
from tests.reviews.conftest import buy, buyer, deliver, stored_aggregate

pytestmark = pytest.mark.django_db


def page_of(client, product, query: str = "") -> str:
    response = client.get(f"/p/{product.slug}/{query}")
    assert response.status_code == 200
    return response.content.decode()


def section(html: str) -> str:
    found = re.search(r'<section class="panel" id="reviews".*?</section>', html, re.DOTALL)
    assert found, "no reviews section on the page"
    return found.group(0)


def write(product, rating, name, **fields):
    return services.write_review(
        user=buyer(product, username=name, full_name=f"{name.title()} Tester"),
        product_id=product.pk,
        rating=rating,
        title=fields.pop("title", f"{name} says"),
        **fields,
    )


@pytest.fixture
def reviewed(boots):
    for name, rating in (("amy", 5), ("bo", 4), ("cy", 4), ("di", 1)):
        write(boots, rating, name)
    return boots


def test_visitors_see_the_average_distribution_and_reviews(reviewed):
    html = section(page_of(Client(), reviewed))
    assert "3.5" in html and "4 reviews" in html
    bars = re.findall(
        r'<th scope="row">(\d) stars?</th>.*?width: (\d+)%.*?<td>(\d+)</td>', html, re.DOTALL
    )
    assert bars == [
        ("5", "25", "1"),
        ("4", "50", "2"),
        ("3", "0", "0"),
        ("2", "0", "0"),
        ("1", "25", "1"),
    ]
    assert html.count("Verified purchase") == 4 and "Amy T." in html
    assert "Sign in to write a review" in html and "<form" not in html


def test_review_text_is_escaped(boots):
    write(boots, 1, "mallory", title="<b>Bold</b>", body='<script>alert("x")</script>\nLine two')
    html = section(page_of(Client(), boots))
    assert "<script>alert" not in html and "<b>Bold</b>" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;<br>Line two" in html
    assert "&lt;b&gt;Bold&lt;/b&gt;" in html


def test_reviews_are_sorted_and_paged_by_the_pages_parameters(boots):
    for n in range(12):
        review = write(boots, 1 + n % 5, f"shopper{n:02d}", title=f"Title {n:02d}")
        Review.objects.filter(pk=review.pk).update(
            created_at=timezone.now() - timedelta(days=30 - n), helpful_count=(n * 7) % 12
        )
    visitor = Client()
    newest = section(page_of(visitor, boots))
    assert re.findall(r"Title (\d\d)", newest)[:3] == ["11", "10", "09"]
    assert len(re.findall(r'<li class="row"', newest)) == 10
    assert "Page 1 of 2" in newest and "reviews_page=2" in newest
    second = section(page_of(visitor, boots, "?reviews_page=2"))
    assert re.findall(r"Title (\d\d)", second) == ["01", "00"]
    helpful = section(page_of(visitor, boots, "?reviews=-helpful"))
    assert re.findall(r"Title (\d\d)", helpful)[:2] == ["05", "10"]  # 11 and 10 helpful votes
    lowest = section(page_of(visitor, boots, "?reviews=rating&reviews_page=9"))
    assert "Page 2 of 2" in lowest  # past the end: the last page
    odd = section(page_of(visitor, boots, "?reviews=<script>&reviews_page=x"))
    assert re.findall(r"Title (\d\d)", odd)[:3] == ["11", "10", "09"]


def test_a_product_without_reviews(boots):
    html = section(page_of(Client(), boots))
    assert "No reviews yet" in html


def test_a_buyer_writes_edits_and_deletes_from_the_page(client, user, bought, boots):
    client.force_login(user)
    html = section(page_of(client, boots))
    assert "Write a review" in html and 'action="/products/' in html
    response = client.post(
        f"/products/{boots.pk}/review/",
        {"rating": "4", "title": "Sturdy", "body": "Good <grip>", "next": f"/p/{boots.slug}/"},
    )
    assert response.status_code == 302 and response["Location"] == f"/p/{boots.slug}/#reviews"
    page = page_of(client, boots)
    assert "Your review is published" in page
    html = section(page)
    assert "Sturdy" in html and "Good &lt;grip&gt;" in html and "Edit your review" in html
    assert 'value="Sturdy"' in html and re.search(r'value="4"[^>]* checked>', html)
    assert stored_aggregate(boots.pk)[1] == 1
    client.post(f"/products/{boots.pk}/review/", {"rating": "2", "title": "Sole came off"})
    assert Review.objects.get().rating == 2 and "Your review is updated" in page_of(client, boots)
    client.post(f"/products/{boots.pk}/review/delete/")
    assert not Review.objects.exists()
    assert stored_aggregate(boots.pk) == (None, 0)


def test_a_bad_form_comes_back_with_its_errors_and_words(client, user, bought, boots):
    client.force_login(user)
    long_title = "t" * 121
    response = client.post(
        f"/products/{boots.pk}/review/", {"rating": "9", "title": long_title, "body": "Kept"}
    )
    assert response["Location"] == f"/p/{boots.slug}/#write-review"
    html = page_of(client, boots)
    assert "Please check your review" in html
    form = section(html)
    assert "Select a valid choice" in form and "at most 120 characters" in form
    assert "Kept</textarea>" in form
    assert not Review.objects.exists()
    # Shown once: the next visit has a fresh form.
    assert "Kept</textarea>" not in section(page_of(client, boots))


def test_shoppers_who_did_not_buy_get_no_form(client, user, boots):
    client.force_login(user)
    html = section(page_of(client, boots))
    assert "Only shoppers who bought this product can review it" in html
    assert 'action="/products/' not in html
    client.post(f"/products/{boots.pk}/review/", {"rating": "5", "title": "Sneaky"})
    assert not Review.objects.exists()
    assert "Only shoppers who have bought this product" in page_of(client, boots)


def test_helpful_votes_from_the_page(client, user, reviewed):
    client.force_login(user)
    html = section(page_of(client, reviewed, "?reviews=-rating"))
    first = int(re.search(r'action="/reviews/(\d+)/helpful/"', html).group(1))
    response = client.post(
        f"/reviews/{first}/helpful/", {"next": f"/p/{reviewed.slug}/?reviews=-rating"}
    )
    assert response["Location"] == f"/p/{reviewed.slug}/?reviews=-rating#review-{first}"
    html = section(page_of(client, reviewed, "?reviews=-rating"))
    assert "1 person found this helpful." in html and "You found this helpful." in html
    client.post(f"/reviews/{first}/helpful/")
    assert HelpfulVote.objects.count() == 1
    assert "already marked this review as helpful" in page_of(client, reviewed)
    # An outside address in next is ignored.
    away = client.post(f"/reviews/{first}/helpful/", {"next": "https://evil.example/p/x/"})
    assert away["Location"] == f"/p/{reviewed.slug}/#review-{first}"


def test_anonymous_form_posts_go_to_sign_in(boots):
    response = Client().post(f"/products/{boots.pk}/review/", {"rating": "5", "title": "Hi"})
    assert response.status_code == 302 and response["Location"].startswith("/accounts/signin/")


def test_the_order_page_offers_a_review_of_delivered_items(client, user, boots, bottle):
    client.force_login(user)
    order = buy(user, boots, bottle)
    assert "Review this product" not in client.get(f"/orders/{order.pk}/").content.decode()
    deliver(order)
    html = client.get(f"/orders/{order.pk}/").content.decode()
    assert f'href="/products/{boots.pk}/review/"' in html
    assert f'href="/products/{bottle.pk}/review/"' in html
    response = client.get(f"/products/{boots.pk}/review/")
    assert response["Location"] == f"/p/{boots.slug}/#write-review"
    assert "Write a review" in section(page_of(client, boots))
