from __future__ import annotations

import pickle

import pytest

from connectors.errors import (
    EXCERPT_LIMIT,
    AuthExpired,
    PermanentError,
    RateLimited,
    RefreshRefused,
    TransientError,
    redact,
)


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.payload", "eyJhbGciOiJIUzI1NiJ9"),
        ("Authorization: Bearer-API crier_live_12345678", "crier_live_12345678"),
        ('{"access_token": "tok-0123456789"}', "tok-0123456789"),
        ("grant_type=refresh_token&refresh_token=rt-0123456789", "rt-0123456789"),
        ("GET /me?access_token=EAAB0123456789&fields=id", "EAAB0123456789"),
        ("client_secret='shh-0123456789'", "shh-0123456789"),
        ('{"access_token":"tok-0123456789","expires_in":5183944}', "tok-0123456789"),
        ("{'refresh_token': 'rt-0123456789'}", "rt-0123456789"),
        ('access_token: "tok-0123456789"', "tok-0123456789"),
        ('{"oauth_token": "ot-0123456789"}', "ot-0123456789"),
        ("oauth_token=ot-0123456789&oauth_verifier=v", "ot-0123456789"),
        ("password = hunter2-0123456789", "hunter2-0123456789"),
    ],
)
def test_redact_hides_credentials(text, secret):
    assert secret not in redact(text)


def test_redact_hides_literal_secrets_anywhere():
    assert redact("echo: abc123xyz", ("abc123xyz",)) == "echo: [REDACTED]"


def test_redact_ignores_secrets_too_short_to_be_tokens():
    assert redact("Duplicate status.", ("t",)) == "Duplicate status."


def test_redact_leaves_prose_about_tokens_alone():
    message = "The access token was replaced; send a bearer token."

    assert redact(message) == message


@pytest.mark.parametrize(
    "message",
    [
        "Error validating access token: Session has expired on Monday, 30-Nov-26.",
        "Invalid OAuth access token: Cannot parse access token",
        "The token: it was revoked by the user.",
        "password: must be at least 12 characters",
        "refresh_token: missing, reconnect the account",
    ],
)
def test_redact_keeps_platform_messages_that_name_a_token_readable(message):
    assert redact(message) == message


def test_redact_hides_the_value_but_keeps_the_key_and_the_rest():
    body = '{"error": "expired", "access_token": "tok-0123456789", "hint": "refresh"}'

    assert redact(body) == '{"error": "expired", "access_token": "[REDACTED]", "hint": "refresh"}'
    assert redact("a=1&access_token=tok-0123456789&b=2") == "a=1&access_token=[REDACTED]&b=2"


def test_platform_response_is_redacted_and_capped():
    error = PermanentError(
        "Rejected", platform_response='{"access_token": "tok-0123456789"}' + "x" * 5000
    )

    assert "tok-0123456789" not in error.platform_response
    assert len(error.platform_response) == EXCERPT_LIMIT


def test_rate_limited_is_a_transient_error_that_never_acted():
    error = RateLimited("Slow down", retry_after=3)

    assert isinstance(error, TransientError)
    assert error.ambiguous is False
    assert error.retry_after == 3


def test_refresh_refused_is_an_auth_expired_the_caller_can_tell_apart():
    assert issubclass(RefreshRefused, AuthExpired)


@pytest.mark.parametrize(
    "error",
    [
        TransientError("Timed out", ambiguous=True, retry_after=1.5, code="read_timeout"),
        RateLimited("Slow down", retry_after=3, status=429),
        RefreshRefused("Revoked", code="invalid_grant", platform_response="{}"),
        PermanentError("Too long", code="400", status=400),
    ],
)
def test_errors_survive_pickling_with_every_attribute(error):
    copy = pickle.loads(pickle.dumps(error))  # noqa: S301 (our own bytes)

    assert type(copy) is type(error)
    assert vars(copy) == vars(error)
    assert str(copy) == str(error)


def test_repr_names_the_attributes_but_not_the_response():
    error = TransientError("Timed out", ambiguous=True, platform_response="big body")

    assert repr(error) == (
        "TransientError('Timed out', ambiguous=True, retry_after=None, code=None, status=None)"
    )
