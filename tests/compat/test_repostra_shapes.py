"""Crier's Repostra answers against the shapes read from Repostra's document
(repostra_shapes.py): one test per documented route, each asserting the status, the field
names and the JSON types."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from rest_framework.response import Response
from rest_framework.test import APIClient

from tests.compat.repostra_shapes import ROUTES, SEED
from tests.compat.shapes import check_answer
from tests.compat.test_repostra import (
    EDITORJS,
    blog_receiver,
    create_blog_account,
    private_webhooks,
    repostra,
)
from tests.factories import SocialAccountFactory

__all__ = ["blog_receiver", "private_webhooks", "repostra"]  # fixtures

pytestmark = pytest.mark.django_db
BASE = "/api/v1"


@dataclass
class World:
    """A brand holding one of everything a Repostra route answers about."""

    client: APIClient
    account: int
    schedule: int
    content: int  # a draft with a body, ready to approve
    social: int  # a social topic waiting for approval


@pytest.fixture
def world(repostra, owner, workspace, private_webhooks, blog_receiver) -> World:
    account = create_blog_account(repostra, blog_receiver.url)["data"]["id"]
    schedule = repostra.post(
        f"{BASE}/posting-schedules",
        {"account_id": account, "platform": "website", "day_of_week": "monday", "time": "09:00"},
        format="json",
    ).json()["data"]["id"]
    content = repostra.post(
        f"{BASE}/content",
        {"title": "10 SEO Tips", "keyword": "seo tips", "posting_schedule_id": schedule},
        format="json",
    ).json()["data"]["id"]
    repostra.put(f"{BASE}/content/{content}", {"content": EDITORJS}, format="json")
    linkedin = SocialAccountFactory(workspace=workspace, platform="linkedin")
    owner.client.post(
        "/api/v1/planned-posts",
        {"topic": "SEO tips", "account_ids": [linkedin.pk], "scheduled_at": "2099-04-08T14:00:00Z"},
        format="json",
    )
    [social] = repostra.get(f"{BASE}/approvals").json()["data"]["pending_social"]
    return World(repostra, account, schedule, content, social["id"])


def _approve_content(w: World, path: str) -> Response:
    return w.client.post(path, {}, format="json")


def _approve_social_content(w: World) -> Response:
    return w.client.post(
        f"{BASE}/approvals/social/{w.social}/approve-content",
        {"content": "Here are 10 SEO tips that actually work..."},
        format="json",
    )


def _delete_account(w: World) -> Response:
    w.client.delete(f"{BASE}/posting-schedules/{w.schedule}")  # the document's 409 otherwise
    return w.client.delete(f"{BASE}/social-accounts/{w.account}")


# The document's method and path → Crier's answer to the route, in `world`.
SCENARIOS: dict[tuple[str, str], Callable[[World], Response]] = {
    ("GET", "/social-accounts"): lambda w: w.client.get(f"{BASE}/social-accounts"),
    ("POST", "/social-accounts"): lambda w: w.client.post(
        f"{BASE}/social-accounts",
        {"platform": "linkedin", "account_name": "Company page", "posting_method": "manual"},
        format="json",
    ),
    ("GET", "/social-accounts/{id}"): lambda w: w.client.get(f"{BASE}/social-accounts/{w.account}"),
    ("PUT", "/social-accounts/{id}"): lambda w: w.client.put(
        f"{BASE}/social-accounts/{w.account}", {"account_name": "The Blog"}, format="json"
    ),
    ("DELETE", "/social-accounts/{id}"): _delete_account,
    ("GET", "/posting-schedules"): lambda w: w.client.get(f"{BASE}/posting-schedules"),
    ("POST", "/posting-schedules"): lambda w: w.client.post(
        f"{BASE}/posting-schedules",
        {"account_id": w.account, "platform": "website", "day_of_week": "friday", "time": "17:30"},
        format="json",
    ),
    ("PUT", "/posting-schedules/{id}"): lambda w: w.client.put(
        f"{BASE}/posting-schedules/{w.schedule}", {"time": "10:00"}, format="json"
    ),
    ("DELETE", "/posting-schedules/{id}"): lambda w: w.client.delete(
        f"{BASE}/posting-schedules/{w.schedule}"
    ),
    ("GET", "/content"): lambda w: w.client.get(f"{BASE}/content"),
    ("GET", "/content/{id}"): lambda w: w.client.get(f"{BASE}/content/{w.content}"),
    ("POST", "/content"): lambda w: w.client.post(
        f"{BASE}/content",
        {"title": "Local SEO", "description": "For shops", "scheduled_for": "2099-04-07T09:00:00Z"},
        format="json",
    ),
    ("PUT", "/content/{id}"): lambda w: w.client.put(
        f"{BASE}/content/{w.content}", {"title": "Ten SEO Tips"}, format="json"
    ),
    ("DELETE", "/content/{id}"): lambda w: w.client.delete(f"{BASE}/content/{w.content}"),
    ("POST", "/content/{id}/approve"): lambda w: _approve_content(
        w, f"{BASE}/content/{w.content}/approve"
    ),
    ("GET", "/approvals"): lambda w: w.client.get(f"{BASE}/approvals"),
    ("POST", "/approvals/blog/{id}/approve"): lambda w: _approve_content(
        w, f"{BASE}/approvals/blog/{w.content}/approve"
    ),
    ("POST", "/approvals/social/{id}/approve-topic"): lambda w: w.client.post(
        f"{BASE}/approvals/social/{w.social}/approve-topic",
        {"topic": "SEO tips for small businesses"},
        format="json",
    ),
    ("POST", "/approvals/social/{id}/approve-content"): _approve_social_content,
}


@pytest.mark.parametrize("route", ROUTES, ids=lambda route: route.name)
def test_crier_answers_each_documented_route_with_its_fields_and_types(world, route):
    response = SCENARIOS[route.method, route.path](world)

    check_answer(response, route, SEED)


def test_the_table_has_one_route_per_scenario():
    assert {(route.method, route.path) for route in ROUTES} == SCENARIOS.keys()


def test_the_table_covers_every_route_of_the_seed_document():
    # The document names each route as `METHOD /api/v1/...`.
    with open(SEED, encoding="utf-8") as document:
        documented = set(
            re.findall(r"^(GET|POST|PUT|DELETE) /api/v1(/\S+)$", document.read(), re.M)
        )
    assert documented == {(route.method, route.path) for route in ROUTES}
