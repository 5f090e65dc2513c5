"""Who may call what: every route and method of every dialect, against one table.

The routes come from the URL configuration (`django.urls.get_resolver()`), each with the
handler methods its view class has; a route and method the table lacks fails
`test_every_route_and_method_is_in_the_table`, and so does an entry naming no route.
HEAD runs the GET handler (Django's View.setup) and OPTIONS passes the same authentication
and permission checks before answering metadata, so neither has rows of its own (one test
sends OPTIONS without a key to every path). The admin
(session login, staff only) is left out. A path that two dialects share (compat/routing.py:
no `Authorization` picks Repostra) has a row per dialect; planning's own
`posting-schedules` and `approvals` patterns come after the shared ones and are never
reached, so only the shared ones count.

Each row says the minimum role (viewer < editor < admin < owner), the scopes the key needs,
the request (built from workspace A's objects: tests/authorization_world.py) and what the
other workspace's key gets. Every row is run as:

- no key: 401 in the dialect's envelope;
- the other workspace's owner, every scope: 404 on A's objects (NOT_FOUND), a list with
  nothing of A's (LIST), a refusal of A's ids named in the body (REFUSED: 400, 404 or 422),
  or, where the route only touches the caller's own workspace (OWN), an answer that shows
  nothing of A's;
- each role below the minimum: 403 in the envelope;
- the minimum role with every scope: allowed, i.e. any answer but 401, 403, 404, 405, 429
  and 5xx (a 400/409/415/422 is a refusal that came after authorization: the bodies are
  chosen to fail validation where succeeding would need a platform);
- the minimum role lacking each of the route's scopes (all others kept): 403;
- Publora/PostPost rows, with `x-postpost-user-id`: a viewer's or an editor's key acting as
  the owner is refused (403), an admin's key acting as an editor or a viewer gets exactly
  what that member would, and another workspace's member id is refused (403).

Rows with role None are public or operator routes: no API key, the credential (if any) is
in the path or query; the table lists the statuses an anonymous request may get.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import timedelta
from functools import cache

import pytest
from django.http import HttpResponse
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from accounts.models import Role, Scope
from compat.postiz import PostizView
from compat.publora import PubloraView
from compat.repostra.base import ERROR_CODES as REPOSTRA_CODES
from compat.repostra.base import RepostraView
from posts.models import Delivery
from posts.states import DeliveryStatus
from tests.authorization_world import ALL_SCOPES, Caller, Request, World, tiny_file

pytestmark = pytest.mark.django_db

HANDLERS = ("get", "post", "put", "patch", "delete")
ROLES = [Role.VIEWER, Role.EDITOR, Role.ADMIN, Role.OWNER]
NOT_ALLOWED = {401, 403, 404, 405, 429}

# What the other workspace's key gets.
NOT_FOUND = "404 on A's object"
LIST = "200 listing nothing of A's"
REFUSED = "A's ids in the body refused (400/404/422)"
OWN = "acts on its own workspace only; shows nothing of A's"

V, E, A = Role.VIEWER, Role.EDITOR, Role.ADMIN
POSTS, MEDIA, ACCOUNTS = (Scope.POSTS,), (Scope.MEDIA,), (Scope.ACCOUNTS,)
WEBHOOKS, WORKSPACES, APPROVE = (Scope.WEBHOOKS,), (Scope.WORKSPACES,), (Scope.APPROVE,)


@dataclass(frozen=True)
class Rule:
    role: str | None  # the minimum role; None: a public or operator route (no API key)
    scopes: tuple[str, ...]
    build: Callable[[World], Request]
    outsider: str = OWN
    public: frozenset[int] = frozenset()  # what an anonymous request may get (role None)


def path(template: str, *names: str) -> Callable[[World], Request]:
    """A bodiless request; `{}`s take the ids of A's objects named."""
    return lambda world: Request(template.format(*(getattr(world, n).pk for n in names)))


def body(template: str, make: Callable[[World], dict], *names: str) -> Callable[[World], Request]:
    return lambda world: Request(
        template.format(*(getattr(world, n).pk for n in names)), make(world)
    )


def empty(template: str, *names: str) -> Callable[[World], Request]:
    """A JSON object missing what the route requires: a 400/422 once authorized."""
    return body(template, lambda world: {}, *names)


def platform_id(world: World) -> str:
    return f"{world.account.platform}-{world.account.pk}"


def postiz_draft(world: World) -> dict:
    return {
        "type": "draft",
        "posts": [{"integration": {"id": world.account.pk}, "value": [{"content": "draft"}]}],
    }


def postiz_window() -> str:
    now = timezone.now()
    start, end = (now - timedelta(days=30)).isoformat(), (now + timedelta(days=30)).isoformat()
    return f"?startDate={start.replace('+', '%2B')}&endDate={end.replace('+', '%2B')}"


