"""TikTok's Content Posting API and Login Kit as TikTok's documentation pages describe the
calls Crier makes.

Written for Crier from developers.tiktok.com (found with the search tool, read 2026-12-06):
facts only, in our own structure. The upload URL TikTok hands out (`upload_url`) is opaque
and not a row here.
"""

from __future__ import annotations

from tests.contracts.doc_table import Endpoint, obj, scopes

READ = "2026-12-06"
DOCS = "https://developers.tiktok.com/doc"
API = "https://open.tiktokapis.com"
PUBLISH = scopes("video.publish")
PRIVACY_LEVELS = ["PUBLIC_TO_EVERYONE", "MUTUAL_FOLLOW_FRIENDS", "FOLLOWER_OF_CREATOR", "SELF_ONLY"]
MAX_VIDEO_TITLE = 2200  # UTF-16 code units
MAX_PHOTO_TITLE = 90
MAX_PHOTO_DESCRIPTION = 4000
MAX_PHOTOS = 35
# Every Content Posting call: a bearer token and a JSON body.
JSON_HEADERS = {
    "Authorization": {"type": "string", "pattern": "^Bearer .+"},
    "Content-Type": {"pattern": "^application/json; charset=UTF-8$"},
}
URL = {"type": "string", "format": "uri"}

VIDEO_INIT = obj(
    ("post_info", "source_info"),
    post_info=obj(
        ("privacy_level",),
        title={"type": "string", "maxLength": MAX_VIDEO_TITLE},
        privacy_level={"enum": PRIVACY_LEVELS},
        disable_duet={"type": "boolean"},
        disable_stitch={"type": "boolean"},
        disable_comment={"type": "boolean"},
        video_cover_timestamp_ms={"type": "integer"},
        brand_content_toggle={"type": "boolean"},
        brand_organic_toggle={"type": "boolean"},
        is_aigc={"type": "boolean"},
    ),
    source_info={
        "oneOf": [
            # Media transfer guide: chunks of 5 to 64 MB, whole below 64 MB, 1 to 1000 of them.
            obj(
                ("source", "video_size", "chunk_size", "total_chunk_count"),
                source={"const": "FILE_UPLOAD"},
                video_size={"type": "integer", "minimum": 1, "maximum": 4 * 1024**3},
                chunk_size={"type": "integer", "minimum": 1, "maximum": 64_000_000},
                total_chunk_count={"type": "integer", "minimum": 1, "maximum": 1000},
            ),
            obj(("source", "video_url"), source={"const": "PULL_FROM_URL"}, video_url=URL),
        ]
    },
)
PHOTO_INIT = obj(
    ("post_info", "source_info", "post_mode", "media_type"),
    post_info=obj(
        (),
        title={"type": "string", "maxLength": MAX_PHOTO_TITLE},
        description={"type": "string", "maxLength": MAX_PHOTO_DESCRIPTION},
        privacy_level={"enum": PRIVACY_LEVELS},
        disable_comment={"type": "boolean"},
        auto_add_music={"type": "boolean"},
        brand_content_toggle={"type": "boolean"},
        brand_organic_toggle={"type": "boolean"},
    ),
    source_info=obj(
        ("source", "photo_images"),
        source={"const": "PULL_FROM_URL"},
        photo_cover_index={"type": "integer", "minimum": 0},
        photo_images={"type": "array", "minItems": 1, "maxItems": MAX_PHOTOS, "items": URL},
    ),
    post_mode={"enum": ["DIRECT_POST", "MEDIA_UPLOAD"]},
    media_type={"const": "PHOTO"},
)

