"""The content generator against a local OpenAI-compatible server (and a plain webhook)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from planning.drafts import draft_generate, due_send
from planning.models import Notification, PlannedPost
from posts.models import Delivery, Post
from posts.states import DeliveryStatus as S
from tests.planning.conftest import local

pytestmark = pytest.mark.django_db

URL = "/api/v1/planned-posts"


class _Handler(BaseHTTPRequestHandler):
    server: StubServer

    def do_POST(self) -> None:
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        with self.server.lock:
            self.server.received.append(
                {"path": self.path, "headers": dict(self.headers), "json": json.loads(raw)}
            )
            status, body, headers = (
                self.server.script.pop(0) if self.server.script else self.server.default
            )
        payload = json.dumps(body).encode()
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: Any) -> None:
        pass


class StubServer(ThreadingHTTPServer):
    """Answers POSTs from `script` (status, body, headers), then with `default`."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.lock = threading.Lock()
        self.received: list[dict[str, Any]] = []
        self.script: list[tuple[int, Any, dict]] = []
        self.default: tuple[int, Any, dict] = (200, completion("Fresh post about SEO."), {})

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


def completion(text: str) -> dict:
    return {
        "id": "chatcmpl-1",
        "object": "chat.completion",
        "choices": [
            {"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}
        ],
    }


@pytest.fixture
def tick(django_capture_on_commit_callbacks, eager_tasks):
    """One beat run of generate_due_drafts, with the tasks it sends run at once."""

    def tick() -> int:
        with django_capture_on_commit_callbacks(execute=True):
            return due_send()

    return tick


@pytest.fixture
def llm(settings) -> Iterator[StubServer]:
    server = StubServer()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    settings.CRIER_GENERATOR_URL = f"{server.url}/v1"
    settings.CRIER_GENERATOR_KIND = "openai"
    settings.CRIER_GENERATOR_MODEL = "local-model"
    settings.CRIER_GENERATOR_KEY = "sk-local-test-key"
    settings.CRIER_GENERATOR_RETRY_BASE = 30
    yield server
    server.shutdown()
    server.server_close()


def plan(caller, send, *account_ids, **fields):
    body = {
        "topic": "SEO tips for small businesses",
        "description": "Three practical tips",
        "keyword": "seo tips",
        "account_ids": list(account_ids),
        **fields,
    }
    response = send(caller, URL, body)
    assert response.status_code == 201, response.content
    return PlannedPost.objects.get(pk=response.json()["id"])


def test_a_planned_topic_is_drafted_by_the_generator_into_a_post_awaiting_approval(
    editor, account, send, llm
):
    topic = plan(editor, send, account.pk, scheduled_at="2030-01-07T09:00:00+01:00")

    (request,) = llm.received
    assert request["path"] == "/v1/chat/completions"
    assert request["headers"]["Authorization"] == "Bearer sk-local-test-key"
    body = request["json"]
    assert body["model"] == "local-model"
    system, user = body["messages"]
    assert system["role"] == "system"
    assert user == {
        "role": "user",
        "content": "Topic: SEO tips for small businesses\n"
        "Brief: Three practical tips\n"
        "Use the keyword: seo tips\n"
        "For: sandbox\n"
        "At most 500 characters.",
    }
    topic.refresh_from_db()
    assert (topic.status, topic.drafted_by, topic.attempts) == ("drafted", "generator", 1)
    post = Post.objects.get(pk=topic.post_id)
    assert post.networks["default"]["text"] == "Fresh post about SEO."
    delivery = post.deliveries.get()
    assert delivery.status == S.PENDING_APPROVAL  # generated text always waits for a person
    notification = Notification.objects.get(event="post.pending_approval")
    assert notification.message == f"Post {post.pk}, drafted by the generator, awaits approval."
    assert editor.client.get(f"{URL}/{topic.pk}").json()["post_id"] == post.pk


def test_a_passing_generator_failure_is_retried_later_and_then_drafts(
    editor, account, send, llm, frozen, tick
):
    frozen(local(2026, 6, 1, 8, 0))
    llm.script = [(503, {"error": {"message": "model loading"}}, {"Retry-After": "60"})]

    topic = plan(editor, send, account.pk, scheduled_at="2026-06-08T09:00:00+02:00")

    topic.refresh_from_db()
    assert topic.status == "planned"
    assert topic.attempts == 1
    assert topic.next_attempt_at == local(2026, 6, 1, 8, 1)  # Retry-After beats the backoff
    assert topic.error == "Attempt 1 failed, retrying: model loading"
    assert draft_generate(plan_id=topic.pk) == "skipped"  # not due yet

    frozen(local(2026, 6, 1, 8, 2))
    assert tick() == 1

    topic.refresh_from_db()
    assert (topic.status, topic.attempts, topic.error) == ("drafted", 2, "")
    assert len(llm.received) == 2
    assert llm.received[0]["json"] == llm.received[1]["json"]


def test_a_generator_that_keeps_failing_gives_up_visibly(
    editor, account, send, llm, frozen, settings, tick
):
    settings.CRIER_GENERATOR_MAX_ATTEMPTS = 2
    frozen(local(2026, 6, 1, 8, 0))
    llm.default = (500, {"error": "boom"}, {})
    topic = plan(editor, send, account.pk)

    frozen(local(2026, 6, 1, 9, 0))
    tick()

    topic.refresh_from_db()
    assert topic.status == "failed"
    assert "gave up after 2 attempts" in topic.error
    (notification,) = Notification.objects.filter(event="draft.failed")
    assert notification.level == "error"
    assert "SEO tips for small businesses" in notification.message
    assert not Post.objects.exists()


def test_a_refusal_fails_at_once_and_generate_tries_again(editor, account, send, llm):
    llm.script = [(400, {"error": {"message": "unknown model local-model"}}, {})]
    topic = plan(editor, send, account.pk, scheduled_at="2030-01-07T09:00:00+01:00")
    topic.refresh_from_db()
    assert topic.status == "failed"
    assert "unknown model local-model" in topic.error

    response = send(editor, f"{URL}/{topic.pk}/generate", {})

    assert response.status_code == 202
    topic.refresh_from_db()
    assert topic.status == "drafted"


def test_a_worker_that_died_mid_generation_is_sent_again(editor, account, send, llm, frozen, tick):
    frozen(local(2026, 6, 1, 8, 0))
    llm.script = [(503, {}, {})]
    topic = plan(editor, send, account.pk, scheduled_at="2026-06-08T09:00:00+02:00")
    PlannedPost.objects.filter(pk=topic.pk).update(
        status="generating", lease_expires_at=local(2026, 6, 1, 8, 5)
    )

    frozen(local(2026, 6, 1, 8, 10))
    tick()

    topic.refresh_from_db()
    assert topic.status == "drafted"


def test_a_webhook_generator_gets_the_brief_and_answers_text(editor, account, send, llm, settings):
    settings.CRIER_GENERATOR_KIND = "webhook"
    settings.CRIER_GENERATOR_URL = f"{llm.url}/draft"
    llm.default = (200, {"text": "From the webhook."}, {})

    topic = plan(editor, send, account.pk, scheduled_at="2030-01-07T09:00:00+01:00")

    (request,) = llm.received
    assert request["path"] == "/draft"
    assert request["json"] == {
        "topic": "SEO tips for small businesses",
        "description": "Three practical tips",
        "keyword": "seo tips",
        "platforms": ["sandbox"],
        "max_chars": 500,
        "prompt": request["json"]["prompt"],
    }
    topic.refresh_from_db()
    assert Post.objects.get(pk=topic.post_id).networks["default"]["text"] == "From the webhook."


def test_a_generated_queue_topic_takes_the_next_free_slot(
    editor, berlin_account, slot, send, llm, frozen
):
    frozen(local(2026, 6, 1, 8, 0))
    slot(berlin_account, "monday", "09:00")

    topic = plan(editor, send, berlin_account.pk)

    topic.refresh_from_db()
    delivery = Delivery.objects.get(post_id=topic.post_id)
    assert delivery.slot_at == local(2026, 6, 1, 9, 0)
    assert delivery.status == S.PENDING_APPROVAL


def test_a_draft_no_account_can_take_fails_visibly_with_the_reason(editor, account, send, llm):
    topic = plan(editor, send, account.pk)  # a queue topic, but the account has no slots

    topic.refresh_from_db()
    assert topic.status == "failed"
    assert topic.error == (
        "The draft could not be stored for any account: "
        f"Account {account.pk} has no active posting schedule: add slots with "
        "POST /api/v1/posting-schedules, or send scheduled_at."
    )
    assert Notification.objects.filter(event="draft.failed").count() == 1


def test_without_a_generator_a_topic_waits_for_a_persons_draft(
    editor, account, send, settings, tick
):
    settings.CRIER_GENERATOR_URL = ""
    topic = plan(editor, send, account.pk, scheduled_at="2030-01-07T09:00:00+01:00")
    assert PlannedPost.objects.get(pk=topic.pk).status == "planned"
    assert tick() == 0

    response = send(editor, f"{URL}/{topic.pk}/draft", {"text": "Written by hand."})

    assert response.status_code == 200, response.content
    assert response.json()["status"] == "drafted"
    post = Post.objects.get(pk=response.json()["post_id"])
    assert post.networks["default"]["text"] == "Written by hand."
    assert post.deliveries.get().status == S.SCHEDULED  # no approval required here
    assert send(editor, f"{URL}/{topic.pk}/draft", {"text": "again"}).status_code == 409
    assert send(editor, f"{URL}/{topic.pk}/generate", {}).status_code == 409


def test_planned_topics_are_listed_and_an_outsider_sees_none(editor, outsider, account, send):
    topic = plan(editor, send, account.pk)

    listed = editor.client.get(URL, {"status": topic.status}).json()

    assert [item["id"] for item in listed["results"]] == [topic.pk]
    assert outsider.client.get(URL).json()["count"] == 0
    assert outsider.client.get(f"{URL}/{topic.pk}").status_code == 404
    assert outsider.client.delete(f"{URL}/{topic.pk}").status_code == 404
    assert outsider.client.post(f"{URL}/{topic.pk}/draft", {"text": "x"}).status_code == 404


def test_bad_topics_are_a_400(editor, account, send):
    response = send(editor, URL, {"topic": "", "account_ids": [], "scheduled_at": "tomorrow"})

    assert response.status_code == 400
    errors = response.json()["errors"]
    assert any(error.startswith("topic") for error in errors)
    assert any(error.startswith("account_ids") for error in errors)
    assert any(error.startswith("scheduled_at") for error in errors)


def test_a_topic_counts_against_the_monthly_quota(editor, account, workspace, send):
    workspace.max_posts_per_month = 0
    workspace.save()

    response = send(editor, URL, {"topic": "x", "account_ids": [account.pk]})

    assert response.status_code == 402
    assert not PlannedPost.objects.exists()


def test_deleting_a_topic_before_it_is_drafted(editor, account, send, settings):
    settings.CRIER_GENERATOR_URL = ""
    topic = plan(editor, send, account.pk)

    assert editor.client.delete(f"{URL}/{topic.pk}").status_code == 204
    assert not PlannedPost.objects.exists()


def test_the_admin_sends_a_failed_topic_to_the_generator_again(
    editor, account, send, llm, admin_client, django_capture_on_commit_callbacks
):
    llm.script = [(400, {"error": {"message": "bad request"}}, {})]
    topic = plan(editor, send, account.pk, scheduled_at="2030-01-07T09:00:00+01:00")
    assert PlannedPost.objects.get(pk=topic.pk).status == "failed"

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            "/admin/planning/plannedpost/",
            {"action": "generate_again", "_selected_action": [topic.pk]},
            follow=True,
        )

    assert "1 topic(s) sent to the generator again." in response.content.decode()
    assert PlannedPost.objects.get(pk=topic.pk).status == "drafted"
