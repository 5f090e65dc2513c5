"""What Repostra answers on each documented route, read from its API document, for
tests/compat/test_repostra_shapes.py.

Read from the Repostra "Developer API Documentation" (base URL
https://repostra.app/api/v1; the seed copy is /work/shared/seeds/003_8bd27a1600913afe.txt,
section in `source`). Shapes are written as tests/compat/shapes.py describes. The
document shows the answer of four routes (list accounts, list schedules, list content,
pending approvals); the other routes answer the same object under `data` (`{data: {...}}`,
as its "Returns the full content object" says of content), with the status its error table
gives: 201 for a create, 200 otherwise.

`Crier(shape, why)` marks a field Crier adds: typed clients ignore keys they do not name.
"""

from __future__ import annotations

from tests.compat.shapes import Crier, Route

SEED = "/work/shared/seeds/003_8bd27a1600913afe.txt"


_PAGE = "the document pages content lists with `meta`; Crier pages every list the same way"
META = {"current_page": "number", "last_page": "number", "per_page": "number", "total": "number"}

ACCOUNT = {
    "id": "number",
    "platform": "string",
    "account_name": "string|null",
    "account_identifier": "string|null",
    "posting_method": "string",
    "webhook_url": "string|null",
    "is_active": "boolean",
    "created_at": "string",
    "updated_at": "string",
}
SCHEDULE = {
    "id": "number",
    "account_id": "number",
    "account": {"id": "number", "platform": "string", "account_name": "string|null"},
    "platform": "string",
    "day_of_week": "string",
    "time": "string",
    "content_type": "string|null",
    "blog_column_index": "number|null",
    "is_active": "boolean",
    "created_at": "string",
    "updated_at": "string",
}
CONTENT = {
    "id": "number",
    "title": "string",
    "slug": "string",
    # The example has both; Crier answers null when the client sent none (as the
    # document's other optional fields are null when unset).
    "description": "string|null",
    "keyword": "string|null",
    "status": "string",
    "posting_schedule_id": "number|null",
    "scheduled_for": "string|null",
    "approved_at": "string|null",
    "published_at": "string|null",
    "published_url": "string|null",
    "ai_generated_at": "string|null",
    "created_at": "string",
    "updated_at": "string",
}
FULL_CONTENT = {
    **CONTENT,
    # "the full content object including the content body (EditorJS JSON)"
    "content": "object|null",
    "error": Crier("string|null", "why a publish failed: the document has no other place for it"),
}
BLOG_ITEM = {
    "type": "string",
    "id": "number",
    "title": "string",
    "status": "string",
    "scheduled_for": "string|null",
    "ai_generated_at": "string|null",
    "created_at": "string",
}
SOCIAL_ITEM = {
    "type": "string",
    "id": "number",
    "topic": "string|null",
    "content": "string|null",
    "platform": "string|null",
    "content_type": "string",
    "status": "string",
    "blog_content_id": "number|null",
    "scheduled_for": "string|null",
    "created_at": "string",
}
DELETED = {
    "message": Crier("string", "the document shows no delete body; Crier says what was deleted")
}

_ACCOUNTS, _SCHEDULES, _CONTENT, _APPROVALS = (
    "Social Accounts",
    "Posting Schedules",
    "Content",
    "Approvals",
)
ROUTES: list[Route] = [
    Route(
        "GET",
        "/social-accounts",
        200,
        {"data": [ACCOUNT], "meta": Crier(META, _PAGE)},
        f"{_ACCOUNTS}: List accounts (response shown)",
    ),
    Route(
        "POST",
        "/social-accounts",
        201,
        {
            "data": ACCOUNT,
            "signing_secret?": Crier(
                "string", "the secret Crier made when none was sent, answered once"
            ),
        },
        f"{_ACCOUNTS}: Create account",
    ),
    Route("GET", "/social-accounts/{id}", 200, {"data": ACCOUNT}, f"{_ACCOUNTS}: Get account"),
    Route("PUT", "/social-accounts/{id}", 200, {"data": ACCOUNT}, f"{_ACCOUNTS}: Update account"),
    Route("DELETE", "/social-accounts/{id}", 200, DELETED, f"{_ACCOUNTS}: Delete account"),
    Route(
        "GET",
        "/posting-schedules",
        200,
        {"data": [SCHEDULE], "meta": Crier(META, _PAGE)},
        f"{_SCHEDULES}: List schedules (response shown)",
    ),
    Route("POST", "/posting-schedules", 201, {"data": SCHEDULE}, f"{_SCHEDULES}: Create schedule"),
    Route(
        "PUT", "/posting-schedules/{id}", 200, {"data": SCHEDULE}, f"{_SCHEDULES}: Update schedule"
    ),
    Route("DELETE", "/posting-schedules/{id}", 200, DELETED, f"{_SCHEDULES}: Delete schedule"),
    Route(
        "GET",
        "/content",
        200,
        {"data": [CONTENT], "meta": META},
        f"{_CONTENT}: List content (response shown)",
    ),
    Route("GET", "/content/{id}", 200, {"data": FULL_CONTENT}, f"{_CONTENT}: Get content"),
    Route("POST", "/content", 201, {"data": FULL_CONTENT}, f"{_CONTENT}: Create content"),
    Route("PUT", "/content/{id}", 200, {"data": FULL_CONTENT}, f"{_CONTENT}: Update content"),
    Route("DELETE", "/content/{id}", 200, DELETED, f"{_CONTENT}: Delete content"),
    Route(
        "POST",
        "/content/{id}/approve",
        200,
        {"data": FULL_CONTENT},
        f"{_CONTENT}: Approve content",
    ),
    Route(
        "GET",
        "/approvals",
        200,
        {
            "data": {"pending_blog": [BLOG_ITEM], "pending_social": [SOCIAL_ITEM]},
            "meta": {"pending_blog_count": "number", "pending_social_count": "number"},
        },
        f"{_APPROVALS}: List pending approvals (response shown)",
    ),
    Route(
        "POST",
        "/approvals/blog/{id}/approve",
        200,
        {"data": FULL_CONTENT},
        f"{_APPROVALS}: Approve blog content",
    ),
    Route(
        "POST",
        "/approvals/social/{id}/approve-topic",
        200,
        {"data": SOCIAL_ITEM},
        f"{_APPROVALS}: Approve social post topic",
    ),
    Route(
        "POST",
        "/approvals/social/{id}/approve-content",
        200,
        {"data": SOCIAL_ITEM},
        f"{_APPROVALS}: Approve social post content",
    ),
]
