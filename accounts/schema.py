"""OpenAPI: our JWT authentication is simplejwt's bearer scheme."""

from drf_spectacular.contrib.rest_framework_simplejwt import SimpleJWTScheme


class BearerJWTScheme(SimpleJWTScheme):
    target_class = "accounts.authentication.JWTAuthentication"
