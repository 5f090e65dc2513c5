"""The Mastodon REST API calls Crier makes, as Mastodon's documentation pages describe them.

Written for Crier from docs.joinmastodon.org (found with the search tool, read 2026-12-06;
the pages' source is `mastodon/documentation`, commit 2903485, read with the fetch tool,
not kept): facts only, in our own structure. Every instance serves the same paths, so the
rows are made for one instance's base URL (`endpoints(base)`). The pages name form fields;
Mastodon reads the same fields from a JSON body, where `name[]` is the array `name`. A
user's token carries the scopes (the user makes it): `read` and `write` cover every
`read:*` and `write:*` scope (OAuth scopes page), so each row accepts either.
"""

from __future__ import annotations

from tests.contracts.doc_table import Endpoint, obj, scopes

READ = "2026-12-06"
DOCS = "https://docs.joinmastodon.org"
BEARER = {"type": "string", "pattern": "^Bearer .+"}
AUTH = {"Authorization": BEARER}
TEXT = {"type": "string"}
# The posting page documents an optional `Idempotency-Key` header (kept for an hour).
STATUS_HEADERS = ("Authorization", "Idempotency-Key")
VISIBILITY = ["public", "unlisted", "private", "direct"]
QUOTE_APPROVAL = ["public", "followers", "nobody"]
# The Instance entity page's example configuration (instances may set others).
MAX_CHARACTERS = 500
MAX_MEDIA_ATTACHMENTS = 4
CHARACTERS_RESERVED_PER_URL = 23
DESCRIPTION_LIMIT = 1500
IMAGE_SIZE_LIMIT = 16777216
VIDEO_SIZE_LIMIT = 103809024
SUPPORTED_MIME_TYPES = frozenset(
    {
        "image/jpeg",
        "image/png",
        "image/gif",
        "image/heic",
        "image/heif",
        "image/webp",
        "image/avif",
        "video/webm",
        "video/mp4",
        "video/quicktime",
        "video/ogg",
        "video/x-ms-asf",
        "audio/wave",
        "audio/wav",
        "audio/x-wav",
        "audio/x-pn-wave",
        "audio/vnd.wave",
        "audio/ogg",
        "audio/vorbis",
        "audio/mpeg",
        "audio/mp3",
        "audio/webm",
        "audio/flac",
        "audio/aac",
        "audio/m4a",
        "audio/x-m4a",
        "audio/mp4",
        "audio/3gpp",
    }
)

STATUS = {
    **obj(
        status=TEXT,
        media_ids={"type": "array", "items": TEXT},
        poll=obj(
            ("options", "expires_in"),
            options={"type": "array", "items": TEXT},
            expires_in={"type": "integer"},
            multiple={"type": "boolean"},
            hide_totals={"type": "boolean"},
        ),
        in_reply_to_id=TEXT,
        sensitive={"type": "boolean"},
        spoiler_text=TEXT,
        visibility={"enum": VISIBILITY},
        language=TEXT,  # ISO 639-1 (not checked)
        scheduled_at={"type": "string", "format": "date-time"},
        quoted_status_id=TEXT,
        quote_approval_policy={"enum": QUOTE_APPROVAL},
    ),
    # The page marks status, media_ids and the poll required: one of them is.
    "anyOf": [{"required": ["status"]}, {"required": ["media_ids"]}, {"required": ["poll"]}],
}
# Multipart fields arrive as text; a file part as {"file": name, "bytes": size}.
UPLOAD = obj(
    ("file",),
    file={"type": "object", "required": ["file", "bytes"]},
    thumbnail={"type": "object", "required": ["file", "bytes"]},
    description=TEXT,
    focus={"type": "string", "pattern": r"^-?[0-9.]+,-?[0-9.]+$"},
)


def endpoints(base: str) -> list[Endpoint]:
    """The rows, for the instance at `base` (scheme and host, no trailing slash)."""
    return [
        Endpoint(
            "POST",
            f"{base}/api/v1/statuses",
            doc=f"{DOCS}/methods/statuses/#create",
            read=READ,
            scopes=scopes("write:statuses", "write"),
            body=STATUS,
            headers=AUTH,
        ),
        Endpoint(
            # Public for public statuses; a private one needs the token and read:statuses.
            "GET",
            f"{base}/api/v1/statuses/{{id}}",
            doc=f"{DOCS}/methods/statuses/#get",
            read=READ,
            scopes=scopes("read:statuses", "read"),
        ),
        Endpoint(
            "POST",
            f"{base}/api/v2/media",
            doc=f"{DOCS}/methods/media/#v2",
            read=READ,
            scopes=scopes("write:media", "write"),
            body=UPLOAD,
            body_type="multipart/form-data",
            headers=AUTH,
        ),
        Endpoint(
            "GET",
            f"{base}/api/v1/media/{{id}}",
            doc=f"{DOCS}/methods/media/#get",
            read=READ,
            scopes=scopes("write:media", "write"),
            headers=AUTH,
        ),
        Endpoint(
            "GET",
            f"{base}/api/v1/accounts/verify_credentials",
            doc=f"{DOCS}/methods/accounts/#verify_credentials",
            read=READ,
            scopes=scopes("profile", "read:accounts", "read"),
            headers=AUTH,
        ),
        # Public: the server information needs no token.
        Endpoint("GET", f"{base}/api/v2/instance", doc=f"{DOCS}/methods/instance/#v2", read=READ),
        Endpoint("GET", f"{base}/api/v1/instance", doc=f"{DOCS}/methods/instance/#v1", read=READ),
    ]
