"""Each connector's post and account metrics: the exact documented request, and the
documented response read into PostMetrics / AccountMetrics (respx, no database).

Response fixtures follow the examples on the reference pages cited in each connector.
"""

from __future__ import annotations

import time

import httpx
import pytest

from connectors.base import AccountMetrics, Credentials, PostMetrics
from connectors.bluesky import BlueskyConnector
from connectors.errors import AuthExpired, PermanentError, RateLimited
from connectors.mastodon import MastodonConnector
from connectors.x import XConnector


def only_call(route) -> httpx.Request:
    assert route.call_count == 1
    return route.calls.last.request


# --- X --------------------------------------------------------------------------------------

X_API = "https://api.x.com"
X_CREDENTIALS = Credentials(external_id="2244994945", access_token="x-access-token")
X_POST = {
    "data": {
        "id": "1263145271946551300",
        "text": "Hello",
        "edit_history_tweet_ids": ["1263145271946551300"],
        "public_metrics": {
            "retweet_count": 156,
            "reply_count": 151,
            "like_count": 1067,
            "quote_count": 25,
            "bookmark_count": 12,
            "impression_count": 46523,
        },
    }
}


@pytest.fixture
def x():
    with XConnector(timeout=5) as connector:
        yield connector


def test_x_reads_public_metrics_of_the_post(x, respx_mock):
    route = respx_mock.get(f"{X_API}/2/tweets/1263145271946551300").respond(200, json=X_POST)

    metrics = x.post_metrics("1263145271946551300", X_CREDENTIALS)

    request = only_call(route)
    # The production OpenAPI 2.167 names the parameter post.fields (tests/contracts/test_x.py).
    assert dict(request.url.params) == {"post.fields": "public_metrics"}
    assert request.headers["Authorization"] == "Bearer x-access-token"
    assert metrics == PostMetrics(
        impressions=46523,
        likes=1067,
        comments=151,
        shares=156,
        clicks=None,
        extra={"quotes": 25, "bookmarks": 12},
    )


def test_x_reads_shares_from_repost_count_as_the_openapi_names_it(x, respx_mock):
    counts = {k: v for k, v in X_POST["data"]["public_metrics"].items() if k != "retweet_count"}
    answer = {"data": {**X_POST["data"], "public_metrics": {**counts, "repost_count": 157}}}
    respx_mock.get(f"{X_API}/2/tweets/1263145271946551300").respond(200, json=answer)

    metrics = x.post_metrics("1263145271946551300", X_CREDENTIALS)

    assert metrics.shares == 157


def test_x_reads_followers_from_users_me(x, respx_mock):
    route = respx_mock.get(f"{X_API}/2/users/me").respond(
        200,
        json={
            "data": {
                "id": "2244994945",
                "username": "XDevelopers",
                "public_metrics": {
                    "followers_count": 513958,
                    "following_count": 2039,
                    "tweet_count": 3635,
                    "listed_count": 1672,
                },
            }
        },
    )

    assert x.account_metrics(X_CREDENTIALS) == AccountMetrics(followers=513958)
    assert only_call(route).url.params["user.fields"] == "public_metrics"


def test_x_deleted_post_is_a_permanent_not_found(x, respx_mock):
    respx_mock.get(f"{X_API}/2/tweets/1").respond(
        200,
        json={
            "errors": [
                {
                    "value": "1",
                    "detail": "Could not find tweet with id: [1].",
                    "title": "Not Found Error",
                    "resource_type": "tweet",
                    "parameter": "id",
                    "type": "https://api.twitter.com/2/problems/resource-not-found",
                }
            ]
        },
    )

    with pytest.raises(PermanentError) as caught:
        x.post_metrics("1", X_CREDENTIALS)
    assert caught.value.code == "not_found"
    assert "Could not find tweet" in caught.value.message


def test_x_429_is_rate_limited_until_the_reset(x, respx_mock):
    reset = int(time.time()) + 600
    respx_mock.get(f"{X_API}/2/tweets/5").respond(
        429,
        headers={"x-rate-limit-reset": str(reset), "x-rate-limit-remaining": "0"},
        json={"title": "Too Many Requests", "detail": "Too Many Requests", "type": "about:blank"},
    )

    with pytest.raises(RateLimited) as caught:
        x.post_metrics("5", X_CREDENTIALS)
    assert 590 <= caught.value.retry_after <= 600


# --- Mastodon -------------------------------------------------------------------------------

MASTODON = "https://social.test"
MASTODON_CREDENTIALS = Credentials(
    external_id="14715", access_token="masto-token-123", extra={"instance_url": MASTODON}
)


@pytest.fixture
def mastodon():
    with MastodonConnector(timeout=5) as connector:
        yield connector


