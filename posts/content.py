"""From stored posts to what a connector receives, and the per-account checks before that."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

from django.conf import settings
from django.utils import timezone

from accounts.models import SocialAccount, Workspace
from accounts.platforms import connector_for
from accounts.tokens import credentials_for
from connectors.base import Content, MediaItem
from connectors.errors import PermanentError, TransientError
from media import services as media_services
from media.models import MediaAsset
from media.selectors import MediaFacts, facts_of
from posts import replies
from posts.commands import PostSpec
from posts.models import Delivery, Post, PostMedia, ThreadItemMedia
from posts.states import DeliveryStatus

# Seconds between two looks at media that is still being uploaded.
MEDIA_RECHECK = 30.0


def media_index(*, workspace: Workspace, ids: set[str]) -> dict[str, MediaFacts]:
    """Media assets of these ids, by id, within the workspace: another workspace's ids are
    simply absent. Uploads PUT but never completed are checked now."""
    return media_services.media_resolve(workspace_id=workspace.pk, ids=ids) if ids else {}


def thread_refs(spec: PostSpec) -> list[list[dict]]:
    """The spec's `thread_media` as `problems_for` takes it: one `[{id, alt}]` per item."""
    return [[{"id": ref.id, "alt": ref.alt} for ref in refs] for refs in spec.thread_media]


def problems_for(
    *,
    post: Post,
    media: list[dict],
    account: SocialAccount | None,
    account_id: str,
    media_index: dict,
    thread_media: Sequence[Sequence[dict]] = (),
) -> list[str]:
    """Why this post, with `media` (the `[{id, alt}]` it has or is about to have) and its
    follow-ups' `thread_media`, cannot go to this account (empty when it can)."""
    if account is None:
        return [f"Account {account_id} is not connected to this workspace."]
    if not account.can_publish:
        reason = f" ({account.status_reason})" if account.status_reason else ""
        return [f"Account {account_id} is {account.status}{reason}: reconnect it first."]
    refs = [*media, *(ref for item_refs in thread_media for ref in item_refs)]
    unlisted = {ref["id"] for ref in refs} - media_index.keys()
    if unlisted:  # an edit that left the media alone: the index was built from the changes
        media_index.update(
            media_services.media_resolve(workspace_id=post.workspace_id, ids=unlisted)
        )
    missing = list(dict.fromkeys(ref["id"] for ref in refs if ref["id"] not in media_index))
    if missing:
        return [f"Media not found: {', '.join(missing)}."]
    unusable = [media_index[ref["id"]].problem for ref in refs]
    if any(unusable):
        return [problem for problem in unusable if problem]
    connector = connector_for(account.platform)
    content = build_content(post, account, "", media_index=media_index, media=media)
    # The account's own limits: a Mastodon instance or a Bluesky server may set other ones.
    credentials = credentials_for(account)
    problems = [problem.message for problem in connector.validate(content, credentials)]
    for index, item_refs in enumerate(thread_media):
        if not item_refs:
            continue
        if index >= len(content.thread):
            problems.append(f"thread[{index}]: has media but the thread has no such item.")
            continue
        # A follow-up with media is a post of its own, in reply to the one before.
        reply = Content(
            text=content.thread[index],
            media=_media_items(item_refs, account, media_index, sending=False),
            options=content.options,
            idempotency_key="",
            reply_to="(the item before)",
        )
        problems += [
            f"thread[{index}]: {p.message}" for p in connector.validate(reply, credentials)
        ]
    return problems


def build_content(
    post: Post,
    account: SocialAccount,
    idempotency_key: str,
    *,
    media_index: dict[str, MediaFacts] | None = None,
    media: list[dict] | None = None,
    links: list[PostMedia] | None = None,
) -> Content:
    """What the connector receives. With `media_index` the content is being checked (a
    rendition still being made stands in by its type), for `media` when given (an edit's
    or a new post's), else the post's own; without, it is being sent: the post's `links`
    with their assets, read now when not given."""
    block = post.block_for(account.platform)
    sending = media_index is None
    if media_index is None:
        links = linked_media(post) if links is None else links
        refs = [{"id": link.asset_id, "alt": link.alt} for link in links]
        # A link to another workspace's asset is never written; were one there, it is gone.
        media_index = {
            link.asset_id: facts_of(link.asset)
            for link in links
            if link.asset.workspace_id == post.workspace_id
        }
    else:
        refs = post.media if media is None else media
    return Content(
        text=block.get("text", ""),
        media=_media_items(refs, account, media_index, sending=sending),
        options=options_for(post, account.platform),
        idempotency_key=idempotency_key,
        thread=tuple(block.get("thread", ())),
    )


def _media_items(
    refs: Sequence[dict],
    account: SocialAccount,
    media_index: dict[str, MediaFacts],
    *,
    sending: bool,
) -> tuple[MediaItem, ...]:
    """The files `refs` name, as the account's platform takes them; `sending`: they are
    going out now, so each must be there and ready."""
    limits = connector_for(account.platform).limits_for(credentials_for(account))
    accepted = limits.image_types | limits.video_types
    items = []
    for ref in refs:
        facts = media_index.get(ref["id"])
        if facts is None or facts.original is None:
            if sending:
                why = facts.problem if facts else f"Media {ref['id']} was deleted."
                raise PermanentError(f"{why} Edit the post.", code="media_gone")
            continue  # problems_for has said why
        # The original when the platform takes its type, else a copy it takes (WebP → JPEG).
        item = next(
            (v for v in (facts.original, *facts.alternatives) if v.mime_type in accepted),
            facts.original,
        )
        if sending and not item.url:
            raise TransientError(
                f"Media {ref['id']} is still being converted for {account.platform}.",
                ambiguous=False,
                retry_after=30,
                code="media_processing",
            )
        items.append(replace(item, alt_text=ref.get("alt") or None))
    return tuple(items)


