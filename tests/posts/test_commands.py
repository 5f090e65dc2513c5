"""The job request as a typed command and its stored, versioned format."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from posts.commands import JobRequest, MediaRef, PostSpec, Recurrence, Target
from posts.job_format import job_request_dump, job_request_load
from posts.models import Job


def test_the_stored_format_gives_back_the_command_it_was_written_from():
    when = timezone.now() + timedelta(hours=1, microseconds=7)
    request = JobRequest(
        kind=Job.Kind.DRAFT,
        posts=(
            PostSpec(
                networks={"default": {"type": "status", "text": "a", "thread": ["b"]}},
                targets=(Target(account_id="acc_1", scheduled_at=when), Target(account_id="acc_2")),
                media=(MediaRef(id="med_1", alt="a cat"), MediaRef(id="med_2")),
                labels=("x", "y"),
                recurrence=Recurrence(rrule="FREQ=DAILY", until=when + timedelta(days=3)),
                evergreen=True,
            ),
            PostSpec(networks={"default": {"text": "c"}}, targets=(Target(account_id="acc_3"),)),
        ),
        origin="generator",
    )

    assert job_request_load(job_request_dump(request), kind=Job.Kind.DRAFT) == request
