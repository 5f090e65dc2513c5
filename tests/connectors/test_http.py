from __future__ import annotations

import logging
import threading
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from connectors.errors import (
    AuthExpired,
    ConnectorError,
    PermanentError,
    RateLimited,
    RefreshRefused,
    TransientError,
)
from connectors.http import build_client, raise_for_platform_status, retry_after_seconds, send

URL = "https://api.example.test/v1/posts"


@pytest.fixture
def client():
    with build_client(timeout=5) as client:
        yield client


def call(client: httpx.Client, **kwargs) -> None:
    response = send(client, "POST", URL, headers={"Authorization": "Bearer sk-live-abcdef123456"})
    raise_for_platform_status(response, **kwargs)


def test_passes_2xx_through(client, respx_mock):
    respx_mock.post(URL).respond(201, json={"id": "1"})

    call(client)


def test_sends_crier_user_agent(client, respx_mock):
    route = respx_mock.post(URL).respond(200)

    call(client)

    assert route.calls.last.request.headers["User-Agent"].startswith("Crier/")


def test_maps_429_to_rate_limited_with_retry_after_seconds(client, respx_mock):
    respx_mock.post(URL).respond(429, headers={"Retry-After": "7"}, json={"error": "slow_down"})

    with pytest.raises(RateLimited) as caught:
        call(client)

    assert caught.value.retry_after == 7
    assert caught.value.ambiguous is False
    assert caught.value.status == 429
    assert caught.value.code == "slow_down"


def test_maps_429_to_rate_limited_with_retry_after_http_date(client, respx_mock):
    later = datetime.now(UTC) + timedelta(seconds=120)
    respx_mock.post(URL).respond(429, headers={"Retry-After": format_datetime(later, usegmt=True)})

    with pytest.raises(RateLimited) as caught:
        call(client)

    assert 110 <= caught.value.retry_after <= 120


@pytest.mark.parametrize("header", ["x-rate-limit-reset", "x-ratelimit-reset"])
def test_reads_epoch_reset_header_when_retry_after_is_missing(client, respx_mock, header):
    respx_mock.post(URL).respond(429, headers={header: str(int(time.time()) + 60)})

    with pytest.raises(RateLimited) as caught:
        call(client)

    assert 55 <= caught.value.retry_after <= 60


def test_rate_limited_without_any_hint_has_no_retry_after(client, respx_mock):
    respx_mock.post(URL).respond(429)

    with pytest.raises(RateLimited) as caught:
        call(client)

    assert caught.value.retry_after is None


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"Retry-After": "2.5"}, 2.5),
        ({"Retry-After": "-3"}, 0.0),
        ({"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"}, 0.0),  # in the past
        ({"Retry-After": "soon"}, None),
        ({"Retry-After": "nan"}, None),
        ({"x-ratelimit-reset": "30"}, 30.0),  # seconds to wait, not an epoch
        ({"Retry-After": "4", "x-ratelimit-reset": "30"}, 4.0),
        ({}, None),
    ],
)
def test_retry_after_seconds_parses_each_header_form(headers, expected):
    assert retry_after_seconds(headers, now=1_700_000_000) == expected


def test_maps_401_to_auth_expired_not_refresh_refused(client, respx_mock):
    respx_mock.post(URL).respond(401, json={"error": "invalid_token"})

    with pytest.raises(AuthExpired) as caught:
        call(client)

    assert not isinstance(caught.value, RefreshRefused)
    assert caught.value.code == "invalid_token"


def test_maps_403_to_permanent_error_so_the_account_is_not_flagged(client, respx_mock):
    respx_mock.post(URL).respond(403, json={"message": "Missing scope: write"})

    with pytest.raises(PermanentError, match="Missing scope: write"):
        call(client)


def test_maps_503_to_unambiguous_transient_error_with_retry_after(client, respx_mock):
    respx_mock.post(URL).respond(503, headers={"Retry-After": "30"})

    with pytest.raises(TransientError) as caught:
        call(client)

    assert caught.value.ambiguous is False
    assert caught.value.retry_after == 30


@pytest.mark.parametrize("status", [500, 502, 504, 520])
def test_maps_other_5xx_to_ambiguous_transient_error(client, respx_mock, status):
    respx_mock.post(URL).respond(status, text="upstream went away")

    with pytest.raises(TransientError) as caught:
        call(client)

    assert caught.value.ambiguous is True
    assert caught.value.status == status


def test_maps_408_to_unambiguous_transient_error(client, respx_mock):
    respx_mock.post(URL).respond(408)

    with pytest.raises(TransientError) as caught:
        call(client)

    assert caught.value.ambiguous is False


@pytest.mark.parametrize(
    ("body", "code", "message"),
    [
        (
            {"error": "invalid_grant", "error_description": "Token revoked"},
            "invalid_grant",
            "Token revoked",
        ),
        ({"error": {"code": 100, "message": "Invalid parameter"}}, "100", "Invalid parameter"),
        (
            {"errors": [{"code": 187, "message": "Status is a duplicate."}]},
            "187",
            "Status is a duplicate.",
        ),
        (
            {"ok": False, "error_code": 400, "description": "Bad Request: chat not found"},
            "400",
            "Bad Request: chat not found",
        ),
        ({"title": "Invalid Request", "detail": "text is too long"}, None, "text is too long"),
        (
            {"error": "InvalidRequest", "message": "Record too big"},
            "InvalidRequest",
            "Record too big",
        ),
    ],
)
def test_maps_400_to_permanent_error_with_the_platform_message_verbatim(
    client, respx_mock, body, code, message
):
    respx_mock.post(URL).respond(400, json=body)

    with pytest.raises(PermanentError) as caught:
        call(client)

    assert caught.value.message == message
    assert caught.value.code == code
    assert caught.value.status == 400


