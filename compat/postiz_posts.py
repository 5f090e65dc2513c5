"""Postiz's posts under `/public/v1/posts`, over the native job pipeline.

`POST /posts` turns each `posts[i]` (one channel, its `value` list) into one native post
for that channel, all in one job, expanded in the request so the answer names the posts:
`type` now → publish now, schedule → scheduled at `date`, draft → draft. The first value
is the post; the following values become the native thread (`networks.<platform>.thread`,
with `thread_delays`): replies on X, Bluesky, Mastodon and Threads, comments on the post on
Facebook, Instagram and LinkedIn, as Postiz posts them; a channel with neither refuses them
(400 naming the channel). Postiz's Group is the job:
`group` in the answers, and `DELETE /posts/group/:group` cancels the job's posts.

Where Crier differs, it says so rather than pretend:

- Follow-up values keep their images (native `thread_media`, stored as rows), checked
  against the channel's limits for replies; a thread with images goes out one value at a
  time, each in reply to the one before once it is live. Images on a follow-up that is a
  comment (Facebook, Instagram, LinkedIn) are a 400: Crier posts comments as text. `delay`
  is read as Postiz reads it (up to 120: minutes, as its editor stores them; above:
  milliseconds, as its public API documents them); with any delay, each follow-up is
  posted that long after the one before it is published, in reply to it (native
  `thread_delays`), else all at once (comments always wait for the post to be live).
- `settings`: the options the channel's Crier connector knows are applied (and checked);
  the others are named in the `X-Crier-Ignored-Settings` header (JSON, by integration):
  the body stays Postiz's `[{postId, integration}]`, strings only, so typed clients read it.
- `image[].id` is the id `POST /upload` answered; an id Crier does not know is looked up
  by its `path` among the workspace's own media (Postiz's CLI sends a made-up id with the
  path of an upload). A path that is not the workspace's upload is refused (400), never
  fetched at publish time.
- `shortLink: true` publishes links as written, as a self-hosted Postiz without a
  shortener does. `inter` (repeat every n days, forever) is a 400: native recurrence needs
  an end. `value[].id` and `posts[].group` are ignored: this route only creates.
- HTML content (Postiz's editor sends `<p>...</p>`) is published as plain text.
- A channel refusing the content (connector checks) fails the whole request with a 400
  naming the channel and why; nothing is stored and no quota is taken.
- Post ids are Crier post ids; `GET /posts` lists one entry per channel (delivery).
  `DELETE /posts/:id` cancels that post only (the group route cancels a group).
- `GET /posts/:id/missing` lists the channel's recent posts, read from the platform now,
  for a post whose outcome is unknown (Postiz's `missing`), else `[]`; platforms whose
  connector lists no posts answer `[]`, as Postiz does for providers without `missing`.
  Per-channel validation is the native preview (`POST /api/v1/posts/validate`).
- `PUT /posts/:id/release-id` records what a platform published: it resolves a delivery
  whose outcome is unknown as published (the operator decision of DESIGN.md), or corrects
  the id of a published one; an id picked from `missing` gets its page as `releaseURL`.
  A post sent to several channels takes its delivery id.
"""

from __future__ import annotations

import html
import json
import re
import time
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.db import transaction
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import exceptions, serializers
from rest_framework.request import Request
from rest_framework.response import Response

from accounts import services as account_services
from accounts.auth import api_context
from accounts.models import AccountStatus, Scope, SocialAccount
from compat import postiz_settings
from compat.postiz import ERRORS, TAGS, PostizErrorSerializer, PostizView, not_found
from connectors.base import RecentPost
from connectors.errors import ConnectorError, TransientError
from connectors.registry import connector_class
from core.errors import flatten_errors
from media import services as media_services
from media import storage
from media.models import MediaAsset
from posts import services
from posts.approvals import post_edit
from posts.idempotency import idempotent
from posts.models import Delivery, Job, Post
from posts.serializers import (
    MAX_THREAD_DELAY,
    PostUpdateSerializer,
    ScheduleRequestSerializer,
)
from posts.states import DeliveryStatus, JobStatus
from posts.views import IDEMPOTENCY_PARAMETER

S = DeliveryStatus
# Postiz's four states for Crier's delivery states.
STATES: dict[str, str] = {
    S.DRAFT: "DRAFT",
    S.PENDING_APPROVAL: "DRAFT",
    S.SCHEDULED: "QUEUE",
    S.QUEUED: "QUEUE",
    S.PUBLISHING: "QUEUE",
    S.PROCESSING: "QUEUE",
    S.RETRYING: "QUEUE",
    S.PUBLISHED: "PUBLISHED",
    S.FAILED: "ERROR",
    S.UNKNOWN: "ERROR",
    S.CANCELLED: "DELETED",
}
# Postiz's largest editor delay preset: a larger `delay` is in milliseconds (delay_seconds).
MAX_MINUTES_DELAY = 120
# `GET /posts` has no paging: the window bounds one answer. Postiz's calendar asks for a
# day, a week or a month (its month grid spans six weeks); three months leave room.
MAX_LIST_WINDOW = timedelta(days=93)
KINDS = {"now": Job.Kind.PUBLISH_NOW, "schedule": Job.Kind.SCHEDULE, "draft": Job.Kind.DRAFT}

