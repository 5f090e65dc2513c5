"""The Repostra document's own requests, against Crier (base URL and key swapped).

Dates in the document's examples (April 2026) are in the past here: they move to 2099.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest
import respx
from django.db import connection
from rest_framework.test import APIClient

from accounts.models import AccountStatus, SocialAccount
from compat import editorjs
from compat.models import RepostraId
from planning.drafts import draft_generate
from planning.models import PlannedPost, PostingSchedule
from posts.models import Delivery, Post
from tests.conftest import make_caller
from tests.factories import MemberFactory, SocialAccountFactory
from tests.reliability.fuzzing import fuzz_operations, offline_netguard, tagged, wsgi_app

__all__ = ["offline_netguard", "wsgi_app"]  # fixtures

pytestmark = pytest.mark.django_db

SECRET = "a-shared-secret-of-more-than-24-bytes"
EDITORJS = {
    "time": 1712300000000,
    "blocks": [
        {"type": "header", "data": {"text": "10 SEO Tips", "level": 2}},
        {"type": "paragraph", "data": {"text": "Start with <b>keywords</b> & <script>x</script>"}},
        {"type": "list", "data": {"style": "ordered", "items": ["Titles", "Links"]}},
        {"type": "delimiter", "data": {}},
    ],
    "version": "2.29.0",
}
EXPECTED_HTML = (
    "<h2>10 SEO Tips</h2>\n"
    "<p>Start with <b>keywords</b> &amp; x</p>\n"
    "<ol><li>Titles</li><li>Links</li></ol>\n"
    "<hr>"
)


def repostra_client(secret: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_X_API_KEY=secret)
    return client


@pytest.fixture
def repostra(owner) -> APIClient:
    return repostra_client(owner.secret)


@pytest.fixture
def private_webhooks(settings) -> None:
    # The receivers below listen on 127.0.0.1, which the egress guard refuses by default.
    settings.CRIER_ALLOW_PRIVATE_URLS = True


class _Blog(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.server.received.append({"headers": dict(self.headers), "body": body})
        answer = json.dumps({"id": 7, "url": "https://blog.example.com/10-seo-tips"}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def blog_receiver():
    """A site's webhook endpoint that answers with the URL of the published article."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Blog)
    server.received = []
    threading.Thread(target=server.serve_forever, daemon=True).start()
    server.url = f"http://127.0.0.1:{server.server_address[1]}/webhook/blog"
    yield server
    server.shutdown()
    server.server_close()


def verify_signature(request: dict, key: bytes) -> dict:
    """Standard Webhooks: v1,base64(HMAC-SHA256(key, id.timestamp.body))."""
    headers = {name.lower(): value for name, value in request["headers"].items()}
    signed = f"{headers['webhook-id']}.{headers['webhook-timestamp']}.".encode() + request["body"]
    expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    assert headers["webhook-signature"] == f"v1,{expected}"
    return json.loads(request["body"])


def crier_id(kind: str, number: int) -> str:
    """The Crier object behind a number Repostra answered (a number, never a string)."""
    assert isinstance(number, int) and not isinstance(number, bool) and number > 0
    return RepostraId.objects.get(kind=kind, pk=number).object_id


def create_blog_account(repostra, url: str, **extra) -> dict:
    response = repostra.post(
        "/api/v1/social-accounts",
        {
            "platform": "website",
            "account_name": "My Blog",
            "posting_method": "webhook",
            "webhook_url": url,
            **extra,
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    return response.json()


# -- auth, envelope, limits -----------------------------------------------------------------


def test_a_request_without_a_key_is_401_in_repostra_envelope(db):
    response = APIClient().get("/api/v1/social-accounts")
    assert response.status_code == 401
    assert response.json() == {
        "error": "unauthorized",
        "message": "Missing API key: send it as X-API-Key.",
    }


def test_an_invalid_key_is_the_documented_401(db):
    response = repostra_client("crier_nothere_nope").get("/api/v1/social-accounts")
    assert response.status_code == 401
    assert response.json() == {"error": "unauthorized", "message": "Invalid API key"}


def test_the_rate_limit_is_per_key_with_retry_after(repostra, editor, settings):
    settings.REPOSTRA_RATE_LIMIT = "3/minute"
    for _ in range(3):
        assert repostra.get("/api/v1/social-accounts").status_code == 200
    limited = repostra.get("/api/v1/social-accounts")
    assert limited.status_code == 429
    assert limited.json()["error"] == "rate_limited"
    assert "Rate limit exceeded" in limited.json()["message"]
    assert 1 <= int(limited["Retry-After"]) <= 60
    # Another key of the same workspace has its own window.
    assert repostra_client(editor.secret).get("/api/v1/social-accounts").status_code == 200


# -- social accounts ------------------------------------------------------------------------


def test_example_1_creates_a_webhook_account_and_returns_its_secret_once(
    repostra, owner, private_webhooks
):
    body = create_blog_account(repostra, "https://example.com/webhook/blog")
    account = body["data"]
    assert account["platform"] == "website"
    assert account["account_name"] == "My Blog"
    assert account["account_identifier"] is None
    assert account["posting_method"] == "webhook"
    assert account["webhook_url"] == "example.com"  # only the host: a URL may carry a token
    assert account["is_active"] is True
    assert account["created_at"].endswith("+00:00")
    assert body["signing_secret"].startswith("whsec_")

    stored = SocialAccount.objects.get(pk=crier_id("account", account["id"]))
    assert stored.workspace == owner.workspace
    assert stored.platform == "webhook"
    assert stored.credentials["access_token"] == body["signing_secret"]
    with connection.cursor() as cursor:  # encrypted at rest
        cursor.execute("SELECT credentials FROM accounts_socialaccount WHERE id = %s", [stored.pk])
        raw = str(cursor.fetchone()[0])
    assert body["signing_secret"] not in raw

    listed = repostra.get("/api/v1/social-accounts").json()
    assert listed["data"] == [account]
    assert listed["meta"] == {"current_page": 1, "last_page": 1, "per_page": 25, "total": 1}
    fetched = repostra.get(f"/api/v1/social-accounts/{account['id']}").json()
    assert fetched == {"data": account}
    assert "signing_secret" not in fetched["data"]


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"platform": "myspace"}, "platform"),
        ({"platform": "website", "posting_method": "webhook"}, "webhook_url"),
        ({"platform": "website", "posting_method": "auto"}, "posting_method"),
        ({"platform": "linkedin", "posting_method": "auto"}, "posting_method"),
        (
            {"platform": "website", "webhook_url": "https://e.com/h", "signing_secret": "short"},
            "signing_secret",
        ),
        ({"platform": "website", "webhook_url": "ftp://e.com/h"}, "http"),
    ],
)
def test_invalid_accounts_are_422(repostra, payload, field, private_webhooks):
    response = repostra.post("/api/v1/social-accounts", payload, format="json")
    assert response.status_code == 422
    assert response.json()["error"] == "validation_error"
    assert field in response.json()["message"]
    assert not SocialAccount.objects.exists()


