"""Instagram's API with Instagram Login as Meta's documentation pages describe the calls
Crier makes.

Written for Crier from the Instagram Platform pages on developers.facebook.com (found with
the search tool, read 2026-12-06; graph.instagram.com, v26.0): facts only, in our own
structure. Calls carry the token as `Authorization: Bearer` (or `access_token`).
"""

from __future__ import annotations

from tests.contracts.doc_table import Endpoint, obj, scopes

READ = "2026-12-06"
DOCS = "https://developers.facebook.com/docs/instagram-platform"
REFERENCE = f"{DOCS}/instagram-graph-api/reference"
GRAPH = "https://graph.instagram.com/{version}"
TOKEN = {"type": "string", "minLength": 1}
BASIC = "instagram_business_basic"
PUBLISH = scopes(f"{BASIC} instagram_business_content_publish")
COMMENTS = scopes(f"{BASIC} instagram_business_manage_comments")
URL = {"type": "string", "format": "uri"}
MAX_CAROUSEL_ITEMS = 10  # the IG User media page: a carousel holds up to 10 items


def fields(*names: str) -> dict:
    return {"type": "array", "items": {"enum": list(names)}}


CONTAINER = obj(
    (),
    # IMAGE is the default when media_type is left out; VIDEO only as a carousel item.
    media_type={"enum": ["IMAGE", "VIDEO", "REELS", "STORIES", "CAROUSEL"]},
    image_url=URL,
    video_url=URL,
    # Captions: 2,200 characters at most, 30 hashtags and 20 @mentions.
    caption={"type": "string", "maxLength": 2200},
    alt_text={"type": "string"},
    is_carousel_item={"type": "boolean"},
    # Carousel children: container ids, comma-separated, up to 10.
    children={"type": "string", "pattern": rf"^[0-9]+(,[0-9]+){{0,{MAX_CAROUSEL_ITEMS - 1}}}$"},
    share_to_feed={"type": "boolean"},
    cover_url=URL,
    thumb_offset={"type": "integer"},
    location_id={"type": "string"},
    user_tags={"type": "array"},
    collaborators={"type": "array"},
    access_token=TOKEN,
)

ENDPOINTS = [
    Endpoint(
        "GET",
        f"{GRAPH}/me",
        doc=f"{DOCS}/instagram-api-with-instagram-login/get-started",
        read=READ,
        scopes=scopes(BASIC),
        query={
            "fields": fields(
                "user_id",
                "username",
                "name",
                "profile_picture_url",
                "account_type",
                "followers_count",
                "follows_count",
                "media_count",
            ),
            "access_token": TOKEN,
        },
    ),
    Endpoint(
        "POST",
        f"{GRAPH}/{{user}}/media",
        doc=f"{REFERENCE}/ig-user/media",
        read=READ,
        scopes=PUBLISH,
        body=CONTAINER,
    ),
    Endpoint(
        # The account's recent media: how a lost media_publish answer is found again.
        "GET",
        f"{GRAPH}/{{user}}/media",
        doc=f"{REFERENCE}/ig-user/media",
        read=READ,
        scopes=scopes(BASIC),
        query={
            "fields": fields("id", "caption", "permalink", "timestamp", "media_type"),
            "limit": {"type": "integer", "minimum": 1},
            "access_token": TOKEN,
        },
    ),
    Endpoint(
        "POST",
        f"{GRAPH}/{{user}}/media_publish",
        doc=f"{REFERENCE}/ig-user/media_publish",
        read=READ,
        scopes=PUBLISH,
        body=obj(("creation_id",), creation_id={"type": "string", "pattern": "^[0-9]+$"}),
    ),
    Endpoint(
        "GET",
        f"{GRAPH}/{{user}}/content_publishing_limit",
        doc=f"{REFERENCE}/ig-user/content_publishing_limit",
        read=READ,
        scopes=PUBLISH,
        query={"fields": fields("quota_usage", "config"), "since": {"type": "integer"}},
    ),
    Endpoint(
        "POST",
        f"{GRAPH}/{{media}}/comments",
        doc=f"{REFERENCE}/ig-media/comments",
        read=READ,
        scopes=COMMENTS,
        body=obj(("message",), message={"type": "string"}),
    ),
    Endpoint(
        "GET",
        f"{GRAPH}/{{media}}/comments",
        doc=f"{REFERENCE}/ig-media/comments",
        read=READ,
        scopes=COMMENTS,
        query={
            # IG Comment fields; `user` only on the app user's own comments.
            "fields": fields("id", "text", "user", "username", "timestamp", "like_count"),
            "limit": {"type": "integer", "minimum": 1},
        },
    ),
    Endpoint(
        "GET",
        f"{GRAPH}/{{media}}/insights",
        doc=f"{DOCS}/reference/instagram-media/insights",
        read=READ,
        scopes=scopes(f"{BASIC} instagram_business_manage_insights"),
        query={
            "metric": fields(
                "views",
                "reach",
                "likes",
                "comments",
                "shares",
                "saved",
                "total_interactions",
                "follows",
                "profile_visits",
                "profile_activity",
            ),
            "period": {"const": "lifetime"},
        },
        required_query=("metric",),
    ),
    Endpoint(
        # A node read: a container's status, a media's permalink, the account's followers.
        "GET",
        f"{GRAPH}/{{node}}",
        doc=f"{REFERENCE}/ig-container",
        read=READ,
        scopes=scopes(BASIC),
        query={
            "fields": fields("status_code", "status", "id", "permalink", "followers_count"),
            "access_token": TOKEN,
        },
        required_query=("fields",),
    ),
    Endpoint(
        "POST",
        "https://api.instagram.com/oauth/access_token",
        doc=f"{DOCS}/instagram-api-with-instagram-login/business-login",
        read=READ,
        body_type="application/x-www-form-urlencoded",
        body=obj(
            ("client_id", "client_secret", "grant_type", "redirect_uri", "code"),
            client_id={"type": "string"},
            client_secret={"type": "string"},
            grant_type={"const": "authorization_code"},
            redirect_uri=URL,
            code={"type": "string"},
        ),
    ),
    Endpoint(
        "GET",
        "https://graph.instagram.com/access_token",
        doc=f"{DOCS}/reference/access_token",
        read=READ,
        query={
            "grant_type": {"const": "ig_exchange_token"},
            "client_secret": {"type": "string"},
            "access_token": TOKEN,
        },
        required_query=("grant_type", "client_secret", "access_token"),
    ),
    Endpoint(
        "GET",
        "https://graph.instagram.com/refresh_access_token",
        doc=f"{DOCS}/reference/refresh_access_token",
        read=READ,
        query={"grant_type": {"const": "ig_refresh_token"}, "access_token": TOKEN},
        required_query=("grant_type", "access_token"),
    ),
]
AUTHORIZE = Endpoint(
    "GET",
    "https://www.instagram.com/oauth/authorize",
    doc=f"{DOCS}/instagram-api-with-instagram-login/business-login",
    read=READ,
    query={
        "client_id": {"type": "string"},
        "redirect_uri": URL,
        "response_type": {"const": "code"},
        "scope": {"type": "string", "pattern": "^[a-z_]+(,[a-z_]+)*$"},
        "state": {"type": "string"},
        "enable_fb_login": {"type": "string"},
        "force_reauth": {"type": "string"},
    },
    required_query=("client_id", "redirect_uri", "response_type", "scope"),
)
HOSTS = ("https://graph.instagram.com/", "https://api.instagram.com/")
