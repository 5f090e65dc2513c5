"""The Repostra dialect: `/api/v1/social-accounts`, `posting-schedules`, `content`, `approvals`.

Auth is `X-API-Key: <Crier API key>`, scoped to the key's own workspace (Repostra's
"brand"); 60 requests a minute per key (`REPOSTRA_RATE_LIMIT`). Errors are
`{"error": "<code>", "message": "..."}`; a validation error is a 422. Lists are
`{"data": [...], "meta": {current_page, last_page, per_page, total}}`, single objects
`{"data": {...}}`.

Two paths are Crier's own too (`posting-schedules`, `approvals`): `compat.routing` sends a
request carrying `X-API-Key` and no `Authorization` here, any other to the native view.

How Repostra's concepts map onto Crier:
- A social account is a `SocialAccount`. `posting_method` `webhook`/`zapier` is the webhook
  connector (`webhook_url`, `signing_secret`: Standard Webhooks signatures, see
  `connectors/webhook.py`), `wordpress` the WordPress connector (`webhook_url` is the site,
  `wordpress_api_key` is `username:application-password`), `manual` (the default) the
  manual connector (`connectors/manual.py`): the person posts by hand, Crier sends
  nothing; content approved for it is marked published at the content's time.
  Repostra's own fields live in the account's `settings["repostra"]`. Accounts connected
  with OAuth show as `auto`.
- A posting schedule is planning's `PostingSchedule`.
- Content (a blog post) is a `PlannedPost` of kind `blog`: the generator drafts it, a
  person may write its EditorJS body; approving publishes it through the native pipeline
  (a publish-now job, its delivery published in this request) when a WordPress or
  webhook account is configured; with manual accounts only, at its scheduled time.
- Social posts awaiting approval are planned topics (`PlannedPost` of kind `post`) and
  posts in `pending_approval`; approving goes through `posts.approvals`.

Ids are integers, as the document shows them (`ids`, `compat.models.RepostraId`): a number
is given to an object the first time it is answered here, and paths and bodies take it.
They also take the Crier ids (`acc_…`, `sch_…`, `pln_…`, `post_…`) this dialect answered
before, so stored ids keep working; both are looked up in the key's workspace only.

Where Crier differs from the document, deliberately:
- `posting_method` `auto` cannot be created (422 naming Crier's
  `POST /api/v1/accounts/connect/{platform}`): an OAuth account needs its owner's consent
  in a browser, which an API call cannot give; once connected natively it is listed as
  `auto`. A website is never `auto` (webhook, zapier, wordpress or manual).
- A social post waiting for approval whose accounts are all manual is `manual_posting`;
  `approve-content` marks it published at once (the pipeline's own step, nothing sent).
- A signing secret Crier makes (none sent) is answered once, as `signing_secret` beside
  `data`; credentials are never shown again.
- Deletes answer 200 `{"message": "... deleted."}` (the document shows no delete body,
  and lists 200/201 as its successes); deleting an account with scheduled posts is a 409
  too, as with posting schedules.
- `approve-topic` starts the content generator when one is configured; without one the
  approved topic waits and `approve-content` brings its text (stored as its draft, then
  approved). A social post keeps its topic's number once drafted, so the document's one
  id works throughout.
- Approving content whose body is empty is a 422; approving twice is a 409.

Modules: `base` (auth, rate, envelope, pagination), `ids` (integer ids), `accounts`,
`schedules`, `content`, `content_approval` (approving content publishes it), `approvals`
(the pending queue and social approvals). This package exports what `compat.urls` and
`compat.envelopes` use.
"""

from __future__ import annotations

from compat.repostra.accounts import SocialAccountDetailView, SocialAccountListView
from compat.repostra.approvals import (
    ApprovalListView,
    SocialContentApproveView,
    SocialTopicApproveView,
)
from compat.repostra.base import envelope
from compat.repostra.content import ContentDetailView, ContentListView
from compat.repostra.content_approval import BlogApproveView, ContentApproveView
from compat.repostra.schedules import ScheduleDetailView, ScheduleListView

__all__ = [
    "ApprovalListView",
    "BlogApproveView",
    "ContentApproveView",
    "ContentDetailView",
    "ContentListView",
    "ScheduleDetailView",
    "ScheduleListView",
    "SocialAccountDetailView",
    "SocialAccountListView",
    "SocialContentApproveView",
    "SocialTopicApproveView",
    "envelope",
]