def schedule_body(world: World) -> dict:
    return {"account_id": world.account.pk, "day_of_week": "tuesday", "time": "10:00"}


def process_video(prefix: str) -> Callable[[World], Request]:
    return lambda world: Request(
        f"{prefix}media/process-video",
        {"postGroupId": world.post.pk, "video": tiny_file("clip.txt", "text/plain")},
        multipart=True,
    )


def publora_delete_media(prefix: str) -> Callable[[World], Request]:
    return path(prefix + "media/post/media/{}", "media")


API = "/api/v1/"
PUBLIC = "/public/v1/"

TABLE: dict[tuple[str, str, str], Rule] = {
    # -- operator and public routes: no API key --------------------------------------------
    ("public", "GET", "/healthz"): Rule(None, (), path("/healthz"), public=frozenset({200})),
    ("public", "GET", "/readyz"): Rule(None, (), path("/readyz"), public=frozenset({200, 503})),
    # Open, or behind CRIER_METRICS_TOKEN (401 without it): config/metrics.py.
    ("public", "GET", "/metrics"): Rule(None, (), path("/metrics"), public=frozenset({200, 401})),
    ("public", "GET", "/api/schema/"): Rule(
        None, (), path("/api/schema/"), public=frozenset({200})
    ),
    ("public", "GET", "/api/docs/"): Rule(None, (), path("/api/docs/"), public=frozenset({200})),
    # The single-use OAuth state is the credential; without one, a 400.
    ("public", "GET", "/api/v1/accounts/callback/<str:platform>"): Rule(
        None, (), path(API + "accounts/callback/telegram"), public=frozenset({400})
    ),
    # The signed token in the path is the credential.
    ("public", "PUT", "/uploads/<str:token>"): Rule(
        None, (), path("/uploads/forged-token"), public=frozenset({400, 403, 404})
    ),
    # Stored files under unguessable keys (local storage only).
    ("public", "GET", "/media/<path:key>"): Rule(
        None, (), path("/media/ws_none/0000.png"), public=frozenset({404})
    ),
    # -- native: accounts ------------------------------------------------------------------
    ("native", "GET", "/api/v1/users/me"): Rule(V, WORKSPACES, path(API + "users/me")),
    ("native", "GET", "/api/v1/workspaces"): Rule(V, WORKSPACES, path(API + "workspaces"), LIST),
    ("native", "GET", "/api/v1/accounts"): Rule(V, ACCOUNTS, path(API + "accounts"), LIST),
    ("native", "POST", "/api/v1/accounts"): Rule(A, ACCOUNTS, empty(API + "accounts")),
    # telegram is a token platform: a 400 naming the right route, after authorization.
    ("native", "POST", "/api/v1/accounts/connect/<str:platform>"): Rule(
        A, ACCOUNTS, empty(API + "accounts/connect/telegram")
    ),
    ("native", "GET", "/api/v1/accounts/<str:account_id>"): Rule(
        V, ACCOUNTS, path(API + "accounts/{}", "account"), NOT_FOUND
    ),
    ("native", "DELETE", "/api/v1/accounts/<str:account_id>"): Rule(
        A, ACCOUNTS, path(API + "accounts/{}", "account"), NOT_FOUND
    ),
    ("native", "GET", "/api/v1/accounts/<str:account_id>/next-slot"): Rule(
        V, POSTS, path(API + "accounts/{}/next-slot", "account"), NOT_FOUND
    ),
    ("native", "PUT", "/api/v1/accounts/<str:account_id>/timezone"): Rule(
        A, ACCOUNTS, empty(API + "accounts/{}/timezone", "account"), NOT_FOUND
    ),
    ("native", "GET", "/api/v1/workspace/settings"): Rule(
        V, WORKSPACES, path(API + "workspace/settings")
    ),
    ("native", "PATCH", "/api/v1/workspace/settings"): Rule(
        A, WORKSPACES, empty(API + "workspace/settings")
    ),
    # -- native: posts ---------------------------------------------------------------------
    ("native", "POST", "/api/v1/posts/schedule"): Rule(E, POSTS, empty(API + "posts/schedule")),
    ("native", "POST", "/api/v1/posts/schedule/publish"): Rule(
        E, POSTS, empty(API + "posts/schedule/publish")
    ),
    # Stores nothing: viewers may check a request.
    ("native", "POST", "/api/v1/posts/validate"): Rule(V, POSTS, empty(API + "posts/validate")),
    ("native", "GET", "/api/v1/job_status/<str:job_id>"): Rule(
        V, POSTS, lambda world: Request(f"{API}job_status/{world.post.job_id}"), NOT_FOUND
    ),
    ("native", "GET", "/api/v1/posts"): Rule(V, POSTS, path(API + "posts"), LIST),
    ("native", "POST", "/api/v1/posts"): Rule(E, POSTS, empty(API + "posts")),
    ("native", "GET", "/api/v1/posts/<str:post_id>"): Rule(
        V, POSTS, path(API + "posts/{}", "post"), NOT_FOUND
    ),
    ("native", "PATCH", "/api/v1/posts/<str:post_id>"): Rule(
        E, POSTS, body(API + "posts/{}", lambda world: {"labels": ["x"]}, "post"), NOT_FOUND
    ),
    ("native", "DELETE", "/api/v1/posts/<str:post_id>"): Rule(
        E, POSTS, path(API + "posts/{}", "post"), NOT_FOUND
    ),
    ("native", "POST", "/api/v1/posts/<str:post_id>/retry"): Rule(
        E, POSTS, path(API + "posts/{}/retry", "post"), NOT_FOUND
    ),
    ("native", "GET", "/api/v1/analytics/posts/<str:post_id>"): Rule(
        V, POSTS, path(API + "analytics/posts/{}", "post"), NOT_FOUND
    ),
    ("native", "GET", "/api/v1/analytics/accounts/<str:account_id>"): Rule(
        V, ACCOUNTS, path(API + "analytics/accounts/{}", "account"), NOT_FOUND
    ),
    # -- native: approvals -----------------------------------------------------------------
    ("native", "POST", "/api/v1/posts/<str:post_id>/approve"): Rule(
        A, APPROVE, empty(API + "posts/{}/approve", "post"), NOT_FOUND
    ),
    ("native", "POST", "/api/v1/posts/<str:post_id>/reject"): Rule(
        A, APPROVE, body(API + "posts/{}/reject", lambda w: {"comment": "no"}, "post"), NOT_FOUND
    ),
    ("native", "GET", "/api/v1/approvals"): Rule(V, POSTS, path(API + "approvals"), LIST),
    # -- native: planning ------------------------------------------------------------------
    ("native", "GET", "/api/v1/posting-schedules"): Rule(
        V, POSTS, path(API + "posting-schedules"), LIST
    ),
    ("native", "POST", "/api/v1/posting-schedules"): Rule(
        E, POSTS, body(API + "posting-schedules", schedule_body), REFUSED
    ),
    ("native", "GET", "/api/v1/posting-schedules/<str:schedule_id>"): Rule(
        V, POSTS, path(API + "posting-schedules/{}", "schedule"), NOT_FOUND
    ),
    ("native", "PUT", "/api/v1/posting-schedules/<str:schedule_id>"): Rule(
        E, POSTS, empty(API + "posting-schedules/{}", "schedule"), NOT_FOUND
    ),
    ("native", "PATCH", "/api/v1/posting-schedules/<str:schedule_id>"): Rule(
        E, POSTS, empty(API + "posting-schedules/{}", "schedule"), NOT_FOUND
    ),
    ("native", "DELETE", "/api/v1/posting-schedules/<str:schedule_id>"): Rule(
        E, POSTS, path(API + "posting-schedules/{}", "schedule"), NOT_FOUND
    ),
    ("native", "GET", "/api/v1/notifications"): Rule(V, POSTS, path(API + "notifications"), LIST),
    # Marking read is what viewers do; another workspace's ids mark nothing.
    ("native", "POST", "/api/v1/notifications/read"): Rule(
        V, POSTS, body(API + "notifications/read", lambda w: {"ids": [w.notification.pk]})
    ),
    ("native", "POST", "/api/v1/notifications/<str:notification_id>/read"): Rule(
        V, POSTS, path(API + "notifications/{}/read", "notification"), NOT_FOUND
    ),
    ("native", "GET", "/api/v1/planned-posts"): Rule(V, POSTS, path(API + "planned-posts"), LIST),
    # Issue 16, finding 10: another workspace's account_ids are refused (404 semantics).
    ("native", "POST", "/api/v1/planned-posts"): Rule(
        E,
        POSTS,
        body(API + "planned-posts", lambda w: {"topic": "t", "account_ids": [w.account.pk]}),
        REFUSED,
    ),
    ("native", "GET", "/api/v1/planned-posts/<str:plan_id>"): Rule(
        V, POSTS, path(API + "planned-posts/{}", "topic"), NOT_FOUND
    ),
    ("native", "DELETE", "/api/v1/planned-posts/<str:plan_id>"): Rule(
        E, POSTS, path(API + "planned-posts/{}", "topic"), NOT_FOUND
    ),
    ("native", "POST", "/api/v1/planned-posts/<str:plan_id>/draft"): Rule(
        E, POSTS, empty(API + "planned-posts/{}/draft", "topic"), NOT_FOUND
    ),
    ("native", "POST", "/api/v1/planned-posts/<str:plan_id>/generate"): Rule(
        E, POSTS, path(API + "planned-posts/{}/generate", "topic"), NOT_FOUND
    ),
    # -- native: webhooks ------------------------------------------------------------------
    ("native", "GET", "/api/v1/webhooks"): Rule(V, WEBHOOKS, path(API + "webhooks"), LIST),
    ("native", "POST", "/api/v1/webhooks"): Rule(A, WEBHOOKS, empty(API + "webhooks")),
    ("native", "GET", "/api/v1/webhooks/<str:webhook_id>"): Rule(
        V, WEBHOOKS, path(API + "webhooks/{}", "webhook"), NOT_FOUND
    ),
    ("native", "PUT", "/api/v1/webhooks/<str:webhook_id>"): Rule(
        A, WEBHOOKS, empty(API + "webhooks/{}", "webhook"), NOT_FOUND
    ),
    ("native", "PATCH", "/api/v1/webhooks/<str:webhook_id>"): Rule(
        A, WEBHOOKS, empty(API + "webhooks/{}", "webhook"), NOT_FOUND
    ),
    ("native", "DELETE", "/api/v1/webhooks/<str:webhook_id>"): Rule(
        A, WEBHOOKS, path(API + "webhooks/{}", "webhook"), NOT_FOUND
    ),
    ("native", "GET", "/api/v1/webhooks/<str:webhook_id>/deliveries"): Rule(
        V, WEBHOOKS, path(API + "webhooks/{}/deliveries", "webhook"), NOT_FOUND
    ),
    # -- native: media ---------------------------------------------------------------------
    ("native", "GET", "/api/v1/media"): Rule(V, MEDIA, path(API + "media"), LIST),
    # A JSON body: 415 (not multipart), after authorization.
    ("native", "POST", "/api/v1/media"): Rule(E, MEDIA, empty(API + "media")),
    ("native", "POST", "/api/v1/media/upload-url"): Rule(E, MEDIA, empty(API + "media/upload-url")),
    ("native", "POST", "/api/v1/media/from-url"): Rule(E, MEDIA, empty(API + "media/from-url")),
    ("native", "GET", "/api/v1/media/<str:media_id>"): Rule(
        V, MEDIA, path(API + "media/{}", "media"), NOT_FOUND
    ),
    ("native", "DELETE", "/api/v1/media/<str:media_id>"): Rule(
        E, MEDIA, path(API + "media/{}", "media"), NOT_FOUND
    ),
    ("native", "POST", "/api/v1/media/<str:media_id>/complete"): Rule(
        E, MEDIA, path(API + "media/{}/complete", "media"), NOT_FOUND
    ),
    # -- Publora / PostPost (x-publora-key or x-api-key) -----------------------------------
    ("publora", "GET", "/api/v1/platform-connections"): Rule(
        V, ACCOUNTS, path(API + "platform-connections"), LIST
    ),
    ("publora", "POST", "/api/v1/create-post"): Rule(
        E,
        POSTS,
        body(API + "create-post", lambda w: {"content": "hello", "platforms": [platform_id(w)]}),
        REFUSED,
    ),
    ("publora", "PUT", "/api/v1/update-post/<str:post_group_id>"): Rule(
        E, POSTS, body(API + "update-post/{}", lambda w: {"content": "edited"}, "post"), NOT_FOUND
    ),
    ("publora", "DELETE", "/api/v1/delete-post/<str:post_group_id>"): Rule(
        E, POSTS, path(API + "delete-post/{}", "post"), NOT_FOUND
    ),
    # Media routes change a post group: media and posts scopes.
    ("publora", "POST", "/api/v1/get-upload-url"): Rule(
        E,
        MEDIA + POSTS,
        body(
            API + "get-upload-url",
            lambda w: {"fileName": "a.png", "contentType": "image/png", "postGroupId": w.post.pk},
        ),
        REFUSED,
    ),
    # Not a video: a 400 once the post group is found.
    ("publora", "POST", "/api/v1/media/process-video"): Rule(
        E, MEDIA + POSTS, process_video(API), REFUSED
    ),
    ("publora", "DELETE", "/api/v1/media/post/media/<str:media_id>"): Rule(
        E, MEDIA + POSTS, publora_delete_media(API), NOT_FOUND
    ),
    ("publora", "POST", "/media/process-video"): Rule(
        E, MEDIA + POSTS, process_video("/"), REFUSED
    ),
    ("publora", "DELETE", "/media/post/media/<str:media_id>"): Rule(
        E, MEDIA + POSTS, publora_delete_media("/"), NOT_FOUND
    ),
    # -- Postiz (raw key in Authorization) -------------------------------------------------
    ("postiz", "GET", "/public/v1/posts"): Rule(
        V, POSTS, lambda w: Request(PUBLIC + "posts" + postiz_window()), LIST
    ),
    ("postiz", "POST", "/public/v1/posts"): Rule(
        E, POSTS, body(PUBLIC + "posts", postiz_draft), REFUSED
    ),
    # Issue 16, finding 6: it fetches media, so it needs the media scope as upload-from-url.
    ("postiz", "POST", "/public/v1/postsurl"): Rule(
        E, POSTS + MEDIA, body(PUBLIC + "postsurl", postiz_draft), REFUSED
    ),
    ("postiz", "DELETE", "/public/v1/posts/group/<str:group>"): Rule(
        E, POSTS, lambda w: Request(f"{PUBLIC}posts/group/{w.post.job_id}"), NOT_FOUND
    ),
    ("postiz", "DELETE", "/public/v1/posts/<str:post_id>"): Rule(
        E, POSTS, path(PUBLIC + "posts/{}", "post"), NOT_FOUND
    ),
    ("postiz", "GET", "/public/v1/posts/<str:post_id>/missing"): Rule(
        V, POSTS, path(PUBLIC + "posts/{}/missing", "post"), NOT_FOUND
    ),
    ("postiz", "PUT", "/public/v1/posts/<str:post_id>/status"): Rule(
        E, POSTS, body(PUBLIC + "posts/{}/status", lambda w: {"status": "draft"}, "post"), NOT_FOUND
    ),
    # Not published: a 400 after authorization.
    ("postiz", "PUT", "/public/v1/posts/<str:post_id>/release-id"): Rule(
        E,
        POSTS,
        body(PUBLIC + "posts/{}/release-id", lambda w: {"releaseId": "1"}, "post"),
        NOT_FOUND,
    ),
    ("postiz", "GET", "/public/v1/find-slot/<str:integration_id>"): Rule(
        V, POSTS, path(PUBLIC + "find-slot/{}", "account"), NOT_FOUND
    ),
    ("postiz", "GET", "/public/v1/integrations"): Rule(
        V, ACCOUNTS, path(PUBLIC + "integrations"), LIST
    ),
    ("postiz", "DELETE", "/public/v1/integrations/<str:integration_id>"): Rule(
        A, ACCOUNTS, path(PUBLIC + "integrations/{}", "account"), NOT_FOUND
    ),
    ("postiz", "GET", "/public/v1/groups"): Rule(V, ACCOUNTS, path(PUBLIC + "groups"), LIST),
    ("postiz", "GET", "/public/v1/is-connected"): Rule(V, POSTS, path(PUBLIC + "is-connected")),
    # A GET that starts a connection: admins, as the native connect (telegram: a 400).
    ("postiz", "GET", "/public/v1/social/<str:integration>"): Rule(
        A, ACCOUNTS, path(PUBLIC + "social/telegram")
    ),
    ("postiz", "GET", "/public/v1/integration-settings/<str:integration_id>"): Rule(
        V, ACCOUNTS, path(PUBLIC + "integration-settings/{}", "account"), NOT_FOUND
    ),
    # With a valid methodName the allowed answer is 404 `Tool not found`: an empty body
    # is the 400 that shows the caller got past authorization.
    ("postiz", "POST", "/public/v1/integration-trigger/<str:integration_id>"): Rule(
        E, ACCOUNTS, empty(PUBLIC + "integration-trigger/{}", "account"), NOT_FOUND
    ),
    ("postiz", "GET", "/public/v1/notifications"): Rule(
        V, POSTS, path(PUBLIC + "notifications"), LIST
    ),
    ("postiz", "POST", "/public/v1/upload"): Rule(E, MEDIA, empty(PUBLIC + "upload")),
    ("postiz", "POST", "/public/v1/upload-from-url"): Rule(
        E, MEDIA, empty(PUBLIC + "upload-from-url")
    ),
    ("postiz", "GET", "/public/v1/analytics/post/<str:post_id>"): Rule(
        V, POSTS, path(PUBLIC + "analytics/post/{}", "post"), NOT_FOUND
    ),
    ("postiz", "GET", "/public/v1/analytics/<str:integration_id>"): Rule(
        V, ACCOUNTS, path(PUBLIC + "analytics/{}", "account"), NOT_FOUND
    ),
    # -- Repostra (X-API-Key; its validation errors are 422) -------------------------------
    ("repostra", "GET", "/api/v1/social-accounts"): Rule(
        V, ACCOUNTS, path(API + "social-accounts"), LIST
    ),
    ("repostra", "POST", "/api/v1/social-accounts"): Rule(
        A, ACCOUNTS, empty(API + "social-accounts")
    ),
    ("repostra", "GET", "/api/v1/social-accounts/<str:account_id>"): Rule(
        V, ACCOUNTS, path(API + "social-accounts/{}", "website_account"), NOT_FOUND
    ),
    ("repostra", "PUT", "/api/v1/social-accounts/<str:account_id>"): Rule(
        A, ACCOUNTS, empty(API + "social-accounts/{}", "website_account"), NOT_FOUND
    ),
    ("repostra", "DELETE", "/api/v1/social-accounts/<str:account_id>"): Rule(
        A, ACCOUNTS, path(API + "social-accounts/{}", "website_account"), NOT_FOUND
    ),
    ("repostra", "GET", "/api/v1/posting-schedules"): Rule(
        V, POSTS, path(API + "posting-schedules"), LIST
    ),
    ("repostra", "POST", "/api/v1/posting-schedules"): Rule(
        E,
        POSTS,
        body(API + "posting-schedules", lambda w: {**schedule_body(w), "platform": "website"}),
        REFUSED,
    ),
    ("repostra", "GET", "/api/v1/posting-schedules/<str:schedule_id>"): Rule(
        V, POSTS, path(API + "posting-schedules/{}", "schedule"), NOT_FOUND
    ),
    ("repostra", "PUT", "/api/v1/posting-schedules/<str:schedule_id>"): Rule(
        E, POSTS, empty(API + "posting-schedules/{}", "schedule"), NOT_FOUND
    ),
    ("repostra", "DELETE", "/api/v1/posting-schedules/<str:schedule_id>"): Rule(
        E, POSTS, path(API + "posting-schedules/{}", "schedule"), NOT_FOUND
    ),
    ("repostra", "GET", "/api/v1/approvals"): Rule(V, POSTS, path(API + "approvals"), LIST),
    ("repostra", "POST", "/api/v1/approvals/blog/<str:content_id>/approve"): Rule(
        A, APPROVE, empty(API + "approvals/blog/{}/approve", "blog"), NOT_FOUND
    ),
    ("repostra", "POST", "/api/v1/approvals/social/<str:post_id>/approve-topic"): Rule(
        A, APPROVE, empty(API + "approvals/social/{}/approve-topic", "topic"), NOT_FOUND
    ),
    ("repostra", "POST", "/api/v1/approvals/social/<str:post_id>/approve-content"): Rule(
        A, APPROVE, empty(API + "approvals/social/{}/approve-content", "post"), NOT_FOUND
    ),
    ("repostra", "GET", "/api/v1/content"): Rule(V, POSTS, path(API + "content"), LIST),
    ("repostra", "POST", "/api/v1/content"): Rule(E, POSTS, empty(API + "content")),
    ("repostra", "GET", "/api/v1/content/<str:content_id>"): Rule(
        V, POSTS, path(API + "content/{}", "blog"), NOT_FOUND
    ),
    ("repostra", "PUT", "/api/v1/content/<str:content_id>"): Rule(
        E, POSTS, empty(API + "content/{}", "blog"), NOT_FOUND
    ),
    ("repostra", "DELETE", "/api/v1/content/<str:content_id>"): Rule(
        E, POSTS, path(API + "content/{}", "blog"), NOT_FOUND
    ),
    ("repostra", "POST", "/api/v1/content/<str:content_id>/approve"): Rule(
        A, APPROVE, path(API + "content/{}/approve", "blog"), NOT_FOUND
    ),
}