def test_update_pauses_renames_and_never_returns_credentials(repostra, private_webhooks):
    account = create_blog_account(repostra, "https://example.com/hook", signing_secret=SECRET)
    assert "signing_secret" not in account  # the caller chose it: nothing to show
    response = repostra.put(
        f"/api/v1/social-accounts/{account['data']['id']}",
        {"account_name": "Engineering Blog", "is_active": False},
        format="json",
    )
    assert response.status_code == 200
    data = response.json()["data"]
    assert (data["account_name"], data["is_active"]) == ("Engineering Blog", False)
    stored = SocialAccount.objects.get(pk=crier_id("account", data["id"]))
    assert stored.status == AccountStatus.DISABLED
    assert base64.b64decode(stored.credentials["access_token"].removeprefix("whsec_")) == (
        SECRET.encode()
    )


def test_deleting_an_account_with_schedules_is_409_until_they_are_gone(repostra, private_webhooks):
    account = create_blog_account(repostra, "https://example.com/hook")["data"]
    schedule = repostra.post(
        "/api/v1/posting-schedules",
        {
            "account_id": account["id"],
            "platform": "website",
            "day_of_week": "monday",
            "time": "09:00",
        },
        format="json",
    ).json()["data"]
    refused = repostra.delete(f"/api/v1/social-accounts/{account['id']}")
    assert refused.status_code == 409
    assert refused.json()["error"] == "conflict"
    assert "posting schedules" in refused.json()["message"]

    deleted_schedule = repostra.delete(f"/api/v1/posting-schedules/{schedule['id']}")
    assert (deleted_schedule.status_code, deleted_schedule.json()) == (
        200,
        {"message": "Posting schedule deleted."},
    )
    deleted_account = repostra.delete(f"/api/v1/social-accounts/{account['id']}")
    assert (deleted_account.status_code, deleted_account.json()) == (
        200,
        {"message": "Social account deleted."},
    )
    gone = repostra.get(f"/api/v1/social-accounts/{account['id']}")
    assert gone.status_code == 404
    assert gone.json() == {"error": "not_found", "message": "Social account not found."}


# -- posting schedules ----------------------------------------------------------------------


def test_example_2_creates_a_schedule_in_repostra_shape(repostra, private_webhooks):
    account = create_blog_account(repostra, "https://example.com/hook")["data"]
    response = repostra.post(
        "/api/v1/posting-schedules",
        {
            "account_id": account["id"],
            "platform": "website",
            "day_of_week": "monday",
            "time": "09:00",
            "blog_column_index": 1,
        },
        format="json",
    )
    assert response.status_code == 201
    schedule = response.json()["data"]
    assert schedule["account_id"] == account["id"]
    assert schedule["account"] == {
        "id": account["id"],
        "platform": "website",
        "account_name": "My Blog",
    }
    assert schedule["platform"] == "website"
    assert (schedule["day_of_week"], schedule["time"]) == ("monday", "09:00")
    assert (schedule["content_type"], schedule["blog_column_index"]) == (None, 1)
    assert schedule["is_active"] is True
    assert (
        PostingSchedule.objects.get(pk=crier_id("schedule", schedule["id"])).blog_column_index == 1
    )

    updated = repostra.put(
        f"/api/v1/posting-schedules/{schedule['id']}",
        {"time": "10:30", "day_of_week": "friday", "is_active": False},
        format="json",
    ).json()["data"]
    assert (updated["day_of_week"], updated["time"], updated["is_active"]) == (
        "friday",
        "10:30",
        False,
    )
    listed = repostra.get("/api/v1/posting-schedules").json()
    assert [item["id"] for item in listed["data"]] == [schedule["id"]]
    assert listed["meta"]["total"] == 1


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"time": "9am"}, "time"),
        ({"day_of_week": "someday"}, "day_of_week"),
        ({"platform": "linkedin"}, "platform"),
        ({"account_id": "acc_unknown"}, "account_id"),
        ({"blog_column_index": 0}, "blog_column_index"),
    ],
)
def test_invalid_schedules_are_422(repostra, private_webhooks, change, field):
    account = create_blog_account(repostra, "https://example.com/hook")["data"]
    payload = {"account_id": account["id"], "platform": "website", "day_of_week": "monday"}
    payload |= {"time": "09:00", **change}
    response = repostra.post("/api/v1/posting-schedules", payload, format="json")
    assert response.status_code == 422
    assert response.json()["error"] == "validation_error"
    assert field in response.json()["message"]


def test_native_clients_keep_the_native_schedule_and_approval_views(
    repostra, owner, private_webhooks
):
    account = create_blog_account(repostra, "https://example.com/hook")["data"]
    repostra.post(
        "/api/v1/posting-schedules",
        {
            "account_id": account["id"],
            "platform": "website",
            "day_of_week": "monday",
            "time": "09:00",
        },
        format="json",
    )
    native = owner.client.get("/api/v1/posting-schedules").json()
    assert "data" not in native
    assert native["results"][0]["account_id"] == crier_id("account", account["id"])
    assert "next_at" in native["results"][0]
    assert "counts" in owner.client.get("/api/v1/approvals").json()
    # Both headers: the Authorization header is Crier's, so the native view answers.
    both = APIClient()
    both.credentials(HTTP_AUTHORIZATION=f"Bearer-API {owner.secret}", HTTP_X_API_KEY="x")
    assert "results" in both.get("/api/v1/posting-schedules").json()
    # A Repostra client without a valid key gets Repostra's.
    assert repostra_client("bad").get("/api/v1/approvals").json()["error"] == "unauthorized"


# -- content --------------------------------------------------------------------------------


def test_content_list_filters_by_status_and_paginates(repostra):
    ids = [
        repostra.post("/api/v1/content", {"title": f"Topic {n}"}, format="json").json()["data"][
            "id"
        ]
        for n in range(3)
    ]
    repostra.put(f"/api/v1/content/{ids[0]}", {"content": json.dumps(EDITORJS)}, format="json")

    first = repostra.get("/api/v1/content", {"per_page": 2}).json()
    assert first["meta"] == {"current_page": 1, "last_page": 2, "per_page": 2, "total": 3}
    assert [item["id"] for item in first["data"]] == [ids[2], ids[1]]
    second = repostra.get("/api/v1/content", {"per_page": 2, "page": 2}).json()
    assert [item["id"] for item in second["data"]] == [ids[0]]

    drafts = repostra.get("/api/v1/content", {"status": "draft"}).json()
    assert [item["id"] for item in drafts["data"]] == [ids[0]]
    planned = repostra.get("/api/v1/content", {"status": "planned"}).json()
    assert planned["meta"]["total"] == 2
    bad = repostra.get("/api/v1/content", {"status": "lost"})
    assert bad.status_code == 422
    assert repostra.get("/api/v1/content", {"per_page": 0}).status_code == 422
    # Found by the fuzzer: an OFFSET past bigint was a 500.
    huge = repostra.get("/api/v1/content", {"page": "6789163285599093784576"})
    assert huge.status_code == 422
    assert huge.json()["error"] == "validation_error"


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({}, "title"),
        ({"title": "x", "scheduled_for": "2099-04-07T09:00:00"}, "scheduled_for"),
        ({"title": "x", "scheduled_for": "2001-04-07T09:00:00Z"}, "past"),
        ({"title": "x", "posting_schedule_id": "sch_nothere"}, "posting_schedule_id"),
    ],
)
def test_invalid_content_is_422(repostra, payload, field):
    response = repostra.post("/api/v1/content", payload, format="json")
    assert response.status_code == 422
    assert field in response.json()["message"]


