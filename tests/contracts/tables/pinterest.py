"""The Pinterest API v5 calls Crier makes, as Pinterest's documentation and OpenAPI describe
them.

Written for Crier from the pages on developers.pinterest.com (found with the search tool,
read 2026-12-06) and from Pinterest's OpenAPI description, `info.version` 5.23.0
(pinterest/api-description `v5/openapi.json`, release-5.23.0, c05b189, read with the fetch
tool, not kept): facts only, in our own structure. The scopes of each call, the id
patterns and the metric names are the description's (each row's `spec`); the reference pages are
generated from it. `metric_types` lists the names of both of the description's metric
enums once (its `oneOf` of overlapping enums refuses the shared names; README, Findings).
"""

from __future__ import annotations

from tests.contracts.doc_table import Endpoint, obj, scopes

READ = "2026-12-06"
DOCS = "https://developers.pinterest.com/docs"
OPENAPI = "pinterest/api-description v5/openapi.json, info.version 5.23.0"
API = "https://api.pinterest.com/v5"
DIGITS = {"type": "string", "pattern": r"^\d+$"}
TEXT = {"type": "string"}
BEARER = {"type": "string", "pattern": "^Bearer .+"}
BASIC = {"type": "string", "pattern": "^Basic [A-Za-z0-9+/=]+$"}
AUTH = {"Authorization": BEARER}
MAX_DESCRIPTION = 800
MAX_TITLE = 100
MAX_LINK = 2048
MAX_ALT_TEXT = 500
MIN_CAROUSEL_IMAGES = 2
MAX_CAROUSEL_IMAGES = 5
IMAGE_TYPES = ["image/jpeg", "image/png"]
PIN_METRICS = [
    "IMPRESSION",
    "OUTBOUND_CLICK",
    "PIN_CLICK",
    "SAVE",
    "SAVE_RATE",
    "TOTAL_COMMENTS",
    "TOTAL_REACTIONS",
    "USER_FOLLOW",
    "PROFILE_VISIT",
    "VIDEO_MRC_VIEW",
    "VIDEO_10S_VIEW",
    "QUARTILE_95_PERCENT_VIEW",
    "VIDEO_V50_WATCH_TIME",
    "VIDEO_START",
    "VIDEO_AVG_WATCH_TIME",
]
# The scopes `pinterest_oauth2` declares (the OpenAPI).
KNOWN_SCOPES = frozenset(
    {
        "ads:read",
        "ads:write",
        "billing:read",
        "billing:write",
        "biz_access:read",
        "biz_access:write",
        "boards:read",
        "boards:read_secret",
        "boards:write",
        "boards:write_secret",
        "catalogs:read",
        "catalogs:write",
        "msot:write",
        "pins:read",
        "pins:read_secret",
        "pins:write",
        "pins:write_secret",
        "user_accounts:read",
        "user_accounts:write",
    }
)
AD_ACCOUNT = {"type": "string", "maxLength": 18, "pattern": r"^\d+$"}


def source(kind: str, required: tuple[str, ...] = (), **properties: dict) -> dict:
    """One kind of `media_source`, told apart by its `source_type`."""
    return obj(("source_type", *required), source_type={"const": kind}, **properties)