_TAG = re.compile(r"<[a-zA-Z/!][^>]*>")
_BREAK = re.compile(r"<br\s*/?>|</p>\s*(?=<p[\s>])|</(?:div|li|h[1-6])>", re.IGNORECASE)


def plain_text(value: str) -> str:
    """Postiz's editor sends HTML paragraphs; platforms get the text, a line per paragraph."""
    if not _TAG.search(value):
        return value
    return html.unescape(_TAG.sub("", _BREAK.sub("\n", value))).strip()


# -- shapes --------------------------------------------------------------------------------

# Reduced precision that ISO 8601 allows and datetime.fromisoformat does not read: a year,
# or a year and month (Postiz's IsDateString accepts both; dayjs reads them as the start).
_REDUCED = re.compile(r"\d{4}(-\d{2})?")


class PostizDateTimeField(serializers.DateTimeField):
    """Any ISO 8601 date string Postiz's `IsDateString` accepts: a date alone is UTC
    midnight, and a time without an offset is UTC, as Postiz reads them (`dayjs.utc`);
    week dates (`2026-W49-7`) and the basic format (`20261206`) too."""

    def to_internal_value(self, value: object) -> datetime:
        if isinstance(value, datetime):
            parsed = value
        elif isinstance(value, str):
            text = value.strip()
            if _REDUCED.fullmatch(text):
                text += "-01-01"[len(text) - 4 :]
            try:
                parsed = datetime.fromisoformat(text.replace("z", "Z"))
            except ValueError:
                self.fail("invalid", format="ISO 8601, for example 2026-12-06T09:00:00Z")
        else:
            self.fail("invalid", format="an ISO 8601 string")
        if timezone.is_naive(parsed):
            parsed = parsed.replace(tzinfo=UTC)
        return self.enforce_timezone(parsed)


class PostizImageSerializer(serializers.Serializer):
    """Postiz's MediaDto (media.dto.ts), and `alternativeText` as older clients name `alt`."""

    id = serializers.CharField(max_length=40, help_text="The id POST /upload answered.")
    path = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    alt = serializers.CharField(required=False, allow_blank=True, allow_null=True, max_length=1500)
    alternativeText = serializers.CharField(
        required=False, allow_blank=True, allow_null=True, max_length=1500
    )
    thumbnail = serializers.CharField(
        required=False,
        allow_blank=True,
        allow_null=True,
        max_length=2000,
        help_text="Accepted and not used: platforms make their own.",
    )


class PostizValueSerializer(serializers.Serializer):
    content = serializers.CharField(allow_blank=True, trim_whitespace=False, max_length=100_000)
    id = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    image = serializers.ListField(child=PostizImageSerializer(), required=False, max_length=20)
    delay = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=0,
        help_text="Wait before this follow-up after the one before it is published: up to "
        "120 minutes, above that milliseconds (as Postiz reads it).",
    )


class PostizIntegrationRefSerializer(serializers.Serializer):
    id = serializers.CharField(max_length=40)


class PostizPostEntrySerializer(serializers.Serializer):
    integration = PostizIntegrationRefSerializer()
    value = serializers.ListField(child=PostizValueSerializer(), allow_empty=False, max_length=26)
    group = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    type = serializers.CharField(
        required=False,
        allow_blank=True,
        allow_null=True,
        help_text="`draft`: Postiz does not check this entry's settings.",
    )
    settings = serializers.DictField(required=False)

    def validate_settings(self, settings: dict) -> dict:
        # Names are answered back (a header), and an answer is stored for an
        # Idempotency-Key: PostgreSQL refuses a NUL in JSON.
        if any("\x00" in name for name in settings):
            raise serializers.ValidationError("setting names must not contain null characters.")
        return settings

    def validate_value(self, values: list[dict]) -> list[dict]:
        too_long = {
            index: {"delay": [f"at most {MAX_THREAD_DELAY} seconds (7 days)."]}
            for index, value in enumerate(values[1:], start=1)
            if delay_seconds(value.get("delay")) > MAX_THREAD_DELAY
        }
        if too_long:
            # Keyed by index, as DRF's own list errors are (the stubs allow only str keys).
            errors: dict[Any, Any] = too_long
            raise serializers.ValidationError(errors)
        return values


