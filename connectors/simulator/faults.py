"""Fault settings: their JSON shape, validation and defaults.

Settings apply per account, with `*` as the fallback for every account:

    {"latency_ms": 50,                 # added before each answer
     "fail": [{"status": 429, "retry_after": 2}, {"status": 503},
              {"status": 500, "act": true}, {"timeout": true, "hang_seconds": 5}],
     "reject": "Duplicate content",    # every publish gets 400 with this message
     "expire_token": true,             # 401 token_expired until the account refreshes
     "refuse_refresh": true,           # the token endpoint answers 400 invalid_grant
     "processing_polls": 2,            # new posts stay "processing" for 2 polls
     "hang_seconds": 30,               # how long a timeout fault holds the answer
     "chaos_rate": 0.05,               # share of publishes that get a random chaos fault
     "chaos": [{"status": 503}]}       # the faults chaos picks from

`fail` items are consumed in order by the next publish requests. An item with `act`
creates the post before answering with its status; a timeout item always acts, then holds
the answer: the platform did it, the client never hears.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

DEFAULT_HANG_SECONDS = 30.0
DEFAULT_CHAOS: tuple[dict[str, Any], ...] = (
    {"status": 429, "retry_after": 1},
    {"status": 503, "retry_after": 1},
    {"status": 500, "act": True},
    {"status": 502},
)


class FaultError(ValueError):
    """A fault setting that cannot be applied; the message says why."""


def _number(name: str, value: Any, *, upper: float | None = None) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        raise FaultError(f"{name} must be a number >= 0")
    if upper is not None and value > upper:
        raise FaultError(f"{name} must be <= {upper:g}")
    return float(value)


def _count(name: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise FaultError(f"{name} must be an integer >= 0")
    return value


def _flag(name: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise FaultError(f"{name} must be true or false")
    return value


def _reject(name: str, value: Any) -> str | bool:
    if not isinstance(value, (str, bool)):
        raise FaultError(f"{name} must be a message or true/false")
    return value


def fault_item(value: Any) -> dict[str, Any]:
    """Check one injected answer: {"status": int, ...} or {"timeout": true, ...}."""
    if not isinstance(value, dict):
        raise FaultError("each fault must be an object")
    unknown = set(value) - {"status", "timeout", "retry_after", "act", "hang_seconds", "message"}
    if unknown:
        raise FaultError(f"unknown fault fields: {', '.join(sorted(unknown))}")
    if value.get("timeout") is True:
        if "status" in value:
            raise FaultError("a fault is either a status or a timeout")
    else:
        status = value.get("status")
        if isinstance(status, bool) or not isinstance(status, int) or not 400 <= status <= 599:
            raise FaultError('a fault needs "status" between 400 and 599, or "timeout": true')
    for name in ("retry_after", "hang_seconds"):
        if name in value:
            _number(name, value[name])
    if "act" in value:
        _flag("act", value["act"])
    if "message" in value and not isinstance(value["message"], str):
        raise FaultError("message must be a string")
    return dict(value)


def _items(name: str, value: Any) -> list[dict[str, Any]]:
    if not isinstance(value, list):
        raise FaultError(f"{name} must be a list of faults")
    return [fault_item(item) for item in value]


_VALIDATORS: dict[str, Callable[[str, Any], Any]] = {
    "latency_ms": _number,
    "hang_seconds": _number,
    "fail": _items,
    "reject": _reject,
    "expire_token": _flag,
    "refuse_refresh": _flag,
    "processing_polls": _count,
    "chaos_rate": lambda name, value: _number(name, value, upper=1.0),
    "chaos": _items,
}
SETTINGS = frozenset(_VALIDATORS)


def clean_settings(settings: Mapping[str, Any]) -> dict[str, Any]:
    """Validated settings; a None value stays None and means "remove this setting"."""
    unknown = set(settings) - SETTINGS
    if unknown:
        raise FaultError(f"unknown settings: {', '.join(sorted(unknown))}")
    return {
        name: None if value is None else _VALIDATORS[name](name, value)
        for name, value in settings.items()
    }
