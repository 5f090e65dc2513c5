from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from connectors.base import (
    Connector,
    Content,
    Credentials,
    MediaItem,
    PlatformLimits,
    Problem,
    Published,
)
from connectors.errors import RefreshRefused


class StrictConnector(Connector):
    platform = "strict"
    display_name = "Strict"
    limits = PlatformLimits(
        max_chars=10,
        max_images=2,
        max_videos=1,
        allow_mixed_media=False,
        image_types=frozenset({"image/jpeg", "image/png"}),
        video_types=frozenset({"video/mp4"}),
        max_image_bytes=1_000,
        max_video_bytes=5_000,
        min_fps=24,
        max_video_seconds=60,
        requires_alt_text=True,
        caption_max_chars=5,
        max_thread_items=2,
    )

    def publish(self, content: Content, credentials: Credentials) -> Published:
        raise AssertionError("validation tests never publish")


class LinkWeightedConnector(StrictConnector):
    """Counts every link as 5 characters, as X counts t.co links as 23."""

    def text_length(self, text: str) -> int:
        return len(re.sub(r"https?://\S+", "x" * 5, text))


def image(**fields) -> MediaItem:
    return MediaItem(
        **{"url": "https://cdn.test/a.jpg", "mime_type": "image/jpeg", "alt_text": "A cat"} | fields
    )


def video(**fields) -> MediaItem:
    return MediaItem(**{"url": "https://cdn.test/v.mp4", "mime_type": "video/mp4"} | fields)


def content(text: str = "hello", **fields) -> Content:
    return Content(text=text, idempotency_key="key", **fields)


@pytest.fixture
def strict():
    with StrictConnector() as connector:
        yield connector


@pytest.mark.parametrize(
    ("post", "expected"),
    [
        (content("hello"), []),
        (content("x" * 10), []),
        (content("x" * 11), [("text_too_long", "text")]),
        (content(""), [("empty", "text")]),
        (content("   "), [("empty", "text")]),
        (content("", media=(image(),)), []),
        (content("hello", media=(image(),)), []),
        (content("hello!", media=(image(),)), [("caption_too_long", "text")]),
        (content(media=(image(), image(), image())), [("too_many_images", "media")]),
        (content(media=(video(), video())), [("too_many_videos", "media")]),
        (content(media=(image(), video())), [("mixed_media", "media")]),
        (content(media=(image(mime_type="image/gif"),)), [("unsupported_media_type", "media[0]")]),
        (
            content(media=(image(), image(mime_type="application/pdf"))),
            [("unsupported_media_type", "media[1]")],
        ),
        (content(media=(image(size=1_001),)), [("media_too_large", "media[0]")]),
        (content(media=(video(size=5_001),)), [("media_too_large", "media[0]")]),
        (content(media=(image(size=None),)), []),
        (content(media=(video(fps=15),)), [("frame_rate_too_low", "media[0]")]),
        (content(media=(video(fps=None),)), []),
        (content(media=(video(duration=61),)), [("video_too_long", "media[0]")]),
        (content(media=(image(alt_text=None),)), [("alt_text_required", "media[0]")]),
        (content(media=(image(alt_text="  "),)), [("alt_text_required", "media[0]")]),
        (content(media=(video(),)), []),  # alt text is asked of images only
        (content(thread=("one", "two")), []),
        (content(thread=("one", "two", "three")), [("thread_too_long", "thread")]),
        (content(thread=("x" * 11,)), [("text_too_long", "thread[0]")]),
        (
            content("x" * 11, media=(image(mime_type="image/gif", size=9_999),)),
            [("caption_too_long", "text"), ("unsupported_media_type", "media[0]")],
        ),
    ],
)
def test_validate_applies_platform_limits(strict, post, expected):
    problems = strict.validate(post)

    assert [(problem.code, problem.field) for problem in problems] == expected


def test_validate_messages_state_the_numbers(strict):
    [problem] = strict.validate(content("x" * 12))

    assert problem == Problem("text_too_long", "Text is 12 characters; Strict allows 10.", "text")


def test_validate_counts_text_with_the_connector_hook():
    with LinkWeightedConnector() as connector:
        assert connector.validate(content("see https://example.com/a/long/path")) == []


def test_validate_requires_media_when_the_platform_does():
    class MediaOnly(StrictConnector):
        limits = replace(StrictConnector.limits, requires_media=True)

    with MediaOnly() as connector:
        assert [problem.code for problem in connector.validate(content("hi"))] == ["media_required"]


def test_validate_refuses_threads_where_the_platform_has_none():
    class NoThreads(StrictConnector):
        limits = replace(StrictConnector.limits, max_thread_items=0)

    with NoThreads() as connector:
        assert [problem.code for problem in connector.validate(content(thread=("more",)))] == [
            "threads_unsupported"
        ]


def test_credentials_repr_hides_tokens_and_extra_values():
    credentials = Credentials(
        external_id="1234",
        access_token="access-secret",
        refresh_token="refresh-secret",
        expires_at=datetime(2030, 1, 1, tzinfo=UTC),
        extra={"app_secret": "extra-secret"},
    )

    shown = f"{credentials!r} {credentials}"

    assert "secret" not in shown.replace("app_secret", "")
    assert "external_id='1234'" in shown
    assert "access_token='***'" in shown


def test_credentials_repr_shows_a_missing_refresh_token_as_none():
    assert "refresh_token=None" in repr(Credentials(external_id="1", access_token="a"))


def test_published_requires_the_platform_id():
    with pytest.raises(ValueError, match="external_id"):
        Published(state="published")


def test_processing_requires_a_handle_to_poll():
    with pytest.raises(ValueError, match="handle"):
        Published(state="processing", external_id="1")


@pytest.mark.parametrize(
    ("mime_type", "kind"),
    [("image/jpeg", "image"), ("VIDEO/MP4", "video"), ("application/pdf", "other")],
)
def test_media_kind_comes_from_the_mime_type(mime_type, kind):
    assert MediaItem(url="u", mime_type=mime_type).kind == kind


def test_default_refresh_is_refused_so_the_account_needs_reconnecting(strict):
    with pytest.raises(RefreshRefused) as caught:
        strict.refresh(Credentials(external_id="1", access_token="a"))

    assert caught.value.code == "no_refresh"


def test_default_poll_is_a_programming_error(strict):
    with pytest.raises(NotImplementedError):
        strict.poll("handle", Credentials(external_id="1", access_token="a"))


def test_connector_without_publish_cannot_be_built():
    class Incomplete(Connector):
        platform = "incomplete"

    with pytest.raises(TypeError):
        Incomplete()


class ServerLimitedConnector(StrictConnector):
    """A platform whose servers state their own limits, kept in `extra` at connect."""

    def limits_for(self, credentials: Credentials) -> PlatformLimits:
        return replace(self.limits, max_chars=credentials.extra.get("max_chars", 10))


def test_validate_with_credentials_applies_the_accounts_own_limits():
    roomy = Credentials(external_id="1", access_token="t", extra={"max_chars": 50})
    twenty = content("x" * 20)

    with ServerLimitedConnector() as connector:
        assert [p.code for p in connector.validate(twenty)] == ["text_too_long"]
        assert connector.validate(twenty, roomy) == []
        assert [p.code for p in connector.validate(content(thread=("y" * 60,)), roomy)] == [
            "text_too_long"
        ]


def test_by_default_an_accounts_limits_are_the_platforms(strict):
    credentials = Credentials(external_id="1", access_token="t", extra={"max_chars": 50})

    assert strict.limits_for(credentials) is strict.limits
    assert strict.missing_analytics(credentials) == ()
