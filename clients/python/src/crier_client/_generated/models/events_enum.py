from typing import Literal

EventsEnum = Literal['account.needs_reauth', 'draft.failed', 'job.completed', 'post.approved', 'post.failed', 'post.overdue', 'post.pending_approval', 'post.published', 'post.rejected', 'post.unknown', 'quota.warning']

EVENTS_ENUM_VALUES: set[EventsEnum] = { 'account.needs_reauth', 'draft.failed', 'job.completed', 'post.approved', 'post.failed', 'post.overdue', 'post.pending_approval', 'post.published', 'post.rejected', 'post.unknown', 'quota.warning',  }

def check_events_enum(value: str) -> EventsEnum:
    if value in EVENTS_ENUM_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {EVENTS_ENUM_VALUES!r}")