def delay_seconds(delay: int | None) -> int:
    """Postiz's `delay` in seconds. Its editor stores minutes (1 to 120) and its public API
    and CLI milliseconds (5000 by default); Postiz itself reads a value above 120 as
    milliseconds and any other as minutes, and so does Crier (a part second rounds up)."""
    if not delay:
        return 0
    if delay > MAX_MINUTES_DELAY:
        return -(-delay // 1000)
    return delay * 60


class PostizTagSerializer(serializers.Serializer):
    value = serializers.CharField(max_length=100, allow_blank=True)
    # A wire name, not Field.label: DRF's metaclass takes declared fields off the class.
    label = serializers.CharField(max_length=100, required=False, allow_blank=True)  # type: ignore[assignment]


class PostizCreatePostSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=list(KINDS))
    date = PostizDateTimeField(required=False, help_text="Required to schedule.")
    shortLink = serializers.BooleanField(required=False, default=False)
    tags = serializers.ListField(child=PostizTagSerializer(), required=False, max_length=20)
    order = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    inter = serializers.IntegerField(required=False, allow_null=True)
    posts = serializers.ListField(
        child=PostizPostEntrySerializer(), allow_empty=False, max_length=100
    )

    def validate_inter(self, inter: int | None) -> int | None:
        if inter:
            raise serializers.ValidationError(
                "repeating posts are not supported here: Crier's recurrence needs an end "
                "(POST /api/v1/posts/schedule with recurrence)."
            )
        return inter

    def validate(self, attrs: dict) -> dict:
        if attrs["type"] == "schedule" and "date" not in attrs:
            raise serializers.ValidationError({"date": ["is required to schedule a post."]})
        return attrs


class PostizCreatedSerializer(serializers.Serializer):
    postId = serializers.CharField()
    integration = serializers.CharField()


IGNORED_SETTINGS_HEADER = "X-Crier-Ignored-Settings"


def ignored_settings_header(ignored: dict[str, list[str]]) -> str:
    """`{integration id: [setting names]}` as ASCII JSON: names come from the client, and
    escaping keeps any character they hold out of the header's syntax."""
    return json.dumps(ignored, ensure_ascii=True, separators=(",", ":"))


class PostizPostIntegrationSerializer(serializers.Serializer):
    id = serializers.CharField()
    name = serializers.CharField()
    providerIdentifier = serializers.CharField()
    picture = serializers.CharField(allow_blank=True)


class PostizPostImageSerializer(serializers.Serializer):
    id = serializers.CharField()
    path = serializers.CharField(allow_null=True)


class PostizTagNameSerializer(serializers.Serializer):
    id = serializers.CharField(help_text="The label itself: Crier labels are plain strings.")
    name = serializers.CharField()


class PostizPostTagSerializer(serializers.Serializer):
    tag = PostizTagNameSerializer()


class PostizPostRowSerializer(serializers.Serializer):
    """The columns of Postiz's Post row that Crier has (schema.prisma, model Post)."""

    id = serializers.CharField()
    group = serializers.CharField(allow_null=True)
    content = serializers.CharField(allow_blank=True)
    publishDate = serializers.DateTimeField()
    state = serializers.CharField()
    releaseURL = serializers.CharField(allow_null=True)
    releaseId = serializers.CharField(allow_null=True)
    error = serializers.CharField(allow_null=True)
    settings = serializers.CharField(
        help_text="JSON text, as Postiz stores it: `__type` and options."
    )
    intervalInDays = serializers.IntegerField(allow_null=True, help_text="Always null.")
    creationMethod = serializers.CharField(help_text="API: Crier posts are made through its APIs.")
    integrationId = serializers.CharField()
    organizationId = serializers.CharField()
    createdAt = serializers.DateTimeField()
    updatedAt = serializers.DateTimeField()


class PostizPostSerializer(PostizPostRowSerializer):
    thread = serializers.ListField(child=serializers.CharField(allow_blank=True))
    image = PostizPostImageSerializer(many=True)
    tags = PostizPostTagSerializer(many=True)
    integration = PostizPostIntegrationSerializer()


def post_row(delivery: Delivery) -> dict[str, Any]:
    """The Postiz Post row for one delivery (a Postiz post is one channel's)."""
    post, account = delivery.post, delivery.account
    block = post.block_for(account.platform)
    return {
        "id": post.pk,
        "group": post.job_id,
        "content": block.get("text", ""),
        "publishDate": delivery.scheduled_at,
        "state": STATES.get(delivery.status, "QUEUE"),
        "releaseURL": delivery.external_url or None,
        "releaseId": delivery.external_id or None,
        "error": delivery.error_message or None,
        "settings": json.dumps({"__type": account.platform, **block.get("options", {})}),
        "intervalInDays": None,
        "creationMethod": "API",
        "integrationId": account.pk,
        "organizationId": post.workspace_id,
        "createdAt": post.created_at,
        "updatedAt": post.updated_at,
    }


