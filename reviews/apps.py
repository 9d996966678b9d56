from django.apps import AppConfig


def _product_answer(match):
    from catalog import response_cache

    return response_cache.product_versions(int(match["product_id"]))


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = "Reviews"

    def ready(self):
        from core import answer_cache

        # A product's reviews are one of its answers: cached under its versions, which every
        # review change moves on (reviews.services).
        answer_cache.serve_before_views(
            r"^/api/products/(?P<product_id>\d+)/reviews/?$", _product_answer
        )
