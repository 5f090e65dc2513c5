"""What Publer's document says the native API answers, for tests/compat/test_publer_shapes.py.

Read from Publer's API introduction (base URL https://app.publer.com/api/v1/; the seed copy
is /work/shared/seeds/002_887effe9b2c43880.txt, section in `source`). Crier's native API
follows it. Shapes are written as tests/compat/shapes.py describes; times are `time`
(`YYYY-MM-DDThh:mm:ss±hh:mm`, the document's "Date & Time").

The document shows two bodies: `{job_id}` (202) for post creation and
`{status, payload: {failures}}` for `job_status`; of the rest it says "Synchronous endpoints
return the requested resource or collection". Fields it does not show are Crier's own
(its OpenAPI schema at /api/v1/schema describes them), marked `Crier(...)` so that a change
to them is seen here too.
"""

from __future__ import annotations

from tests.compat.shapes import Crier, Route

SEED = "/work/shared/seeds/002_887effe9b2c43880.txt"


_OWN = "the document shows no body here (`the requested resource or collection`)"

ATTEMPT = {
    "number": "number",
    "started_at": "time",
    "finished_at": "time|null",
    "outcome": "string",
    "error_class": "string",
    "message": "string",
    "duration_ms": "number|null",
}
DELIVERY = {
    "id": "string",
    "account_id": "string",
    "state": "string",
    "scheduled_at": "time|null",
    "attempts": "number",
    "external_id": "string",
    "url": "string",
    "published_at": "time|null",
    "error": {"code": "string", "message": "string", "platform_response": "any"},
    "reply_to": "string|null",
    "thread_index": "number|null",
    "attempt_log": [ATTEMPT],
}
POST = {
    "id": "string",
    "state": "string",
    "networks": "object",
    "media": [{"id": "string", "alt": "string"}],
    "thread_media": [[{"id": "string", "alt": "string"}]],
    "labels": ["string"],
    "job_id": "string|null",
    "created_at": "time",
    "updated_at": "time",
    "deliveries": [{**DELIVERY, "error": "object|null"}],
}
# A post whose delivery failed, as DELETE answers it in the test's world.
FAILED_POST = {**POST, "deliveries": [DELIVERY]}
JOB_POST = {
    "id": "string",
    "post_id": "string",
    "account_id": "string",
    "state": "string",
    "url": "string",
    "error": "string",
    "reply_to": "string|null",
}
ERRORS = {"errors": ["string"]}

_POSTS, _ASYNC, _ERROR = "Request Format", "Asynchronous Operations", "Response Format: Error"
ROUTES: list[Route] = [
    Route(
        "GET",
        "/posts?state=scheduled&from=2025-04-20",
        200,
        {
            "count": Crier("number", _OWN),
            "next": Crier("string|null", _OWN),
            "previous": Crier("string|null", _OWN),
            "results": Crier([POST], _OWN),
        },
        f"{_POSTS}: GET",
        empty={
            "$.results[].deliveries[].attempt_log": "a scheduled delivery has not been tried "
            "yet; DELETE's answer (a failed post) checks the attempts' shape",
            "$.results[].thread_media": "the document's post has no thread; DELETE's answer "
            "(a failed post with a follow-up's media) checks its shape",
        },
    ),
    Route("POST", "/posts", 202, {"job_id": "string"}, f"{_POSTS}: POST (a `bulk` body)"),
    Route(
        "DELETE",
        "/posts/{post_id}",
        200,
        {key: Crier(shape, _OWN) for key, shape in FAILED_POST.items()},
        f"{_POSTS}: DELETE",
    ),
    Route(
        "GET",
        "/job_status/{job_id}",
        200,
        {
            "status": "string",
            "payload": {
                "failures": "object",
                "posts": Crier([JOB_POST], "what the job stored, one item per delivery"),
                "error?": Crier("string", "why the whole job failed, when it did"),
            },
            "created_at": Crier("time", "when the job was submitted"),
            "completed_at": Crier("time|null", "when it finished; null while it runs"),
        },
        _ASYNC,
    ),
]

# The document's "Common HTTP Status Codes" that a client's mistake produces, each with the
# `{errors: [...]}` body of its "Error" example (500 is never answered on purpose; 429 is
# tests/test_rate_limit.py's).
ERROR_STATUSES = [400, 401, 403, 404]
