"""The recurrence rule a post may carry: an RFC 5545 RRULE, checked and put in canonical
form when the request is validated. Planning evaluates it (planning/recurrence.py).
"""

from __future__ import annotations

from datetime import datetime

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
