"""What the client raises: Crier's own refusals keep their status and messages."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from crier_client._generated.models import JobStatus


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


class JobTimeout(CrierError):
    """The job was still `working` when the wait ended; it may well finish later."""

    def __init__(self, job_id: str, timeout: float, last: JobStatus):
        self.job_id, self.timeout, self.last = job_id, timeout, last
        super().__init__(f"job {job_id} still {last.status} after {timeout:g} s")
