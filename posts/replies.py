"""Thread follow-ups sent after a delay.

A network block may give each thread item a delay (`thread_delays`, seconds after the item
before it is published). A thread without delays goes out in one connector call, as it
always did. With any delay, the delivery posts the first item alone and each follow-up is
a delivery of its own, made in the transaction that records its predecessor as published
and due `delay` seconds later; it is published in reply to that predecessor. A thread
whose follow-ups carry media (`posts.ThreadItemMedia`) works this way too, without
waiting: one connector call takes one item's media. Platforms without threads that take
comments (`max_comments`) always work this way, and each comment answers the post itself.
So a reply can never go out before, or without, the post it answers; each one has its own
attempts, retries and outcome; and a thread stops at the first item that fails (the items
after it are never made, and the failed one says why).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from connectors.registry import connector_class
from posts import wakeups
from posts.models import Delivery, Post
from posts.states import DeliveryStatus as S


def follow_up_delays(post: Post, platform: str) -> list[int]:
    """Seconds before each follow-up when they go out one by one, each a delivery of its
    own; empty when the thread goes out with the post in one call."""
    block = post.block_for(platform)
    thread = block.get("thread") or ()
    if not thread:
        return []
    delays = list(block.get("thread_delays") or [0] * len(thread))
    if any(delays) or _as_comments(platform):
        return delays  # a comment needs the post's id: never in the post's own call
    # An item's media needs a connector call of its own.
    return delays if post.thread_media_links.exists() else []


def _as_comments(platform: str) -> bool:
    return connector_class(platform).limits.follow_ups_as_comments


def next_reply(delivery: Delivery, *, published_at: datetime) -> Delivery | None:
    """The follow-up that `delivery` being published makes due, unsaved; None when the
    thread has no items left. `delivery` comes with its post and account."""
    platform = delivery.account.platform
    delays = follow_up_delays(delivery.post, platform)
    index = 0 if delivery.thread_index is None else delivery.thread_index + 1
    if index >= len(delays):
        return None
    when = published_at + timedelta(seconds=delays[index])
    # A thread item answers the one before it; a comment answers the post itself.
    comment_on_post = delivery.reply_to_id is not None and _as_comments(platform)
    answers = delivery.reply_to_id if comment_on_post else delivery.pk
    reply = Delivery(
        workspace_id=delivery.workspace_id,
        post_id=delivery.post_id,
        account_id=delivery.account_id,
        status=S.SCHEDULED,
        scheduled_at=when,
        due_at=when,
        reply_to_id=answers,
        thread_index=index,
    )
    reply.idempotency_key = f"crier-{reply.pk}"
    return reply


def schedule_next_reply(
    delivery_id: str, delivery: Delivery | None, *, published_at: datetime
) -> None:
    """Store the follow-up due after `delivery_id` was published (in its transaction).
    The publish path passes the row it loaded, so deciding costs no query there."""
    if delivery is None or not all(
        relation.is_cached(delivery) for relation in (Delivery.post, Delivery.account)
    ):
        delivery = Delivery.objects.select_related("post", "account").get(pk=delivery_id)
    reply = next_reply(delivery, published_at=published_at)
    if reply is not None:
        reply.save(force_insert=True)
        wakeups.arm([reply.due_at])
