"""Property test: whatever the pipeline, the API and operators do to a delivery, in any order,
its status only ever takes a step DESIGN.md allows.

Each rule is one real event on a real row (dispatcher claim, worker claim, a reported outcome,
sweeper, lease resend, cancel, retry, publish now, operator resolution, an edit of the state).
The allowed steps are written out here from DESIGN.md, not imported from posts.states, so the
code is checked against the document rather than against itself.
"""

from __future__ import annotations

import contextlib
from datetime import timedelta

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from rest_framework.exceptions import ValidationError

from core.errors import Conflict
from posts import dispatch, publishing, services
from posts.models import Delivery, Job, Post
from posts.outcomes import transition
from posts.states import DeliveryStatus
from tests.factories import SocialAccountFactory, WorkspaceFactory

pytestmark = pytest.mark.django_db

STATES = [state.value for state in DeliveryStatus]

# DESIGN.md, "State machines", and the draft/approval edits docs/architecture.md documents.
DESIGN_ALLOWED: dict[str, set[str]] = {
    "draft": {"scheduled", "pending_approval", "cancelled"},
    "pending_approval": {"scheduled", "draft", "cancelled"},
    "scheduled": {"queued", "draft", "pending_approval", "cancelled"},
    "queued": {"publishing", "cancelled"},  # queued -> queued (a lease resend) is no change
    "publishing": {"published", "processing", "retrying", "failed", "unknown"},
    "processing": {"published", "failed"},
    "retrying": {"queued", "cancelled"},
    # Terminal states. The only exits: an operator or the API resolves or retries `unknown`,
    # POST /posts/{id}/retry re-runs `failed`. Published and cancelled never move again.
    "unknown": {"published", "failed", "retrying"},
    "failed": {"retrying"},
    "published": set(),
    "cancelled": set(),
}


def far_future():
    return timezone.now() + timedelta(days=3650)


class DeliveryLife(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        workspace = WorkspaceFactory()
        account = SocialAccountFactory(workspace=workspace)
        job = Job.objects.create(workspace=workspace, kind=Job.Kind.SCHEDULE, payload={})
        self.post = Post.objects.create(
            workspace=workspace, job=job, networks={"default": {"text": "x"}}
        )
        now = timezone.now()
        self.delivery = Delivery.objects.create(
            workspace=workspace,
            post=self.post,
            account=account,
            scheduled_at=now,
            due_at=now,
        )
        self.delivery.idempotency_key = f"crier-{self.delivery.pk}"
        self.delivery.save(update_fields=["idempotency_key"])
        self.status = self.mine().values_list("status", flat=True).get()
        self.steps: set[tuple[str, str]] = set()

    def mine(self):
        return Delivery.objects.filter(pk=self.delivery.pk)

    # -- the pipeline ----------------------------------------------------------------

    @rule()
    def dispatcher_claims(self) -> None:
        dispatch.claim_due(now=far_future(), batch_size=50)

    @rule()
    def worker_claims(self) -> None:
        publishing.claim_for_publishing([self.delivery.pk])

    @precondition(lambda self: self.status in ("publishing", "processing"))
    @rule(to=st.sampled_from(["published", "processing", "retrying", "failed", "unknown"]))
    def platform_answers(self, to: str) -> None:
        """What a publish or poll task records, from the state the task saw."""
        transition(self.delivery.pk, to, expected=self.status)

    @rule(to=st.sampled_from(STATES))
    def outcome_reported(self, to: str) -> None:
        transition(self.delivery.pk, to)

    @rule(to=st.sampled_from(STATES), expected=st.sampled_from(STATES))
    def outcome_reported_from(self, to: str, expected: str) -> None:
        transition(self.delivery.pk, to, expected=expected)

    @rule()
    def sweeper_runs(self) -> None:
        dispatch.sweep_abandoned_publishing(now=far_future(), batch_size=50)

    @rule()
    def leases_run_out(self) -> None:
        dispatch.resend_stale_queued(now=far_future(), batch_size=50)
        dispatch.poll_due_processing(now=far_future(), batch_size=50)

    # -- the API and operators -------------------------------------------------------

    @rule()
    def api_deletes_the_post(self) -> None:
        services.post_delete(post=self.post)

    @rule()
    def api_retries(self) -> None:
        services.deliveries_retry(deliveries=self.mine())

    @precondition(lambda self: self.status in ("failed", "unknown"))
    @rule()
    def api_retries_what_went_wrong(self) -> None:
        services.post_retry(post=self.post)

    @rule()
    def admin_publishes_now(self) -> None:
        services.deliveries_publish_now(deliveries=self.mine())

    @precondition(lambda self: self.status == "unknown")
    @rule(outcome=st.sampled_from(["published", "failed"]))
    def operator_resolves(self, outcome: str) -> None:
        services.delivery_resolve(delivery=self.delivery, outcome=outcome, resolved_by="ops")

    @rule(state=st.sampled_from(STATES))
    def api_edits_the_state(self, state: str) -> None:
        # A refusal (409/400) is the right answer to a move that is not allowed.
        with contextlib.suppress(Conflict, ValidationError):
            services.post_update(post=self.post, changes={"state": state})

    # -- the property ----------------------------------------------------------------

    @invariant()
    def only_documented_steps(self) -> None:
        now = self.mine().values_list("status", flat=True).get()
        if now != self.status:
            assert now in DESIGN_ALLOWED[self.status], f"{self.status} -> {now}"
            self.steps.add((self.status, now))
            self.status = now


def test_no_sequence_of_events_takes_a_step_design_md_does_not_allow():
    seen: set[tuple[str, str]] = set()

    class Recorded(DeliveryLife):
        def teardown(self) -> None:
            seen.update(self.steps)

    run_state_machine_as_test(
        Recorded,
        settings=settings(
            max_examples=200,
            stateful_step_count=30,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
            database=None,
            # A fixed walk: the breadth check below must not depend on the luck of the draw.
            derandomize=True,
        ),
    )
    assert len(seen) >= 12, f"the walk stayed close to home: {sorted(seen)}"


ROADS = {
    "published": ["dispatcher_claims", "worker_claims", ("platform_answers", "published")],
    "retried": [
        "dispatcher_claims",
        "worker_claims",
        ("platform_answers", "failed"),
        "api_retries_what_went_wrong",
        "dispatcher_claims",
    ],
    "resolved": [
        "dispatcher_claims",
        "worker_claims",
        "sweeper_runs",  # sandbox is idempotent: retrying, not unknown
        "dispatcher_claims",
        "worker_claims",
        ("platform_answers", "unknown"),
        ("operator_resolves", "published"),
    ],
    "cancelled": ["api_deletes_the_post", "dispatcher_claims", "api_retries"],
}
ROAD_ENDS = {"published": "published", "retried": "queued", "resolved": "published"}


@pytest.mark.parametrize("road", ROADS)
def test_the_documented_roads_are_open(road):
    """The random walk above may miss a road; these walk each one on purpose."""
    machine = DeliveryLife()
    for step in ROADS[road]:
        name, *arguments = step if isinstance(step, tuple) else (step,)
        getattr(machine, name)(*arguments)
        machine.only_documented_steps()
    assert machine.status == ROAD_ENDS.get(road, "cancelled")
