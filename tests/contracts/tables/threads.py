"""The Threads API as Meta's documentation pages describe the calls Crier makes.

Written for Crier from the Threads pages on developers.facebook.com (found with the search
tool, read 2026-12-06; graph.threads.net, v1.0): facts only, in our own structure. Threads
takes its parameters as form fields or in the query, the token as `access_token`.
"""

from __future__ import annotations

from tests.contracts.doc_table import Endpoint, obj, scopes

READ = "2026-12-06"
DOCS = "https://developers.facebook.com/docs/threads"
GRAPH = "https://graph.threads.net/{version}"
TOKEN = {"type": "string", "minLength": 1}
URL = {"type": "string", "format": "uri"}
NODE_ID = {"type": "string", "pattern": "^[0-9]+$"}
BASIC = "threads_basic"
PUBLISH = scopes(f"{BASIC} threads_content_publish")
MAX_TEXT = 500  # characters of a post's text (Posts page; emoji count by their UTF-8 bytes)
MAX_CAROUSEL_ITEMS = 20  # a carousel holds 2 to 20 items
MAX_ALT_TEXT = 1000


def fields(*names: str) -> dict:
    return {"type": "array", "items": {"enum": list(names)}}


CONTAINER = obj(
    ("media_type", "access_token"),
    media_type={"enum": ["TEXT", "IMAGE", "VIDEO", "CAROUSEL"]},
    text={"type": "string", "maxLength": MAX_TEXT},
    image_url=URL,
    video_url=URL,
    is_carousel_item={"type": "boolean"},
    children={"type": "string", "pattern": rf"^[0-9]+(,[0-9]+){{1,{MAX_CAROUSEL_ITEMS - 1}}}$"},
    reply_to_id=NODE_ID,
    reply_control={
        "enum": [
            "everyone",
            "accounts_you_follow",
            "mentioned_only",
            "parent_post_author_only",
            "followers_only",
        ]
    },
    alt_text={"type": "string", "maxLength": MAX_ALT_TEXT},
    # Text posts may skip threads_publish (Publishing reference).
    auto_publish_text={"type": "boolean"},
    quote_post_id=NODE_ID,
    link_attachment=URL,
    topic_tag={"type": "string"},
    access_token=TOKEN,
)

ENDPOINTS = [
    Endpoint(
        "GET",
        f"{GRAPH}/me",
        doc=f"{DOCS}/threads-profiles",
        read=READ,
        scopes=scopes(BASIC),
        query={
            "fields": fields(
                "id", "username", "name", "threads_profile_picture_url", "threads_biography"
            ),
            "access_token": TOKEN,
        },
        required_query=("access_token",),
    ),
    Endpoint(
        "POST",
        f"{GRAPH}/{{user}}/threads",
        doc=f"{DOCS}/reference/publishing",
        read=READ,
        scopes=PUBLISH,
        body_type="application/x-www-form-urlencoded",
        body=CONTAINER,
    ),
    Endpoint(
        "POST",
        f"{GRAPH}/{{user}}/threads_publish",
        doc=f"{DOCS}/reference/publishing",
        read=READ,
        scopes=PUBLISH,
        body_type="application/x-www-form-urlencoded",
        body=obj(("creation_id", "access_token"), creation_id=NODE_ID, access_token=TOKEN),
    ),
    Endpoint(
        "GET",
        f"{GRAPH}/{{post}}/insights",
        doc=f"{DOCS}/insights",
        read=READ,
        scopes=scopes(f"{BASIC} threads_manage_insights"),
        query={
            "metric": fields("views", "likes", "replies", "reposts", "quotes", "shares"),
            "access_token": TOKEN,
        },
        required_query=("metric", "access_token"),
    ),
    Endpoint(
        "GET",
        f"{GRAPH}/{{user}}/threads_insights",
        doc=f"{DOCS}/insights",
        read=READ,
        scopes=scopes(f"{BASIC} threads_manage_insights"),
        query={
            "metric": fields(
                "views",
                "likes",
                "replies",
                "reposts",
                "quotes",
                "clicks",
                "followers_count",
                "follower_demographics",
            ),
            "since": {"type": "integer"},
            "until": {"type": "integer"},
            "access_token": TOKEN,
        },
        required_query=("metric", "access_token"),
    ),
    Endpoint(
        # A node read: a container's status (Publishing reference) or a post's permalink.
        "GET",
        f"{GRAPH}/{{node}}",
        doc=f"{DOCS}/troubleshooting#publishing-does-not-return-a-media-id",
        read=READ,
        scopes=scopes(BASIC),
        query={
            "fields": fields("id", "status", "error_message", "permalink"),
            "access_token": TOKEN,
        },
        required_query=("fields", "access_token"),
    ),
    Endpoint(
        "POST",
        "https://graph.threads.net/oauth/access_token",
        doc=f"{DOCS}/get-started/get-access-tokens-and-permissions",
        read=READ,
        body_type="application/x-www-form-urlencoded",
        body=obj(
            ("client_id", "client_secret", "code", "grant_type", "redirect_uri"),
            client_id={"type": "string"},
            client_secret={"type": "string"},
            code={"type": "string"},
            grant_type={"const": "authorization_code"},
            redirect_uri=URL,
        ),
    ),
    Endpoint(
        "GET",
        "https://graph.threads.net/access_token",
        doc=f"{DOCS}/get-started/long-lived-tokens",
        read=READ,
        query={
            "grant_type": {"const": "th_exchange_token"},
            "client_secret": {"type": "string"},
            "access_token": TOKEN,
        },
        required_query=("grant_type", "client_secret", "access_token"),
    ),
    Endpoint(
        "GET",
        "https://graph.threads.net/refresh_access_token",
        doc=f"{DOCS}/get-started/long-lived-tokens",
        read=READ,
        query={"grant_type": {"const": "th_refresh_token"}, "access_token": TOKEN},
        required_query=("grant_type", "access_token"),
    ),
]
AUTHORIZE = Endpoint(
    "GET",
    "https://threads.net/oauth/authorize",
    doc=f"{DOCS}/get-started/get-access-tokens-and-permissions",
    read=READ,
    query={
        "client_id": {"type": "string"},
        "redirect_uri": URL,
        "scope": {"type": "string", "pattern": "^[a-z_]+(,[a-z_]+)*$"},
        "response_type": {"const": "code"},
        "state": {"type": "string"},
    },
    required_query=("client_id", "redirect_uri", "scope", "response_type"),
)
HOSTS = ("https://graph.threads.net/",)
