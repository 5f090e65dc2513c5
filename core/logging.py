"""One JSON object per log line, so operators can ship logs anywhere without parsing prose.

Each line carries the ids of what is being done at the time (`request_id`, `job_id`,
`task_id`, ...): a request or a task opens a context (`log_context`), the code that learns
an id adds it (`log_ids`), and every line logged in between, and the closing line of the
request or task, carries them. A delivery's story is read with one grep of its id.
"""

from __future__ import annotations

import contextlib
import json
import logging
from collections.abc import Iterator
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

_STANDARD_ATTRS = set(logging.LogRecord("", 0, "", 0, "", None, None).__dict__) | {"message"}
_ids: ContextVar[dict[str, Any] | None] = ContextVar("crier_log_ids", default=None)


@contextlib.contextmanager
def log_context(**ids: Any) -> Iterator[dict[str, Any]]:
    """Ids for every line logged in this block (on this thread or task); yields them, with
    those added inside by `log_ids`."""
    current = {**(_ids.get() or {}), **ids}
    token = _ids.set(current)
    try:
        yield current
    finally:
        _ids.reset(token)


def open_context(**ids: Any) -> None:
    """`log_context` for code that opens and closes in two calls (a task's signals): these
    ids until `close_context`, on this thread."""
    _ids.set(dict(ids))


def close_context() -> dict[str, Any]:
    """Ends the context `open_context` opened; returns its ids."""
    ids = _ids.get() or {}
    _ids.set(None)
    return ids


def log_ids(**ids: Any) -> None:
    """Add ids to the current context (the request's or task's), if there is one."""
    current = _ids.get()
    if current is not None:
        current.update(ids)


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            **(_ids.get() or {}),
        }
        # Structured context passed as `extra=` lands in the record's dict.
        entry.update(
            {key: value for key, value in record.__dict__.items() if key not in _STANDARD_ATTRS}
        )
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)
