"""core.web.FlatBody: request bodies whose fields are copied shallowly per instance answer as
DRF's own serializers do, and one body's errors never reach the next."""

import pytest
from rest_framework import serializers

from cart.models import MAX_QUANTITY
from cart.serializers import AddItemSerializer
from core.web import FlatBody


class DeepAddItem(serializers.Serializer):  # AddItemSerializer's fields, copied DRF's way
    product_id = serializers.IntegerField(min_value=1)
    quantity = serializers.IntegerField(min_value=1, max_value=MAX_QUANTITY, default=1)
    color = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    size = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")


BODIES = [
    {"product_id": 5, "quantity": 2, "color": "Black", "size": "M"},
    {"product_id": "5"},
    {"product_id": 0, "quantity": 100},
    {"product_id": "x", "color": "y" * 41},
    {},
    {"quantity": None, "product_id": 3, "size": ""},
]


@pytest.mark.parametrize("body", BODIES)
def test_a_flat_body_validates_as_drfs_serializer_does(body):
    flat, deep = AddItemSerializer(data=body), DeepAddItem(data=body)
    assert flat.is_valid() == deep.is_valid()
    assert flat.errors == deep.errors
    if not flat.errors:
        assert flat.validated_data == deep.validated_data


def test_one_bodys_errors_do_not_reach_the_next():
    bad = AddItemSerializer(data={"product_id": -1, "quantity": 0})
    assert not bad.is_valid()
    good = AddItemSerializer(data={"product_id": 7})
    assert good.is_valid(), good.errors
    assert good.validated_data == {"product_id": 7, "quantity": 1, "color": "", "size": ""}
    assert set(bad.errors) == {"product_id", "quantity"}  # still its own


def test_a_body_with_nested_fields_must_use_a_serializer():
    with pytest.raises(TypeError, match="lines"):

        class Nested(FlatBody):
            lines = serializers.ListField(child=serializers.IntegerField())