SELF_HOSTED_PUBLIC = "/api/public/v1/"


def at_self_hosted_prefix(rule: Rule) -> Rule:
    """The same rule, its request sent under self-hosted Postiz's `/api/public/v1/`."""

    def build(world: World) -> Request:
        request = rule.build(world)
        return replace(request, path=SELF_HOSTED_PUBLIC + request.path.removeprefix(PUBLIC))

    return replace(rule, build=build)


# The Postiz dialect answers under both prefixes: each route is checked under each.
TABLE |= {
    (dialect, method, SELF_HOSTED_PUBLIC + route.removeprefix(PUBLIC)): at_self_hosted_prefix(rule)
    for (dialect, method, route), rule in list(TABLE.items())
    if dialect == "postiz"
}


# -- the routes, from the URL configuration -------------------------------------------------


def _patterns(patterns: list, prefix: str = "/") -> Iterator[tuple[str, object]]:
    for entry in patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _patterns(entry.url_patterns, route)
        elif isinstance(entry, URLPattern):
            yield route, entry.callback


def _dialect(view_class: type) -> str:
    for base, name in (
        (PubloraView, "publora"),
        (PostizView, "postiz"),
        (RepostraView, "repostra"),
    ):
        if issubclass(view_class, base):
            return name
    # Views that take no credentials at all (schema, docs, the OAuth callback).
    return "public" if view_class.authentication_classes == [] else "native"


