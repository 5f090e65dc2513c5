from __future__ import annotations

import pytest

from webhooks.models import WebhookEndpoint

pytestmark = pytest.mark.django_db


@pytest.fixture
def private_targets_allowed(settings):
    settings.CRIER_ALLOW_PRIVATE_URLS = True


def test_creating_an_endpoint_returns_its_secret_once(owner, private_targets_allowed):
    response = owner.client.post(
        "/api/v1/webhooks",
        {"url": "http://127.0.0.1:9/hook", "events": ["post.published", "post.failed"]},
        format="json",
    )
    assert response.status_code == 201
    body = response.json()
    assert body["secret"].startswith("whsec_")
    assert body["events"] == ["post.published", "post.failed"]

    listed = owner.client.get("/api/v1/webhooks").json()
    assert [item["id"] for item in listed["results"]] == [body["id"]]
    assert "secret" not in listed["results"][0]
    assert "secret" not in owner.client.get(f"/api/v1/webhooks/{body['id']}").json()


def test_the_secret_is_encrypted_at_rest(owner, private_targets_allowed):
    from django.db import connection

    secret = owner.client.post(
        "/api/v1/webhooks", {"url": "http://127.0.0.1:9/hook"}, format="json"
    ).json()["secret"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT signing FROM webhooks_webhookendpoint")
        (raw,) = cursor.fetchone()
    assert secret not in raw
    assert secret.removeprefix("whsec_") not in raw


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8000/hook",
        "http://localhost/hook",
        "http://10.1.2.3/hook",
        "http://169.254.169.254/latest/meta-data",
        "http://[::1]/hook",
        "ftp://example.com/hook",
    ],
)
def test_private_or_odd_targets_are_refused_when_the_setting_is_off(owner, url):
    response = owner.client.post("/api/v1/webhooks", {"url": url}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"][0].startswith("url: ")
    assert not WebhookEndpoint.objects.exists()


def test_unknown_event_types_are_refused(owner, private_targets_allowed):
    response = owner.client.post(
        "/api/v1/webhooks",
        {"url": "http://127.0.0.1:9/x", "events": ["post.liked"]},
        format="json",
    )
    assert response.status_code == 400
    assert "post.liked" in response.json()["errors"][0]


def test_an_update_cannot_move_an_endpoint_to_a_private_address(
    owner, private_targets_allowed, settings
):
    created = owner.client.post(
        "/api/v1/webhooks", {"url": "http://127.0.0.1:9/x"}, format="json"
    ).json()
    settings.CRIER_ALLOW_PRIVATE_URLS = False
    response = owner.client.patch(
        f"/api/v1/webhooks/{created['id']}", {"url": "http://10.0.0.1/x"}, format="json"
    )
    assert response.status_code == 400
    assert WebhookEndpoint.objects.get().url == "http://127.0.0.1:9/x"


def test_webhooks_need_the_scope_and_an_admin_to_write(editor, workspace, private_targets_allowed):
    from tests.conftest import make_caller
    from tests.factories import MemberFactory

    no_scope = make_caller(MemberFactory(workspace=workspace), scopes=["posts"])
    assert no_scope.client.get("/api/v1/webhooks").status_code == 403
    assert editor.client.get("/api/v1/webhooks").status_code == 200
    response = editor.client.post(
        "/api/v1/webhooks", {"url": "http://127.0.0.1:9/x"}, format="json"
    )
    assert response.status_code == 403


def test_an_outsider_cannot_see_or_change_an_endpoint(owner, outsider, private_targets_allowed):
    created = owner.client.post(
        "/api/v1/webhooks", {"url": "http://127.0.0.1:9/x"}, format="json"
    ).json()
    assert outsider.client.get("/api/v1/webhooks").json()["results"] == []
    for method in ("get", "patch", "delete"):
        response = getattr(outsider.client, method)(f"/api/v1/webhooks/{created['id']}")
        assert response.status_code == 404
    assert outsider.client.get(f"/api/v1/webhooks/{created['id']}/deliveries").status_code == 404
    assert WebhookEndpoint.objects.filter(pk=created["id"]).exists()


def test_only_admins_see_an_endpoints_whole_url_others_its_host(owner, editor, viewer):
    hook = "https://hooks.zapier.com/hooks/catch/123/abcsecret/?token=zz"
    endpoint = WebhookEndpoint.objects.create(
        workspace=owner.workspace, url=hook, signing={"secret": "whsec_x"}
    )
    assert owner.client.get("/api/v1/webhooks").json()["results"][0]["url"] == hook
    for caller in (editor, viewer):
        listed = caller.client.get("/api/v1/webhooks").json()["results"][0]
        shown = caller.client.get(f"/api/v1/webhooks/{endpoint.pk}").json()
        assert listed["url"] == shown["url"] == "hooks.zapier.com"