def test_mastodon_reads_status_counts(mastodon, respx_mock):
    route = respx_mock.get(f"{MASTODON}/api/v1/statuses/103270115826048975").respond(
        200,
        json={
            "id": "103270115826048975",
            "created_at": "2019-12-08T03:48:33.901Z",
            "visibility": "public",
            "uri": "https://social.test/users/ada/statuses/103270115826048975",
            "replies_count": 5,
            "reblogs_count": 6,
            "favourites_count": 11,
            "content": "<p>Hello</p>",
        },
    )

    metrics = mastodon.post_metrics("103270115826048975", MASTODON_CREDENTIALS)

    assert only_call(route).headers["Authorization"] == "Bearer masto-token-123"
    assert metrics == PostMetrics(likes=11, comments=5, shares=6)
    assert metrics.impressions is None and metrics.clicks is None  # Mastodon has none


def test_mastodon_reads_followers_from_verify_credentials(mastodon, respx_mock):
    route = respx_mock.get(f"{MASTODON}/api/v1/accounts/verify_credentials").respond(
        200,
        json={"id": "14715", "username": "ada", "followers_count": 318, "following_count": 453},
    )

    assert mastodon.account_metrics(MASTODON_CREDENTIALS) == AccountMetrics(followers=318)
    assert only_call(route).headers["Authorization"] == "Bearer masto-token-123"


def test_mastodon_deleted_status_is_permanent(mastodon, respx_mock):
    respx_mock.get(f"{MASTODON}/api/v1/statuses/9").respond(404, json={"error": "Record not found"})

    with pytest.raises(PermanentError):
        mastodon.post_metrics("9", MASTODON_CREDENTIALS)


def test_mastodon_revoked_token_is_auth_expired(mastodon, respx_mock):
    respx_mock.get(f"{MASTODON}/api/v1/accounts/verify_credentials").respond(
        401, json={"error": "The access token is invalid"}
    )

    with pytest.raises(AuthExpired):
        mastodon.account_metrics(MASTODON_CREDENTIALS)


# --- Bluesky --------------------------------------------------------------------------------

PDS = "https://pds.bsky.test"
DID = "did:plc:z72i7hdynmk6r22z27h6tvur"
POST_URI = f"at://{DID}/app.bsky.feed.post/3l6oveex3ii2l"
BLUESKY_CREDENTIALS = Credentials(
    external_id=DID, access_token="bsky-access-jwt", extra={"pds_url": PDS, "handle": "ada.test"}
)


@pytest.fixture
def bluesky():
    with BlueskyConnector(timeout=5) as connector:
        yield connector


def test_bluesky_reads_counts_from_get_posts(bluesky, respx_mock):
    route = respx_mock.get(f"{PDS}/xrpc/app.bsky.feed.getPosts").respond(
        200,
        json={
            "posts": [
                {
                    "uri": POST_URI,
                    "cid": "bafyreib2rxk3rh6kzwq",
                    "author": {"did": DID, "handle": "ada.test"},
                    "record": {"$type": "app.bsky.feed.post", "text": "Hello"},
                    "replyCount": 4,
                    "repostCount": 9,
                    "likeCount": 57,
                    "quoteCount": 2,
                    "indexedAt": "2026-11-20T10:00:00.000Z",
                }
            ]
        },
    )

    metrics = bluesky.post_metrics(POST_URI, BLUESKY_CREDENTIALS)

    request = only_call(route)
    assert request.url.params["uris"] == POST_URI
    assert request.headers["Authorization"] == "Bearer bsky-access-jwt"
    assert metrics == PostMetrics(likes=57, comments=4, shares=9, extra={"quotes": 2})


def test_bluesky_missing_post_is_a_permanent_not_found(bluesky, respx_mock):
    respx_mock.get(f"{PDS}/xrpc/app.bsky.feed.getPosts").respond(200, json={"posts": []})

    with pytest.raises(PermanentError) as caught:
        bluesky.post_metrics(POST_URI, BLUESKY_CREDENTIALS)
    assert caught.value.code == "not_found"


def test_bluesky_reads_followers_from_get_profile(bluesky, respx_mock):
    route = respx_mock.get(f"{PDS}/xrpc/app.bsky.actor.getProfile").respond(
        200,
        json={
            "did": DID,
            "handle": "ada.test",
            "followersCount": 1204,
            "followsCount": 310,
            "postsCount": 88,
        },
    )

    assert bluesky.account_metrics(BLUESKY_CREDENTIALS) == AccountMetrics(followers=1204)
    assert only_call(route).url.params["actor"] == DID


def test_bluesky_rate_limit_reads_its_reset_header(bluesky, respx_mock):
    reset = int(time.time()) + 300
    respx_mock.get(f"{PDS}/xrpc/app.bsky.actor.getProfile").respond(
        429,
        headers={"ratelimit-reset": str(reset), "ratelimit-remaining": "0"},
        json={"error": "RateLimitExceeded", "message": "Rate Limit Exceeded"},
    )

    with pytest.raises(RateLimited) as caught:
        bluesky.account_metrics(BLUESKY_CREDENTIALS)
    assert 290 <= caught.value.retry_after <= 300