def test_a_body_that_is_not_editorjs_is_422(repostra):
    content = repostra.post("/api/v1/content", {"title": "x"}, format="json").json()["data"]
    for body in ("not json", json.dumps({"blocks": "no"}), json.dumps({"blocks": [{"x": 1}]})):
        response = repostra.put(
            f"/api/v1/content/{content['id']}", {"content": body}, format="json"
        )
        assert response.status_code == 422, body
        assert "content" in response.json()["message"]


def test_approving_content_without_a_body_is_422(repostra):
    content = repostra.post("/api/v1/content", {"title": "x"}, format="json").json()["data"]
    response = repostra.post(f"/api/v1/content/{content['id']}/approve")
    assert response.status_code == 422
    assert "no body yet" in response.json()["message"]


def test_the_full_workflow_publishes_to_a_signed_webhook(
    repostra, owner, private_webhooks, blog_receiver, settings
):
    # 1. A social account (the site's webhook) with the site's own secret.
    account = create_blog_account(repostra, blog_receiver.url, signing_secret=SECRET)["data"]
    # 2. Its posting schedule.
    schedule = repostra.post(
        "/api/v1/posting-schedules",
        {
            "account_id": account["id"],
            "platform": "website",
            "day_of_week": "monday",
            "time": "09:00",
            "blog_column_index": 1,
        },
        format="json",
    ).json()["data"]
    # 3. Content (a topic).
    created = repostra.post(
        "/api/v1/content",
        {
            "title": "10 SEO Tips",
            "description": "Practical tips for improving search rankings",
            "posting_schedule_id": schedule["id"],
            "scheduled_for": "2099-04-07T09:00:00Z",
        },
        format="json",
    )
    assert created.status_code == 201
    content = created.json()["data"]
    assert content["status"] == "planned"
    assert content["slug"] == "10-seo-tips"
    assert content["posting_schedule_id"] == schedule["id"]
    assert content["scheduled_for"] == "2099-04-07T09:00:00+00:00"
    assert content["content"] is None
    assert (content["published_url"], content["approved_at"]) == (None, None)
    # Someone writes the body (no generator configured here).
    written = repostra.put(
        f"/api/v1/content/{content['id']}", {"content": json.dumps(EDITORJS)}, format="json"
    ).json()["data"]
    assert written["status"] == "draft"
    assert written["content"] == EDITORJS
    # 4. Pending approvals.
    pending = repostra.get("/api/v1/approvals").json()
    assert pending["data"]["pending_blog"] == [
        {
            "type": "blog_content",
            "id": content["id"],
            "title": "10 SEO Tips",
            "status": "draft",
            "scheduled_for": "2099-04-07T09:00:00+00:00",
            "ai_generated_at": None,
            "created_at": content["created_at"],
        }
    ]
    assert pending["meta"] == {"pending_blog_count": 1, "pending_social_count": 0}
    # 5. Approve: published at once through the webhook account.
    approved = repostra.post(f"/api/v1/content/{content['id']}/approve")
    assert approved.status_code == 200, approved.json()
    published = approved.json()["data"]
    assert published["status"] == "published"
    assert published["published_url"] == "https://blog.example.com/10-seo-tips"
    assert published["approved_at"] is not None and published["published_at"] is not None

    [request] = blog_receiver.received
    event = verify_signature(request, SECRET.encode())
    assert event["type"] == "post.publish"
    assert event["data"]["text"] == EXPECTED_HTML
    assert event["data"]["options"]["data"] == {
        "content_id": content["id"],
        "title": "10 SEO Tips",
        "slug": "10-seo-tips",
        "description": "Practical tips for improving search rankings",
        "keyword": "",
    }
    delivery = Delivery.objects.get(account_id=crier_id("account", account["id"]))
    assert (delivery.status, delivery.external_id) == ("published", "7")

    assert repostra.get(f"/api/v1/content/{content['id']}").json()["data"]["status"] == (
        "published"
    )
    assert repostra.get("/api/v1/approvals").json()["meta"]["pending_blog_count"] == 0
    again = repostra.post(f"/api/v1/content/{content['id']}/approve")
    assert again.status_code == 409
    edit = repostra.put(f"/api/v1/content/{content['id']}", {"title": "New"}, format="json")
    assert edit.status_code == 409
    assert edit.json() == {
        "error": "conflict",
        "message": "Published content cannot be updated.",
    }

    # 6. and 7.: a social post's topic, then its content (a LinkedIn post via Zapier).
    linkedin = repostra.post(
        "/api/v1/social-accounts",
        {
            "platform": "linkedin",
            "account_name": "Company page",
            "posting_method": "zapier",
            "webhook_url": "https://hooks.zapier.example/catch/1",
            "signing_secret": SECRET,
        },
        format="json",
    ).json()["data"]
    assert (linkedin["platform"], linkedin["posting_method"]) == ("linkedin", "zapier")
    topic = owner.client.post(
        "/api/v1/planned-posts",
        {
            "topic": "SEO tips",
            "account_ids": [crier_id("account", linkedin["id"])],
            "scheduled_at": "2099-04-08T14:00:00Z",
        },
        format="json",
    ).json()
    pending_social = repostra.get("/api/v1/approvals").json()["data"]["pending_social"]
    social_id = pending_social[0]["id"]
    assert crier_id("social_post", social_id) == topic["id"]
    assert pending_social == [
        {
            "type": "social_post",
            "id": social_id,
            "topic": "SEO tips",
            "content": None,
            "platform": "linkedin",
            "content_type": "text",
            "status": "pending_approval",
            "blog_content_id": None,
            "scheduled_for": "2099-04-08T14:00:00+00:00",
            "created_at": pending_social[0]["created_at"],
        }
    ]
    settings.CRIER_GENERATOR_URL = "https://generator.example/draft"
    settings.CRIER_GENERATOR_KIND = "webhook"
    approved_topic = repostra.post(
        f"/api/v1/approvals/social/{social_id}/approve-topic",
        {"topic": "SEO tips for small businesses"},
        format="json",
    )
    assert approved_topic.status_code == 200
    assert approved_topic.json()["data"]["topic"] == "SEO tips for small businesses"
    with respx.mock:
        brief = respx.post("https://generator.example/draft").mock(
            return_value=httpx.Response(200, json={"text": "Generated SEO tips."})
        )
        assert draft_generate(plan_id=topic["id"]) == "drafted"  # the worker's step
    assert json.loads(brief.calls.last.request.content)["topic"] == (
        "SEO tips for small businesses"
    )
    [item] = repostra.get("/api/v1/approvals").json()["data"]["pending_social"]
    post_id = PlannedPost.objects.get(pk=topic["id"]).post_id
    # Drafted, it is a post now, under the topic's number still: the document's one id.
    assert (item["id"], item["content"], item["status"]) == (
        social_id,
        "Generated SEO tips.",
        "pending_approval",
    )
    done = repostra.post(
        f"/api/v1/approvals/social/{social_id}/approve-content",
        {"content": "Here are 10 SEO tips that actually work..."},
        format="json",
    )
    assert done.status_code == 200
    assert done.json()["data"]["status"] == "ready"
    assert done.json()["data"]["content"] == "Here are 10 SEO tips that actually work..."
    post = Post.objects.get(pk=post_id)
    assert post.block_for("webhook")["text"] == "Here are 10 SEO tips that actually work..."
    assert post.deliveries.get().status == "scheduled"
    assert repostra.get("/api/v1/approvals").json()["meta"] == {
        "pending_blog_count": 0,
        "pending_social_count": 0,
    }


