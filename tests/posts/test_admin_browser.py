"""The operators' flows in a real browser (headless Chromium) against a live server: each
test acts through the pages as an operator would and checks what the page shows after.

Set CRIER_ADMIN_SCREENSHOTS=docs/admin to refresh the pictures docs/admin.md shows.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from accounts.models import AccountStatus
from posts.models import Attempt, Delivery, Job, Post
from posts.states import DeliveryStatus as S
from tests.factories import SocialAccountFactory, WorkspaceFactory
from webhooks.models import WebhookDelivery
from webhooks.services import emit, endpoint_create

webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed")
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support import expected_conditions as EC  # noqa: E402
from selenium.webdriver.support.ui import Select, WebDriverWait  # noqa: E402

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DRIVER = shutil.which("chromedriver")
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not (CHROMIUM and DRIVER),
        reason="needs Debian's chromium and chromium-driver (.ci/run installs them)",
    ),
]
WAIT = 30  # seconds: generous, for loaded CI machines; every wait ends as soon as it holds
PASSWORD = "pw-for-browser-tests"
SCREENSHOTS = os.environ.get("CRIER_ADMIN_SCREENSHOTS")


@pytest.fixture(scope="module")
def browser() -> Iterator[webdriver.Chrome]:
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in (
        "--headless=new",
        "--no-sandbox",  # CI runs as root
        "--disable-dev-shm-usage",
        "--disable-gpu",
        "--window-size=1440,1000",
    ):
        options.add_argument(argument)
    driver = webdriver.Chrome(options=options, service=webdriver.ChromeService(DRIVER))
    driver.set_page_load_timeout(WAIT)
    yield driver
    driver.quit()


class Operator:
    """The browser, logged in as a staff user, with the few moves the tests repeat."""

    def __init__(self, driver: webdriver.Chrome, base: str) -> None:
        self.driver, self.base = driver, base

    def open(self, path: str) -> None:
        self.driver.get(self.base + path)

    def wait_for(self, css: str):
        return WebDriverWait(self.driver, WAIT).until(
            EC.presence_of_element_located((By.CSS_SELECTOR, css))
        )

    def click(self, css: str) -> None:
        WebDriverWait(self.driver, WAIT).until(
            EC.element_to_be_clickable((By.CSS_SELECTOR, css))
        ).click()

    def click_link(self, text: str) -> None:
        WebDriverWait(self.driver, WAIT).until(
            EC.element_to_be_clickable((By.PARTIAL_LINK_TEXT, text))
        ).click()

    def text(self, css: str = "body") -> str:
        return self.wait_for(css).text

    def wait_for_text(self, text: str, css: str = "body") -> str:
        WebDriverWait(self.driver, WAIT).until(
            EC.text_to_be_present_in_element((By.CSS_SELECTOR, css), text)
        )
        return self.text(css)

    def run_list_action(self, row_ids: list[str], action: str) -> None:
        for pk in row_ids:
            self.click(f"input[name=_selected_action][value='{pk}']")
        Select(self.wait_for("select[name=action]")).select_by_value(action)
        self.click("button[name=index]")

    def screenshot(self, name: str) -> None:
        if SCREENSHOTS:
            Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
            self.driver.save_screenshot(str(Path(SCREENSHOTS) / f"{name}.png"))


@pytest.fixture
def operator(browser, live_server, transactional_db, django_user_model) -> Operator:
    django_user_model.objects.create_superuser("ops-alice", "alice@example.com", PASSWORD)
    browser.delete_all_cookies()
    me = Operator(browser, live_server.url)
    me.open("/admin/login/")
    me.wait_for("#id_username").send_keys("ops-alice")
    me.wait_for("#id_password").send_keys(PASSWORD)
    me.click("input[type=submit]")
    me.wait_for("#readiness")
    return me


@pytest.fixture
def world(transactional_db, settings) -> dict:
    """A workspace with what an operator meets: failures of several kinds, an unknown
    outcome, an account that needs reconnecting and a webhook endpoint that fails."""
    settings.CRIER_ALLOW_PRIVATE_URLS = True
    workspace = WorkspaceFactory(name="Acme Bakery")
    good = SocialAccountFactory(workspace=workspace, username="acme")
    revoked = SocialAccountFactory(
        workspace=workspace,
        username="acme_old",
        status=AccountStatus.NEEDS_REAUTH,
        status_reason="The platform refused the stored credentials.",
    )
    job = Job.objects.create(workspace=workspace, kind=Job.Kind.SCHEDULE, payload={"failures": {}})
    now = timezone.now()

    def delivery(text: str, account, status: str, **fields) -> Delivery:
        post = Post.objects.create(
            workspace=workspace, job=job, networks={"default": {"text": text}}
        )
        made = Delivery.objects.create(
            workspace=workspace,
            post=post,
            account=account,
            status=status,
            scheduled_at=now - timedelta(hours=1),
            idempotency_key=f"crier-{text}",
            **fields,
        )
        return made

    rejected = delivery(
        "Fresh croissants every morning",
        good,
        S.FAILED,
        attempts=1,
        error_code="duplicate",
        error_message="Duplicate content is not allowed.",
    )
    Attempt.objects.create(
        delivery=rejected,
        number=1,
        started_at=now - timedelta(minutes=50),
        finished_at=now - timedelta(minutes=50),
        outcome="failed",
        error_class="PermanentError",
        message="Duplicate content is not allowed.",
    )
    reauth = delivery(
        "Our new sourdough",
        revoked,
        S.FAILED,
        error_code="needs_reauth",
        error_message="The platform refused the stored credentials.",
    )
    unknown = delivery(
        "Weekend opening hours",
        good,
        S.UNKNOWN,
        error_code="outcome_unknown",
        error_message="sandbox did not confirm the post: it may have gone out.",
    )
    scheduled = delivery("Christmas cake orders open", good, S.SCHEDULED)
    Delivery.objects.filter(pk=scheduled.pk).update(
        scheduled_at=now + timedelta(days=3), due_at=now + timedelta(days=3)
    )
    endpoint = endpoint_create(workspace=workspace, url="http://127.0.0.1:9/crier", events=[])
    emit(workspace_id=workspace.pk, event="post.failed", data={"id": rejected.pk})
    WebhookDelivery.objects.update(
        status="failed", attempts=8, last_status_code=502, last_error="The endpoint answered 502."
    )
    return {
        "rejected": rejected,
        "reauth": reauth,
        "unknown": unknown,
        "scheduled": scheduled,
        "endpoint": endpoint,
        "webhook": WebhookDelivery.objects.get(),
    }


def test_from_the_index_to_why_a_post_failed_in_three_clicks(operator, world):
    operator.open("/admin/")
    index = operator.wait_for_text("Failed (last 24 h)", "#deliveries")
    assert "Unknown outcome" in index
    readiness = operator.text("#readiness")
    assert "database" in readiness and "publish_workers" in readiness
    assert "acme_old" in operator.text("#reauth")
    assert "The endpoint answered 502." in operator.text("#webhook-failures")
    operator.screenshot("index")

    operator.click_link("Failed (last 24 h)")  # 1
    listing = operator.wait_for_text("Fresh croissants every morning", "#result_list")
    assert "Acme Bakery" in listing and "Duplicate content is not allowed." in listing
    assert "Our new sourdough" in listing
    assert "Weekend opening hours" not in listing  # unknown is its own figure
    assert operator.driver.execute_script(
        "const box = document.querySelector('.results');return box.scrollWidth <= box.clientWidth;"
    ), "the list scrolls sideways at 1440 px: its last columns are off-screen"
    operator.screenshot("failed-deliveries")

    operator.click_link(world["rejected"].pk)  # 2
    page = operator.wait_for_text("PermanentError")
    assert "Duplicate content is not allowed." in page
    assert "Fresh croissants every morning" in page

    operator.click("button[data-row-action=retry]")  # 3: what do we do about it
    confirmation = operator.wait_for_text("fresh attempt budget", "#what-happens")
    assert "last error and attempts stay on record" in confirmation
    operator.screenshot("confirm-retry")
    operator.click("#confirm")
    assert "Retry: 1 done." in operator.wait_for_text("Retry: 1 done.", ".messagelist")

    operator.open(f"/admin/posts/delivery/{world['rejected'].pk}/change/")
    page = operator.wait_for_text("ops-alice", ".field-operator_actions")
    assert "Retried with a fresh attempt budget: failed → retrying" in page
    assert "Duplicate content is not allowed." in operator.text(".field-error_message")
    operator.screenshot("delivery-after-retry")


def test_retry_is_refused_for_an_account_that_needs_reconnecting(operator, world):
    operator.open(f"/admin/posts/delivery/{world['reauth'].pk}/change/")
    operator.click("button[data-row-action=retry]")
    refused = operator.wait_for_text("Refused:", "#confirm-rows")
    assert "needs_reauth: reconnect it first" in refused
    assert operator.driver.find_elements(By.CSS_SELECTOR, "#confirm") == []
    world["reauth"].refresh_from_db()
    assert world["reauth"].status == S.FAILED


def test_an_unknown_outcome_is_resolved_with_the_url_and_time_found(operator, world):
    operator.open("/admin/posts/delivery/?status__exact=unknown")
    operator.wait_for_text("Weekend opening hours", "#result_list")
    operator.run_list_action([world["unknown"].pk], "resolve")
    operator.wait_for("#id_outcome_0").click()
    operator.wait_for("#id_external_url").send_keys("https://social.example/@acme/42")
    operator.wait_for("#id_published_at").send_keys("2026-01-02 03:04:05")
    operator.screenshot("confirm-resolve")
    operator.click("#confirm")
    operator.wait_for_text("Resolve unknown: 1 done.", ".messagelist")

    operator.open(f"/admin/posts/delivery/{world['unknown'].pk}/change/")
    assert "Published" in operator.text(".field-status")
    assert "https://social.example/@acme/42" in operator.text(".field-outcome")
    assert "2026-01-02 03:04:05 UTC" in operator.text(".field-published_at")
    assert "Resolved unknown → published" in operator.text(".field-operator_actions")


def test_a_post_is_cancelled_from_the_posts_list_and_stays_on_record(operator, world):
    post = world["scheduled"].post
    operator.open("/admin/posts/post/?q=christmas")
    operator.wait_for_text("Christmas cake orders open", "#result_list")
    options = [
        o.get_attribute("value")
        for o in operator.driver.find_elements(By.CSS_SELECTOR, "select[name=action] option")
    ]
    assert "delete_selected" not in options
    operator.run_list_action([post.pk], "cancel")
    operator.wait_for_text("as DELETE /api/v1/posts/{id} does", "#what-happens")
    operator.click("#confirm")
    operator.wait_for_text("Cancel: 1 done.", ".messagelist")

    operator.open(f"/admin/posts/post/{post.pk}/change/")
    assert "cancelled" in operator.text(".inline-group")
    assert "Cancelled 1 deliveries" in operator.text(".field-operator_actions")


def test_a_failed_webhook_delivery_is_resent_and_its_payload_shown(operator, world):
    operator.open("/admin/")
    operator.click_link(world["endpoint"].url)
    operator.wait_for_text("The endpoint answered 502.", "#result_list")
    operator.click_link(str(world["webhook"].pk))
    assert '"post.failed"' in operator.wait_for_text("post.failed", ".field-payload")
    operator.click("button[data-row-action=resend]")
    operator.wait_for_text("same webhook-id", "#what-happens")
    operator.click("#confirm")
    operator.wait_for_text("Resend: 1 done.", ".messagelist")
    world["webhook"].refresh_from_db()
    assert world["webhook"].status == "pending"
    operator.open(f"/admin/webhooks/webhookdelivery/{world['webhook'].pk}/change/")
    assert "Resent (failed, 8 attempts so far)." in operator.text(".field-operator_actions")


def test_publish_now_keeps_the_planned_time_on_the_page(operator, world):
    scheduled = world["scheduled"]
    scheduled.refresh_from_db()
    planned = scheduled.scheduled_at.strftime("%Y-%m-%d %H:%M:%S UTC")
    operator.open(f"/admin/posts/delivery/{scheduled.pk}/change/")
    assert operator.text(".field-requested_at").endswith("-")
    operator.click("button[data-row-action=publish_now]")
    operator.wait_for_text("The planned time stays on record", "#what-happens")
    operator.click("#confirm")
    operator.wait_for_text("Publish now: 1 done.", ".messagelist")

    operator.open(f"/admin/posts/delivery/{scheduled.pk}/change/")
    assert planned in operator.text(".field-scheduled_at")
    assert "UTC" in operator.text(".field-requested_at")
    assert "Published now (was planned for" in operator.text(".field-operator_actions")