ENDPOINTS = [
    Endpoint(
        "POST",
        f"{API}/v2/post/publish/creator_info/query/",
        doc=f"{DOCS}/content-posting-api-reference-query-creator-info",
        read=READ,
        scopes=PUBLISH,
        headers=JSON_HEADERS,
    ),
    Endpoint(
        "POST",
        f"{API}/v2/post/publish/video/init/",
        doc=f"{DOCS}/content-posting-api-reference-direct-post",
        read=READ,
        scopes=PUBLISH,
        body=VIDEO_INIT,
        headers=JSON_HEADERS,
    ),
    Endpoint(
        "POST",
        f"{API}/v2/post/publish/content/init/",
        doc=f"{DOCS}/content-posting-api-reference-photo-post",
        read=READ,
        scopes=scopes("video.publish", "video.upload"),
        body=PHOTO_INIT,
        headers=JSON_HEADERS,
    ),
    Endpoint(
        "POST",
        f"{API}/v2/post/publish/status/fetch/",
        doc=f"{DOCS}/content-posting-api-reference-get-video-status",
        read=READ,
        scopes=scopes("video.publish", "video.upload"),
        body=obj(("publish_id",), publish_id={"type": "string", "minLength": 1}),
        headers=JSON_HEADERS,
    ),
    Endpoint(
        "GET",
        f"{API}/v2/user/info/",
        doc=f"{DOCS}/tiktok-api-v2-get-user-info",
        read=READ,
        scopes=scopes("user.info.basic"),
        query={
            "fields": {
                "type": "array",
                "items": {
                    # open_id, union_id, avatar and display name with user.info.basic;
                    # username and the profile fields with user.info.profile.
                    "enum": [
                        "open_id",
                        "union_id",
                        "avatar_url",
                        "avatar_url_100",
                        "avatar_large_url",
                        "display_name",
                        "username",
                        "bio_description",
                        "profile_deep_link",
                        "is_verified",
                    ]
                },
            }
        },
        required_query=("fields",),
        headers={"Authorization": {"type": "string", "pattern": "^Bearer .+"}},
    ),
    Endpoint(
        "POST",
        f"{API}/v2/video/list/",
        doc=f"{DOCS}/tiktok-api-v2-video-list",
        read=READ,
        scopes=scopes("video.list"),
        query={
            "fields": {
                "type": "array",
                "items": {
                    "enum": [
                        "id",
                        "create_time",
                        "cover_image_url",
                        "share_url",
                        "video_description",
                        "duration",
                        "height",
                        "width",
                        "title",
                        "embed_html",
                        "embed_link",
                        "like_count",
                        "comment_count",
                        "share_count",
                        "view_count",
                    ]
                },
            }
        },
        required_query=("fields",),
        # The newest first: `cursor` (a UTC time in milliseconds) pages back; 1 to 20 a page.
        body=obj(
            (),
            cursor={"type": "integer", "minimum": 0},
            max_count={"type": "integer", "minimum": 1, "maximum": 20},
        ),
        headers=JSON_HEADERS,
    ),
    Endpoint(
        "POST",
        f"{API}/v2/oauth/token/",
        doc=f"{DOCS}/oauth-user-access-token-management",
        read=READ,
        body_type="application/x-www-form-urlencoded",
        body={
            "oneOf": [
                obj(
                    ("client_key", "client_secret", "code", "grant_type", "redirect_uri"),
                    client_key={"type": "string"},
                    client_secret={"type": "string"},
                    code={"type": "string"},
                    grant_type={"const": "authorization_code"},
                    redirect_uri=URL,
                    code_verifier={"type": "string"},
                ),
                obj(
                    ("client_key", "client_secret", "grant_type", "refresh_token"),
                    client_key={"type": "string"},
                    client_secret={"type": "string"},
                    grant_type={"const": "refresh_token"},
                    refresh_token={"type": "string"},
                ),
            ]
        },
    ),
]
AUTHORIZE = Endpoint(
    "GET",
    "https://www.tiktok.com/v2/auth/authorize/",
    doc=f"{DOCS}/login-kit-web",
    read=READ,
    query={
        "client_key": {"type": "string"},
        "scope": {"type": "string", "pattern": r"^[a-z.]+(,[a-z.]+)*$"},
        "redirect_uri": URL,
        "state": {"type": "string"},
        "response_type": {"const": "code"},
    },
    required_query=("client_key", "scope", "redirect_uri", "state", "response_type"),
)
HOSTS = (f"{API}/",)
