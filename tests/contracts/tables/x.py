"""The X API v2 calls Crier makes, as X's documentation pages and its OpenAPI describe them.

Written for Crier from the pages on docs.x.com (found with the search tool, read
2026-12-06) and from the production OpenAPI description, `info.version` 2.167
(xdevplatform/xdk `specs/openapi.json`, read with the fetch tool, not kept): facts only,
in our own structure. Where a fact is the description's alone (patterns of ids, enums,
the 0..999 segment index, scopes per operation) the row names it in `spec`. The description
names the field-selection parameter of GET /2/tweets/{id} `post.fields`; X's fields page
still shows `tweet.fields`, which 2.167 keeps on the streams only (README, Findings, X).
"""

from __future__ import annotations

from tests.contracts.doc_table import Endpoint, obj, scopes

READ = "2026-12-06"
DOCS = "https://docs.x.com"
OPENAPI = "xdevplatform/xdk specs/openapi.json, info.version 2.167"
API = "https://api.x.com/2"
ID = {"type": "string", "pattern": "^[0-9]{1,19}$"}
BEARER = {"type": "string", "pattern": "^Bearer .+"}
BASIC = {"type": "string", "pattern": "^Basic [A-Za-z0-9+/=]+$"}
URL = {"type": "string", "format": "uri"}
MAX_MEDIA_IDS = 4  # media ids on one post
MAX_ALT_TEXT = 1000
MAX_SEGMENT_INDEX = 999  # append: segments 0..999
MAX_TOTAL_BYTES = 17179869184  # initialize: total_bytes (the OpenAPI)
REPLY_SETTINGS = ["following", "mentionedUsers", "subscribers", "verified"]
MEDIA_CATEGORIES = [
    "amplify_video",
    "tweet_gif",
    "tweet_image",
    "tweet_video",
    "dm_gif",
    "dm_image",
    "dm_video",
    "subtitles",
]
MEDIA_TYPES = [
    "video/mp4",
    "video/webm",
    "video/mp2t",
    "video/quicktime",
    "text/srt",
    "text/vtt",
    "image/jpeg",
    "image/gif",
    "image/bmp",
    "image/png",
    "image/webp",
    "image/pjpeg",
    "image/tiff",
    "model/gltf-binary",
    "model/vnd.usdz+zip",
]
# The OAuth 2.0 scopes the OpenAPI's `OAuth2UserToken` asks of each operation.
READ_POSTS = scopes("tweet.read users.read")
WRITE_POSTS = scopes("tweet.write tweet.read users.read")
WRITE_MEDIA = scopes("media.write")
AUTH = {"Authorization": BEARER}


def fields(*names: str) -> dict:
    """A comma-separated list of field names (X's `*.fields` and `expansions`)."""
    return {"type": "array", "minItems": 1, "uniqueItems": True, "items": {"enum": list(names)}}


POST_FIELDS = fields(
    "article",
    "article_title",
    "attachments",
    "card_uri",
    "community_id",
    "context_annotations",
    "conversation_id",
    "created_at",
    "display_text_range",
    "edit_controls",
    "entities",
    "geo",
    "id",
    "lang",
    "matched_media_notes",
    "media_metadata",
    "non_public_metrics",
    "note_post",
    "note_request_suggestions",
    "organic_metrics",
    "paid_partnership",
    "possibly_sensitive",
    "promoted_metrics",
    "public_metrics",
    "reply_settings",
    "scopes",
    "source",
    "suggested_source_links",
    "suggested_source_links_with_counts",
    "text",
    "withheld",
)
USER_FIELDS = fields(
    "confirmed_email",
    "connection_status",
    "created_at",
    "description",
    "entities",
    "id",
    "is_identity_verified",
    "location",
    "name",
    "parody",
    "profile_banner_url",
    "profile_image_url",
    "protected",
    "public_metrics",
    "receives_your_dm",
    "subscribes_to_you",
    "subscription",
    "subscription_type",
    "url",
    "username",
    "verified",
    "verified_followers_count",
    "verified_type",
    "withheld",
)

CREATE_POST = obj(
    text={"type": "string"},
    media=obj(
        ("media_ids",),
        media_ids={"type": "array", "minItems": 1, "maxItems": MAX_MEDIA_IDS, "items": ID},
        tagged_user_ids={"type": "array", "maxItems": 10, "items": ID},
    ),
    reply=obj(
        ("in_reply_to_tweet_id",),
        in_reply_to_tweet_id=ID,
        auto_populate_reply_metadata={"type": "boolean"},
        exclude_reply_user_ids={"type": "array", "items": ID},
    ),
    reply_settings={"enum": REPLY_SETTINGS},
    quote_tweet_id=ID,
    for_super_followers_only={"type": "boolean"},
    nullcast={"type": "boolean"},
    community_id=ID,
    made_with_ai={"type": "boolean"},
    paid_partnership={"type": "boolean"},
    share_with_followers={"type": "boolean"},
)
INITIALIZE = obj(
    media_type={"enum": MEDIA_TYPES},
    media_category={"enum": MEDIA_CATEGORIES},
    total_bytes={"type": "integer", "minimum": 0, "maximum": MAX_TOTAL_BYTES},
    shared={"type": "boolean"},
    additional_owners={"type": "array", "items": ID},
)
# Multipart fields arrive as text; a file part as {"file": name, "bytes": size}.
APPEND = obj(
    ("media", "segment_index"),
    media={"type": "object", "required": ["bytes"]},
    segment_index={"type": "string", "pattern": r"^(0|[1-9][0-9]{0,2})$"},
)
METADATA = {
    "type": "object",
    "required": ["id"],
    "properties": {
        "id": ID,
        "metadata": {
            "type": "object",
            "properties": {
                "alt_text": obj(("text",), text={"type": "string", "maxLength": MAX_ALT_TEXT})
            },
        },
    },
    "additionalProperties": False,
}
TOKEN_FORM = obj(
    ("grant_type", "client_id"),
    grant_type={"enum": ["authorization_code", "refresh_token"]},
    code={"type": "string", "minLength": 1},
    client_id={"type": "string", "minLength": 1},
    redirect_uri=URL,
    code_verifier={"type": "string", "minLength": 1},
    refresh_token={"type": "string", "minLength": 1},
)