MEDIA_SOURCE = {
    "oneOf": [
        source("image_url", ("url",), url=TEXT, is_standard={"type": "boolean"}),
        source(
            "image_base64",
            ("content_type", "data"),
            content_type={"enum": IMAGE_TYPES},
            data={"type": "string", "pattern": "^[a-zA-Z0-9+/=]+$"},
            is_standard={"type": "boolean"},
        ),
        source(
            "multiple_image_urls",
            ("items",),
            items={
                "type": "array",
                "minItems": MIN_CAROUSEL_IMAGES,
                "maxItems": MAX_CAROUSEL_IMAGES,
                "items": obj(("url",), url=TEXT, link=TEXT),
            },
            index={"type": "integer", "minimum": 0},
        ),
        source(
            "video_id",
            ("media_id",),
            media_id=DIGITS,
            cover_image_url=TEXT,
            cover_image_content_type={"enum": IMAGE_TYPES},
            cover_image_data=TEXT,
            cover_image_key_frame_time={"type": "integer", "minimum": 0},
            is_standard={"type": "boolean"},
        ),
        source("pin_url", is_affiliate_link={"type": "boolean"}),
    ]
}
PIN = obj(
    ("board_id", "media_source"),
    board_id=DIGITS,
    board_section_id=DIGITS,
    title={"type": "string", "maxLength": MAX_TITLE},
    description={"type": "string", "maxLength": MAX_DESCRIPTION},
    link={"type": "string", "maxLength": MAX_LINK},
    alt_text={"type": "string", "maxLength": MAX_ALT_TEXT},
    dominant_color=TEXT,
    parent_pin_id=DIGITS,
    media_source=MEDIA_SOURCE,
)
# The code exchange and the refresh share the endpoint; `grant_type` says which fields follow.
TOKEN = {
    **obj(
        ("grant_type",),
        grant_type={"enum": ["authorization_code", "refresh_token", "client_credentials"]},
        code=TEXT,
        redirect_uri=TEXT,
        # Apps made before 2025-09-25 ask for the continuous refresh token with it.
        continuous_refresh={"type": "boolean"},
        refresh_token=TEXT,
        scope=TEXT,
    ),
    "allOf": [
        {
            "if": {"properties": {"grant_type": {"const": "authorization_code"}}},
            "then": {"required": ["code", "redirect_uri"]},
        },
        {
            "if": {"properties": {"grant_type": {"const": "refresh_token"}}},
            "then": {"required": ["refresh_token"]},
        },
    ],
}

ENDPOINTS = [
    Endpoint(
        "POST",
        f"{API}/pins",
        doc=f"{DOCS}/api/v5/pins-create",
        read=READ,
        spec=OPENAPI,
        scopes=scopes("boards:read boards:write pins:read pins:write"),
        query={"ad_account_id": AD_ACCOUNT},
        body=PIN,
        headers=AUTH,
    ),
    Endpoint(
        "POST",
        f"{API}/media",
        doc=f"{DOCS}/api/v5/media-create",
        read=READ,
        spec=OPENAPI,
        scopes=scopes("pins:read pins:write"),
        body=obj(("media_type",), media_type={"const": "video"}),
        headers=AUTH,
    ),
    Endpoint(
        "GET",
        f"{API}/media/{{media_id}}",
        doc=f"{DOCS}/api/v5/media-get",
        read=READ,
        spec=OPENAPI,
        scopes=scopes("pins:read"),
        headers=AUTH,
    ),
    Endpoint(
        "GET",
        f"{API}/pins/{{pin_id}}/analytics",
        doc=f"{DOCS}/api/v5/pins-analytics",
        read=READ,
        spec=OPENAPI,
        scopes=scopes("boards:read pins:read"),
        query={
            "start_date": {"type": "string", "format": "date"},
            "end_date": {"type": "string", "format": "date"},
            "metric_types": {"type": "array", "minItems": 1, "items": {"enum": PIN_METRICS}},
            "app_types": {"enum": ["ALL", "MOBILE", "TABLET", "WEB"]},
            "split_field": {"enum": ["NO_SPLIT", "APP_TYPE"]},
            "ad_account_id": AD_ACCOUNT,
        },
        required_query=("start_date", "end_date", "metric_types"),
        headers=AUTH,
    ),
    Endpoint(
        "GET",
        f"{API}/user_account",
        doc=f"{DOCS}/api/v5/user_account-get",
        read=READ,
        spec=OPENAPI,
        scopes=scopes("user_accounts:read"),
        query={"ad_account_id": AD_ACCOUNT},
        headers=AUTH,
    ),
    Endpoint(
        # The app's id and secret as HTTP Basic credentials, not a user's token.
        "POST",
        f"{API}/oauth/token",
        doc=f"{DOCS}/api/v5/oauth-token",
        read=READ,
        spec=OPENAPI,
        body=TOKEN,
        body_type="application/x-www-form-urlencoded",
        headers={"Authorization": BASIC},
    ),
]
AUTHORIZE = Endpoint(
    "GET",
    "https://www.pinterest.com/oauth/",
    doc=f"{DOCS}/getting-started/set-up-authentication-and-authorization/",
    read=READ,
    spec=OPENAPI,
    query={
        "client_id": {"type": "string", "minLength": 1},
        "redirect_uri": {"type": "string", "format": "uri"},
        "response_type": {"const": "code"},
        "scope": {"type": "string", "pattern": "^[a-z_]+:[a-z_]+(,[a-z_]+:[a-z_]+)*$"},
        "state": TEXT,
    },
    required_query=("client_id", "redirect_uri", "response_type", "scope"),
)
HOSTS = (f"{API}/",)