def post_shapes(deliveries: list[Delivery]) -> list[dict]:
    """One Postiz post per delivery (a post per channel), as Postiz's getPosts lists it."""
    media_ids = {ref["id"] for d in deliveries for ref in d.post.media}
    paths = {
        asset.pk: storage.public_url(asset.storage_key)
        for asset in MediaAsset.objects.filter(
            workspace_id__in={d.workspace_id for d in deliveries},  # only ever the caller's
            pk__in=media_ids,
            status__in=[MediaAsset.Status.READY, MediaAsset.Status.PROCESSING],
        )
    }
    shapes = []
    for delivery in deliveries:
        post, account = delivery.post, delivery.account
        shapes.append(
            {
                **post_row(delivery),
                "thread": list(post.block_for(account.platform).get("thread", [])),
                "image": [{"id": ref["id"], "path": paths.get(ref["id"])} for ref in post.media],
                "tags": [{"tag": {"id": label, "name": label}} for label in post.labels],
                "integration": {
                    "id": account.pk,
                    "name": account.display_name or account.username or account.external_id,
                    "providerIdentifier": account.platform,
                    "picture": account.avatar_url,
                },
            }
        )
    return list(PostizPostSerializer(shapes, many=True).data)


def post_get(request: Request, post_id: str) -> Post:
    post = Post.objects.filter(workspace=api_context(request).workspace, pk=post_id).first()
    if post is None:
        raise not_found("Post not found")
    return post


# -- create and list -----------------------------------------------------------------------


def _channels(request: Request, entries: list[dict]) -> dict[str, SocialAccount]:
    ids = {entry["integration"]["id"] for entry in entries}
    accounts = {
        account.pk: account
        for account in SocialAccount.objects.connected().filter(
            workspace=api_context(request).workspace, pk__in=ids
        )
    }
    unknown = sorted(ids - accounts.keys())
    if unknown:
        raise not_found(f"Integration not found: {', '.join(unknown)}")
    return accounts


def _media_by_path(workspace_id: str, entries: list[dict]) -> None:
    """Give image refs whose id is not one of the workspace's media the id of the upload
    their `path` names (`<host>/.../<workspace>/<file>`), when there is one."""
    images = [
        image for entry in entries for value in entry["value"] for image in value.get("image") or []
    ]
    known = set(
        MediaAsset.objects.filter(
            workspace_id=workspace_id, pk__in=[image["id"] for image in images]
        ).values_list("pk", flat=True)
    )
    for image in images:
        if image["id"] in known or not image.get("path"):
            continue
        try:
            path = unquote(urlsplit(image["path"]).path)
        except ValueError:  # malformed (`http://[`): it names no upload, the id is refused
            continue
        key = "/".join(path.rstrip("/").split("/")[-2:])
        if "\x00" in key:  # `%00`: no stored key holds one, and PostgreSQL refuses it
            continue
        found = (
            MediaAsset.objects.filter(workspace_id=workspace_id, storage_key=key)
            .values_list("pk", flat=True)
            .first()
        )
        if found:
            image["id"] = found


def _native_item(
    entry: dict, account: SocialAccount, *, when: str | None, labels: list[str]
) -> tuple[dict, list[str]]:
    """The native bulk item for one Postiz channel entry, and the settings left out."""
    first, *follow_ups = entry["value"]
    options, ignored = postiz_settings.crier_options(account.platform, entry.get("settings") or {})
    block: dict[str, Any] = {"type": "status", "text": plain_text(first["content"])}
    if follow_ups:
        block["thread"] = [plain_text(value["content"]) for value in follow_ups]
        delays = [delay_seconds(value.get("delay")) for value in follow_ups]
        if any(delays):
            block["thread_delays"] = delays
    block.update(options)
    thread_media = [_media_refs(value) for value in follow_ups]
    target = {"id": account.pk, **({"scheduled_at": when} if when else {})}
    item = {
        "networks": {account.platform: block},
        "accounts": [target],
        "media": _media_refs(first),
        **({"thread_media": thread_media} if any(thread_media) else {}),
        "labels": labels,
    }
    return item, ignored


def _media_refs(value: dict) -> list[dict]:
    """A Postiz value's images as native `{id, alt}` refs."""
    return [
        {"id": image["id"], "alt": image.get("alt") or image.get("alternativeText") or ""}
        for image in value.get("image") or []
    ]


def _native_messages(errors: object) -> list[str]:
    """Native field paths, renamed to the request's (`bulk.posts[0]` → `posts[0]`)."""
    return [
        message.replace("bulk.posts", "posts").removeprefix("bulk.")
        for message in flatten_errors(errors)
    ]


