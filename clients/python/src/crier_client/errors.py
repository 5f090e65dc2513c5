"""What the client raises: Crier's own refusals keep their status and messages."""

from __future__ import annotations

import json
from typing import Any


class CrierError(Exception):
    """Base of every error this client raises on purpose."""


class ApiError(CrierError):
    """Crier answered with an error status; `messages` are its `{"errors": [...]}`."""

    def __init__(self, status: int, messages: list[str], body: Any = None):
        self.status, self.messages, self.body = status, messages, body
        super().__init__(f"{status}: {'; '.join(messages) or 'no message'}")

    @classmethod
    def from_response(cls, status: int, content: bytes) -> ApiError:
        try:
            body = json.loads(content)
        except ValueError:
            text = content.decode(errors="replace").strip()
            return cls(status, [text[:500]] if text else [], text)
        errors = body.get("errors") if isinstance(body, dict) else None
        if isinstance(errors, list):
            messages = [str(item) for item in errors]
        elif isinstance(errors, dict):  # field name -> messages
            messages = [f"{name}: {problem}" for name, problem in errors.items()]
        else:
            messages = [json.dumps(body)[:500]]
        return cls(status, messages, body)


class WaitTimeout(CrierError):
    """A job (or a media being fetched) had not settled when the wait ended; it may well
    settle later. `status` is the last one read."""

    def __init__(self, what: str, timeout: float, status: str):
        self.what, self.timeout, self.status = what, timeout, status
        super().__init__(f"{what} still {status} after {timeout:g} s")