def _view_classes(callback: object) -> list[type]:
    """The view classes behind a route: two where compat.routing picks one by header."""
    native = callback.view_class  # type: ignore[attr-defined]
    shared = inspect.getclosurevars(inspect.unwrap(callback)).nonlocals.get("repostra")
    return [native] if shared is None else [native, shared.view_class]


@cache
def shared_routes() -> frozenset[str]:
    """Paths whose view compat.routing picks by header: a request without a key gets the
    native one (and the native envelope)."""
    return frozenset(
        route
        for route, callback in _patterns(get_resolver().url_patterns)
        if hasattr(callback, "view_class") and len(_view_classes(callback)) > 1
    )


def routes() -> tuple[set[tuple[str, str, str]], set[str]]:
    """(dialect, METHOD, path) of every class-based route, and the paths of function views
    (healthz, metrics, uploads, files), whose methods only the table can say."""
    keys: set[tuple[str, str, str]] = set()
    functions: set[str] = set()
    seen: set[str] = set()
    for route, callback in _patterns(get_resolver().url_patterns):
        if route.startswith("/admin/") or route in seen:
            continue  # the admin is out of scope; a repeated path is never reached
        seen.add(route)
        if not hasattr(callback, "view_class"):
            functions.add(route)
            continue
        for view_class in _view_classes(callback):
            dialect = _dialect(view_class)
            keys.update(
                (dialect, method.upper(), route)
                for method in HANDLERS
                if hasattr(view_class, method)
            )
    return keys, functions