def test_approving_publishes_through_wordpress(repostra):
    with respx.mock(assert_all_called=True) as wp:
        wp.head("https://blog.example.com/").mock(
            return_value=httpx.Response(
                200,
                headers={"Link": '<https://blog.example.com/wp-json/>; rel="https://api.w.org/"'},
            )
        )
        wp.get("https://blog.example.com/wp-json/").mock(
            return_value=httpx.Response(200, json={"name": "My Blog", "namespaces": ["wp/v2"]})
        )
        wp.get("https://blog.example.com/wp-json/wp/v2/users/me").mock(
            return_value=httpx.Response(
                200, json={"id": 3, "slug": "editor", "capabilities": {"publish_posts": True}}
            )
        )
        created = repostra.post(
            "/api/v1/social-accounts",
            {
                "platform": "website",
                "posting_method": "wordpress",
                "webhook_url": "https://blog.example.com",
                "wordpress_api_key": "editor:abcd efgh ijkl mnop",
            },
            format="json",
        )
    assert created.status_code == 201, created.json()
    account = created.json()["data"]
    assert account["posting_method"] == "wordpress"
    assert account["webhook_url"] == "blog.example.com"
    assert "signing_secret" not in created.json()

    content = repostra.post("/api/v1/content", {"title": "10 SEO Tips"}, format="json").json()
    content_id = content["data"]["id"]
    repostra.put(f"/api/v1/content/{content_id}", {"content": EDITORJS}, format="json")
    with respx.mock as wp:
        posted = wp.post("https://blog.example.com/wp-json/wp/v2/posts").mock(
            return_value=httpx.Response(
                201, json={"id": 42, "link": "https://blog.example.com/10-seo-tips/"}
            )
        )
        approved = repostra.post(
            f"/api/v1/approvals/blog/{content_id}/approve", {"title": "Ten SEO Tips"}, format="json"
        )
    assert approved.status_code == 200, approved.json()
    assert approved.json()["data"]["published_url"] == "https://blog.example.com/10-seo-tips/"
    assert approved.json()["data"]["title"] == "Ten SEO Tips"
    request = posted.calls.last.request
    expected_auth = base64.b64encode(b"editor:abcd efgh ijkl mnop").decode()
    assert request.headers["Authorization"] == f"Basic {expected_auth}"
    assert json.loads(request.content) == {
        "title": "Ten SEO Tips",
        "content": EXPECTED_HTML,
        "status": "publish",
    }


def test_a_content_whose_account_cannot_publish_waits_as_an_approved_draft(repostra):
    content = repostra.post("/api/v1/content", {"title": "No site yet"}, format="json").json()
    content_id = content["data"]["id"]
    repostra.put(f"/api/v1/content/{content_id}", {"content": EDITORJS}, format="json")
    approved = repostra.post(f"/api/v1/content/{content_id}/approve")
    assert approved.status_code == 200
    data = approved.json()["data"]
    assert (data["status"], data["published_url"]) == ("draft", None)
    assert data["approved_at"] is not None
    assert not Post.objects.exists()


def test_delete_content(repostra):
    content = repostra.post("/api/v1/content", {"title": "x"}, format="json").json()["data"]
    deleted = repostra.delete(f"/api/v1/content/{content['id']}")
    assert (deleted.status_code, deleted.json()) == (200, {"message": "Content deleted."})
    assert repostra.get(f"/api/v1/content/{content['id']}").status_code == 404


# -- other workspaces, roles ----------------------------------------------------------------


def test_another_workspaces_objects_are_404(repostra, outsider, private_webhooks):
    account = create_blog_account(repostra, "https://example.com/hook")["data"]
    schedule = repostra.post(
        "/api/v1/posting-schedules",
        {
            "account_id": account["id"],
            "platform": "website",
            "day_of_week": "monday",
            "time": "09:00",
        },
        format="json",
    ).json()["data"]
    content = repostra.post("/api/v1/content", {"title": "Mine"}, format="json").json()["data"]
    stranger = repostra_client(outsider.secret)
    for method, url in [
        ("get", f"/api/v1/social-accounts/{account['id']}"),
        ("put", f"/api/v1/social-accounts/{account['id']}"),
        ("delete", f"/api/v1/social-accounts/{account['id']}"),
        ("get", f"/api/v1/posting-schedules/{schedule['id']}"),
        ("put", f"/api/v1/posting-schedules/{schedule['id']}"),
        ("delete", f"/api/v1/posting-schedules/{schedule['id']}"),
        ("get", f"/api/v1/content/{content['id']}"),
        ("put", f"/api/v1/content/{content['id']}"),
        ("delete", f"/api/v1/content/{content['id']}"),
        ("post", f"/api/v1/content/{content['id']}/approve"),
        ("post", f"/api/v1/approvals/blog/{content['id']}/approve"),
        ("post", f"/api/v1/approvals/social/{content['id']}/approve-topic"),
        ("post", f"/api/v1/approvals/social/{content['id']}/approve-content"),
    ]:
        response = getattr(stranger, method)(url, {}, format="json")
        assert response.status_code == 404, (method, url)
        assert response.json()["error"] == "not_found"
    assert stranger.get("/api/v1/social-accounts").json()["data"] == []
    assert stranger.get("/api/v1/posting-schedules").json()["data"] == []
    assert stranger.get("/api/v1/content").json()["data"] == []
    # Using a schedule of another brand is a validation error, as an unknown id is.
    used = stranger.post(
        "/api/v1/content", {"title": "x", "posting_schedule_id": schedule["id"]}, format="json"
    )
    assert used.status_code == 422


