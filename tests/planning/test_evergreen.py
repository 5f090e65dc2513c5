"""Evergreen recycling: free evergreen slots are refilled in rotation, with a gap."""

from __future__ import annotations

import pytest

from planning.evergreen import fill_slots
from planning.models import EvergreenPost
from posts.dispatch import dispatch
from posts.models import Delivery, Post
from posts.states import DeliveryStatus as S
from tests.planning.conftest import DAYS, local
from tests.posts.conftest import SCHEDULE, bulk, post_item

pytestmark = pytest.mark.django_db


@pytest.fixture
def evergreen_slots(berlin_account, slot):
    for day in DAYS:
        slot(berlin_account, day, "12:00", content_type="evergreen")


def make_evergreen(editor, send, account, *texts, state="scheduled") -> list[Post]:
    """Evergreen posts first scheduled on 25 May, a week before the rotation starts."""
    items = []
    for minute, text in enumerate(texts):
        item = post_item(account.pk, when=local(2026, 5, 25, 9, minute).isoformat(), text=text)
        item["evergreen"] = True
        items.append(item)
    response = send(editor, SCHEDULE, bulk(*items, state=state))
    assert response.status_code == 202, response.content
    return list(Post.objects.filter(job_id=response.json()["job_id"]).order_by("input_index"))


def rotation(account, frozen, days: range) -> list[str | None]:
    """Fill each day at 08:00 (the lead covers that day's 12:00 slot); what went in it."""
    chosen = []
    for day in days:
        frozen(local(2026, 6, day, 8, 0))
        fill_slots()
        delivery = Delivery.objects.filter(account=account, slot_at=local(2026, 6, day, 12, 0))
        first = delivery.select_related("post").first()
        chosen.append(first.post.networks["default"]["text"] if first else None)
    return chosen


def test_posts_rotate_least_recently_shown_first(
    editor, berlin_account, evergreen_slots, send, frozen, workspace
):
    workspace.evergreen_gap_days = 2
    workspace.save()
    frozen(local(2026, 5, 25, 8, 0))
    make_evergreen(editor, send, berlin_account, "A", "B", "C")

    assert rotation(berlin_account, frozen, range(1, 7)) == ["A", "B", "C", "A", "B", "C"]
    recycled = Delivery.objects.filter(slot_at__isnull=False)
    assert {d.status for d in recycled} == {S.SCHEDULED}
    assert all(d.due_at == d.scheduled_at == d.slot_at for d in recycled)


def test_a_post_is_not_repeated_within_the_gap_and_the_slot_stays_empty(
    editor, berlin_account, evergreen_slots, send, frozen, workspace
):
    workspace.evergreen_gap_days = 4
    workspace.save()
    frozen(local(2026, 5, 25, 8, 0))
    make_evergreen(editor, send, berlin_account, "A", "B", "C")

    # Thursday: A was shown Monday (3 days), B Tuesday, C Wednesday: nothing may go in.
    assert rotation(berlin_account, frozen, range(1, 6)) == ["A", "B", "C", None, "A"]


def test_filling_twice_adds_nothing(
    editor, berlin_account, evergreen_slots, send, frozen, workspace
):
    workspace.evergreen_gap_days = 1
    workspace.save()
    frozen(local(2026, 5, 25, 8, 0))
    make_evergreen(editor, send, berlin_account, "A", "B")
    frozen(local(2026, 6, 1, 8, 0))

    first = fill_slots()
    second = fill_slots()

    assert first == {"filled": 1, "empty": 0}
    assert second == {"filled": 0, "empty": 0}


def test_the_default_gap_of_thirty_days_keeps_a_week_old_post_out(
    editor, berlin_account, evergreen_slots, send, frozen
):
    frozen(local(2026, 5, 25, 8, 0))
    make_evergreen(editor, send, berlin_account, "A")

    assert rotation(berlin_account, frozen, range(1, 2)) == [None]
    frozen(local(2026, 6, 24, 8, 0))
    assert fill_slots() == {"filled": 1, "empty": 0}  # 30 days after 25 May


def test_drafts_deleted_and_ordinary_posts_are_never_recycled(
    editor, berlin_account, evergreen_slots, send, frozen, workspace
):
    workspace.evergreen_gap_days = 1
    workspace.save()
    frozen(local(2026, 5, 25, 8, 0))
    make_evergreen(editor, send, berlin_account, "draft", state="draft")
    (deleted,) = make_evergreen(editor, send, berlin_account, "deleted")
    editor.client.delete(f"/api/v1/posts/{deleted.pk}")
    ordinary = post_item(berlin_account.pk, when=local(2026, 5, 25, 10, 0).isoformat())
    send(editor, SCHEDULE, bulk(ordinary))

    frozen(local(2026, 6, 1, 8, 0))

    assert fill_slots() == {"filled": 0, "empty": 1}
    assert EvergreenPost.objects.get(post=deleted).is_active is False


def test_a_recycled_post_is_published_in_its_slot(
    editor, live_account, slot, send, frozen, simulator, django_capture_on_commit_callbacks
):
    live_account.timezone = "Europe/Berlin"
    live_account.save()
    live_account.workspace.evergreen_gap_days = 7
    live_account.workspace.save()
    slot(live_account, "monday", "12:00", content_type="evergreen")
    frozen(local(2026, 5, 25, 8, 0))
    make_evergreen(editor, send, live_account, "Evergreen tip")
    for moment in (local(2026, 5, 25, 9, 0), local(2026, 6, 1, 8, 0), local(2026, 6, 1, 12, 0)):
        frozen(moment)
        fill_slots()
        with django_capture_on_commit_callbacks(execute=True):
            dispatch(time_budget=5)

    recycled = Delivery.objects.get(slot_at=local(2026, 6, 1, 12, 0))
    assert recycled.status == S.PUBLISHED
    feed = simulator.simulator.feed(live_account.external_id)
    assert [item["text"] for item in feed] == ["Evergreen tip", "Evergreen tip"]
    assert Delivery.objects.filter(post=recycled.post, status=S.PUBLISHED).count() == 2