def test_every_route_and_method_is_in_the_table():
    keys, functions = routes()
    routed = keys | {key for key in TABLE if key[2] in functions}
    missing = sorted(" ".join(key) for key in routed - TABLE.keys())
    unrouted = sorted(" ".join(key) for key in TABLE.keys() - routed)
    untabled = sorted(route for route in functions if not any(k[2] == route for k in TABLE))
    assert not missing, f"routes missing from the authorization table: {missing}"
    assert not untabled, f"function views missing from the authorization table: {untabled}"
    assert not unrouted, f"table entries with no such route: {unrouted}"


# -- the cases --------------------------------------------------------------------------------

ACTING = ("viewer-acting-as-owner", "editor-acting-as-owner", "admin-acting-as-editor")
ACTING += ("admin-acting-as-viewer", "acting-as-foreign-member")


def _kinds(dialect: str, rule: Rule) -> list[str]:
    if rule.role is None:
        return ["no-key"]
    minimum = ROLES.index(rule.role)
    kinds = ["no-key", "other-workspace", *ROLES[: minimum + 1]]
    kinds += [f"lacks-{scope}" for scope in rule.scopes]
    return kinds + list(ACTING) if dialect == "publora" else kinds


CASES = [(key, kind) for key, rule in TABLE.items() for kind in _kinds(key[0], rule)]