class PostizPostListQuerySerializer(serializers.Serializer):
    startDate = PostizDateTimeField()
    endDate = PostizDateTimeField(help_text=f"At most {MAX_LIST_WINDOW.days} days after startDate.")
    customer = serializers.CharField(required=False, help_text="Ignored: Crier has no customers.")

    def validate(self, attrs: dict) -> dict:
        if attrs["endDate"] < attrs["startDate"]:
            raise serializers.ValidationError({"endDate": ["is before startDate."]})
        if attrs["endDate"] - attrs["startDate"] > MAX_LIST_WINDOW:
            raise serializers.ValidationError(
                {
                    "endDate": [
                        f"at most {MAX_LIST_WINDOW.days} days after startDate: ask for a "
                        "longer period in several windows."
                    ]
                }
            )
        return attrs


class PostsView(PostizView):
    @extend_schema(
        tags=TAGS,
        request=PostizCreatePostSerializer,
        responses={201: PostizCreatedSerializer(many=True), **ERRORS},
        parameters=[IDEMPOTENCY_PARAMETER],
        description="Create, schedule or publish: one post per channel entry, one group. "
        "Settings the channel's connector does not apply are named in the "
        f"`{IGNORED_SETTINGS_HEADER}` header, JSON `{{integration id: [names]}}`.",
    )
    def post(self, request: Request) -> Response:
        # Crier's Idempotency-Key, when the client sends one: a retry posts once.
        return idempotent(
            request, api_context(request).workspace, lambda: create_posts(request, request.data)
        )

    @extend_schema(
        tags=TAGS,
        parameters=[PostizPostListQuerySerializer],
        responses={
            200: inline_serializer("PostizPostList", {"posts": PostizPostSerializer(many=True)}),
            **ERRORS,
        },
        description="Posts per channel whose time falls in [startDate, endDate], a window "
        f"of at most {MAX_LIST_WINDOW.days} days.",
    )
    def get(self, request: Request) -> Response:
        return list_posts(request)


def create_posts(request: Request, body: object) -> Response:
    """One native post per channel entry, in one job (the Postiz group); all or nothing."""
    dialect = PostizCreatePostSerializer(data=body)
    dialect.is_valid(raise_exception=True)
    data = dialect.validated_data
    accounts = _channels(request, data["posts"])
    _media_by_path(api_context(request).workspace.pk, data["posts"])
    kind = KINDS[data["type"]]
    when = data["date"].isoformat() if "date" in data and kind != Job.Kind.PUBLISH_NOW else None
    labels = [tag.get("label") or tag["value"] for tag in data.get("tags", [])]
    labels = [label for label in labels if label]
    refused = [
        f"posts.{index}.settings.{problem}"
        for index, entry in enumerate(data["posts"])
        # Postiz checks settings unless the entry is a draft (Post.settings: ValidateIf).
        if entry.get("type") != "draft"
        for problem in postiz_settings.settings_problems(
            accounts[entry["integration"]["id"]].platform, entry.get("settings") or {}
        )
    ]
    if refused:
        raise exceptions.ValidationError(refused)
    items, ignored = [], []
    for entry in data["posts"]:
        item, unused = _native_item(
            entry, accounts[entry["integration"]["id"]], when=when, labels=labels
        )
        items.append(item)
        ignored.append(unused)
    state = "draft" if kind == Job.Kind.DRAFT else "scheduled"
    native = ScheduleRequestSerializer(
        data={"bulk": {"state": state, "posts": items}}, context={"mode": kind}
    )
    if not native.is_valid():
        raise exceptions.ValidationError(_native_messages(native.errors))
    with transaction.atomic():
        job = services.job_create(
            context=api_context(request), request=native.command(), expand_now=True
        )
        job.refresh_from_db()
        refusals = [
            f"posts[{index}] ({accounts[account_id].platform} {account_id}): {message}"
            for index, by_account in job.payload.get("failures", {}).items()
            for account_id, messages in by_account.items()
            for message in messages
        ]
        if job.status == JobStatus.FAILED:
            refusals.append(job.error or "The post could not be stored.")
        if refusals:
            transaction.set_rollback(True)
            raise exceptions.ValidationError(refusals)
        posts = {post.input_index: post for post in Post.objects.filter(job=job)}
    created = [
        {"postId": posts[index].pk, "integration": entry["integration"]["id"]}
        for index, entry in enumerate(data["posts"])
    ]
    left_out: dict[str, list[str]] = {}
    for index, entry in enumerate(data["posts"]):
        if ignored[index]:
            left_out.setdefault(entry["integration"]["id"], []).extend(ignored[index])
    headers = {IGNORED_SETTINGS_HEADER: ignored_settings_header(left_out)} if left_out else None
    return Response(PostizCreatedSerializer(created, many=True).data, status=201, headers=headers)


