"""What the authorization matrix (tests/test_authorization_matrix.py) runs against.

`World` is workspace A, whose objects are made on first use (a test pays only for what
its request names), and an outsider: the owner of workspace B, with every scope.
`Caller` sends a Crier key the way one dialect does; `Request` is one request to send.
"""

from __future__ import annotations

import itertools
import json
import secrets
from dataclasses import dataclass, field
from datetime import time, timedelta
from functools import cached_property
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Model, QuerySet
from django.http import HttpResponse
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import Member, Scope, SocialAccount, Workspace
from accounts.services import api_key_issue
from media.models import MediaAsset
from planning.models import Notification, PlannedPost, PostingSchedule
from posts.models import Delivery, Job, Post
from posts.states import DeliveryStatus, JobStatus
from tests.factories import MemberFactory, SocialAccountFactory, WorkspaceFactory
from webhooks.models import WebhookEndpoint

ALL_SCOPES: tuple[str, ...] = tuple(Scope.values)
# Every request comes from its own loopback address: a failed-authentication counter per
# client address (issue 16, finding 13) must not turn one test's 401s into another's 429.
_ADDRESSES = (f"127.{b}.{c}.{d}" for b, c, d in itertools.product(range(1, 255), repeat=3))

# How each dialect presents a key (request.META names).
KEY_HEADERS = {
    "native": lambda secret: {"HTTP_AUTHORIZATION": f"Bearer-API {secret}"},
    "publora": lambda secret: {"HTTP_X_PUBLORA_KEY": secret},
    "postpost": lambda secret: {"HTTP_X_API_KEY": secret},
    "postiz": lambda secret: {"HTTP_AUTHORIZATION": secret},
    "repostra": lambda secret: {"HTTP_X_API_KEY": secret},
}


@dataclass(frozen=True)
class Request:
    """One request: `path` may carry a query string; `body` is JSON unless `multipart`."""

    path: str
    body: dict[str, Any] | None = None
    multipart: bool = False

    def text(self) -> str:
        return self.path + json.dumps(self.body, default=str)


@dataclass
class Caller:
    member: Member | None  # None: no key at all
    secret: str = ""
    acting_as: str = ""  # x-postpost-user-id

    def send(self, method: str, dialect: str, request: Request) -> HttpResponse:
        headers: dict[str, str] = {"REMOTE_ADDR": next(_ADDRESSES)}
        if self.member is not None:
            headers.update(KEY_HEADERS[dialect](self.secret))
        if self.acting_as:
            headers["HTTP_X_POSTPOST_USER_ID"] = self.acting_as
        if request.multipart:
            data, content_type = encode_multipart(BOUNDARY, request.body or {}), MULTIPART_CONTENT
        else:
            data = "" if request.body is None else json.dumps(request.body)
            content_type = "application/json"
        return APIClient().generic(method, request.path, data, content_type=content_type, **headers)


def caller_for(member: Member, scopes: tuple[str, ...] = ALL_SCOPES) -> Caller:
    issued = api_key_issue(
        workspace=member.workspace, name="matrix", scopes=list(scopes), member=member
    )
    return Caller(member=member, secret=issued.secret)


