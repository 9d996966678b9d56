"""limit/offset pagination as API.md has it: {count, limit, offset, results}; a bad limit or
offset is a 400 naming it instead of being silently replaced."""

from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.response import Response


class PageParams(serializers.Serializer):
    limit = serializers.IntegerField(min_value=1, max_value=100, default=20)
    offset = serializers.IntegerField(min_value=0, default=0)


class LimitOffset(LimitOffsetPagination):
    default_limit = 20
    max_limit = 100

    def paginate_queryset(self, queryset, request, view=None):
        params = page_params(request.query_params)
        self.limit, self.offset = params["limit"], params["offset"]
        self.request = request
        self.count, rows = page_of(queryset, limit=self.limit, offset=self.offset)
        return rows

    def get_paginated_response(self, data):
        return Response(
            {"count": self.count, "limit": self.limit, "offset": self.offset, "results": data}
        )

    def get_schema_operation_parameters(self, view):
        return [
            {"name": name, "in": "query", "required": False, "schema": schema}
            for name, schema in (
                ("limit", {"type": "integer", "minimum": 1, "maximum": 100, "default": 20}),
                ("offset", {"type": "integer", "minimum": 0, "default": 0}),
            )
        ]

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object",
            "required": ["count", "limit", "offset", "results"],
            "properties": {
                "count": {"type": "integer"},
                "limit": {"type": "integer"},
                "offset": {"type": "integer"},
                "results": schema,
            },
        }


def page_params(query_params, *, default_limit: int = 20) -> dict:
    params = PageParams(data={k: v for k, v in query_params.items() if k in ("limit", "offset")})
    if not params.is_valid():
        raise ValidationError(params.errors)
    data = dict(params.validated_data)
    if "limit" not in query_params:
        data["limit"] = default_limit
    return data


def page_of(queryset, *, limit: int, offset: int) -> tuple[int, list]:
    """How many rows there are, and those of the page. Past the end nothing is read: an offset
    too large for the database (beyond a 64-bit integer) is an empty page, not an error."""
    count = queryset.count()
    if offset >= count:
        return count, []
    return count, list(queryset[offset : offset + limit])
