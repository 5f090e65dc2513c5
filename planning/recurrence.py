"""Recurring posts: RFC 5545 rules (python-dateutil) evaluated in the account's timezone.

The rule runs on naive wall-clock times in the account's zone, and each occurrence is then
placed in that zone: a post at 09:00 stays at 09:00 local across DST changes. The first
occurrence is the post's own scheduled time (RFC 5545: DTSTART is the first instance, and
COUNT includes it); later ones are the rule's instances after it. Rules arrive checked and
in canonical form (posts/recurrence_rules.py, when the request is validated).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from dateutil.rrule import rrule, rrulestr


def local_wall_time(instant: datetime, zone: ZoneInfo) -> datetime:
    return instant.astimezone(zone).replace(tzinfo=None)


def place(wall: datetime, zone: ZoneInfo) -> datetime:
    """A naive wall-clock time in `zone` as aware UTC (RFC 5545 gap and fold rules, fold=0)."""
    return wall.replace(tzinfo=zone, fold=0).astimezone(UTC)


def occurrences_after(
    rule: str,
    *,
    start: datetime,
    zone: ZoneInfo,
    after: datetime,
    until: datetime | None = None,
) -> Iterator[datetime]:
    """Occurrences (aware UTC) of a series that started at `start`, strictly after `after`."""
    local_start = local_wall_time(start, zone)
    rules = rrulestr(f"RRULE:{rule}", dtstart=local_start)
    assert isinstance(rules, rrule)  # one RRULE line makes one rule, not a set
    if until is not None:
        rules = rules.replace(until=local_wall_time(until, zone))
    # Walk in wall-clock time from the later of `start` and `after`; skip the DST-shifted
    # instants that still land at or before `after`.
    cursor = max(local_start, local_wall_time(after, zone))
    for wall in rules.xafter(cursor, inc=False):
        instant = place(wall, zone)
        if instant > after:
            yield instant


def next_occurrence(
    rule: str, *, start: datetime, zone: ZoneInfo, after: datetime, until: datetime | None
) -> datetime | None:
    return next(occurrences_after(rule, start=start, zone=zone, after=after, until=until), None)
