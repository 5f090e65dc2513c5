"""Queue slots: weekly wall-clock times in an account's timezone, as aware UTC instants.

Pure functions, no database. A slot is evaluated on its own local date, so 09:00 stays
09:00 local across DST changes. Times that do not exist (the spring gap) or exist twice (the
autumn fold) follow RFC 5545 §3.3.5: a time in the gap is read with the offset before the
gap (02:30 becomes 03:30 summer time), an ambiguous time is its first occurrence.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


@dataclass(frozen=True)
class WeeklySlot:
    day_of_week: int  # Monday 0 … Sunday 6, as date.weekday()
    time: time
    content_type: str = ""  # "" takes any post


def zone_for(name: str) -> ZoneInfo:
    """The account's zone; an unknown name falls back to UTC rather than failing a post."""
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def local_instant(day: date, wall: time, zone: ZoneInfo) -> datetime:
    """`wall` on `day` in `zone` as an aware UTC datetime (fold=0: RFC 5545 gap/fold rules)."""
    return datetime.combine(day, wall.replace(tzinfo=None, fold=0), tzinfo=zone).astimezone(UTC)


def slot_instants(
    slots: Iterable[WeeklySlot], *, zone: ZoneInfo, after: datetime, until: datetime
) -> Iterator[tuple[datetime, WeeklySlot]]:
    """Every slot instant in (after, until], earliest first; one per instant."""
    by_day: dict[int, list[WeeklySlot]] = {}
    for slot in slots:
        by_day.setdefault(slot.day_of_week, []).append(slot)
    if not by_day:
        return
    day = after.astimezone(zone).date()
    last = until.astimezone(zone).date()
    seen: set[datetime] = set()
    while day <= last:
        instants = sorted(
            ((local_instant(day, slot.time, zone), slot) for slot in by_day.get(day.weekday(), ())),
            key=lambda pair: pair[0],
        )
        for instant, slot in instants:
            if after < instant <= until and instant not in seen:
                seen.add(instant)
                yield instant, slot
        day += timedelta(days=1)


def accepts(slot: WeeklySlot, content_type: str) -> bool:
    """Whether a post of `content_type` may take this slot."""
    if content_type == "evergreen":
        return slot.content_type == "evergreen"
    return slot.content_type in ("", content_type)


def next_free(
    slots: Iterable[WeeklySlot],
    *,
    zone: ZoneInfo,
    after: datetime,
    until: datetime,
    taken: set[datetime],
    content_type: str,
) -> datetime | None:
    """The earliest slot instant in (after, until] that fits `content_type` and is not taken."""
    fitting = [slot for slot in slots if accepts(slot, content_type)]
    for instant, _slot in slot_instants(fitting, zone=zone, after=after, until=until):
        if instant not in taken:
            return instant
    return None