def test_an_editor_cannot_approve(workspace, repostra):
    content = repostra.post("/api/v1/content", {"title": "x"}, format="json").json()["data"]
    editor = make_caller(MemberFactory(workspace=workspace, role="editor"))
    response = repostra_client(editor.secret).post(f"/api/v1/content/{content['id']}/approve")
    assert response.status_code == 403
    assert response.json()["error"] == "forbidden"


# -- EditorJS -------------------------------------------------------------------------------


def test_editorjs_renders_every_block_escaped():
    document = {
        "blocks": [
            {"type": "header", "data": {"text": "<i>Hi</i>", "level": 9}},
            {"type": "quote", "data": {"text": "Less is more", "caption": "Mies"}},
            {
                "type": "image",
                "data": {"file": {"url": "https://i.example/a.png"}, "caption": "A <b>cat</b>"},
            },
            {"type": "image", "data": {"file": {"url": "javascript:alert(1)"}}},
            {"type": "code", "data": {"code": "<?php echo 1; ?>"}},
            {
                "type": "list",
                "data": {
                    "style": "unordered",
                    "items": [{"content": "a", "items": [{"content": "b", "items": []}]}],
                },
            },
            {
                "type": "paragraph",
                "data": {
                    "text": '<a href="javascript:x">bad</a> <a href="https://ok.example">ok</a>'
                },
            },
            {"type": "raw", "data": {"html": "<script>alert(1)</script>"}},
        ]
    }
    assert editorjs.to_html(document) == "\n".join(
        [
            "<h2><i>Hi</i></h2>",
            "<blockquote><p>Less is more</p><cite>Mies</cite></blockquote>",
            '<figure><img src="https://i.example/a.png" alt="A cat"><figcaption>A <b>cat</b>'
            "</figcaption></figure>",
            "<pre><code>&lt;?php echo 1; ?&gt;</code></pre>",
            "<ul><li>a<ul><li>b</li></ul></li></ul>",
            '<p>bad <a href="https://ok.example">ok</a></p>',
        ]
    )


def test_a_refused_publish_is_failed_content_with_the_reason(repostra, private_webhooks):
    from tests.receiver import Receiver

    with Receiver(status=400) as site:
        create_blog_account(repostra, site.url, signing_secret=SECRET)
        content = repostra.post("/api/v1/content", {"title": "x"}, format="json").json()["data"]
        repostra.put(f"/api/v1/content/{content['id']}", {"content": EDITORJS}, format="json")
        approved = repostra.post(f"/api/v1/content/{content['id']}/approve")
        assert len(site.received) == 1
    assert approved.status_code == 200
    data = approved.json()["data"]
    assert (data["status"], data["published_url"]) == ("failed", None)
    assert "400" in data["error"]
    assert repostra.get("/api/v1/content", {"status": "failed"}).json()["meta"]["total"] == 1


def test_fuzzed_repostra_operations_never_answer_5xx(wsgi_app, offline_netguard, owner, settings):
    """The schema fuzzer sends Crier's own header; this sends Repostra's, so the requests
    reach the dialect's validation and services."""
    settings.REPOSTRA_RATE_LIMIT = "100000/minute"
    tried = fuzz_operations(
        wsgi_app, headers={"X-API-Key": owner.secret}, include=tagged("dialect: Repostra")
    )
    assert tried == 14


def test_generated_content_is_approved_and_published_from_its_pending_post(
    repostra, private_webhooks, blog_receiver, settings
):
    settings.CRIER_GENERATOR_URL = "https://generator.example/draft"
    settings.CRIER_GENERATOR_KIND = "webhook"
    account = create_blog_account(repostra, blog_receiver.url, signing_secret=SECRET)["data"]
    schedule = repostra.post(
        "/api/v1/posting-schedules",
        {"account_id": account["id"], "platform": "website", "day_of_week": "monday"}
        | {"time": "09:00"},
        format="json",
    ).json()["data"]
    content = repostra.post(
        "/api/v1/content",
        {
            "title": "10 SEO Tips",
            "keyword": "seo tips",
            "posting_schedule_id": schedule["id"],
            "scheduled_for": "2099-04-07T09:00:00Z",
        },
        format="json",
    ).json()["data"]
    with respx.mock:
        respx.post("https://generator.example/draft").mock(
            return_value=httpx.Response(200, json={"text": "First <tip>.\n\nSecond tip."})
        )
        assert draft_generate(plan_id=crier_id("content", content["id"])) == "drafted"

    drafted = repostra.get(f"/api/v1/content/{content['id']}").json()["data"]
    assert drafted["status"] == "draft"
    assert drafted["keyword"] == "seo tips"
    assert drafted["ai_generated_at"] is not None
    assert drafted["content"] == {
        "blocks": [
            {"type": "paragraph", "data": {"text": "First &lt;tip&gt;."}},
            {"type": "paragraph", "data": {"text": "Second tip."}},
        ]
    }
    [pending] = repostra.get("/api/v1/approvals").json()["data"]["pending_blog"]
    assert (pending["id"], pending["ai_generated_at"]) == (
        content["id"],
        drafted["ai_generated_at"],
    )
    post = Post.objects.get(
        pk=PlannedPost.objects.get(pk=crier_id("content", content["id"])).post_id
    )
    assert post.deliveries.get().status == "pending_approval"

    approved = repostra.post(f"/api/v1/content/{content['id']}/approve")
    assert approved.status_code == 200, approved.json()
    assert approved.json()["data"]["status"] == "published"
    assert approved.json()["data"]["published_url"] == "https://blog.example.com/10-seo-tips"
    [request] = blog_receiver.received
    event = verify_signature(request, SECRET.encode())
    assert event["data"]["text"] == "<p>First &lt;tip&gt;.</p>\n<p>Second tip.</p>"
    assert Post.objects.count() == 1  # the draft's post went out; no second one


# -- integer ids ----------------------------------------------------------------------------