def _case_id(case: tuple[tuple[str, str, str], str]) -> str:
    (dialect, method, route), kind = case
    return f"{dialect} {method} {route} | {kind}"


def assert_envelope(dialect: str, response: HttpResponse) -> None:
    """Refusals speak the dialect's error envelope, with a message."""
    body = response.json()
    if dialect == "native" or dialect == "public":
        assert set(body) == {"errors"}, body
        assert body["errors"] and all(isinstance(m, str) and m for m in body["errors"]), body
    elif dialect == "publora":
        assert set(body) == {"success", "error"} and body["success"] is False, body
        assert isinstance(body["error"], str) and body["error"], body
    elif dialect == "postiz":
        assert set(body) == {"msg"} and isinstance(body["msg"], str) and body["msg"], body
    else:
        assert set(body) == {"error", "message"}, body
        assert body["error"] == REPOSTRA_CODES[response.status_code] and body["message"], body


def assert_allowed(response: HttpResponse) -> None:
    assert response.status_code not in NOT_ALLOWED and response.status_code < 500, (
        response.status_code,
        response.content[:500],
    )


def assert_refused(dialect: str, response: HttpResponse, status: int) -> None:
    assert response.status_code == status, (response.status_code, response.content[:500])
    assert_envelope(dialect, response)


