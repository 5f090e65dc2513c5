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