def test_every_object_has_a_stable_positive_integer_id(repostra, owner, private_webhooks):
    account = create_blog_account(repostra, "https://example.com/hook")["data"]
    schedule = repostra.post(
        "/api/v1/posting-schedules",
        {"account_id": account["id"], "platform": "website", "day_of_week": "monday"}
        | {"time": "09:00"},
        format="json",
    ).json()["data"]
    content = repostra.post(
        "/api/v1/content",
        {"title": "10 SEO Tips", "posting_schedule_id": schedule["id"]},
        format="json",
    ).json()["data"]
    numbers = [account["id"], schedule["id"], content["id"]]
    assert all(type(number) is int and number > 0 for number in numbers)
    assert len(set(numbers)) == 3
    assert (schedule["account_id"], schedule["account"]["id"]) == (account["id"], account["id"])
    assert content["posting_schedule_id"] == schedule["id"]
    # The same number on every answer, and the path takes it.
    assert repostra.get("/api/v1/social-accounts").json()["data"][0]["id"] == account["id"]
    assert repostra.get(f"/api/v1/social-accounts/{account['id']}").json()["data"] == account
    assert repostra.get(f"/api/v1/posting-schedules/{schedule['id']}").json()["data"] == schedule
    got = repostra.get(f"/api/v1/content/{content['id']}").json()["data"]
    assert (got["id"], got["posting_schedule_id"]) == (content["id"], schedule["id"])
    # What a typed client does with an id: arithmetic, and int() of it in a URL.
    assert repostra.get(f"/api/v1/content/{int(content['id'])}").status_code == 200
    assert RepostraId.objects.filter(workspace=owner.workspace).count() == 3


def test_the_crier_ids_answered_before_keep_working_in_paths_and_bodies(repostra, private_webhooks):
    account = create_blog_account(repostra, "https://example.com/hook")["data"]
    legacy_account = crier_id("account", account["id"])
    fetched = repostra.get(f"/api/v1/social-accounts/{legacy_account}").json()["data"]
    assert fetched["id"] == account["id"]
    schedule = repostra.post(
        "/api/v1/posting-schedules",
        {"account_id": legacy_account, "platform": "website", "day_of_week": "monday"}
        | {"time": "09:00"},
        format="json",
    )
    assert schedule.status_code == 201
    assert schedule.json()["data"]["account_id"] == account["id"]
    legacy_schedule = crier_id("schedule", schedule.json()["data"]["id"])
    content = repostra.post(
        "/api/v1/content", {"title": "x", "posting_schedule_id": legacy_schedule}, format="json"
    )
    assert content.status_code == 201
    assert content.json()["data"]["posting_schedule_id"] == schedule.json()["data"]["id"]


@pytest.mark.parametrize(
    "number", ["0", "-1", "007", "1.0", "99999999999999999999999999", "\u0661", "424242"]
)
def test_a_number_that_names_nothing_is_a_404_in_repostra_envelope(repostra, number):
    for url in (
        f"/api/v1/social-accounts/{number}",
        f"/api/v1/posting-schedules/{number}",
        f"/api/v1/content/{number}",
        f"/api/v1/content/{number}/approve",
        f"/api/v1/approvals/social/{number}/approve-content",
    ):
        response = repostra.post(url) if "approve" in url else repostra.get(url)
        assert response.status_code == 404, url
        assert response.json()["error"] == "not_found"


@pytest.mark.parametrize("account_id", [424242, 0, -3, 10**30, True, 1.5, None, [1]])
def test_a_body_naming_no_account_is_422(repostra, account_id):
    response = repostra.post(
        "/api/v1/posting-schedules",
        {"account_id": account_id, "platform": "website", "day_of_week": "monday"}
        | {"time": "09:00"},
        format="json",
    )
    assert response.status_code == 422
    assert response.json()["error"] == "validation_error"
    assert "account_id" in response.json()["message"]


def test_another_workspaces_numbers_and_crier_ids_are_not_found(
    repostra, outsider, private_webhooks
):
    theirs = SocialAccountFactory(workspace=outsider.workspace, platform="linkedin")
    their_number = repostra_client(outsider.secret).get("/api/v1/social-accounts").json()["data"]
    [their_number] = [item["id"] for item in their_number]
    for value in (their_number, theirs.pk):
        response = repostra.get(f"/api/v1/social-accounts/{value}")
        assert response.status_code == 404
        assert response.json() == {"error": "not_found", "message": "Social account not found."}
        used = repostra.post(
            "/api/v1/posting-schedules",
            {"account_id": value, "platform": "linkedin", "day_of_week": "monday"}
            | {"time": "09:00"},
            format="json",
        )
        assert used.status_code == 422
    mine = create_blog_account(repostra, "https://example.com/hook")["data"]
    stranger = repostra_client(outsider.secret)
    assert stranger.get(
        f"/api/v1/social-accounts/{crier_id('account', mine['id'])}"
    ).status_code == (404)


# -- posting_method manual and auto ----------------------------------------------------------


def create_manual_account(repostra, **fields) -> dict:
    response = repostra.post(
        "/api/v1/social-accounts",
        {"platform": "linkedin", "account_name": "Company page", "posting_method": "manual"}
        | fields,
        format="json",
    )
    assert response.status_code == 201, response.json()
    return response.json()


def test_a_manual_account_is_made_on_the_manual_connector(repostra, owner):
    body = create_manual_account(repostra, account_identifier="acme-inc")
    assert "signing_secret" not in body
    account = body["data"]
    assert account["platform"] == "linkedin"
    assert (account["posting_method"], account["account_identifier"]) == ("manual", "acme-inc")
    assert (account["account_name"], account["webhook_url"], account["is_active"]) == (
        "Company page",
        None,
        True,
    )
    stored = SocialAccount.objects.get(pk=crier_id("account", account["id"]))
    assert (stored.workspace, stored.platform, stored.username) == (
        owner.workspace,
        "manual",
        "acme-inc",
    )
    assert stored.credentials["access_token"] == ""
    # No posting_method and nothing to publish with: a manual account, as in Repostra.
    default = repostra.post("/api/v1/social-accounts", {"platform": "twitter"}, format="json")
    assert default.status_code == 201
    assert (default.json()["data"]["platform"], default.json()["data"]["posting_method"]) == (
        "twitter",
        "manual",
    )
    renamed = repostra.put(
        f"/api/v1/social-accounts/{account['id']}",
        {"account_name": "Acme", "webhook_url": "https://ignored.example/"},
        format="json",
    ).json()["data"]
    assert (renamed["account_name"], renamed["posting_method"]) == ("Acme", "manual")
    switched = repostra.put(
        f"/api/v1/social-accounts/{account['id']}",
        {"posting_method": "webhook", "webhook_url": "https://e.com/h", "signing_secret": SECRET},
        format="json",
    )
    assert switched.status_code == 422
    assert "cannot switch from manual to webhook" in switched.json()["message"]
    to_auto = repostra.put(
        f"/api/v1/social-accounts/{account['id']}", {"posting_method": "auto"}, format="json"
    )
    assert to_auto.status_code == 422
    assert "POST /api/v1/accounts/connect/{platform}" in to_auto.json()["message"]


