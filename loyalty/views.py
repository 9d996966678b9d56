from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_safe

from loyalty import services
from loyalty.models import PointsEntry
from loyalty.tiers import BY_NAME, TIERS


@login_required
@require_safe
def loyalty_page(request):
    profile = services.profile(request.user)
    tier = BY_NAME[profile["tier"]]
    progress = 100
    if profile["next_tier"]:
        following = BY_NAME[profile["next_tier"]]
        span = following.min_points - tier.min_points
        progress = int(100 * (profile["lifetime_points"] - tier.min_points) / span)
    return render(
        request,
        "loyalty/loyalty.html",
        {
            "profile": profile,
            "tier": tier,
            "tiers": TIERS,
            "progress": progress,
            "coupons": services.usable_coupons(request.user),
            "entries": PointsEntry.objects.filter(account__user=request.user)[:20],
        },
    )
