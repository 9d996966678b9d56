"""Small helpers the apps' thin views share: parse a body, report a service's outcome."""

import copy

from django.contrib import messages
from django.core.exceptions import ValidationError
from rest_framework import serializers

from core.errors import APIError


# A request body of plain fields, none with fields of its own. DRF deep-copies a serializer's
# declared fields for each instance, building every field again from its arguments: half of
# validating a cart add's four fields. A plain field keeps nothing a validation changes but its
# binding to the instance, so a shallow copy each does. (A comment, not a docstring: the API
# schema would show a docstring as the description of every body.)
class FlatBody(serializers.Serializer):
    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        nested = [
            name
            for name, field in cls._declared_fields.items()
            if isinstance(
                field, (serializers.BaseSerializer, serializers.ListField, serializers.DictField)
            )
        ]
        if nested:
            raise TypeError(f"{cls.__name__}: {', '.join(nested)} hold fields; use a Serializer")

    def get_fields(self):
        return {name: copy.copy(field) for name, field in self._declared_fields.items()}


def validated(serializer_class, request) -> dict:
    """The request body through a DRF serializer, or a 400 in the error envelope."""
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def attempt(request, action, done: str = "") -> bool:
    """Run a service call for a page; its refusal becomes an error message, success ``done``."""
    try:
        action()
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    except APIError as exc:
        messages.error(request, str(exc.detail))
    else:
        if done:
            messages.success(request, done)
        return True
    return False


def submit_form(form, action):
    """``action(**form.cleaned_data)``'s result, or None with the form's or the service's
    errors on the form (field errors on their fields)."""
    if not form.is_valid():
        return None
    try:
        return action(**form.cleaned_data)
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            form.add_error(None, exc.messages)
    except APIError as exc:
        form.add_error(None, str(exc.detail))
    return None