def test_approving_a_manual_social_post_marks_it_published_without_sending_it(
    repostra, owner, settings
):
    """Steps 6 and 7 of the document's workflow for a manual account."""
    settings.CRIER_GENERATOR_URL = "https://generator.example/draft"
    settings.CRIER_GENERATOR_KIND = "webhook"
    account = create_manual_account(repostra)["data"]
    topic = owner.client.post(
        "/api/v1/planned-posts",
        {
            "topic": "SEO tips",
            "account_ids": [crier_id("account", account["id"])],
            "scheduled_at": "2099-04-08T14:00:00Z",
        },
        format="json",
    ).json()
    [item] = repostra.get("/api/v1/approvals").json()["data"]["pending_social"]
    assert (
        repostra.post(
            f"/api/v1/approvals/social/{item['id']}/approve-topic",
            {"topic": "SEO tips for small businesses"},
            format="json",
        ).status_code
        == 200
    )
    with respx.mock:
        respx.post("https://generator.example/draft").mock(
            return_value=httpx.Response(200, json={"text": "Generated SEO tips."})
        )
        assert draft_generate(plan_id=topic["id"]) == "drafted"
    [waiting] = repostra.get("/api/v1/approvals").json()["data"]["pending_social"]
    assert (waiting["id"], waiting["platform"], waiting["status"]) == (
        item["id"],
        "linkedin",
        "manual_posting",
    )

    with respx.mock:  # any request leaving Crier would fail this block
        done = repostra.post(
            f"/api/v1/approvals/social/{item['id']}/approve-content",
            {"content": "Here are 10 SEO tips that actually work..."},
            format="json",
        )
    assert done.status_code == 200, done.json()
    assert done.json()["data"]["status"] == "published"
    assert done.json()["data"]["content"] == "Here are 10 SEO tips that actually work..."
    delivery = Delivery.objects.get(account_id=crier_id("account", account["id"]))
    assert delivery.status == "published" and delivery.published_at is not None
    assert list(delivery.attempt_log.values_list("outcome", flat=True)) == ["published"]
    assert repostra.get("/api/v1/approvals").json()["meta"]["pending_social_count"] == 0
    again = repostra.post(
        f"/api/v1/approvals/social/{item['id']}/approve-content",
        {"content": "again"},
        format="json",
    )
    assert again.status_code == 409


def test_approving_content_for_a_manual_website_waits_for_its_scheduled_time(repostra):
    # "Otherwise [no WordPress or webhook account], the content ... will be published on
    # schedule": a manual account's post is due at the content's time, not marked at once.
    create_manual_account(repostra, platform="website", account_name="My Blog")
    content = repostra.post(
        "/api/v1/content",
        {"title": "10 SEO Tips", "scheduled_for": "2099-04-07T09:00:00Z"},
        format="json",
    ).json()
    content_id = content["data"]["id"]
    repostra.put(f"/api/v1/content/{content_id}", {"content": EDITORJS}, format="json")
    with respx.mock:  # nothing is sent
        approved = repostra.post(f"/api/v1/content/{content_id}/approve")
    assert approved.status_code == 200, approved.json()
    data = approved.json()["data"]
    assert (data["status"], data["published_url"], data["published_at"]) == (
        "scheduled",
        None,
        None,
    )
    assert data["approved_at"] is not None
    assert data["scheduled_for"] == "2099-04-07T09:00:00+00:00"
    delivery = Delivery.objects.get()
    assert delivery.status == "scheduled"
    assert delivery.scheduled_at.isoformat() == "2099-04-07T09:00:00+00:00"
    assert repostra.get("/api/v1/content", {"status": "published"}).json()["meta"]["total"] == 0


def test_approving_content_for_a_manual_website_without_a_time_stays_an_approved_draft(
    repostra,
):
    create_manual_account(repostra, platform="website", account_name="My Blog")
    content = repostra.post("/api/v1/content", {"title": "10 SEO Tips"}, format="json").json()
    content_id = content["data"]["id"]
    repostra.put(f"/api/v1/content/{content_id}", {"content": EDITORJS}, format="json")
    approved = repostra.post(f"/api/v1/content/{content_id}/approve")
    assert approved.status_code == 200, approved.json()
    data = approved.json()["data"]
    assert (data["status"], data["published_at"]) == ("draft", None)
    assert data["approved_at"] is not None
    assert not Delivery.objects.exists()


@pytest.mark.parametrize(
    ("platform", "hint"),
    [
        ("linkedin", "POST /api/v1/accounts/connect/linkedin"),
        ("twitter", "POST /api/v1/accounts/connect/x"),
        ("website", "webhook, zapier, wordpress or manual"),
    ],
)
def test_auto_is_refused_with_where_to_connect(repostra, platform, hint):
    response = repostra.post(
        "/api/v1/social-accounts", {"platform": platform, "posting_method": "auto"}, format="json"
    )
    assert response.status_code == 422
    assert response.json()["error"] == "validation_error"
    assert hint in response.json()["message"]
    assert not SocialAccount.objects.exists()


def test_an_oauth_account_connected_natively_is_listed_as_auto(repostra, workspace):
    SocialAccountFactory(workspace=workspace, platform="x", username="acme")
    [account] = repostra.get("/api/v1/social-accounts").json()["data"]
    assert (account["platform"], account["posting_method"], account["account_identifier"]) == (
        "twitter",
        "auto",
        "acme",
    )
    assert repostra.get(f"/api/v1/social-accounts/{account['id']}").json()["data"] == account


def test_accounts_on_networks_outside_the_documented_enum_are_not_listed(repostra, workspace):
    # The document's platforms: website, facebook, twitter, instagram, linkedin, tiktok,
    # youtube. Crier's Mastodon or sandbox accounts would be values a client cannot handle.
    SocialAccountFactory(workspace=workspace, platform="linkedin", external_id="li-1")
    mastodon = SocialAccountFactory(workspace=workspace, platform="mastodon", external_id="m-1")
    SocialAccountFactory(workspace=workspace, platform="sandbox")

    listed = repostra.get("/api/v1/social-accounts").json()

    assert [account["platform"] for account in listed["data"]] == ["linkedin"]
    assert listed["meta"]["total"] == 1
    assert repostra.get(f"/api/v1/social-accounts/{mastodon.pk}").status_code == 404


@pytest.mark.parametrize("path", ["/api/v1/posting-schedules", "/api/v1/approvals"])
def test_a_shared_path_without_any_key_is_401_in_repostra_envelope(db, path):
    # Both Crier and Repostra serve these paths; a keyless request is answered as on
    # Repostra's other paths (a native client always sends Authorization).
    response = APIClient().get(path)

    assert response.status_code == 401
    assert response.json() == {
        "error": "unauthorized",
        "message": "Missing API key: send it as X-API-Key.",
    }


