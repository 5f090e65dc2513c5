"""What PostPost answers on each documented route, read from its "Upload Media" document, for
tests/compat/test_postpost_shapes.py.

Read from PostPost's document (base URL https://api.postpost.dev; the seed copy is
/work/shared/seeds/004_93879633b01e9b85.txt, section in `source`). PostPost speaks Publora's
routes with `x-api-key` (compat/publora.py serves both). The document shows the answers of
get-upload-url, process-video and media delete; of create-post it uses `postGroupId` (as
Publora's document shows it); update-post's answer it never reads, and the upload `PUT`
goes to S3 (200, no body). Shapes are written as tests/compat/shapes.py describes;
`Crier(shape, why)` marks a field Crier adds: typed clients ignore keys they do not name.

`ERRORS` lists the document's error tables, row by row, with what Crier answers: the same
status and message unless `differs` says otherwise, and why; `arises=False` (with why) where
the cause cannot happen in Crier.
"""

from __future__ import annotations

from dataclasses import dataclass

from tests.compat.shapes import Crier, Route

SEED = "/work/shared/seeds/004_93879633b01e9b85.txt"


_STORED = "process-video answers when the video is stored and measured: nothing to poll"
METADATA = {
    "size": "number|null",
    "width": "number|null",
    "height": "number|null",
    "aspectRatio": "number|null",
    "format": "string",
    "frameRate": "number|null",
    "codecName": "string",
    "bitRate": "number|null",
    "duration": "number|null",
}

_UPLOAD, _FLOW, _VIDEO, _DELETE = (
    "Upload Media: Response",
    "Upload Flow",
    "Server-Side Video Upload: Response",
    "Delete Media: Response",
)
ROUTES: list[Route] = [
    Route(
        "POST",
        "/api/v1/create-post",
        200,
        {"success": "boolean", "postGroupId": "string"},
        f"{_FLOW}: 1 (`const {{ postGroupId }} = await postRes.json()`)",
    ),
    Route(
        "POST",
        "/api/v1/get-upload-url",
        200,
        {"success": "boolean", "uploadUrl": "string", "fileUrl": "string", "mediaId": "string"},
        _UPLOAD,
    ),
    Route(
        "PUT",
        "{uploadUrl}",
        200,
        {"mediaId": Crier("string", "S3 answers no body; Crier names the media it stored")},
        f"{_FLOW}: 3",
    ),
    Route(
        "PUT",
        "/api/v1/update-post/:postGroupId",
        200,
        {
            "success": "boolean",
            "postGroupId": Crier("string", "the group changed, as create-post names it"),
        },
        f"{_FLOW}: 4 (no answer shown; PostPost's answers carry `success`)",
    ),
    Route(
        "POST",
        "/media/process-video",
        200,
        {
            "sessionId": "string",
            "success": Crier("boolean", "as every other answer of the dialect"),
            "mediaId": Crier("string", _STORED),
            "fileUrl": Crier("string", _STORED),
            "metadata": Crier(METADATA, "the media record's `metadata`, measured: " + _STORED),
        },
        _VIDEO,
    ),
    Route("DELETE", "/media/post/media/:mediaId", 200, {"success": "boolean"}, _DELETE),
]

# Routes the document names that Crier does not serve, and why.
NOT_SERVED = {
    "/media/generate-upload-url": "deprecated dashboard route, 'not actively used' (the "
    "document); get-upload-url does the same",
    "/processing-progress/:id": "disabled in PostPost ('commented out in source'); "
    "process-video answers when done",
}


@dataclass(frozen=True)
class DocumentedError:
    status: int
    error: str  # the document's message
    cause: str  # the document's
    differs: tuple[int, str] | None = None  # Crier's (status, error), when not the same
    arises: bool = True  # False: the cause cannot happen in Crier
    why: str = ""  # why Crier differs, or why the cause cannot happen

    @property
    def answer(self) -> tuple[int, str] | None:
        """What Crier answers, or None when the case cannot arise."""
        if not self.arises:
            return None
        return self.differs or (self.status, self.error)


_KEY = "Crier's keys belong to members of a workspace"
ERRORS: list[DocumentedError] = [
    DocumentedError(
        400,
        "fileName, contentType, and postGroupId are required",
        "Missing fileName, contentType, or postGroupId",
    ),
    DocumentedError(
        400,
        "Invalid x-postpost-user-id",
        "The x-postpost-user-id header value is not a valid ID",
    ),
    DocumentedError(401, "API key is required", "x-api-key header is missing entirely"),
    DocumentedError(401, "Invalid API key", "x-api-key is present but invalid"),
    DocumentedError(
        401,
        "Invalid API key owner",
        "API key exists but the associated user account was not found",
        arises=False,
        why=f"cannot arise: {_KEY}, and a member's removal revokes its keys",
    ),
    DocumentedError(
        403,
        "API access is not enabled for this account",
        "The user's account does not have API access enabled",
        arises=False,
        why="cannot arise: every Crier member may use the API within its key's scopes",
    ),
    DocumentedError(
        403,
        "MCP access is not enabled for this account",
        "The x-postpost-client: mcp header was sent but entitlements.features.mcpAccess is "
        "not enabled",
    ),
    DocumentedError(
        403,
        "Workspace access is not enabled for this key",
        "API key does not have workspace access enabled",
    ),
    DocumentedError(
        403,
        "User is not managed by key",
        "Managed user does not belong to the API key owner's workspace",
    ),
    DocumentedError(
        500,
        "Failed to create upload URL",
        "Internal server error during URL generation",
        differs=(503, "Failed to create upload URL: media storage is unavailable."),
        why="Crier answers no 500: storage that cannot sign is unavailable, not a bug",
    ),
    DocumentedError(400, "No video file uploaded", "No file is attached to the request"),
    DocumentedError(
        400,
        "Unsupported video format. Allowed: MP4, MOV, AVI, MKV, WebM",
        "The uploaded file format is not one of the accepted video formats",
    ),
    DocumentedError(
        400,
        "Cannot delete media from a post that has already been published or failed",
        "The post has already been published or is in a failed state",
    ),
    DocumentedError(
        401,
        "Unauthorized",
        "No active session",
        differs=(401, "API key is required"),
        why="media delete takes the API key: Crier has no dashboard sessions",
    ),
    DocumentedError(404, "Media file not found", "No media record found for the given mediaId"),
    DocumentedError(
        500,
        "Failed to delete media file",
        "Internal server error during media deletion",
        arises=False,
        why="cannot arise: the record goes at once and the sweep retries the storage",
    ),
]
