"""What Publora answers on each documented route, read from its API document, for
tests/compat/test_publora_shapes.py.

Read from Publora's "API Documentation" (base URL https://api.publora.com; the seed copy is
/work/shared/seeds/000_cec38a3e216b76c4.txt, section in `source`). It shows the answer of
every route but the upload `PUT`, which goes to a presigned S3 URL (S3 answers 200 with no
body). Shapes are written as tests/compat/shapes.py describes; `Crier(shape, why)` marks a
field Crier adds: typed clients ignore keys they do not name.
"""

from __future__ import annotations

from tests.compat.shapes import Crier, Route

SEED = "/work/shared/seeds/000_cec38a3e216b76c4.txt"


CONNECTION = {
    "platformId": "string",
    "username": "string",
    # "Only available for X, Bluesky, Mastodon": Crier sends what the platform gave, or "".
    "displayName?": "string",
    # Crier sends the avatar the platform gave, "" when it gave none (the sandbox).
    "profileImageUrl": "string",
    "status": Crier(
        "string", "`active`, `needs_reauth` or `disabled`: a client reconnects before posting"
    ),
}

_CREATE, _UPLOAD, _DELETE = "Create a Post", "Upload Media", "Delete a Post"
ROUTES: list[Route] = [
    Route(
        "GET",
        "/api/v1/platform-connections",
        200,
        {"success": "boolean", "connections": [CONNECTION]},
        f"{_CREATE}: Step 1: Get Connected Accounts (response shown)",
    ),
    Route(
        "POST",
        "/api/v1/create-post",
        200,
        {"success": "boolean", "postGroupId": "string"},
        f"{_CREATE}: Step 2: Create the Post (response shown)",
    ),
    Route(
        "POST",
        "/api/v1/get-upload-url",
        200,
        {"success": "boolean", "uploadUrl": "string", "fileUrl": "string", "mediaId": "string"},
        f"{_UPLOAD}: Step 1: Get Upload URL (response shown)",
    ),
    Route(
        "PUT",
        "{uploadUrl}",
        200,
        {"mediaId": Crier("string", "S3 answers no body; Crier names the media it stored")},
        f"{_UPLOAD}: Step 2: Upload the File",
    ),
    Route(
        "DELETE",
        "/api/v1/delete-post/:postId",
        200,
        {
            "success": "boolean",
            "cancelled": Crier("number", "how many deliveries were cancelled"),
            "alreadyPublished": Crier(
                ["string"], "the URLs of what had already gone out: it stays live"
            ),
        },
        f"{_DELETE} (response shown)",
    ),
]