def test_content_failing_without_a_website_account_says_why_without_a_native_id(repostra, settings):
    # A brand with no website account: the generator drafts, but no account can take it.
    settings.CRIER_GENERATOR_URL = "https://generator.example/draft"
    settings.CRIER_GENERATOR_KIND = "webhook"
    content = repostra.post("/api/v1/content", {"title": "10 SEO Tips"}, format="json")
    number = content.json()["data"]["id"]
    with respx.mock:
        respx.post("https://generator.example/draft").mock(
            return_value=httpx.Response(200, json={"text": "First tip."})
        )
        draft_generate(plan_id=crier_id("content", number))

    failed = repostra.get(f"/api/v1/content/{number}").json()["data"]

    assert failed["status"] == "failed"
    assert "job_" not in failed["error"]
    assert failed["error"] == (
        "The draft could not be stored for any account: it has no account to publish to."
    )


@pytest.mark.django_db(transaction=True)
def test_approve_answers_the_url_when_a_worker_claimed_the_delivery_first(
    repostra, private_webhooks, blog_receiver, eager_tasks, monkeypatch
):
    """A worker that got the publish message before the request's own publish step: the
    request claims nothing, yet answers the worker's outcome (the URL), not `scheduled`."""
    from django.db import connections

    from posts import publishing
    from posts.tasks import publish_deliveries

    create_blog_account(repostra, blog_receiver.url, signing_secret=SECRET)
    content = repostra.post("/api/v1/content", {"title": "10 SEO Tips"}, format="json").json()
    number = content["data"]["id"]
    repostra.put(f"/api/v1/content/{number}", {"content": EDITORJS}, format="json")
    claimed = threading.Event()
    workers: list[threading.Thread] = []

    def other_worker(delivery_ids: list[str]) -> None:
        try:
            deliveries = publishing.claim_for_publishing(delivery_ids)
            claimed.set()
            # Hold the claim a moment: the request has meanwhile found nothing to publish
            # and, before the fix, answered already.
            threading.Event().wait(1)
            publishing.publish_claimed(deliveries)
        finally:
            claimed.set()
            connections.close_all()

    def broker(delivery_ids: list[str]) -> None:
        """The publish message reaches another worker, which claims it before the request's
        own publish step runs (the hand-off: the request goes on once it is claimed)."""
        worker = threading.Thread(target=other_worker, args=(delivery_ids,))
        workers.append(worker)
        worker.start()
        assert claimed.wait(30)

    monkeypatch.setattr(publish_deliveries, "delay", broker)

    approved = repostra.post(f"/api/v1/content/{number}/approve")
    for worker in workers:
        worker.join(30)

    assert len(workers) == 1
    assert approved.status_code == 200, approved.json()
    data = approved.json()["data"]
    assert (data["status"], data["published_url"]) == (
        "published",
        "https://blog.example.com/10-seo-tips",
    )
    assert len(blog_receiver.received) == 1  # published once, by the worker


def _linkedin_topic(repostra, owner, workspace) -> tuple[str, int]:
    account = SocialAccountFactory(workspace=workspace, platform="linkedin")
    topic = owner.client.post(
        "/api/v1/planned-posts",
        {
            "topic": "SEO tips",
            "account_ids": [account.pk],
            "scheduled_at": "2099-04-08T14:00:00Z",
        },
        format="json",
    ).json()
    [item] = repostra.get("/api/v1/approvals").json()["data"]["pending_social"]
    return topic["id"], item["id"]


def test_workflow_steps_6_and_7_without_a_generator(repostra, owner, workspace):
    # No generator: the approved topic waits for its content, which step 7 brings.
    plan_id, social_id = _linkedin_topic(repostra, owner, workspace)

    topic = repostra.post(
        f"/api/v1/approvals/social/{social_id}/approve-topic",
        {"topic": "SEO tips for small businesses"},
        format="json",
    )
    assert topic.status_code == 200, topic.json()
    assert (topic.json()["data"]["id"], topic.json()["data"]["topic"]) == (
        social_id,
        "SEO tips for small businesses",
    )
    assert topic.json()["data"]["status"] == "pending_approval"
    content = repostra.post(
        f"/api/v1/approvals/social/{social_id}/approve-content",
        {"content": "Here are 10 SEO tips that actually work..."},
        format="json",
    )

    assert content.status_code == 200, content.json()
    data = content.json()["data"]
    assert (data["id"], data["topic"], data["content"], data["status"]) == (
        social_id,
        "SEO tips for small businesses",
        "Here are 10 SEO tips that actually work...",
        "ready",
    )
    delivery = Delivery.objects.get(post=PlannedPost.objects.get(pk=plan_id).post)
    assert delivery.status == "scheduled"
    assert delivery.scheduled_at.isoformat() == "2099-04-08T14:00:00+00:00"
    assert repostra.get("/api/v1/approvals").json()["meta"]["pending_social_count"] == 0


def test_approving_a_topic_twice_names_the_next_step_not_a_native_id(
    repostra, owner, workspace, settings
):
    settings.CRIER_GENERATOR_URL = "https://generator.example/draft"
    settings.CRIER_GENERATOR_KIND = "webhook"
    plan_id, social_id = _linkedin_topic(repostra, owner, workspace)
    path = f"/api/v1/approvals/social/{social_id}/approve-topic"
    assert repostra.post(path, {"topic": "SEO tips"}, format="json").status_code == 200
    with respx.mock:
        respx.post("https://generator.example/draft").mock(
            return_value=httpx.Response(200, json={"text": "Generated SEO tips."})
        )
        assert draft_generate(plan_id=plan_id) == "drafted"  # the worker's step

    again = repostra.post(path, {"topic": "SEO tips"}, format="json")

    assert again.status_code == 409
    assert again.json() == {
        "error": "conflict",
        "message": "This social post's content is written already: approve it with "
        f"POST /api/v1/approvals/social/{social_id}/approve-content.",
    }


def test_schedules_of_accounts_outside_the_documented_enum_are_not_shown(repostra, workspace):
    # Crier's own API may give a Mastodon account a posting schedule; Repostra's shows
    # neither, and cannot make one for it.
    mastodon = SocialAccountFactory(workspace=workspace, platform="mastodon", external_id="m-1")
    hidden = PostingSchedule.objects.create(
        workspace=workspace, account=mastodon, day_of_week=0, time="09:00"
    )
    linkedin = SocialAccountFactory(workspace=workspace, platform="linkedin", external_id="li-1")
    shown = PostingSchedule.objects.create(
        workspace=workspace, account=linkedin, day_of_week=0, time="10:00"
    )

    listed = repostra.get("/api/v1/posting-schedules").json()

    assert [item["time"] for item in listed["data"]] == ["10:00"]
    assert listed["meta"]["total"] == 1
    assert repostra.get(f"/api/v1/posting-schedules/{hidden.pk}").status_code == 404
    assert repostra.get(f"/api/v1/posting-schedules/{shown.pk}").status_code == 200
    created = repostra.post(
        "/api/v1/posting-schedules",
        {
            "account_id": mastodon.pk,
            "platform": "website",
            "day_of_week": "monday",
            "time": "11:00",
        },
        format="json",
    )
    assert created.status_code == 422
    assert "account_id" in created.json()["message"]