def list_posts(request: Request) -> Response:
    """Posts per channel whose time falls in [startDate, endDate]."""
    query = PostizPostListQuerySerializer(data=request.query_params)
    query.is_valid(raise_exception=True)
    window = query.validated_data
    deliveries = (
        Delivery.objects.filter(
            workspace=api_context(request).workspace,
            scheduled_at__gte=window["startDate"],
            scheduled_at__lte=window["endDate"],
            thread_index__isnull=True,  # a delayed follow-up shows in its post's `thread`
        )
        .exclude(status=S.CANCELLED)
        .select_related("post", "account")
        .prefetch_related("post__media_links")
        .order_by("scheduled_at", "pk")
    )
    return Response({"posts": post_shapes(list(deliveries))})


# -- one post ------------------------------------------------------------------------------

_DELETED = inline_serializer(
    "PostizPostDeleted",
    {
        "error": serializers.BooleanField(
            help_text="Always false. Postiz answers true after deleting (a quirk of its service)."
        ),
        "id": serializers.CharField(),
        "cancelled": serializers.IntegerField(),
        "alreadyPublished": serializers.ListField(child=serializers.CharField()),
    },
)


def _published_urls(posts: list[Post]) -> list[str]:
    return list(
        Delivery.objects.filter(post__in=posts, status=S.PUBLISHED)
        .order_by("created_at")
        .values_list("external_url", flat=True)
    )


class PostDetailView(PostizView):
    @extend_schema(
        tags=TAGS,
        request=None,
        responses={200: _DELETED, **ERRORS},
        description="Cancels what has not gone out; what was published stays and is listed.",
    )
    def delete(self, request: Request, post_id: str) -> Response:
        post = post_get(request, post_id)
        cancelled = services.post_delete(post=post)
        return Response(
            {
                "error": False,
                "id": post.pk,
                "cancelled": cancelled,
                "alreadyPublished": _published_urls([post]),
            }
        )


class GroupDeleteView(PostizView):
    @extend_schema(
        tags=TAGS,
        request=None,
        responses={200: _DELETED, **ERRORS},
        description="A group is the set of posts one POST /posts created (a Crier job).",
    )
    def delete(self, request: Request, group: str) -> Response:
        posts = list(Post.objects.filter(workspace=api_context(request).workspace, job_id=group))
        if not posts:
            raise not_found("Group not found")
        cancelled = sum(services.post_delete(post=post) for post in posts)
        return Response(
            {
                "error": False,
                "id": group,
                "cancelled": cancelled,
                "alreadyPublished": _published_urls(posts),
            }
        )


class PostizMissingContentSerializer(serializers.Serializer):
    id = serializers.CharField(help_text="The platform's id of a recent post.")
    url = serializers.CharField(
        help_text="A picture of it where the platform gives one (a video's cover, as Postiz "
        "shows it to pick from), else its public page."
    )
    releaseURL = serializers.CharField(
        allow_blank=True,
        help_text="Crier's own: its public page, recorded with the id by PUT release-id.",
    )


# Postiz lists a channel's last 20 (TikTok's video/list at most).
MISSING_LIMIT = 20


class PlatformUnavailable(exceptions.APIException):
    """The platform could not be reached now (an answer, not a crash: try again)."""

    status_code = 503
    default_code = "platform_unavailable"


def _delivery_in(request: Request, post_id: str, statuses: tuple[str, ...]) -> Delivery | None:
    """The delivery of `post_id` (a post id, or a delivery id for one channel of it) in one
    of `statuses`; None when it has none. A post sent to several channels names them."""
    if post_id.startswith("dlv_"):
        delivery = get_object_or_404(
            Delivery.objects.select_related("post", "account"),
            workspace=api_context(request).workspace,
            pk=post_id,
        )
        candidates = [delivery] if delivery.status in statuses else []
    else:
        post = post_get(request, post_id)
        candidates = list(
            Delivery.objects.filter(
                post=post, status__in=statuses, thread_index__isnull=True
            ).select_related("post", "account")
        )
    if len(candidates) > 1:
        ids = ", ".join(delivery.pk for delivery in candidates)
        raise exceptions.ValidationError(
            f"This post went to several channels: send one delivery id instead ({ids})."
        )
    return candidates[0] if candidates else None


def recent_content(delivery: Delivery) -> list[RecentPost] | None:
    """The recent posts of the delivery's channel, read from its platform now."""
    account = delivery.account
    if account.disconnected_at is not None or account.status != AccountStatus.ACTIVE:
        raise exceptions.ValidationError(
            "The channel must be connected and active to list its posts: reconnect it."
        )
    name = connector_class(account.platform).display_name
    try:
        return account_services.social_account_recent_posts(account=account, limit=MISSING_LIMIT)
    except TransientError as exc:
        raise PlatformUnavailable(f"{name} could not be reached: {exc.message}") from exc
    except ConnectorError as exc:
        raise exceptions.ValidationError(
            f"{name} refused to list the channel's posts: {exc.message}"
        ) from exc