@dataclass
class World:
    """Workspace A and the outsider's workspace B. A's objects carry marker text that no
    request sends, so an answer to the outsider can be searched for anything of A's."""

    workspace: Workspace = field(
        default_factory=lambda: WorkspaceFactory(name=f"alpha-{secrets.token_hex(4)}")
    )
    made: list[str] = field(default_factory=list)  # ids and texts of what A holds
    rows: list[QuerySet] = field(default_factory=list)  # A's rows, to see they stay as they were

    def member(self, role: str) -> Member:
        return MemberFactory(workspace=self.workspace, role=role)

    def caller(self, role: str, scopes: tuple[str, ...] = ALL_SCOPES) -> Caller:
        return caller_for(self.member(role), scopes)

    @cached_property
    def owner(self) -> Caller:
        return self.caller("owner")

    @cached_property
    def outsider(self) -> Caller:
        return caller_for(MemberFactory(workspace=WorkspaceFactory(name="beta")))

    def _keep(self, obj: Model, *values: str) -> None:
        self.rows.append(type(obj).objects.filter(pk=obj.pk))
        self.made.extend([obj.pk, *values])

    def state(self) -> list[list[dict]]:
        return [list(rows.values()) for rows in self.rows]

    @cached_property
    def account(self) -> SocialAccount:
        account = SocialAccountFactory(workspace=self.workspace)
        self._keep(account, account.username, account.display_name)
        return account

    @cached_property
    def website_account(self) -> SocialAccount:
        """A webhook account: Repostra lists only the platforms of its document."""
        account = SocialAccountFactory(workspace=self.workspace, platform="webhook")
        self._keep(account, account.username, account.display_name)
        return account

    @cached_property
    def post(self) -> Post:
        """A draft to A's account, as a job's expansion stores one (made directly: the
        matrix needs a post to point at, not the pipeline's work)."""
        text = f"alpha-post-{secrets.token_hex(4)}"
        job = Job.objects.create(
            workspace=self.workspace,
            kind=Job.Kind.DRAFT,
            status=JobStatus.COMPLETED,
            payload={"failures": {}},
        )
        post = Post.objects.create(
            workspace=self.workspace, job=job, networks={"default": {"text": text}}
        )
        Delivery.objects.create(
            workspace=self.workspace,
            post=post,
            account=self.account,
            status=DeliveryStatus.DRAFT,
            scheduled_at=timezone.now() + timedelta(days=1),
            idempotency_key=f"matrix-{post.pk}",
        )
        self.rows.append(Delivery.objects.filter(post=post))
        self._keep(post, job.pk, text)
        return post

    @cached_property
    def media(self) -> MediaAsset:
        name = f"alpha-{secrets.token_hex(4)}.png"
        response = self.owner.send(
            "POST",
            "native",
            Request("/api/v1/media/upload-url", {"fileName": name, "contentType": "image/png"}),
        )
        assert response.status_code == 201, response.content
        asset = MediaAsset.objects.get(pk=response.json()["mediaId"])
        self._keep(asset, name)
        return asset

    @cached_property
    def webhook(self) -> WebhookEndpoint:
        # Made directly: the API would resolve the host (tests send nothing off loopback).
        url = f"https://alpha-{secrets.token_hex(4)}.example.com/hook"
        endpoint = WebhookEndpoint.objects.create(
            workspace=self.workspace, url=url, signing={"secret": "whsec_" + "a" * 32}
        )
        self._keep(endpoint, url)
        return endpoint

    @cached_property
    def schedule(self) -> PostingSchedule:
        """On the webhook account: Repostra shows only schedules of the accounts it lists."""
        schedule = PostingSchedule.objects.create(
            workspace=self.workspace, account=self.website_account, day_of_week=0, time=time(9, 0)
        )
        self._keep(schedule)
        return schedule

    @cached_property
    def notification(self) -> Notification:
        message = f"alpha-notice-{secrets.token_hex(4)}"
        notification = Notification.objects.create(
            workspace=self.workspace, event="post.failed", message=message
        )
        self._keep(notification, message)
        return notification

    @cached_property
    def topic(self) -> PlannedPost:
        """A planned social post (Repostra: a topic awaiting approval)."""
        topic = f"alpha-topic-{secrets.token_hex(4)}"
        plan = PlannedPost.objects.create(
            workspace=self.workspace, topic=topic, account_ids=[self.account.pk]
        )
        self._keep(plan, topic)
        return plan

    @cached_property
    def blog(self) -> PlannedPost:
        """Repostra content: a blog post planned for A's account."""
        title = f"alpha-blog-{secrets.token_hex(4)}"
        plan = PlannedPost.objects.create(
            workspace=self.workspace, kind="blog", topic=title, account_ids=[self.account.pk]
        )
        self._keep(plan, title)
        return plan

    def seed(self) -> None:
        """Everything a list could show, for the outsider's lists to leave out."""
        for name in (
            "account", "website_account", "post", "media", "webhook", "schedule",
            "notification", "topic", "blog",
        ):  # fmt: skip
            getattr(self, name)
        self._keep(self.workspace, self.workspace.name)

    def leaks(self, request: Request, answer: bytes) -> list[str]:
        """What of A's the answer shows, besides what the request itself named."""
        sent = request.text()
        text = answer.decode(errors="replace")
        return [value for value in self.made if value and value not in sent and value in text]


def tiny_file(name: str, content_type: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"not a video", content_type=content_type)
