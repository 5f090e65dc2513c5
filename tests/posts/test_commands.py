"""The job request as a typed command: `job_create` takes one without any JSON, the native
serializer builds one, and a job stored in either format (versioned or not) expands."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.auth import ApiContext
from accounts.models import ApiKey
from planning.models import EvergreenPost, RecurrenceSeries
from posts import services
from posts.commands import JobRequest, MediaRef, PostSpec, Recurrence, Target
from posts.job_format import job_request_dump, job_request_load
from posts.models import Delivery, Job, Post
from posts.serializers import ScheduleRequestSerializer
from posts.states import DeliveryStatus as S
from posts.states import JobStatus
from tests.posts.conftest import bulk, post_item

pytestmark = pytest.mark.django_db


def context_of(caller) -> ApiContext:
    return ApiContext(
        api_key=ApiKey.objects.get(member=caller.member),
        member=caller.member,
        workspace=caller.workspace,
    )


def test_job_create_takes_a_command_and_its_worker_expands_it(
    owner, account, eager_tasks, django_capture_on_commit_callbacks
):
    when = timezone.now() + timedelta(hours=3, microseconds=123456)
    request = JobRequest(
        kind=Job.Kind.SCHEDULE,
        posts=(
            PostSpec(
                networks={"default": {"type": "status", "text": "From a command"}},
                targets=(Target(account_id=account.pk, scheduled_at=when),),
                labels=("launch",),
                recurrence=Recurrence(rrule="FREQ=DAILY", count=3),
                evergreen=True,
            ),
        ),
    )

    with django_capture_on_commit_callbacks(execute=True):
        job = services.job_create(context=context_of(owner), request=request)

    job.refresh_from_db()
    assert job.status == JobStatus.COMPLETED
    assert job.request["v"] == 2
    assert job.payload == {"failures": {}}
    post = Post.objects.get(job=job)
    assert post.networks == {"default": {"type": "status", "text": "From a command"}}
    assert post.labels == ["launch"]
    delivery = Delivery.objects.get(post=post)
    assert (delivery.account_id, delivery.status) == (account.pk, S.SCHEDULED)
    assert delivery.scheduled_at == when  # every microsecond, through the stored text
    series = RecurrenceSeries.objects.get(post=post)
    assert (series.rule, series.count) == ("FREQ=DAILY", 3)
    assert EvergreenPost.objects.filter(post=post).exists()


def test_a_job_stored_before_the_format_version_still_expands(owner, account):
    when = (timezone.now() + timedelta(days=1)).replace(microsecond=0)
    until = when + timedelta(days=30)
    job = Job.objects.create(
        workspace=owner.workspace,
        kind=Job.Kind.SCHEDULE,
        created_by=owner.member,
        # The validated native body, as every job was stored before "v": 2.
        request={
            "state": "scheduled",
            "origin": "created",
            "posts": [
                {
                    "networks": {"default": {"type": "status", "text": "Old", "options": {}}},
                    "accounts": [{"id": account.pk, "scheduled_at": when.isoformat()}],
                    "labels": ["old"],
                    "recurrence": {"rrule": "FREQ=WEEKLY", "until": until.isoformat()},
                    "evergreen": True,
                },
                {
                    "networks": {"default": {"type": "status", "text": "Nowhere", "options": {}}},
                    "accounts": [{"id": "acc_unknown", "scheduled_at": when.isoformat()}],
                },
            ],
        },
    )

    services.job_run(job_id=job.pk)

    job.refresh_from_db()
    assert job.status == JobStatus.COMPLETED
    assert job.payload == {
        "failures": {
            "1": {"acc_unknown": ["Account acc_unknown is not connected to this workspace."]}
        }
    }
    post = Post.objects.get(job=job)
    assert post.networks == {"default": {"type": "status", "text": "Old", "options": {}}}
    assert (post.labels, post.media) == (["old"], [])
    assert Delivery.objects.get(post=post).scheduled_at == when
    series = RecurrenceSeries.objects.get(post=post)
    assert (series.rule, series.count, series.until) == ("FREQ=WEEKLY", None, until)
    assert EvergreenPost.objects.filter(post=post).exists()


def test_a_job_of_an_unknown_format_fails_rather_than_guessing(owner, account):
    job = Job.objects.create(
        workspace=owner.workspace, kind=Job.Kind.SCHEDULE, request={"v": 99, "posts": []}
    )

    services.job_run(job_id=job.pk)

    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert not Post.objects.filter(job=job).exists()


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
                thread_media=((MediaRef(id="med_3", alt="a dog"),),),
            ),
            PostSpec(networks={"default": {"text": "c"}}, targets=(Target(account_id="acc_3"),)),
        ),
        origin="generator",
    )

    assert job_request_load(job_request_dump(request), kind=Job.Kind.DRAFT) == request


def test_the_native_serializer_builds_the_command_from_the_validated_body(account):
    when = (timezone.now() + timedelta(hours=2)).replace(microsecond=0)
    body = bulk(
        post_item(
            account.pk,
            when=when.isoformat(),
            labels=["l"],
            recurrence={"rrule": "freq=daily", "count": 2},
        )
    )
    serializer = ScheduleRequestSerializer(data=body, context={"mode": Job.Kind.SCHEDULE})
    assert serializer.is_valid(), serializer.errors

    assert serializer.command() == JobRequest(
        kind=Job.Kind.SCHEDULE,
        posts=(
            PostSpec(
                networks={"default": {"type": "status", "text": "Hello from Crier", "options": {}}},
                targets=(Target(account_id=account.pk, scheduled_at=when),),
                labels=("l",),
                recurrence=Recurrence(rrule="FREQ=DAILY", count=2),
            ),
        ),
    )
