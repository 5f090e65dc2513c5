"""What real Postiz answers on each public route, read from its source, for
tests/compat/test_postiz_shapes.py.

Read at github.com/gitroomhq/postiz-app, commit 74b01ada154a177242d558bedc646fcfed100adf
(2026-08-21): the controller `CONTROLLER` and the services, repositories and Prisma
selects each route's answer comes from (`source`). Postiz is NestJS: a POST answers 201,
any other method 200.

Shapes are written as tests/compat/shapes.py describes (a key ending in `?` may be left
out, as Postiz leaves out what is undefined). `Crier(shape, why)` marks a field Crier
adds, harmless to typed clients: Postiz's own types never name it, and clients generated
from them ignore keys they do not know. `Absent(shape, why)`: a Postiz field Crier does not
send, and why.

`empty` names arrays that Crier always answers empty (their item shape cannot be
checked against an answer), with the reason.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tests.compat.shapes import Absent, Crier, Shape

COMMIT = "74b01ada154a177242d558bedc646fcfed100adf"
CONTROLLER = "apps/backend/src/public-api/routes/v1/public.integrations.controller.ts"
_LIB = "libraries/nestjs-libraries/src"
SCHEMA = f"{_LIB}/database/prisma/schema.prisma"


@dataclass(frozen=True)
class Route:
    method: str
    path: str  # Postiz's, under /public/v1
    status: int
    body: Shape
    source: str
    empty: dict[str, str] = field(default_factory=dict)  # JSON path → why always []
    # Where Crier does not answer Postiz's success: (status, why).
    crier_status: tuple[int, str] | None = None


_MEDIA_COLUMN = "a column of Postiz's Media row (same name and type) its select leaves out"
MEDIA = {
    "id": "string",
    "name": "string",
    "originalName": "string|null",
    "path": "string",
    "thumbnail": "string|null",
    "alt": "string|null",
    "organizationId": Crier("string", _MEDIA_COLUMN),
    "type": Crier("string", _MEDIA_COLUMN),
    "fileSize": Crier("number|null", _MEDIA_COLUMN),
    "createdAt": Crier("string", _MEDIA_COLUMN),
    "status": Crier("string", "Crier's media state (ready, processing)"),
    "mimeType": Crier("string", "the type Crier found in the bytes"),
}

_NO_LABEL_DETAIL = "Crier labels are plain strings: no colour, owner or dates"
TAG = {
    "id": "string",
    "name": "string",
    "color": Absent("string", _NO_LABEL_DETAIL),
    "orgId": Absent("string", _NO_LABEL_DETAIL),
    "deletedAt": Absent("string|null", _NO_LABEL_DETAIL),
    "createdAt": Absent("string", _NO_LABEL_DETAIL),
    "updatedAt": Absent("string", _NO_LABEL_DETAIL),
}

_POST_COLUMN = "a column of Postiz's Post row (same name and type) getPosts leaves out"
LISTED_POST = {
    "id": "string",
    "content": "string",
    "publishDate": "string",
    "releaseURL": "string|null",
    "releaseId": "string|null",
    "state": "string",
    "intervalInDays": "number|null",
    "group": "string",
    "creationMethod": "string",
    "settings": "string|null",
    "tags": [{"tag": TAG}],
    "integration": {
        "id": "string",
        "providerIdentifier": "string",
        "name": "string",
        "picture": "string|null",
    },
    "actualDate?": Absent("string", "set on repeats of a repeating post; Crier refuses `inter`"),
    "error": Crier("string|null", _POST_COLUMN),
    "integrationId": Crier("string", _POST_COLUMN),
    "organizationId": Crier("string", _POST_COLUMN),
    "createdAt": Crier("string", _POST_COLUMN),
    "updatedAt": Crier("string", _POST_COLUMN),
    "thread": Crier(["string"], "the follow-up values' text (Postiz lists them as posts)"),
    "image": Crier([{"id": "string", "path": "string|null"}], "the post's media"),
}

_NOT_CRIER = "Postiz's marketplace and editor columns: Crier has no such concept"
POST_ROW = {
    "id": "string",
    "state": "string",
    "publishDate": "string",
    "organizationId": "string",
    "integrationId": "string",
    "content": "string",
    "group": "string",
    "releaseId": "string|null",
    "releaseURL": "string|null",
    "settings": "string|null",
    "creationMethod": "string",
    "intervalInDays": "number|null",
    "error": "string|null",
    "createdAt": "string",
    "updatedAt": "string",
    "delay": Absent("number", "Crier keeps follow-up delays per follow-up, in its thread"),
    "title": Absent("string|null", _NOT_CRIER),
    "description": Absent("string|null", _NOT_CRIER),
    "parentPostId": Absent("string|null", "Crier's follow-ups are not posts of their own"),
    "image": Absent("string|null", "Postiz stores the media list as JSON text; see GET /posts"),
    "submittedForOrderId": Absent("string|null", _NOT_CRIER),
    "submittedForOrganizationId": Absent("string|null", _NOT_CRIER),
    "approvedSubmitForOrder": Absent("string", _NOT_CRIER),
    "lastMessageId": Absent("string|null", _NOT_CRIER),
    "deletedAt": Absent("string|null", "the route only finds posts that are not deleted"),
}

_NEVER_SECRETS = "credentials: Crier never answers them"
INTEGRATION_ROW = {
    "id": "string",
    "internalId": "string",
    "organizationId": "string",
    "name": "string",
    "picture": "string|null",
    "providerIdentifier": "string",
    "type": "string",
    "token": Absent("string", _NEVER_SECRETS),
    "disabled": "boolean",
    "tokenExpiration": "string|null",
    "refreshToken": Absent("string|null", _NEVER_SECRETS),
    "profile": "string|null",
    "deletedAt": "string|null",
    "createdAt": "string",
    "updatedAt": "string|null",
    "inBetweenSteps": "boolean",
    "refreshNeeded": "boolean",
    "postingTimes": Absent(
        "string", "Crier's posting schedules are weekly, per day and zone (native API)"
    ),
    "customInstanceDetails": "string|null",
    "customerId": "string|null",
    "rootInternalId": "string|null",
    "additionalSettings": "string|null",
    "cancelledPosts": Crier("number", "how many of the channel's posts the delete cancelled"),
}

_DELETED = {
    "error": "boolean",
    "id": Crier("string", "the post or group deleted"),
    "cancelled": Crier("number", "deliveries cancelled"),
    "alreadyPublished": Crier(["string"], "URLs already live: a delete cannot take them back"),
}
CHART = [
    {
        "label": "string",
        "data": [{"total": "string", "date": "string"}],
        "percentageChange": "number",
    }
]
_POSTS = f"{_LIB}/database/prisma/posts/posts.service.ts"
_POSTS_REPO = f"{_LIB}/database/prisma/posts/posts.repository.ts"
_INTEGRATIONS = f"{_LIB}/database/prisma/integrations/integration.service.ts"
_NOT_SERVED = "not served by Crier"

ROUTES: list[Route] = [
    Route(
        "POST", "/upload", 201, MEDIA, f"{_LIB}/database/prisma/media/media.repository.ts: saveFile"
    ),
    Route(
        "POST",
        "/upload-from-url",
        201,
        MEDIA,
        f"{_LIB}/database/prisma/media/media.repository.ts: saveFile",
    ),
    Route("GET", "/find-slot/:id", 200, {"date": "string"}, f"{_POSTS}: findFreeDateTime"),
    Route("GET", "/posts", 200, {"posts": [LISTED_POST]}, f"{_POSTS_REPO}: getPosts"),
    Route(
        "POST",
        "/posts",
        201,
        [{"postId": "string", "integration": "string"}],
        f"{_POSTS}: createPost",
    ),
    Route("DELETE", "/posts/:id", 200, _DELETED, f"{_POSTS}: deletePost"),
    Route("DELETE", "/posts/group/:group", 200, _DELETED, f"{_POSTS}: deletePost"),
    Route("GET", "/is-connected", 200, {"connected": "boolean"}, CONTROLLER),
    Route(
        "GET",
        "/groups",
        200,
        [{"id": "string", "name": "string"}],
        f"{CONTROLLER}: listGroups",
        empty={"$": "Crier has no customers (Postiz's channel groups)"},
    ),
    Route(
        "GET",
        "/integrations",
        200,
        [
            {
                "id": "string",
                "name": "string",
                "identifier": "string",
                "picture": "string|null",
                "disabled": "boolean",
                "profile": "string|null",
                "customer?": Absent({"id": "string", "name": "string"}, "Crier has no customers"),
                "refreshNeeded": Crier("boolean", "the channel must be reconnected"),
            }
        ],
        f"{CONTROLLER}: listIntegration",
    ),
    Route(
        "GET", "/social/:integration", 200, {"url": "string"}, f"{CONTROLLER}: getIntegrationUrl"
    ),
    Route(
        "GET",
        "/notifications",
        200,
        {
            "notifications": [
                {
                    "id": "string",
                    "content": "string",
                    "link": "string|null",
                    "createdAt": "string",
                    "event": Crier("string", "Crier's event name (post.failed, ...)"),
                    "level": Crier("string", "info, warning or error"),
                    "read": Crier("boolean", "read through the native API"),
                }
            ],
            "total": "number",
            "page": "number",
            "limit": "number",
            "hasMore": "boolean",
        },
        f"{_LIB}/database/prisma/notifications/notifications.repository.ts: "
        "getNotificationsPaginated",
    ),
    Route(
        "DELETE",
        "/integrations/:id",
        200,
        INTEGRATION_ROW,
        f"{_LIB}/database/prisma/integrations/integration.repository.ts: deleteChannel; {SCHEMA}",
    ),
    Route(
        "GET",
        "/integration-settings/:id",
        200,
        {
            "output": {
                "rules": "string",
                "maxLength": "number",
                "settings": "object|string",
                "tools": ["object"],
            }
        },
        f"{CONTROLLER}: getIntegrationSettings",
        empty={"$.output.tools": "Crier connectors expose no tools"},
    ),
    Route(
        "GET",
        "/posts/:id/missing",
        200,
        [
            {
                "id": "string",
                "url": "string",
                "releaseURL": Crier(
                    "string", "the post's public page (`url` is its picture where there is one)"
                ),
            }
        ],
        f"{_POSTS}: getMissingContent (and tiktok.provider.ts: missing)",
    ),
    Route(
        "PUT",
        "/posts/:id/settings",
        200,
        {"postId": "string", "publishDate": "string"},
        f"{_POSTS}: updatePostSettings",
        crier_status=(404, _NOT_SERVED + ": change a post's options with the native PATCH"),
    ),
    Route(
        "PUT",
        "/posts/:id/status",
        200,
        {"id": "string", "state": "string"},
        f"{_POSTS}: changePostStatus",
    ),
    Route(
        "PUT", "/posts/:id/release-id", 200, POST_ROW, f"{_POSTS_REPO}: updateReleaseId; {SCHEMA}"
    ),
    Route("GET", "/analytics/:integration", 200, CHART, f"{_INTEGRATIONS}: checkAnalytics"),
    Route("GET", "/analytics/post/:postId", 200, CHART, f"{_POSTS}: checkPostAnalytics"),
    Route(
        "POST",
        "/integration-trigger/:id",
        201,
        {"output": "any"},
        f"{CONTROLLER}: triggerIntegrationTool",
        crier_status=(404, "Crier connectors expose no tools: `Tool not found`, as Postiz says"),
    ),
    Route(
        "GET",
        "/users",
        200,
        "array",
        f"{CONTROLLER}: listUsers",
        crier_status=(404, _NOT_SERVED + ": Postiz's super-admin impersonation"),
    ),
    Route(
        "POST",
        "/generate-video",
        201,
        "any",
        f"{CONTROLLER}: generateVideo",
        crier_status=(404, _NOT_SERVED + ": Crier does not generate media"),
    ),
    Route(
        "POST",
        "/video/function",
        201,
        "any",
        f"{CONTROLLER}: videoFunction",
        crier_status=(404, _NOT_SERVED + ": Crier does not generate media"),
    ),
]

# Crier's own route, not in Postiz's controller at COMMIT: @postiz/node's `postWithUrls`
# calls it; it answers as POST /posts does.
CRIER_ROUTES: list[Route] = [
    Route(
        "POST",
        "/postsurl",
        201,
        [{"postId": "string", "integration": "string"}],
        "Crier: compat/postiz_posts.py, PostsWithUrlsView (answers as POST /posts)",
    ),
]


# -- request bodies ------------------------------------------------------------------------

# CreatePostDto (dtos/posts/create.post.dto.ts) with its Post, PostContent, Integration, Tags
# and MediaDto (dtos/media/media.dto.ts): every field, and what Crier does with it.
CREATE_POST_FIELDS: dict[str, str] = {
    "type": "now, schedule, draft; `update` is a 400 {msg}: this route only creates",
    "order": "accepted, not used",
    "shortLink": "accepted; links are published as written (no shortener)",
    "inter": "null or 0 accepted; a repeat interval is a 400 {msg} (Crier's needs an end)",
    "republish": "accepted, not used: this route only creates",
    "date": "any ISO 8601 string; a date alone is UTC midnight, no offset is UTC",
    "tags[].value": "the label when `label` is empty",
    "tags[].label": "the post's label",
    "posts[].integration.id": "the channel",
    "posts[].group": "accepted, not used: one request is one group",
    "posts[].settings": "per provider: PROVIDER_SETTINGS",
    "posts[].value[].content": "the text (HTML made plain)",
    "posts[].value[].id": "accepted, not used: this route only creates",
    "posts[].value[].delay": "the follow-up's delay (minutes up to 120, else milliseconds)",
    "posts[].value[].image[].id": "an upload's id (or found by its path)",
    "posts[].value[].image[].path": "finds the upload when the id is not one",
    "posts[].value[].image[].alt": "the media's alt text",
    "posts[].value[].image[].thumbnail": "accepted, not used",
}

# Each Crier platform's Postiz settings DTO with every field set (dtos/posts/providers-settings/):
# (the settings sent, the Crier options they set, the names Crier leaves out).
_MEDIA = {"id": "m1", "path": "https://uploads.example/a.png"}
PROVIDER_SETTINGS: dict[str, tuple[dict, dict, list[str]]] = {
    "x": (
        {
            "__type": "x",
            "community": "https://x.com/i/communities/1493446837214187523",
            "who_can_reply_post": "following",
            "post_type": "post",
            "article_title": "Title",
            "article_status": "draft",
            "article_cover": _MEDIA,
            "made_with_ai": False,
            "paid_partnership": False,
        },
        {"reply_settings": "following"},
        [
            "article_cover",
            "article_status",
            "article_title",
            "community",
            "made_with_ai",
            "paid_partnership",
            "post_type",
        ],
    ),
    "linkedin": (
        {"__type": "linkedin-page", "post_as_images_carousel": False, "carousel_name": "Deck"},
        {},
        ["carousel_name", "post_as_images_carousel"],
    ),
    "facebook": (
        {
            "__type": "facebook",
            "url": "https://example.com/read",
            "post_type": "post",
            "text_format_preset_id": "106018623298955",
        },
        {"link": "https://example.com/read"},
        ["post_type", "text_format_preset_id"],
    ),
    "instagram": (
        {
            "__type": "instagram",
            "post_type": "story",
            "is_trial_reel": False,
            "graduation_strategy": "MANUAL",
            "collaborators": [{"label": "friend"}],
            "audio": {"id": "1", "audio_volume": 50},
        },
        {"type": "story"},
        ["audio", "collaborators", "graduation_strategy", "is_trial_reel"],
    ),
    "pinterest": (
        {
            "__type": "pinterest",
            "title": "A pin",
            "link": "https://example.com/pin",
            "dominant_color": "#ffffff",
            "board": "549755885175",
        },
        {"board_id": "549755885175", "title": "A pin", "link": "https://example.com/pin"},
        ["dominant_color"],
    ),
    "tiktok": (
        {
            "__type": "tiktok",
            "title": "Title",
            "privacy_level": "SELF_ONLY",
            "duet": False,
            "stitch": True,
            "comment": True,
            "autoAddMusic": "no",
            "brand_content_toggle": False,
            "video_made_with_ai": False,
            "brand_organic_toggle": False,
            "music": {"id": "1"},
            "location": {"id": "1", "name": "Paris"},
            "content_posting_method": "DIRECT_POST",
        },
        {
            "privacy_level": "SELF_ONLY",
            "disable_duet": True,
            "disable_stitch": False,
            "disable_comments": False,
        },
        [
            "autoAddMusic",
            "brand_content_toggle",
            "brand_organic_toggle",
            "content_posting_method",
            "location",
            "music",
            "title",
            "video_made_with_ai",
        ],
    ),
    "youtube": (
        {
            "__type": "youtube",
            "title": "My video",
            "type": "unlisted",
            "selfDeclaredMadeForKids": "no",
            "thumbnail": _MEDIA,
            "tags": [{"value": "crier", "label": "Crier"}],
        },
        {"title": "My video", "privacy": "unlisted", "made_for_kids": False, "tags": ["Crier"]},
        ["thumbnail"],
    ),
    "wordpress": (
        {
            "__type": "wordpress",
            "title": "Hello",
            "main_image": _MEDIA,
            "type": "post",
            "categories": [1],
            "tags": [2],
            "status": "draft",
        },
        {"title": "Hello", "status": "draft", "categories": [1], "tags": [2]},
        ["main_image", "type"],
    ),
    # Postiz's settings for these are empty (all.providers.settings.ts: `None`).
    "threads": ({"__type": "threads"}, {}, []),
    "mastodon": ({"__type": "mastodon"}, {}, []),
    "bluesky": ({"__type": "bluesky"}, {}, []),
    "telegram": ({"__type": "telegram"}, {}, []),
}
