"""Facebook, Instagram and Threads metrics: Graph reads with the exact documented request
(fields, metric lists, token) and the documented insights shapes read into values."""

from __future__ import annotations

import json

import httpx
import pytest

from connectors.base import AccountMetrics, Credentials, PostMetrics
from connectors.errors import AuthExpired, RateLimited
from connectors.facebook import DEFAULT_GRAPH_VERSION, FacebookConnector, insight_values
from connectors.instagram import InstagramConnector
from connectors.threads import ThreadsConnector


def only_call(route) -> httpx.Request:
    assert route.call_count == 1
    return route.calls.last.request


def insights(**values: int) -> dict:
    """An insights answer as the reference pages show it (lifetime metrics)."""
    return {
        "data": [
            {
                "name": name,
                "period": "lifetime",
                "values": [{"value": value}],
                "title": name.title(),
                "description": "",
                "id": f"17890/insights/{name}/lifetime",
            }
            for name, value in values.items()
        ]
    }


def test_insight_values_reads_lifetime_values_and_total_values():
    body = {
        "data": [
            {"name": "views", "period": "lifetime", "values": [{"value": 120}]},
            {"name": "followers_count", "period": "day", "total_value": {"value": 87}},
            {"name": "likes", "period": "lifetime", "values": []},  # no data yet
        ]
    }

    assert insight_values(body) == {"views": 120, "followers_count": 87}


# --- Facebook -------------------------------------------------------------------------------

FB = f"https://graph.facebook.com/{DEFAULT_GRAPH_VERSION}"
PAGE = Credentials(external_id="1122334455", access_token="page-token-abcdefgh")
FB_POST = "1122334455_998877"


@pytest.fixture
def facebook():
    with FacebookConnector(timeout=5) as connector:
        yield connector


def test_facebook_post_counts_and_insights(facebook, respx_mock):
    post = respx_mock.get(f"{FB}/{FB_POST}").respond(
        200,
        json={
            "shares": {"count": 7},
            "reactions": {"data": [], "summary": {"total_count": 42, "viewer_reaction": "NONE"}},
            "comments": {
                "data": [],
                "summary": {"order": "ranked", "total_count": 9, "can_comment": True},
            },
            "id": FB_POST,
        },
    )
    stats = respx_mock.get(f"{FB}/{FB_POST}/insights").respond(
        200, json=insights(post_media_view=1530, post_clicks=64)
    )

    metrics = facebook.post_metrics(FB_POST, PAGE)

    fields = only_call(post).url.params
    assert fields["fields"] == (
        "shares,reactions.summary(total_count).limit(0),comments.summary(total_count).limit(0)"
    )
    assert fields["access_token"] == "page-token-abcdefgh"
    assert only_call(stats).url.params["metric"] == "post_media_view,post_clicks"
    assert metrics == PostMetrics(impressions=1530, likes=42, comments=9, shares=7, clicks=64)


def test_facebook_post_without_insights_access_keeps_its_counts(facebook, respx_mock):
    respx_mock.get(f"{FB}/{FB_POST}").respond(
        200,
        json={
            "reactions": {"data": [], "summary": {"total_count": 3}},
            "comments": {"data": [], "summary": {"total_count": 1}},
            "id": FB_POST,
        },
    )
    respx_mock.get(f"{FB}/{FB_POST}/insights").respond(
        400,
        json={
            "error": {
                "message": "(#100) The value must be a valid insights metric",
                "type": "OAuthException",
                "code": 100,
            }
        },
    )

    metrics = facebook.post_metrics(FB_POST, PAGE)

    # No `shares` field: nobody shared it.
    assert metrics == PostMetrics(likes=3, comments=1, shares=0)


def test_facebook_video_reads_likes_and_comments(facebook, respx_mock):
    video = respx_mock.get(f"{FB}/5566").respond(
        200,
        json={
            "likes": {"data": [], "summary": {"total_count": 15}},
            "comments": {"data": [], "summary": {"total_count": 2}},
            "id": "5566",
        },
    )

    metrics = facebook.post_metrics("5566", PAGE)

    assert only_call(video).url.params["fields"] == (
        "likes.summary(total_count).limit(0),comments.summary(total_count).limit(0)"
    )
    assert metrics == PostMetrics(likes=15, comments=2)


