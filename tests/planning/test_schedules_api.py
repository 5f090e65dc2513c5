"""/api/v1/posting-schedules and /api/v1/accounts/{id}/next-slot."""

from __future__ import annotations

from datetime import datetime

import pytest

from planning.models import PostingSchedule
from tests.factories import SocialAccountFactory
from tests.planning.conftest import BERLIN, local

pytestmark = pytest.mark.django_db

URL = "/api/v1/posting-schedules"


def create(caller, **fields):
    return caller.client.post(URL, fields, format="json")


def test_an_editor_creates_a_slot_and_sees_it_in_the_accounts_timezone(
    editor, berlin_account, frozen
):
    frozen(local(2026, 6, 1, 8, 0))  # Monday

    response = create(editor, account_id=berlin_account.pk, day_of_week="Monday", time="09:00")

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["id"].startswith("sch_")
    assert body["account_id"] == berlin_account.pk
    assert body["day_of_week"] == "monday"
    assert body["time"] == "09:00"
    assert body["content_type"] is None
    assert body["is_active"] is True
    assert body["timezone"] == "Europe/Berlin"
    assert datetime.fromisoformat(body["next_at"]) == local(2026, 6, 1, 9, 0)
    assert body["next_at"].endswith("+02:00")
    schedule = PostingSchedule.objects.get()
    assert (schedule.day_of_week, schedule.workspace) == (0, editor.workspace)


def test_slots_are_listed_per_account_and_paginated(editor, berlin_account, slot):
    other = SocialAccountFactory(workspace=editor.workspace)
    slot(berlin_account, "monday", "09:00")
    slot(berlin_account, "friday", "17:30", content_type="video")
    slot(other, "sunday", "12:00")

    everything = editor.client.get(URL).json()
    mine = editor.client.get(URL, {"account_id": berlin_account.pk}).json()

    assert everything["count"] == 3
    assert [(s["day_of_week"], s["time"], s["content_type"]) for s in mine["results"]] == [
        ("monday", "09:00", None),
        ("friday", "17:30", "video"),
    ]


def test_a_slot_is_updated_with_patch_or_put_and_deleted(editor, berlin_account, slot):
    schedule = slot(berlin_account, "monday", "09:00")
    detail = f"{URL}/{schedule.pk}"

    patched = editor.client.patch(detail, {"time": "10:15", "is_active": False}, format="json")
    put = editor.client.put(detail, {"content_type": "image"}, format="json")
    deleted = editor.client.delete(detail)

    assert patched.status_code == 200
    assert (patched.json()["time"], patched.json()["is_active"]) == ("10:15", False)
    assert put.json()["content_type"] == "image"
    assert deleted.status_code == 204
    assert not PostingSchedule.objects.exists()


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"day_of_week": "funday", "time": "09:00"}, "day_of_week"),
        ({"day_of_week": "monday", "time": "9am"}, "time"),
        ({"day_of_week": "monday", "time": "25:00"}, "time"),
        ({"day_of_week": "monday", "time": "09:00", "content_type": "gif"}, "content_type"),
        ({"time": "09:00"}, "day_of_week"),
    ],
)
def test_bad_slot_fields_are_a_400_naming_them(editor, berlin_account, fields, message):
    response = create(editor, account_id=berlin_account.pk, **fields)

    assert response.status_code == 400
    assert any(error.startswith(message) for error in response.json()["errors"])
    assert not PostingSchedule.objects.exists()


def test_the_same_day_and_time_twice_on_one_account_is_a_409(editor, berlin_account, slot):
    slot(berlin_account, "monday", "09:00")

    response = create(editor, account_id=berlin_account.pk, day_of_week="monday", time="09:00")

    assert response.status_code == 409
    assert response.json()["errors"] == [
        f"Account {berlin_account.pk} already has a slot on Monday at 09:00."
    ]


def test_a_viewer_reads_slots_but_cannot_write_them(viewer, berlin_account, slot):
    slot(berlin_account, "monday", "09:00")

    assert viewer.client.get(URL).json()["count"] == 1
    response = create(viewer, account_id=berlin_account.pk, day_of_week="monday", time="10:00")
    assert response.status_code == 403