ENDPOINTS = [
    Endpoint(
        "POST",
        f"{API}/tweets",
        doc=f"{DOCS}/x-api/posts/create-post",
        read=READ,
        spec=OPENAPI,
        scopes=WRITE_POSTS,
        body=CREATE_POST,
        headers=AUTH,
    ),
    Endpoint(
        "GET",
        f"{API}/tweets/{{id}}",
        doc=f"{DOCS}/x-api/posts/get-post-by-post-id",
        read=READ,
        spec=OPENAPI,
        scopes=READ_POSTS,
        # `post.fields`: the production OpenAPI's name (module docstring).
        query={"post.fields": POST_FIELDS, "user.fields": USER_FIELDS},
        headers=AUTH,
    ),
    Endpoint(
        "GET",
        f"{API}/users/me",
        doc=f"{DOCS}/x-api/users/get-my-user",
        read=READ,
        spec=OPENAPI,
        scopes=READ_POSTS,
        query={"user.fields": USER_FIELDS, "post.fields": POST_FIELDS},
        headers=AUTH,
    ),
    Endpoint(
        "POST",
        f"{API}/media/upload/initialize",
        doc=f"{DOCS}/x-api/media/media-upload",
        read=READ,
        spec=OPENAPI,
        scopes=WRITE_MEDIA,
        body=INITIALIZE,
        headers=AUTH,
    ),
    Endpoint(
        "POST",
        f"{API}/media/upload/{{id}}/append",
        doc=f"{DOCS}/x-api/media/quickstart/media-upload-chunked",
        read=READ,
        spec=OPENAPI,
        scopes=WRITE_MEDIA,
        body=APPEND,
        body_type="multipart/form-data",
        headers=AUTH,
    ),
    Endpoint(
        "POST",
        f"{API}/media/upload/{{id}}/finalize",
        doc=f"{DOCS}/x-api/media/media-upload",
        read=READ,
        spec=OPENAPI,
        scopes=WRITE_MEDIA,
        headers=AUTH,
    ),
    Endpoint(
        "GET",
        f"{API}/media/upload",
        doc=f"{DOCS}/x-api/media/media-upload-status",
        read=READ,
        spec=OPENAPI,
        scopes=WRITE_MEDIA,
        query={"media_id": ID, "command": {"enum": ["STATUS"]}},
        required_query=("media_id",),
        headers=AUTH,
    ),
    Endpoint(
        "POST",
        f"{API}/media/metadata",
        doc=f"{DOCS}/x-api/media/create-media-metadata",
        read=READ,
        spec=OPENAPI,
        scopes=WRITE_MEDIA,
        body=METADATA,
        headers=AUTH,
    ),
    Endpoint(
        # Confidential clients authenticate with Basic; the OpenAPI's `tokenUrl`.
        "POST",
        f"{API}/oauth2/token",
        doc=f"{DOCS}/fundamentals/authentication/oauth-2-0/user-access-token",
        read=READ,
        spec=OPENAPI,
        body=TOKEN_FORM,
        body_type="application/x-www-form-urlencoded",
        headers={"Authorization": BASIC},
    ),
]
AUTHORIZE = Endpoint(
    "GET",
    "https://x.com/i/oauth2/authorize",
    doc=f"{DOCS}/fundamentals/authentication/oauth-2-0/user-access-token",
    read=READ,
    query={
        "response_type": {"const": "code"},
        "client_id": {"type": "string", "minLength": 1},
        "redirect_uri": URL,
        "scope": {"type": "string", "pattern": r"^[a-z.]+( [a-z.]+)*$"},
        "state": {"type": "string", "minLength": 1},
        "code_challenge": {"type": "string", "minLength": 1},
        "code_challenge_method": {"enum": ["S256", "plain"]},
    },
    required_query=(
        "response_type",
        "client_id",
        "redirect_uri",
        "scope",
        "state",
        "code_challenge",
        "code_challenge_method",
    ),
)
# The scopes `OAuth2UserToken` declares (the OpenAPI).
KNOWN_SCOPES = frozenset(
    {
        "block.read",
        "bookmark.read",
        "bookmark.write",
        "broadcast.read",
        "broadcast.write",
        "dm.read",
        "dm.write",
        "follows.read",
        "follows.write",
        "like.read",
        "like.write",
        "list.read",
        "list.write",
        "media.write",
        "mute.read",
        "mute.write",
        "offline.access",
        "space.read",
        "timeline.read",
        "tweet.moderate.write",
        "tweet.read",
        "tweet.write",
        "users.read",
    }
)
HOSTS = ("https://api.x.com/",)