def test_facebook_page_followers(facebook, respx_mock):
    route = respx_mock.get(f"{FB}/1122334455").respond(
        200, json={"followers_count": 2048, "id": "1122334455"}
    )

    assert facebook.account_metrics(PAGE) == AccountMetrics(followers=2048)
    assert only_call(route).url.params["fields"] == "followers_count"


def test_facebook_user_request_limit_is_rate_limited(facebook, respx_mock):
    usage = {"1122334455": [{"type": "pages", "estimated_time_to_regain_access": 12}]}
    respx_mock.get(f"{FB}/1122334455").respond(
        400,
        headers={"x-business-use-case-usage": json.dumps(usage)},
        json={"error": {"message": "(#17) User request limit reached", "code": 17}},
    )

    with pytest.raises(RateLimited) as caught:
        facebook.account_metrics(PAGE)
    assert caught.value.retry_after == 720


# --- Instagram ------------------------------------------------------------------------------

IG = f"https://graph.instagram.com/{DEFAULT_GRAPH_VERSION}"
IG_USER = Credentials(external_id="17841400008460056", access_token="ig-user-token-1234")


@pytest.fixture
def instagram():
    with InstagramConnector(timeout=5) as connector:
        yield connector


def test_instagram_media_insights(instagram, respx_mock):
    route = respx_mock.get(f"{IG}/17895695668004550/insights").respond(
        200, json=insights(views=3120, reach=2500, likes=210, comments=18, shares=12, saved=30)
    )

    metrics = instagram.post_metrics("17895695668004550", IG_USER)

    request = only_call(route)
    assert request.url.params["metric"] == "views,reach,likes,comments,shares,saved"
    assert request.headers["Authorization"] == "Bearer ig-user-token-1234"
    assert metrics == PostMetrics(
        impressions=3120,
        likes=210,
        comments=18,
        shares=12,
        extra={"saved": 30, "reach": 2500},
    )


def test_instagram_followers(instagram, respx_mock):
    route = respx_mock.get(f"{IG}/17841400008460056").respond(
        200, json={"followers_count": 5120, "id": "17841400008460056"}
    )

    assert instagram.account_metrics(IG_USER) == AccountMetrics(followers=5120)
    assert only_call(route).url.params["fields"] == "followers_count"


def test_instagram_expired_token_is_auth_expired(instagram, respx_mock):
    respx_mock.get(f"{IG}/17841400008460056").respond(
        400,
        json={
            "error": {
                "message": "Error validating access token: Session has expired",
                "type": "OAuthException",
                "code": 190,
                "error_subcode": 463,
            }
        },
    )

    with pytest.raises(AuthExpired):
        instagram.account_metrics(IG_USER)


# --- Threads --------------------------------------------------------------------------------

THREADS = "https://graph.threads.net/v1.0"
THREADS_USER = Credentials(external_id="2580917", access_token="threads-token-5678")


@pytest.fixture
def threads():
    with ThreadsConnector(timeout=5) as connector:
        yield connector


def test_threads_media_insights(threads, respx_mock):
    route = respx_mock.get(f"{THREADS}/1802339/insights").respond(
        200, json=insights(views=900, likes=45, replies=6, reposts=3, quotes=2, shares=5)
    )

    metrics = threads.post_metrics("1802339", THREADS_USER)

    params = only_call(route).url.params
    assert params["metric"] == "views,likes,replies,reposts,quotes,shares"
    assert params["access_token"] == "threads-token-5678"
    assert metrics == PostMetrics(
        impressions=900, likes=45, comments=6, shares=3, extra={"quotes": 2, "shares": 5}
    )


def test_threads_followers_from_user_insights(threads, respx_mock):
    route = respx_mock.get(f"{THREADS}/2580917/threads_insights").respond(
        200,
        json={
            "data": [
                {
                    "name": "followers_count",
                    "period": "day",
                    "title": "followers_count",
                    "description": "The number of followers on Threads.",
                    "total_value": {"value": 731},
                    "id": "2580917/insights/followers_count/day",
                }
            ]
        },
    )

    assert threads.account_metrics(THREADS_USER) == AccountMetrics(followers=731)
    assert only_call(route).url.params["metric"] == "followers_count"
