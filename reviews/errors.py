"""The reviews domain's errors; the API, pages and admin each render them their own way."""

from core.errors import APIError


class ProductNotFound(APIError):
    status_code = 404
    default_code = "not_found"
    default_detail = "No such product."


class ReviewNotFound(APIError):
    status_code = 404
    default_code = "not_found"
    default_detail = "No such review."


class PurchaseRequired(APIError):
    status_code = 403
    default_code = "purchase_required"
    default_detail = "Only shoppers who have bought this product can review it."


class AlreadyReviewed(APIError):
    status_code = 409
    default_code = "already_reviewed"
    default_detail = "You have already reviewed this product; edit your review instead."


class OwnReview(APIError):
    status_code = 409
    default_code = "own_review"
    default_detail = "You can't vote on your own review."


class AlreadyVoted(APIError):
    status_code = 409
    default_code = "already_voted"
    default_detail = "You have already marked this review as helpful."