class MissingView(PostizView):
    @extend_schema(
        tags=TAGS,
        responses={
            200: PostizMissingContentSerializer(many=True),
            **ERRORS,
            503: PostizErrorSerializer,
        },
        description="Postiz's getMissingContent: for a post whose outcome is unknown (it "
        "may have gone out while the platform's answer was lost; Postiz's `missing`), the "
        f"channel's latest {MISSING_LIMIT} posts, read from the platform now, to pick its "
        "id and record it with PUT /posts/{id}/release-id. `[]` for any other post, and for "
        "platforms that list no posts (as Postiz). `:id` is a post id, or a delivery id "
        "(dlv_…) for a post sent to several channels. 400 when the platform refuses, 503 "
        "when it cannot be reached.",
    )
    def get(self, request: Request, post_id: str) -> Response:
        delivery = _delivery_in(request, post_id, (S.UNKNOWN,))
        recent = recent_content(delivery) if delivery is not None else None
        return Response(
            PostizMissingContentSerializer(
                [
                    {
                        "id": post.external_id,
                        "url": post.preview_url or post.url,
                        "releaseURL": post.url,
                    }
                    for post in recent or []
                ],
                many=True,
            ).data
        )


class PostizStatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=["draft", "schedule"])


_STATUS_ANSWER = inline_serializer(
    "PostizPostStatus", {"id": serializers.CharField(), "state": serializers.CharField()}
)


class StatusView(PostizView):
    @extend_schema(
        tags=TAGS,
        request=PostizStatusSerializer,
        responses={200: _STATUS_ANSWER, **ERRORS},
        description="draft ⇄ schedule, at the post's time (a past time is a 400).",
    )
    def put(self, request: Request, post_id: str) -> Response:
        post = post_get(request, post_id)
        body = PostizStatusSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        target = S.DRAFT if body.validated_data["status"] == "draft" else S.SCHEDULED
        native = PostUpdateSerializer(data={"state": target}, context={"post": post})
        native.is_valid(raise_exception=True)
        post_edit(context=api_context(request), post=post, changes=native.validated_data)
        post = Post.objects.get(pk=post.pk)
        return Response({"id": post.pk, "state": STATES.get(post.state, "QUEUE")})


class PostizReleaseIdSerializer(serializers.Serializer):
    releaseId = serializers.CharField(max_length=200)
    releaseURL = serializers.URLField(required=False, max_length=1000)


def _released_delivery(request: Request, post_id: str) -> Delivery:
    delivery = _delivery_in(request, post_id, (S.PUBLISHED, S.UNKNOWN))
    if delivery is None:
        raise exceptions.ValidationError(
            "A release id is recorded for a published post, or one whose outcome is unknown; "
            "this one is neither."
        )
    return delivery


def _listed_url(delivery: Delivery, release_id: str) -> str | None:
    """The public page of `release_id` when it is one of the channel's recent posts (an
    id picked from GET /posts/{id}/missing); None when it is not, or cannot be read now:
    the id is what the client records, the page only completes it."""
    try:
        recent = recent_content(delivery)
    except (exceptions.ValidationError, PlatformUnavailable):
        return None
    return next((post.url for post in recent or [] if post.external_id == release_id), None)


class ReleaseIdView(PostizView):
    @extend_schema(
        tags=TAGS,
        request=PostizReleaseIdSerializer,
        responses={200: PostizPostRowSerializer, **ERRORS},
        description="`:id` is a post id, or a delivery id (dlv_…) for a post sent to several "
        "channels.",
    )
    def put(self, request: Request, post_id: str) -> Response:
        body = PostizReleaseIdSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        delivery = _released_delivery(request, post_id)
        release_id = body.validated_data["releaseId"]
        changes = {"external_id": release_id}
        if "releaseURL" in body.validated_data:
            changes["external_url"] = body.validated_data["releaseURL"]
        elif url := _listed_url(delivery, release_id):
            changes["external_url"] = url
        member = api_context(request).member
        with transaction.atomic():
            if delivery.status == S.UNKNOWN:
                services.delivery_resolve(
                    delivery=delivery,
                    outcome=S.PUBLISHED,
                    resolved_by=f"{member.user.get_username()} (Postiz release-id)",
                )
            Delivery.objects.filter(pk=delivery.pk, status=S.PUBLISHED).update(**changes)
        # Postiz answers the updated Post row.
        delivery = Delivery.objects.select_related("post", "account").get(pk=delivery.pk)
        return Response(PostizPostRowSerializer(post_row(delivery)).data)