def delivery_media(delivery: Delivery) -> list[PostMedia]:
    """`linked_media` of the delivery's post; none, without a query, when the publish
    claim found that the post has none (`post_has_media`)."""
    if getattr(delivery, "post_has_media", True):
        return linked_media(delivery.post)
    return []


def linked_media(post: Post) -> list[PostMedia]:
    """The post's media links in order, each with its asset: those `media_prefetch`
    loaded, else one query."""
    loaded = getattr(post, "media_loaded", None)
    if loaded is not None:
        return loaded
    return list(post.media_links.select_related("asset"))


def options_for(post: Post, platform: str) -> dict:
    """A network's own block is taken as written (the API checked it); options in the
    `default` block reach only the networks that know them."""
    if platform in post.networks:
        return post.networks[platform].get("options", {})
    known = {option.name for option in connector_for(platform).options}
    defaults = post.networks.get("default", {}).get("options", {})
    return {name: value for name, value in defaults.items() if name in known}


def media_wait(delivery: Delivery, *, now: datetime | None = None) -> None:
    """Check that the post's media is all there before it is sent.

    A post can name media whose file is still being uploaded (Publora/PostPost attach the
    upload to an existing post). Uploads that arrived are checked now; while others are
    still missing, raises TransientError (look again later) until CRIER_MEDIA_WAIT past
    the scheduled time, then PermanentError: the post never goes out without its media.
    """
    links = delivery_media(delivery)
    pending = [link for link in links if link.asset.status == MediaAsset.Status.PENDING_UPLOAD]
    if not pending:
        return  # no lookup on the fast path: ready, processing or failed (build_content says)
    index = media_services.media_resolve(
        workspace_id=delivery.post.workspace_id, ids={link.asset_id for link in pending}
    )
    for link in pending:
        link.asset.refresh_from_db()  # an upload checked now is sent as it now stands
    waiting = sorted(
        media_id
        for media_id, facts in index.items()
        if facts.status == MediaAsset.Status.PENDING_UPLOAD
    )
    if not waiting:
        return
    now = now or timezone.now()
    grace = settings.CRIER_MEDIA_WAIT
    deadline = delivery.scheduled_at + grace
    names = ", ".join(waiting)
    if now >= deadline:
        raise PermanentError(
            f"Media {names} had still not been uploaded {grace.total_seconds():.0f} seconds "
            "after the scheduled time, so the post was not published without it. Upload "
            "the file, then retry the post.",
            code="media_not_uploaded",
        )
    raise TransientError(
        f"Waiting for media {names} to be uploaded (until {deadline.isoformat()}).",
        ambiguous=False,
        retry_after=min(MEDIA_RECHECK, (deadline - now).total_seconds()),
        code="media_pending",
    )


def content_for(delivery: Delivery) -> Content:
    """What the connector sends for this delivery: the post (with its thread, unless the
    thread's items go out one by one after their delays), or one delayed follow-up."""
    if delivery.thread_index is not None:
        return _reply_content(delivery)
    built = build_content(
        delivery.post,
        delivery.account,
        delivery.idempotency_key,
        links=delivery_media(delivery),
    )
    platform = delivery.account.platform
    if replies.follow_up_delays(delivery.post, platform):
        return replace(built, thread=())  # each follow-up is a delivery of its own
    return built


def _reply_content(delivery: Delivery) -> Content:
    platform = delivery.account.platform
    parent = (
        Delivery.objects.filter(pk=delivery.reply_to_id).values("status", "external_id").first()
    )
    if parent is None or parent["status"] != DeliveryStatus.PUBLISHED or not parent["external_id"]:
        raise PermanentError(
            "The post this thread item answers is not published, so it was not sent.",
            code="reply_parent_unpublished",
        )
    thread = delivery.post.block_for(platform).get("thread", ())
    assert delivery.thread_index is not None  # set on every reply, with reply_to
    if delivery.thread_index >= len(thread):
        raise PermanentError(
            f"The post has no thread item {delivery.thread_index + 1} any more.",
            code="reply_missing",
        )
    links = list(
        ThreadItemMedia.objects.filter(
            post_id=delivery.post_id, item=delivery.thread_index + 1
        ).select_related("asset")
    )
    refs = [{"id": link.asset_id, "alt": link.alt} for link in links]
    # A link to another workspace's asset is never written; were one there, it is gone.
    index = {
        link.asset_id: facts_of(link.asset)
        for link in links
        if link.asset.workspace_id == delivery.post.workspace_id
    }
    return Content(
        text=thread[delivery.thread_index],
        media=_media_items(refs, delivery.account, index, sending=True),
        options=options_for(delivery.post, platform),
        idempotency_key=delivery.idempotency_key,
        reply_to=parent["external_id"],
    )
