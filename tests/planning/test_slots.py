"""Slot finding: weekly wall-clock slots become aware instants in the account's zone."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from planning.slots import WeeklySlot, next_free, slot_instants
from tests.planning.conftest import BERLIN, local

MONDAY, SATURDAY, SUNDAY = 0, 5, 6


def instants(slots, *, zone, after, days=14) -> list[datetime]:
    return [
        instant
        for instant, _ in slot_instants(
            slots, zone=zone, after=after, until=after + timedelta(days)
        )
    ]


def free(slots, *, zone, after, taken=(), content_type="text"):
    return next_free(
        slots,
        zone=zone,
        after=after,
        until=after + timedelta(days=30),
        taken=set(taken),
        content_type=content_type,
    )


def test_a_slot_later_today_is_the_next_one():
    monday_morning = local(2026, 6, 1, 8, 0)  # Monday
    slots = [WeeklySlot(MONDAY, time(9, 0))]

    assert free(slots, zone=BERLIN, after=monday_morning) == local(2026, 6, 1, 9, 0)


def test_a_slot_that_passed_this_week_is_found_next_week_across_the_week_boundary():
    sunday_night = local(2026, 6, 7, 23, 30)  # Sunday, after the Sunday 22:00 slot
    slots = [WeeklySlot(SUNDAY, time(22, 0)), WeeklySlot(MONDAY, time(9, 0))]

    assert free(slots, zone=BERLIN, after=sunday_night) == local(2026, 6, 8, 9, 0)
    assert instants(slots, zone=BERLIN, after=sunday_night, days=7) == [
        local(2026, 6, 8, 9, 0),
        local(2026, 6, 14, 22, 0),
    ]


def test_the_slot_at_the_current_instant_is_not_free_any_more():
    at_nine = local(2026, 6, 1, 9, 0)

    assert free([WeeklySlot(MONDAY, time(9, 0))], zone=BERLIN, after=at_nine) == local(
        2026, 6, 8, 9, 0
    )


def test_taken_slots_are_skipped_in_order():
    slots = [WeeklySlot(MONDAY, time(9, 0)), WeeklySlot(MONDAY, time(17, 0))]
    after = local(2026, 6, 1, 8, 0)

    found = free(slots, zone=BERLIN, after=after, taken=[local(2026, 6, 1, 9, 0)])
    assert found == local(2026, 6, 1, 17, 0)
    both = [local(2026, 6, 1, 9, 0), local(2026, 6, 1, 17, 0)]
    assert free(slots, zone=BERLIN, after=after, taken=both) == local(2026, 6, 8, 9, 0)


def test_the_weekday_is_the_accounts_local_day_not_utcs():
    # 00:30 Monday in Berlin (summer) is 22:30 Sunday UTC; in Los Angeles Monday 00:30 is
    # 07:30 UTC Monday. Each account's Monday is its own.
    slots = [WeeklySlot(MONDAY, time(0, 30))]
    after = datetime(2026, 6, 6, 12, 0, tzinfo=UTC)  # Saturday

    berlin = free(slots, zone=BERLIN, after=after)
    la = free(slots, zone=ZoneInfo("America/Los_Angeles"), after=after)

    assert berlin == datetime(2026, 6, 7, 22, 30, tzinfo=UTC)
    assert la == datetime(2026, 6, 8, 7, 30, tzinfo=UTC)


def test_nine_oclock_stays_nine_oclock_local_across_the_spring_change():
    # Berlin moves to summer time on Sunday 29 March 2026: 09:00 is 08:00 UTC before, 07:00 after.
    slots = [WeeklySlot(SATURDAY, time(9, 0)), WeeklySlot(SUNDAY, time(9, 0))]
    after = local(2026, 3, 27, 12, 0)

    assert instants(slots, zone=BERLIN, after=after, days=3) == [
        datetime(2026, 3, 28, 8, 0, tzinfo=UTC),
        datetime(2026, 3, 29, 7, 0, tzinfo=UTC),
    ]


def test_nine_oclock_stays_nine_oclock_local_across_the_autumn_change():
    # Back to winter time on Sunday 25 October 2026: 09:00 is 07:00 UTC before, 08:00 after.
    slots = [WeeklySlot(SATURDAY, time(9, 0)), WeeklySlot(SUNDAY, time(9, 0))]
    after = local(2026, 10, 23, 12, 0)

    assert instants(slots, zone=BERLIN, after=after, days=3) == [
        datetime(2026, 10, 24, 7, 0, tzinfo=UTC),
        datetime(2026, 10, 25, 8, 0, tzinfo=UTC),
    ]


def test_a_slot_in_the_spring_gap_is_read_with_the_offset_before_the_gap():
    # 02:30 does not exist on 29 March in Berlin; RFC 5545 reads it as 02:30+01:00, which is
    # 03:30 summer time, and it comes after the 03:00 slot of that night.
    slots = [WeeklySlot(SUNDAY, time(2, 30)), WeeklySlot(SUNDAY, time(3, 0))]
    after = local(2026, 3, 28, 12, 0)

    found = instants(slots, zone=BERLIN, after=after, days=1)

    assert found == [
        datetime(2026, 3, 29, 1, 0, tzinfo=UTC),  # 03:00 CEST
        datetime(2026, 3, 29, 1, 30, tzinfo=UTC),  # "02:30" → 03:30 CEST
    ]
    assert found[1].astimezone(BERLIN).strftime("%H:%M %Z") == "03:30 CEST"


def test_a_gap_slot_and_the_real_time_it_lands_on_are_one_slot():
    slots = [WeeklySlot(SUNDAY, time(2, 30)), WeeklySlot(SUNDAY, time(3, 30))]

    found = instants(slots, zone=BERLIN, after=local(2026, 3, 28, 12, 0), days=1)

    assert found == [datetime(2026, 3, 29, 1, 30, tzinfo=UTC)]


def test_a_slot_in_the_autumn_fold_is_its_first_occurrence():
    # 02:30 happens twice on 25 October in Berlin; the slot is the first, summer-time one.
    slots = [WeeklySlot(SUNDAY, time(2, 30))]

    found = instants(slots, zone=BERLIN, after=local(2026, 10, 24, 12, 0), days=1)

    assert found == [datetime(2026, 10, 25, 0, 30, tzinfo=UTC)]
    assert found[0].astimezone(BERLIN).strftime("%H:%M %Z") == "02:30 CEST"


def test_typed_slots_take_only_their_type_and_evergreen_slots_only_evergreen():
    after = local(2026, 6, 1, 8, 0)
    slots = [
        WeeklySlot(MONDAY, time(9, 0), "video"),
        WeeklySlot(MONDAY, time(10, 0), "evergreen"),
        WeeklySlot(MONDAY, time(11, 0), ""),
    ]

    assert free(slots, zone=BERLIN, after=after, content_type="text") == local(2026, 6, 1, 11)
    assert free(slots, zone=BERLIN, after=after, content_type="video") == local(2026, 6, 1, 9)
    assert free(slots, zone=BERLIN, after=after, content_type="evergreen") == local(2026, 6, 1, 10)


def test_no_slot_within_the_horizon_is_none():
    assert free([], zone=BERLIN, after=local(2026, 6, 1, 8)) is None
