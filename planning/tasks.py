"""Celery entry points of planning: each calls a service and holds no rules."""

from __future__ import annotations

from celery import shared_task

from planning import drafts, evergreen, recurring


@shared_task(ignore_result=True)
def materialize_recurrences() -> dict[str, int]:
    return recurring.materialize_due()


@shared_task(ignore_result=True)
def fill_evergreen_slots() -> dict[str, int]:
    return evergreen.fill_slots()


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def generate_draft(plan_id: str) -> str:
    return drafts.draft_generate(plan_id=plan_id)


@shared_task(ignore_result=True)
def generate_due_drafts() -> int:
    return drafts.due_send()
