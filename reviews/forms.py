"""The product page's review form: it collects fields; reviews.services checks and saves."""

from django import forms

from reviews.models import BODY_MAX, TITLE_MAX

RATINGS = [(n, f"{n} star{'s' if n > 1 else ''}") for n in (5, 4, 3, 2, 1)]


class ReviewForm(forms.Form):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "review_%s")
        super().__init__(*args, **kwargs)

    rating = forms.TypedChoiceField(
        choices=RATINGS, coerce=int, widget=forms.RadioSelect, label="Your rating"
    )
    title = forms.CharField(max_length=TITLE_MAX)
    body = forms.CharField(
        max_length=BODY_MAX,
        required=False,
        label="Your review",
        widget=forms.Textarea(attrs={"rows": 5}),
    )
