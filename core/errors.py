"""The native error envelope: `{"errors": ["human readable message", ...]}` with a 4xx status."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from typing import Any

from django.http import JsonResponse
from rest_framework import exceptions, status

logger = logging.getLogger(__name__)


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "The request conflicts with the current state of the resource."
    default_code = "conflict"


class Unprocessable(exceptions.APIException):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_detail = "The request is well formed but cannot be processed."
    default_code = "unprocessable"


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "Request body is too large."
    default_code = "payload_too_large"


def flatten_errors(detail: Any, path: str = "") -> list[str]:
    """Turn DRF's nested error structures into flat messages naming the failing field."""
    if isinstance(detail, Mapping):
        messages: list[str] = []
        for key, value in detail.items():
            if key == "non_field_errors":
                messages.extend(flatten_errors(value, path))
            elif isinstance(key, int):  # ListField reports items by index
                messages.extend(flatten_errors(value, f"{path}[{key}]"))
            else:
                messages.extend(flatten_errors(value, f"{path}.{key}" if path else str(key)))
        return messages
    if isinstance(detail, Iterable) and not isinstance(detail, str):
        items = list(detail)
        if all(isinstance(item, str) for item in items):
            return [f"{path}: {item}" if path else str(item) for item in items]
        messages = []
        for index, item in enumerate(items):
            if item:  # DRF reports valid list items as empty dicts
                messages.extend(flatten_errors(item, f"{path}[{index}]"))
        return messages
    return [f"{path}: {detail}" if path else str(detail)]


def error_response(messages: list[str], status_code: int, **headers: str) -> JsonResponse:
    response = JsonResponse({"errors": messages}, status=status_code)
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response
