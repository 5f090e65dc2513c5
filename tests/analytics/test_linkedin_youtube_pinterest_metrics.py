"""LinkedIn, YouTube and Pinterest metrics: the exact documented request, the documented
response read into values, and the error mapping the collector relies on."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest

from connectors.base import AccountMetrics, Credentials, PostMetrics
from connectors.errors import PermanentError, RateLimited
from connectors.linkedin import DEFAULT_VERSION, LinkedInConnector
from connectors.pinterest import PinterestConnector
from connectors.youtube import YouTubeConnector


def only_call(route) -> httpx.Request:
    assert route.call_count == 1
    return route.calls.last.request


# --- LinkedIn -------------------------------------------------------------------------------

LI = "https://api.linkedin.com/rest"
SHARE = "urn:li:share:7015970832908775123"
MEMBER = Credentials(external_id="abc123", access_token="li-access-token")
ORGANIZATION = Credentials(
    external_id="abc123",
    access_token="li-access-token",
    extra={"author_urn": "urn:li:organization:2414183"},
)
SOCIAL_ACTIONS = {
    "likesSummary": {"totalLikes": 12, "likedByCurrentUser": False, "aggregatedTotalLikes": 12},
    "commentsSummary": {"totalFirstLevelComments": 3, "aggregatedTotalComments": 5},
    "target": SHARE,
    "$URN": "urn:li:activity:7015970833642786816",
}


@pytest.fixture
def linkedin():
    with LinkedInConnector(timeout=5) as connector:
        yield connector


def test_linkedin_member_post_reads_social_actions(linkedin, respx_mock):
    route = respx_mock.get(f"{LI}/socialActions/urn%3Ali%3Ashare%3A7015970832908775123").respond(
        200, json=SOCIAL_ACTIONS
    )

    metrics = linkedin.post_metrics(SHARE, MEMBER)

    request = only_call(route)
    assert request.headers["Authorization"] == "Bearer li-access-token"
    assert request.headers["LinkedIn-Version"] == DEFAULT_VERSION
    assert request.headers["X-Restli-Protocol-Version"] == "2.0.0"
    assert metrics == PostMetrics(likes=12, comments=5)


def test_linkedin_organization_post_adds_share_statistics(linkedin, respx_mock):
    respx_mock.get(f"{LI}/socialActions/urn%3Ali%3Ashare%3A7015970832908775123").respond(
        200, json=SOCIAL_ACTIONS
    )
    statistics = respx_mock.get(f"{LI}/organizationalEntityShareStatistics").respond(
        200,
        json={
            "paging": {"count": 10, "start": 0, "links": []},
            "elements": [
                {
                    "totalShareStatistics": {
                        "uniqueImpressionsCount": 280,
                        "shareCount": 2,
                        "engagement": 0.07,
                        "clickCount": 17,
                        "likeCount": 12,
                        "impressionCount": 340,
                        "commentCount": 5,
                    },
                    "share": SHARE,
                    "organizationalEntity": "urn:li:organization:2414183",
                }
            ],
        },
    )

    metrics = linkedin.post_metrics(SHARE, ORGANIZATION)

    # Rest.li 2.0: URNs encoded inside an unencoded List(...).
    assert only_call(statistics).url.query.decode() == (
        "q=organizationalEntity&organizationalEntity=urn%3Ali%3Aorganization%3A2414183"
        "&shares=List(urn%3Ali%3Ashare%3A7015970832908775123)"
    )
    assert metrics == PostMetrics(impressions=340, likes=12, comments=5, shares=2, clicks=17)


def test_linkedin_ugc_post_statistics_are_asked_as_ugc_posts(linkedin, respx_mock):
    ugc = "urn:li:ugcPost:7015970832908775999"
    respx_mock.get(f"{LI}/socialActions/urn%3Ali%3AugcPost%3A7015970832908775999").respond(
        200, json=SOCIAL_ACTIONS
    )
    statistics = respx_mock.get(f"{LI}/organizationalEntityShareStatistics").respond(
        403, json={"status": 403, "serviceErrorCode": 100, "code": "ACCESS_DENIED"}
    )

    metrics = linkedin.post_metrics(ugc, ORGANIZATION)

    assert "ugcPosts=List(urn%3Ali%3AugcPost%3A7015970832908775999)" in (
        only_call(statistics).url.query.decode()
    )
    assert metrics == PostMetrics(likes=12, comments=5)  # not an admin: counts stand


def test_linkedin_organization_followers_from_network_sizes(linkedin, respx_mock):
    route = respx_mock.get(f"{LI}/networkSizes/urn%3Ali%3Aorganization%3A2414183").respond(
        200, json={"firstDegreeSize": 4321}
    )

    assert linkedin.account_metrics(ORGANIZATION) == AccountMetrics(followers=4321)
    assert only_call(route).url.params["edgeType"] == "COMPANY_FOLLOWED_BY_MEMBER"


def test_linkedin_member_followers_from_member_followers_count(linkedin, respx_mock):
    route = respx_mock.get(f"{LI}/memberFollowersCount").respond(
        200,
        json={
            "elements": [{"memberFollowersCount": 100}],
            "paging": {"count": 10, "start": 0, "links": []},
        },
    )

    assert linkedin.account_metrics(MEMBER) == AccountMetrics(followers=100)
    assert only_call(route).url.params["q"] == "me"


def test_linkedin_429_is_rate_limited(linkedin, respx_mock):
    respx_mock.get(f"{LI}/memberFollowersCount").respond(
        429, headers={"Retry-After": "3600"}, json={"status": 429, "message": "Too many"}
    )

    with pytest.raises(RateLimited) as caught:
        linkedin.account_metrics(MEMBER)
    assert caught.value.retry_after == 3600


# --- YouTube --------------------------------------------------------------------------------

YT = "https://www.googleapis.com/youtube/v3"
CHANNEL = Credentials(
    external_id="UC_x5XG1OV2P6uZZ5FSM9Ttw",
    access_token="ya29.youtube-token",
    extra={"channel_id": "UC_x5XG1OV2P6uZZ5FSM9Ttw"},
)


@pytest.fixture
def youtube():
    with YouTubeConnector(timeout=5) as connector:
        yield connector


def test_youtube_video_statistics(youtube, respx_mock):
    route = respx_mock.get(f"{YT}/videos").respond(
        200,
        json={
            "kind": "youtube#videoListResponse",
            "items": [
                {
                    "kind": "youtube#video",
                    "id": "Ks-_Mh1QhMc",
                    "statistics": {
                        "viewCount": "15030",
                        "likeCount": "812",
                        "favoriteCount": "0",
                        "commentCount": "96",
                    },
                }
            ],
        },
    )

    metrics = youtube.post_metrics("Ks-_Mh1QhMc", CHANNEL)

    request = only_call(route)
    assert dict(request.url.params) == {"part": "statistics", "id": "Ks-_Mh1QhMc"}
    assert request.headers["Authorization"] == "Bearer ya29.youtube-token"
    assert metrics == PostMetrics(impressions=15030, likes=812, comments=96)


def test_youtube_deleted_video_is_a_permanent_not_found(youtube, respx_mock):
    respx_mock.get(f"{YT}/videos").respond(
        200, json={"kind": "youtube#videoListResponse", "items": []}
    )

    with pytest.raises(PermanentError) as caught:
        youtube.post_metrics("gone", CHANNEL)
    assert caught.value.code == "not_found"


def test_youtube_channel_subscribers(youtube, respx_mock):
    route = respx_mock.get(f"{YT}/channels").respond(
        200,
        json={
            "items": [
                {
                    "id": "UC_x5XG1OV2P6uZZ5FSM9Ttw",
                    "statistics": {
                        "viewCount": "900000",
                        "subscriberCount": "2150",
                        "hiddenSubscriberCount": False,
                        "videoCount": "120",
                    },
                }
            ]
        },
    )

    assert youtube.account_metrics(CHANNEL) == AccountMetrics(followers=2150)
    assert dict(only_call(route).url.params) == {
        "part": "statistics",
        "id": "UC_x5XG1OV2P6uZZ5FSM9Ttw",
    }


def test_youtube_hidden_subscriber_count_is_none(youtube, respx_mock):
    respx_mock.get(f"{YT}/channels").respond(
        200,
        json={"items": [{"statistics": {"subscriberCount": "0", "hiddenSubscriberCount": True}}]},
    )

    assert youtube.account_metrics(CHANNEL) == AccountMetrics(followers=None)


def test_youtube_quota_exceeded_waits_for_the_quota_reset(youtube, respx_mock):
    respx_mock.get(f"{YT}/videos").respond(
        403,
        json={
            "error": {
                "code": 403,
                "message": "The request cannot be completed because you have exceeded your quota.",
                "errors": [{"domain": "youtube.quota", "reason": "quotaExceeded"}],
            }
        },
    )

    with pytest.raises(RateLimited) as caught:
        youtube.post_metrics("Ks-_Mh1QhMc", CHANNEL)
    assert 0 < caught.value.retry_after <= 25 * 3600


# --- Pinterest ------------------------------------------------------------------------------

PIN_API = "https://api.pinterest.com/v5"
PINNER = Credentials(external_id="pinner", access_token="pina_token-1234")


@pytest.fixture
def pinterest():
    with PinterestConnector(timeout=5) as connector:
        yield connector


def test_pinterest_pin_analytics_over_the_last_90_days(pinterest, respx_mock):
    route = respx_mock.get(f"{PIN_API}/pins/813744226420795884/analytics").respond(
        200,
        json={
            "all": {
                "daily_metrics": [
                    {
                        "date": "2026-11-20",
                        "data_status": "READY",
                        "metrics": {"IMPRESSION": 40, "SAVE": 1},
                    }
                ],
                "lifetime_metrics": {"IMPRESSION": 1200},
                "summary_metrics": {
                    "IMPRESSION": 980,
                    "SAVE": 31,
                    "PIN_CLICK": 77,
                    "OUTBOUND_CLICK": 19,
                },
            }
        },
    )

    metrics = pinterest.post_metrics("813744226420795884", PINNER)

    request = only_call(route)
    today = datetime.now(UTC).date()
    assert dict(request.url.params) == {
        "start_date": (today - timedelta(days=89)).isoformat(),
        "end_date": today.isoformat(),
        "metric_types": "IMPRESSION,SAVE,PIN_CLICK,OUTBOUND_CLICK",
        "app_types": "ALL",
    }
    assert request.headers["Authorization"] == "Bearer pina_token-1234"
    assert metrics == PostMetrics(impressions=980, shares=31, clicks=19, extra={"pin_clicks": 77})


def test_pinterest_followers_from_user_account(pinterest, respx_mock):
    route = respx_mock.get(f"{PIN_API}/user_account").respond(
        200,
        json={
            "account_type": "BUSINESS",
            "username": "crier",
            "follower_count": 640,
            "following_count": 12,
            "pin_count": 88,
        },
    )

    assert pinterest.account_metrics(PINNER) == AccountMetrics(followers=640)
    assert only_call(route).headers["Authorization"] == "Bearer pina_token-1234"


def test_pinterest_rate_limit_code_8_is_rate_limited(pinterest, respx_mock):
    respx_mock.get(f"{PIN_API}/user_account").respond(
        429,
        headers={"Retry-After": "60"},
        json={"code": 8, "message": "This request exceeded a rate limit."},
    )

    with pytest.raises(RateLimited) as caught:
        pinterest.account_metrics(PINNER)
    assert caught.value.retry_after == 60
