from django.core.cache import cache

from catalog.models import Category

NAV_KEY = "catalog:nav-categories"


def navigation(request) -> dict:
    """The header's top-level categories, cached: every page shows them."""
    categories = cache.get(NAV_KEY)
    if categories is None:
        categories = list(Category.objects.filter(parent=None).values("name", "slug"))
        cache.set(NAV_KEY, categories, timeout=300)
    return {"nav_categories": categories}
