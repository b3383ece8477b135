"""The one JSON error shape of the API (and of the exports' JSON errors).

Every error is ``{"detail": "<one sentence>", "errors": {"<field or parameter>": ["<message>", ...]}}``;
``errors`` is empty when nothing in particular was wrong (a 404, a 429). A few errors add a key of
their own beside these two (an edit conflict adds ``current_version``).
"""

from __future__ import annotations

from django.http import JsonResponse


def _messages(value, prefix: str = "") -> list[str]:
    """DRF's nested error structures as flat, readable messages."""
    if isinstance(value, dict):
        return [m for key, inner in value.items() for m in _messages(inner, f"{prefix}{key}: ")]
    if isinstance(value, (list, tuple)):
        return [m for inner in value for m in _messages(inner, prefix)]
    return [f"{prefix}{value}"]


def normalise(errors) -> dict[str, list[str]]:
    if errors is None:
        return {}
    if not isinstance(errors, dict):
        return {"body": _messages(errors)}
    return {str(key): _messages(value) for key, value in errors.items()}


def summary(errors: dict[str, list[str]]) -> str:
    if len(errors) == 1:
        name, messages = next(iter(errors.items()))
        return f"{name}: {messages[0]}" if messages else f"{name} was not accepted."
    return "Some values were not accepted: " + ", ".join(errors) + "."


def error_body(detail: str | None = None, errors=None, **extra) -> dict:
    errors = normalise(errors)
    return {"detail": detail or summary(errors), "errors": errors, **extra}


def error_response(detail: str | None = None, errors=None, status: int = 400, headers=None, **extra) -> JsonResponse:
    return JsonResponse(error_body(detail, errors, **extra), status=status, headers=headers)


ERROR_SCHEMA = {
    "type": "object",
    "description": "An error: one sentence, and the messages for each field or parameter that was wrong.",
    "required": ["detail", "errors"],
    "additionalProperties": True,
    "properties": {
        "detail": {"type": "string"},
        "errors": {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}},
    },
}