class PostizUrlValueSerializer(PostizValueSerializer):
    imageUrls = serializers.ListField(
        child=serializers.URLField(max_length=2000), required=False, max_length=20
    )


class PostizUrlEntrySerializer(PostizPostEntrySerializer):
    value = serializers.ListField(
        child=PostizUrlValueSerializer(), allow_empty=False, max_length=26
    )


class PostizCreateWithUrlsSerializer(PostizCreatePostSerializer):
    posts = serializers.ListField(
        child=PostizUrlEntrySerializer(), allow_empty=False, max_length=100
    )

    def validate(self, attrs: dict) -> dict:
        attrs = super().validate(attrs)
        named = sum(
            len(value.get("imageUrls", [])) for entry in attrs["posts"] for value in entry["value"]
        )
        if named > settings.POSTIZ_MAX_IMAGE_URLS:
            raise serializers.ValidationError(
                {
                    "imageUrls": [
                        f"at most {settings.POSTIZ_MAX_IMAGE_URLS} in one request ({named} "
                        "given): upload the others first with POST /upload-from-url."
                    ]
                }
            )
        return attrs


class PostsWithUrlsView(PostizView):
    """`POST /postsurl`, what @postiz/node's `postWithUrls` calls: values name `imageUrls`,
    which Crier fetches now (SSRF-guarded, bytes checked as any upload) and attaches, then
    creates the posts as `POST /posts` does. A URL that cannot be used is a 400 naming it; a
    refused request keeps none of the files it fetched. It fetches media as
    `POST /upload-from-url` does, so the key needs the `media` scope too, and a request
    names at most `POSTIZ_MAX_IMAGE_URLS` URLs, fetched within `POSTIZ_IMAGE_URLS_TIMEOUT`
    seconds in all."""

    extra_scopes = (Scope.MEDIA,)

    @extend_schema(
        tags=TAGS,
        request=PostizCreateWithUrlsSerializer,
        responses={201: PostizCreatedSerializer(many=True), **ERRORS},
        parameters=[IDEMPOTENCY_PARAMETER],
        operation_id="postiz_posts_with_urls",
    )
    def post(self, request: Request) -> Response:
        return create_posts_with_urls(request)


def create_posts_with_urls(request: Request) -> Response:
    """Fetch the values' `imageUrls`, then create the posts; all or nothing, files included.

    The files are discarded here, outside the Idempotency-Key's transaction: its rollback
    takes the rows along but not the stored objects."""
    fetched: list[MediaAsset] = []
    try:
        response = idempotent(
            request, api_context(request).workspace, lambda: _with_urls(request, fetched)
        )
    except Exception:
        media_services.media_discard(assets=fetched)
        raise
    if response.has_header("Idempotent-Replayed"):
        # A concurrent request with the same key won: this one's work was rolled back.
        media_services.media_discard(assets=fetched)
    return response


def _with_urls(request: Request, fetched: list[MediaAsset]) -> Response:
    dialect = PostizCreateWithUrlsSerializer(data=request.data)
    dialect.is_valid(raise_exception=True)
    # One deadline for all the URLs: each fetch has its own limits, and a request naming
    # many must not hold a web process for the sum of them.
    deadline = time.monotonic() + settings.POSTIZ_IMAGE_URLS_TIMEOUT
    assert isinstance(request.data, Mapping)  # is_valid refused anything but an object
    body = {**request.data, "posts": [dict(entry) for entry in request.data["posts"]]}
    for entry, checked in zip(body["posts"], dialect.validated_data["posts"], strict=True):
        entry["value"] = [
            {
                **{k: v for k, v in value.items() if k != "imageUrls"},
                "image": [
                    *value.get("image", []),
                    *_fetched(request, value, fetched, deadline=deadline),
                ],
            }
            for value in checked["value"]
        ]
    return create_posts(request, body)


def _fetched(
    request: Request, value: dict, fetched: list[MediaAsset], *, deadline: float
) -> list[dict]:
    """The value's `imageUrls` as image refs; every asset made is added to `fetched`."""
    images = []
    for url in value.get("imageUrls", []):
        if time.monotonic() >= deadline:
            raise exceptions.ValidationError(
                f"imageUrls: {url}: not fetched, the request's "
                f"{settings.POSTIZ_IMAGE_URLS_TIMEOUT} seconds for its imageUrls have passed; "
                "upload large files first with POST /upload-from-url."
            )
        asset = media_services.media_from_url_fetch_now(
            workspace=api_context(request).workspace, url=url, within=deadline - time.monotonic()
        )
        fetched.append(asset)
        if asset.status not in (MediaAsset.Status.READY, MediaAsset.Status.PROCESSING):
            raise exceptions.ValidationError(f"imageUrls: {url}: {asset.error or asset.status}")
        images.append({"id": asset.pk, "path": storage.public_url(asset.storage_key)})
    return images