def test_an_outsider_sees_none_of_the_workspaces_slots_or_accounts(outsider, berlin_account, slot):
    schedule = slot(berlin_account, "monday", "09:00")
    detail = f"{URL}/{schedule.pk}"

    assert outsider.client.get(URL).json()["count"] == 0
    assert outsider.client.get(detail).status_code == 404
    assert outsider.client.patch(detail, {"time": "10:00"}, format="json").status_code == 404
    assert outsider.client.delete(detail).status_code == 404
    response = create(outsider, account_id=berlin_account.pk, day_of_week="monday", time="11:00")
    assert response.status_code == 404
    next_slot = outsider.client.get(f"/api/v1/accounts/{berlin_account.pk}/next-slot")
    assert next_slot.status_code == 404
    assert PostingSchedule.objects.get().time.hour == 9


def test_disconnecting_an_account_with_slots_is_a_409_until_they_are_deleted(
    owner, berlin_account, slot
):
    schedule = slot(berlin_account, "monday", "09:00")
    account_url = f"/api/v1/accounts/{berlin_account.pk}"

    refused = owner.client.delete(account_url)
    owner.client.delete(f"{URL}/{schedule.pk}")
    accepted = owner.client.delete(account_url)

    assert refused.status_code == 409
    assert "posting schedules" in refused.json()["errors"][0]
    assert accepted.status_code == 204


# -- next slot -------------------------------------------------------------------------


def test_next_slot_is_the_first_free_slot_as_an_aware_local_time(
    editor, berlin_account, slot, frozen
):
    frozen(local(2026, 3, 27, 12, 0))  # Friday before the spring change
    slot(berlin_account, "friday", "09:00")  # passed
    slot(berlin_account, "sunday", "09:00")

    response = editor.client.get(f"/api/v1/accounts/{berlin_account.pk}/next-slot")

    assert response.status_code == 200
    body = response.json()
    assert body["next_slot"] == "2026-03-29T09:00:00+02:00"  # summer time already
    assert body["timezone"] == "Europe/Berlin"
    assert body["content_type"] == "text"


def test_next_slot_for_a_content_type_skips_slots_of_other_types(
    editor, berlin_account, slot, frozen
):
    frozen(local(2026, 6, 1, 8, 0))
    slot(berlin_account, "monday", "09:00", content_type="video")
    slot(berlin_account, "monday", "10:00")

    url = f"/api/v1/accounts/{berlin_account.pk}/next-slot"
    text = editor.client.get(url).json()["next_slot"]
    video = editor.client.get(url, {"content_type": "video"}).json()["next_slot"]

    assert datetime.fromisoformat(text) == local(2026, 6, 1, 10, 0, zone=BERLIN)
    assert datetime.fromisoformat(video) == local(2026, 6, 1, 9, 0, zone=BERLIN)
    assert editor.client.get(url, {"content_type": "gif"}).status_code == 400


def test_next_slot_without_any_active_slot_is_a_409_saying_what_to_do(editor, berlin_account, slot):
    slot(berlin_account, "monday", "09:00", active=False)

    response = editor.client.get(f"/api/v1/accounts/{berlin_account.pk}/next-slot")

    assert response.status_code == 409
    assert "no active posting schedule" in response.json()["errors"][0]


# -- the account's timezone ---------------------------------------------------------------


def test_an_admin_sets_the_accounts_timezone_and_slots_follow_it(
    owner, editor, outsider, account, slot, frozen
):
    frozen(local(2026, 6, 1, 8, 0))
    slot(account, "monday", "09:00")
    url = f"/api/v1/accounts/{account.pk}/timezone"
    next_slot = f"/api/v1/accounts/{account.pk}/next-slot"
    assert owner.client.get(next_slot).json()["next_slot"] == "2026-06-01T09:00:00+00:00"

    response = owner.client.put(url, {"timezone": "Europe/Berlin"}, format="json")

    assert response.status_code == 200
    assert response.json()["timezone"] == "Europe/Berlin"
    assert owner.client.get(next_slot).json()["next_slot"] == "2026-06-01T09:00:00+02:00"
    assert editor.client.put(url, {"timezone": "UTC"}, format="json").status_code == 403
    assert outsider.client.put(url, {"timezone": "UTC"}, format="json").status_code == 404
    bad = owner.client.put(url, {"timezone": "Mars/Olympus"}, format="json")
    assert bad.status_code == 400
    assert bad.json()["errors"] == [
        "timezone: 'Mars/Olympus' is not an IANA time zone, such as Europe/Berlin or UTC."
    ]
