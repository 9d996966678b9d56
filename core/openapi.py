"""OpenAPI post-processing: the error envelope (core/errors.py) documented on every operation,
and numeric path ids typed as integers, so clients and the schema fuzz test see what the API
really answers."""

import re

ERROR_SCHEMA = {
    "type": "object",
    "required": ["error"],
    "additionalProperties": False,
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message", "details", "request_id"],
            "properties": {
                "code": {"type": "string", "description": "A stable snake_case word."},
                "message": {"type": "string", "description": "For people."},
                "details": {
                    "type": "object",
                    "description": "Field errors for validation: {field: [why]}.",
                },
                "request_id": {"type": "string", "nullable": True},
            },
        }
    },
}

# drf-spectacular's decimal pattern lets "", "." and "-" through, which DRF refuses.
LOOSE_DECIMAL = re.compile(r"^\^-\?\\d\{0,(\d+)\}\(\?:\\\.\\d\{0,(\d+)\}\)\?\$$")
UNSAFE = {"post", "put", "patch", "delete"}
WHY = {
    "400": "Invalid input (validation_error names each field).",
    "401": "Not signed in, or the token is bad, expired or revoked.",
    "403": "Not allowed: staff only, or a missing CSRF token under session authentication.",
    "404": "No such object, or it belongs to someone else.",
    "409": "Conflicts with the current state (e.g. insufficient_stock, invalid_transition).",
    "default": "Any other error (405, 413, 429 with Retry-After, 500, 503), in the same envelope.",
}


def _error_codes(path: str, method: str, operation: dict) -> list[str]:
    anonymous_allowed = any(not requirement for requirement in operation.get("security", [{}]))
    has_input = "requestBody" in operation or any(
        p["in"] == "query" for p in operation.get("parameters", [])
    )
    codes = []
    if has_input or method in UNSAFE:
        codes.append("400")
    if not anonymous_allowed:
        codes.append("401")
    if path.startswith("/api/staff/") or (method in UNSAFE and not anonymous_allowed):
        codes.append("403")
    if "{" in path or method in UNSAFE:
        codes.append("404")
    if method in UNSAFE:
        codes.append("409")
    return codes + ["default"]


def _tighten_decimals(node) -> None:
    if isinstance(node, dict):
        loose = (
            LOOSE_DECIMAL.match(node.get("pattern", ""))
            if node.get("format") == "decimal"
            else None
        )
        if loose:
            whole, places = loose.groups()
            node["pattern"] = rf"^-?(?:\d{{1,{whole}}}(?:\.\d{{0,{places}}})?|\.\d{{1,{places}}})$"
        for value in node.values():
            _tighten_decimals(value)
    elif isinstance(node, list):
        for value in node:
            _tighten_decimals(value)


def document_errors(result, generator, request, public):
    """drf-spectacular POSTPROCESSING_HOOKS entry."""
    _tighten_decimals(result.get("components", {}))
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    error_ref = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            for parameter in operation.get("parameters", []):
                schema = parameter.get("schema", {})
                if parameter["in"] == "path" and schema.get("pattern") == r"^\d+$":
                    parameter["schema"] = {"type": "integer", "minimum": 0}
            body = operation.get("requestBody", {}).get("content", {}).get("application/json", {})
            if body.get("schema", {}).get("required"):
                operation["requestBody"]["required"] = (
                    True  # a body given inline: its fields are needed
                )
            responses = operation.setdefault("responses", {})
            for code in _error_codes(path, method, operation):
                responses.setdefault(code, {"description": WHY[code], "content": error_ref})
    return result