def _no_key(key: tuple[str, str, str], rule: Rule, request: Request) -> None:
    dialect, method, route = key
    response = Caller(member=None).send(method, dialect, request)
    if rule.role is None:
        assert response.status_code in rule.public, (response.status_code, response.content)
    else:
        # A keyless request to a path both serve is answered in Repostra's envelope.
        assert_refused("repostra" if route in shared_routes() else dialect, response, 401)


def _other_workspace(world: World, key: tuple[str, str, str], rule: Rule, request: Request) -> None:
    dialect, method, _ = key
    before = world.state()
    response = world.outsider.send(method, dialect, request)
    if rule.outsider == NOT_FOUND:
        assert_refused(dialect, response, 404)
    elif rule.outsider == REFUSED:
        assert response.status_code in {400, 404, 422}, (response.status_code, response.content)
        assert_envelope(dialect, response)
    else:
        assert response.status_code < 500, response.content
    assert not world.leaks(request, response.content)
    assert world.state() == before, "the other workspace's key changed A's objects"


def _acting_as(world: World, key: tuple[str, str, str], rule: Rule, kind: str) -> HttpResponse:
    """PostPost's managed users: the key's member may act as another one of its workspace."""
    key_role, _, target = kind.rpartition("acting-as-")
    if target == "foreign-member":
        caller, acting_as = world.caller(Role.ADMIN), world.outsider.member.pk
    else:
        member = world.owner.member if target == "owner" else world.member(target)
        caller, acting_as = world.caller(key_role.rstrip("-")), member.pk
    caller.acting_as = acting_as
    response = caller.send(key[1], "postpost", rule.build(world))
    if key_role in ("viewer-", "editor-") or target == "foreign-member":
        assert_refused(key[0], response, 403)  # only owners and admins act as others
    elif ROLES.index(target) >= ROLES.index(rule.role):
        assert_allowed(response)
    else:
        assert_refused(key[0], response, 403)  # never more than the member acted as
    return response