def test_a_body_in_no_known_error_shape_stays_out_of_the_message(client, respx_mock):
    # The host may be anything a user named; its body is kept for the operator only.
    respx_mock.post(URL).respond(422, text="Unprocessable:\n  media too wide")

    with pytest.raises(PermanentError) as caught:
        call(client)

    assert caught.value.message == "HTTP 422 Unprocessable Entity"
    assert caught.value.platform_response == "Unprocessable:\n  media too wide"


def test_nul_characters_of_a_reply_never_reach_what_is_stored(client, respx_mock):
    # PostgreSQL text columns refuse NUL: the outcome of such a call must stay recordable.
    respx_mock.post(URL).respond(400, json={"message": "bad\u0000input"})

    with pytest.raises(PermanentError) as caught:
        call(client)

    assert "\x00" not in caught.value.message
    assert "\x00" not in (caught.value.platform_response or "")
    assert caught.value.message == "bad\ufffdinput"


@pytest.mark.parametrize(
    ("status", "table", "expected", "ambiguous"),
    [
        (400, {"rate_limit_exceeded": RateLimited}, RateLimited, False),
        (400, {"rate_limit_exceeded": TransientError}, TransientError, False),
        (500, {"rate_limit_exceeded": TransientError}, TransientError, True),
        (401, {"rate_limit_exceeded": RefreshRefused}, RefreshRefused, None),
    ],
)
def test_error_table_maps_platform_codes_before_statuses(
    client, respx_mock, status, table, expected, ambiguous
):
    respx_mock.post(URL).respond(status, json={"error": "rate_limit_exceeded", "message": "Wait"})

    with pytest.raises(ConnectorError) as caught:
        call(client, error_table=table)

    assert type(caught.value) is expected
    assert getattr(caught.value, "ambiguous", None) is ambiguous


def test_error_table_ignores_codes_it_does_not_list(client, respx_mock):
    respx_mock.post(URL).respond(400, json={"error": "other", "message": "Nope"})

    with pytest.raises(PermanentError):
        call(client, error_table={"rate_limit_exceeded": RateLimited})


def test_response_excerpt_hides_the_request_token_and_token_fields(client, respx_mock):
    body = '{"error": "echo", "seen": "sk-live-abcdef123456", "refresh_token": "r-secret"}'
    respx_mock.post(URL).respond(400, text=body + " " * 5000)

    with pytest.raises(PermanentError) as caught:
        call(client)

    excerpt = caught.value.platform_response
    assert "sk-live-abcdef123456" not in excerpt
    assert "r-secret" not in excerpt
    assert len(excerpt) <= 1000


@pytest.mark.parametrize(
    "exception", [httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout, httpx.ProxyError]
)
def test_failures_before_sending_are_unambiguous(client, respx_mock, exception):
    respx_mock.post(URL).mock(side_effect=exception)

    with pytest.raises(TransientError) as caught:
        call(client)

    assert caught.value.ambiguous is False
    assert caught.value.status is None


@pytest.mark.parametrize(
    "exception",
    [
        httpx.ReadTimeout,
        httpx.WriteTimeout,
        httpx.ReadError,
        httpx.WriteError,
        httpx.RemoteProtocolError,
    ],
)
def test_failures_after_sending_are_ambiguous(client, respx_mock, exception):
    respx_mock.post(URL).mock(side_effect=exception)

    with pytest.raises(TransientError) as caught:
        call(client)

    assert caught.value.ambiguous is True
    assert "may have acted" in caught.value.message


def test_network_error_code_names_the_failure(client, respx_mock):
    respx_mock.post(URL).mock(side_effect=httpx.ReadTimeout)

    with pytest.raises(TransientError) as caught:
        call(client)

    assert caught.value.code == "read_timeout"


@pytest.mark.parametrize(
    ("url", "code"),
    [("http://[::1/", "invalid_url"), ("127.0.0.1:8025/posts", "unsupported_protocol")],
)
def test_a_malformed_platform_url_is_a_permanent_error(client, url, code):
    with pytest.raises(PermanentError) as caught:
        send(client, "GET", url)

    assert caught.value.code == code


def test_httpx_request_log_hides_query_tokens(client, respx_mock, caplog):
    url = "https://graph.example.test/v19.0/me/feed?access_token=EAAB-secret-value"
    respx_mock.get(url).respond(200)

    with caplog.at_level(logging.INFO, logger="httpx"):
        send(client, "GET", url)

    assert "graph.example.test" in caplog.text
    assert "EAAB-secret-value" not in caplog.text


class _SetsCookie(BaseHTTPRequestHandler):
    """A platform that answers every call with a session cookie for its caller."""

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.server.cookies_received.append(self.headers.get("Cookie"))  # type: ignore[attr-defined]
        caller = self.headers["Authorization"].removeprefix("Bearer ")
        self.send_response(200)
        self.send_header("Set-Cookie", f"session={caller}; Path=/")
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, format: str, *args: object) -> None:
        pass


def test_a_cookie_set_for_one_account_never_goes_out_with_another_accounts_call(client):
    # One client serves every account: two workspaces on one Mastodon instance or one
    # WordPress site share it, so a kept cookie would carry one's session into the other's.
    server = ThreadingHTTPServer(("127.0.0.1", 0), _SetsCookie)
    server.cookies_received = []  # type: ignore[attr-defined]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_port}/api/v1/statuses"
        for token in ("account-a", "account-b"):
            send(client, "POST", url, headers={"Authorization": f"Bearer {token}"}, json={})
    finally:
        server.shutdown()
        server.server_close()
    assert server.cookies_received == [None, None]  # type: ignore[attr-defined]
