"""Recurring posts: RFC 5545 rules (python-dateutil) evaluated in the account's timezone.

The rule runs on naive wall-clock times in the account's zone, and each occurrence is then
placed in that zone: a post at 09:00 stays at 09:00 local across DST changes. The first
occurrence is the post's own scheduled time (RFC 5545: DTSTART is the first instance, and
COUNT includes it); later ones are the rule's instances after it.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from dateutil.rrule import rrule, rrulestr

ALLOWED_FREQUENCIES = ("HOURLY", "DAILY", "WEEKLY", "MONTHLY", "YEARLY")
# The end is given beside the rule (`count` / `until`), and the start is the post's time.
RESERVED_PARTS = ("COUNT", "UNTIL", "DTSTART")
_PROBE_START, _PROBE_END = datetime(2000, 1, 1), datetime(2010, 1, 1)


class InvalidRule(ValueError):
    """The rule cannot be used; the message says why, for the API."""


def normalize_rule(text: str) -> str:
    """`FREQ=WEEKLY;BYDAY=MO` in canonical form, or InvalidRule naming the problem."""
    rule = text.strip()
    if rule.upper().startswith("RRULE:"):
        rule = rule[len("RRULE:") :]
    rule = rule.strip().strip(";").upper()
    if not rule:
        raise InvalidRule("the rule is empty; for example FREQ=WEEKLY;BYDAY=MO.")
    parts: dict[str, str] = {}
    for part in rule.split(";"):
        name, sep, value = part.partition("=")
        if not sep or not name or not value:
            raise InvalidRule(f"'{part}' is not NAME=VALUE.")
        parts[name] = value
    reserved = [name for name in RESERVED_PARTS if name in parts]
    if reserved:
        raise InvalidRule(
            f"{', '.join(reserved)} cannot be in the rule: give the end as `count` or `until`; "
            "the start is the post's scheduled_at."
        )
    if parts.get("FREQ") not in ALLOWED_FREQUENCIES:
        raise InvalidRule(f"FREQ must be one of {', '.join(ALLOWED_FREQUENCIES)}.")
    try:
        parsed = rrulestr(f"RRULE:{rule}", dtstart=_PROBE_START)
        # Bounded, so a rule that matches no date (February 30th) cannot spin to year 9999.
        produces = isinstance(parsed, rrule) and (
            parsed.replace(until=_PROBE_END).after(_PROBE_START) is not None
        )
    except (ValueError, TypeError, KeyError, AttributeError, OverflowError) as exc:
        raise InvalidRule(f"not a valid RFC 5545 rule: {exc}.") from None
    if not produces:
        raise InvalidRule("the rule produces no date within ten years.")
    return rule


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