@pytest.mark.parametrize(("key", "kind"), CASES, ids=[_case_id(case) for case in CASES])
def test_authorization_matrix(key: tuple[str, str, str], kind: str):
    dialect, method, _ = key
    rule = TABLE[key]
    world = World()
    if kind in ACTING:
        _acting_as(world, key, rule, kind)
        return
    if kind == "other-workspace" and rule.outsider == LIST:
        world.seed()
    request = rule.build(world)
    if kind == "no-key":
        _no_key(key, rule, request)
    elif kind == "other-workspace":
        _other_workspace(world, key, rule, request)
    elif kind.startswith("lacks-"):
        scopes = tuple(scope for scope in ALL_SCOPES if scope != kind.removeprefix("lacks-"))
        response = world.caller(rule.role, scopes).send(method, dialect, request)
        assert_refused(dialect, response, 403)
    elif kind == rule.role:
        assert_allowed(world.caller(kind).send(method, dialect, request))
    else:
        assert_refused(dialect, world.caller(kind).send(method, dialect, request), 403)


# OPTIONS answers metadata, but only after the same authentication: one case per path.
KEYED_PATHS = {(key[0], key[2]): key for key, rule in TABLE.items() if rule.role is not None}


@pytest.mark.parametrize("key", KEYED_PATHS.values(), ids=[" ".join(p) for p in KEYED_PATHS])
def test_options_without_a_key_is_refused(key: tuple[str, str, str]):
    dialect, _, route = key
    request = TABLE[key].build(World())
    response = Caller(member=None).send("OPTIONS", dialect, Request(request.path))
    assert_refused("repostra" if route in shared_routes() else dialect, response, 401)


# -- acting-as and approval: what the matrix's statuses cannot show ---------------------------


def _approval_world() -> World:
    world = World()
    world.workspace.approval_required = True
    world.workspace.save(update_fields=["approval_required"])
    return world


def _schedule_as(caller: Caller, world: World) -> HttpResponse:
    when = (timezone.now() + timedelta(days=1)).replace(microsecond=0).isoformat()
    return caller.send(
        "POST",
        "postpost",
        Request(
            API + "create-post",
            {"content": "hello", "scheduledTime": when, "platforms": [platform_id(world)]},
        ),
    )


def test_viewer_key_acting_as_owner_cannot_schedule_in_an_approval_workspace():
    world = _approval_world()
    viewer = world.caller(Role.VIEWER)
    viewer.acting_as = world.owner.member.pk
    response = _schedule_as(viewer, world)
    assert_refused("publora", response, 403)
    assert not Delivery.objects.filter(workspace=world.workspace).exists()


def test_admin_key_acting_as_editor_gets_the_editors_approval_wait():
    world = _approval_world()
    admin = world.caller(Role.ADMIN)
    admin.acting_as = world.member(Role.EDITOR).pk
    response = _schedule_as(admin, world)
    assert response.status_code == 200, response.content
    statuses = set(
        Delivery.objects.filter(post_id=response.json()["postGroupId"]).values_list(
            "status", flat=True
        )
    )
    assert statuses == {DeliveryStatus.PENDING_APPROVAL}


EDITS = {
    "native PATCH /api/v1/posts/{id}": (
        "native",
        "PATCH",
        API + "posts/{}",
        {"state": "scheduled"},
    ),
    "publora PUT /api/v1/update-post/{id}": (
        "publora",
        "PUT",
        API + "update-post/{}",
        {"status": "scheduled"},
    ),
    "postiz PUT /public/v1/posts/{id}/status": (
        "postiz",
        "PUT",
        PUBLIC + "posts/{}/status",
        {"status": "schedule"},
    ),
}


@pytest.mark.parametrize("edit", EDITS, ids=list(EDITS))
def test_editor_cannot_schedule_a_pending_post_through_any_edit_route(edit: str):
    dialect, method, template, changes = EDITS[edit]
    world = _approval_world()
    editor = world.caller(Role.EDITOR)
    created = _schedule_as(editor, world)
    assert created.status_code == 200, created.content
    post_id = created.json()["postGroupId"]
    deliveries = Delivery.objects.filter(post_id=post_id)
    assert set(deliveries.values_list("status", flat=True)) == {DeliveryStatus.PENDING_APPROVAL}

    response = editor.send(method, dialect, Request(template.format(post_id), changes))

    assert response.status_code < 500, response.content
    assert not deliveries.exclude(status=DeliveryStatus.PENDING_APPROVAL).exists(), list(
        deliveries.values_list("status", flat=True)
    )
