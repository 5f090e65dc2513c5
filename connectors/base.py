"""The connector interface and the plain data it takes and returns."""

from __future__ import annotations

import abc
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from types import TracebackType
from typing import Any, ClassVar, Literal, Self

from connectors.errors import NothingToRefresh
from connectors.http import build_client


@dataclass(frozen=True, slots=True, kw_only=True)
class ConnectorConfig:
    """What a deployment chose for one platform (README, Configuration), built from Django
    settings by `accounts.platforms` and handed in: a connector reads no environment. An
    empty value means the connector's own default."""

    client_id: str = ""  # Crier's app on the platform, for OAuth code exchange and refresh
    client_secret: str = field(default="", repr=False)
    scopes: str = ""  # asked for at connect
    api_url: str = ""  # the API's base URL: another host, an emulator, a local server
    authorize_url: str = ""  # the consent page
    api_version: str = ""


@dataclass(frozen=True, slots=True)
class RateLimit:
    requests: int
    per_seconds: float


@dataclass(frozen=True, slots=True, kw_only=True)
class PlatformLimits:
    """What a platform accepts; the base `validate()` enforces it. Sizes in bytes."""

    max_chars: int
    max_images: int
    max_videos: int
    allow_mixed_media: bool
    image_types: frozenset[str]
    video_types: frozenset[str]
    max_image_bytes: int | None = None
    max_video_bytes: int | None = None
    min_fps: float | None = None
    max_video_seconds: float | None = None
    requires_alt_text: bool = False
    requires_media: bool = False
    # Text sent with media, when its limit differs (Telegram captions: 1024).
    caption_max_chars: int | None = None
    # Follow-up items after the first (0: the platform has no threads).
    max_thread_items: int = 0
    # Without threads: follow-ups posted as comments on the post, each a delivery of its
    # own once the post is published (posts/replies.py); 0: none.
    max_comments: int = 0
    # Characters in one such comment, when fewer than in a post.
    comment_max_chars: int | None = None
    per_account_rate: RateLimit | None = None
    per_platform_rate: RateLimit | None = None

    @property
    def max_follow_ups(self) -> int:
        """Follow-ups a post may have, as thread items or as comments."""
        return self.max_thread_items or self.max_comments

    @property
    def follow_ups_as_comments(self) -> bool:
        return not self.max_thread_items and bool(self.max_comments)


# For a destination with no platform rules of its own (a webhook receiver, a person posting
# by hand): bounds that only keep a post sane, and a webhook body well under the 1 MB that
# Zapier and Make accept per request. Checked 2026-11.
OPEN_LIMITS = PlatformLimits(
    max_chars=100_000,
    max_images=20,
    max_videos=10,
    allow_mixed_media=True,
    image_types=frozenset(
        {"image/jpeg", "image/png", "image/gif", "image/webp", "image/avif", "image/heic"}
    ),
    video_types=frozenset({"video/mp4", "video/quicktime", "video/webm"}),
    max_thread_items=50,
)


@dataclass(frozen=True, slots=True, kw_only=True)
class MediaItem:
    """A file the platform fetches or receives; unknown measurements stay None."""

    url: str
    mime_type: str
    size: int | None = None
    width: int | None = None
    height: int | None = None
    duration: float | None = None
    fps: float | None = None
    alt_text: str | None = None

    @property
    def kind(self) -> Literal["image", "video", "other"]:
        major = self.mime_type.partition("/")[0].lower()
        if major == "image":
            return "image"
        if major == "video":
            return "video"
        return "other"


@dataclass(frozen=True, slots=True, kw_only=True)
class Content:
    """One post for one account, as the connector sends it."""

    text: str
    idempotency_key: str
    media: tuple[MediaItem, ...] = ()
    options: Mapping[str, Any] = field(
        default_factory=dict
    )  # per-network options, schema beside each connector
    thread: tuple[str, ...] = ()  # follow-up items, each posted in reply to the previous
    # The platform id of the post this one answers (a thread item sent after a delay).
    reply_to: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class Credentials:
    """How to act as one account; `extra` holds platform settings (base_url, chat_id)."""

    external_id: str
    access_token: str
    refresh_token: str | None = None
    expires_at: datetime | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)

    def __repr__(self) -> str:
        # Reprs end up in logs and tracebacks: show that tokens exist, never their value,
        # and only the keys of `extra`, which may hold app secrets.
        return (
            f"Credentials(external_id={self.external_id!r}, "
            f"access_token={_mask(self.access_token)}, "
            f"refresh_token={_mask(self.refresh_token)}, "
            f"expires_at={self.expires_at!r}, extra_keys={sorted(self.extra)!r})"
        )


def _mask(secret: str | None) -> str:
    return "'***'" if secret else repr(secret)


@dataclass(frozen=True, slots=True, kw_only=True)
class Published:
    """The platform took the post: published with its id, or still processing."""

    state: Literal["published", "processing"]
    external_id: str | None = None
    url: str | None = None
    handle: str | None = None  # what `poll()` needs while processing

    def __post_init__(self) -> None:
        # "published" is only true with the platform's post id in hand.
        if self.state == "published" and not self.external_id:
            raise ValueError("a published post needs its external_id")
        if self.state == "processing" and not self.handle:
            raise ValueError("a processing post needs a handle to poll")


@dataclass(frozen=True, slots=True, kw_only=True)
class RecentPost:
    """One of an account's own recent posts, as the platform lists it: to pick the id of a
    post whose outcome is unknown (it may have gone out while the answer was lost)."""

    external_id: str
    url: str  # its public page
    preview_url: str | None = None  # a picture of it (a video's cover), when there is one


@dataclass(frozen=True, slots=True)
class Problem:
    """Why content does not fit a platform; `field` points into the content."""

    code: str
    message: str
    field: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class AccountProfile:
    """Who an account is on the platform, as learned when connecting it."""

    external_id: str
    username: str = ""
    display_name: str = ""
    avatar_url: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class PostMetrics:
    """What a platform counts for one post, as of now; None where it does not offer a metric.

    `impressions` is the platform's views or impressions count, `likes` its likes or
    reactions, `shares` its reposts or reshares, `clicks` its link or post clicks. Counts
    with no common column (quotes, saves, bookmarks) go to `extra`.
    """

    impressions: int | None = None
    likes: int | None = None
    comments: int | None = None
    shares: int | None = None
    clicks: int | None = None
    extra: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True, kw_only=True)
class AccountMetrics:
    """What a platform counts for one account, as of now."""

    followers: int | None = None


def metric_count(value: object) -> int | None:
    """A count as platforms send it (a number, or a numeric string for Google); None when
    absent or unreadable, so a missing metric is never taken for zero."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value >= 0 else None
    if isinstance(value, float) and value.is_integer() and value >= 0:
        return int(value)
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class OAuthApp:
    """Crier's registered app on a platform (from settings), for the OAuth flow."""

    client_id: str
    client_secret: str
    redirect_uri: str

    def __repr__(self) -> str:
        return f"OAuthApp(client_id={self.client_id!r}, redirect_uri={self.redirect_uri!r})"


@dataclass(frozen=True, slots=True, kw_only=True)
class Option:
    """One per-network option a connector accepts in `networks.<platform>` of a post."""

    name: str
    kind: type | tuple[type, ...]  # str, bool, int, list: the JSON shape expected
    choices: tuple[Any, ...] | None = None
    required: bool = False
    help: str = ""

    def problems(self, value: Any) -> list[Problem]:
        field = f"options.{self.name}"
        # bool is an int in Python, but `true` is not a number in JSON.
        if not isinstance(value, self.kind) or (
            isinstance(value, bool) and bool not in _kinds(self.kind)
        ):
            return [
                Problem(
                    "option_type", f"Option '{self.name}' must be {_kind_names(self.kind)}.", field
                )
            ]
        if self.choices is not None and value not in self.choices:
            allowed = ", ".join(str(choice) for choice in self.choices)
            return [
                Problem("option_choice", f"Option '{self.name}' must be one of: {allowed}.", field)
            ]
        if _holds_nul(value):
            # Options are stored in JSON, and PostgreSQL refuses a NUL in a JSON string.
            return [
                Problem(
                    "option_null_character",
                    f"Option '{self.name}' must not contain null characters.",
                    field,
                )
            ]
        return []


def _holds_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, list | tuple):
        return any(_holds_nul(item) for item in value)
    if isinstance(value, dict):
        return any(_holds_nul(key) or _holds_nul(item) for key, item in value.items())
    return False


def _kinds(kind: type | tuple[type, ...]) -> tuple[type, ...]:
    return kind if isinstance(kind, tuple) else (kind,)


def _kind_names(kind: type | tuple[type, ...]) -> str:
    names = {
        str: "a string",
        bool: "true or false",
        int: "a whole number",
        list: "a list",
        dict: "an object",
        float: "a number",
    }
    return " or ".join(names.get(item, item.__name__) for item in _kinds(kind))


class Connector(abc.ABC):
    """One platform. Subclasses set the class attributes and implement `publish()`.

    Every method makes at most one HTTP attempt and raises a `connectors.errors` type on
    failure; none sleeps or retries. A connector holds an httpx client: close it, or use
    it as a context manager.
    """

    platform: ClassVar[str]
    display_name: ClassVar[str]
    limits: ClassVar[PlatformLimits]
    # True when the platform honours an idempotency key, or the connector can look up
    # what was posted: then an ambiguous failure may be retried without posting twice.
    idempotent: ClassVar[bool] = False
    # Per-network options accepted in `networks.<platform>`; anything else is refused.
    options: ClassVar[tuple[Option, ...]] = ()
    # How an account is connected: "oauth" (authorization_url + exchange_code) or "token"
    # (connect() with the fields named in `connect_fields`, verified against the platform).
    connection: ClassVar[Literal["oauth", "token"]] = "token"
    connect_fields: ClassVar[tuple[str, ...]] = ()
    optional_connect_fields: ClassVar[tuple[str, ...]] = ()  # subset of connect_fields
    # True when a user chooses the hosts called (an instance, a site, a webhook URL): every
    # connection then passes the egress guard (core.netguard). The others call the
    # platform's own API or a host the operator configured.
    user_chosen_hosts: ClassVar[bool] = False
    # What `config` is: a platform with settings of its own extends ConnectorConfig.
    config_class: ClassVar[type[ConnectorConfig]] = ConnectorConfig

    @classmethod
    def option_problems(cls, options: Mapping[str, Any]) -> list[Problem]:
        """Unknown, mistyped or missing options; a class method so the API can check early."""
        known = {option.name: option for option in cls.options}
        problems = [
            Problem(
                "unknown_option",
                f"Unknown option '{name}' for {cls.display_name}; "
                f"known: {', '.join(sorted(known)) or 'none'}.",
                f"options.{name}",
            )
            for name in options
            if name not in known
        ]
        for name, option in known.items():
            if name in options:
                problems += option.problems(options[name])
            elif option.required:
                problems.append(
                    Problem(
                        "option_required",
                        f"Option '{name}' is required for {cls.display_name}.",
                        f"options.{name}",
                    )
                )
        return problems

    def __init__(self, *, timeout: float = 30.0, config: ConnectorConfig | None = None):
        self.config = config if config is not None else self.config_class()
        self.client = build_client(timeout=timeout, guarded=self.user_chosen_hosts)

    def close(self) -> None:
        self.client.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def text_length(self, text: str) -> int:
        """Length as the platform counts it; override for weighted counting (X, Bluesky)."""
        return len(text)

    def limits_for(self, credentials: Credentials) -> PlatformLimits:
        """What one account may post: `limits`, unless its own server (a Mastodon instance,
        a Bluesky PDS) stated other limits when it was connected, kept in `extra`."""
        return self.limits

    def validate(self, content: Content, credentials: Credentials | None = None) -> list[Problem]:
        """Every way `content` breaks the limits, an empty list when it fits: the account's
        own limits with its `credentials`, the platform's without."""
        limits = self.limits if credentials is None else self.limits_for(credentials)
        problems: list[Problem] = []
        if not content.text.strip() and not content.media:
            problems.append(Problem("empty", "The post has neither text nor media.", "text"))
        if limits.requires_media and not content.media:
            problems.append(
                Problem(
                    "media_required", f"{self.display_name} needs an image or a video.", "media"
                )
            )
        problems += self.option_problems(content.options)
        problems += self._text_problems(content, limits)
        problems += self._thread_problems(content.thread, limits)
        if content.reply_to and not limits.max_follow_ups:
            problems.append(
                Problem("replies_unsupported", f"{self.display_name} has no threads.", "reply_to")
            )
        if content.reply_to and content.media and limits.follow_ups_as_comments:
            # Follow-ups here are comments on the post, which Crier posts as text.
            problems.append(
                Problem(
                    "comment_media_unsupported",
                    f"{self.display_name} follow-ups are comments, which take text only.",
                    "media",
                )
            )
        problems += self._media_problems(content.media, limits)
        return problems

    @abc.abstractmethod
    def publish(self, content: Content, credentials: Credentials) -> Published:
        """Post `content` as the account; one attempt."""

    def poll(
        self, handle: str, credentials: Credentials, content: Content | None = None
    ) -> Published:
        """Check a post that `publish()` returned as processing.

        `content` is the post being finished, as `publish()` received it (the pipeline
        always passes it; a connector must still cope with None where it can): a step
        taken once processing is done may need it (a video Pin, a thread's follow-ups).
        Only connectors whose `publish()` can answer state="processing" override this;
        for the others it is never called, so reaching it is a programming error.
        """
        raise NotImplementedError(f"{self.platform} never returns processing posts")

    def post_metrics(self, handle: str, credentials: Credentials) -> PostMetrics | None:
        """Current counts for a published post (`handle`: its external id); one attempt.

        None means the platform offers no post metrics (this default); connectors that
        can read them override it. Raises the usual `connectors.errors` types.
        """
        return None

    def account_metrics(self, credentials: Credentials) -> AccountMetrics | None:
        """Current follower count of the account; one attempt. None: not offered."""
        return None

    def missing_analytics(self, credentials: Credentials) -> tuple[str, ...]:
        """Analytics this account will not get because a scope they need was not granted,
        each naming that scope; empty when none is missing (this default)."""
        return ()

    def recent_posts(self, credentials: Credentials, *, limit: int) -> list[RecentPost] | None:
        """The account's own latest posts, newest first, at most `limit`; one attempt.

        None means the platform offers no such list (this default); connectors that can
        read it override it. Raises the usual `connectors.errors` types.
        """
        return None

    def authorization_url(self, app: OAuthApp, *, state: str, code_challenge: str) -> str:
        """Where to send the user to grant access (OAuth platforms; PKCE S256 where offered)."""
        raise NotImplementedError(f"{self.platform} connects with tokens, not OAuth")

    def exchange_code(
        self, app: OAuthApp, *, code: str, code_verifier: str
    ) -> tuple[Credentials, AccountProfile]:
        """Trade the callback's code for tokens and learn whose account it is; one attempt each."""
        raise NotImplementedError(f"{self.platform} connects with tokens, not OAuth")

    def connect(self, fields: Mapping[str, str]) -> tuple[Credentials, AccountProfile]:
        """Token platforms: check `fields` against the platform (a wrong password raises
        PermanentError with the platform's reason) and return what to store."""
        raise NotImplementedError(f"{self.platform} connects with OAuth")

    def refresh(self, credentials: Credentials) -> Credentials:
        """New credentials from the refresh token; one attempt.

        Raises RefreshRefused when the platform says no (the account needs reconnecting)
        and TransientError when it could not be asked. This default is for platforms
        without a refresh flow.
        """
        raise NothingToRefresh(
            f"{self.display_name} tokens cannot be refreshed; reconnect the account.",
            code="no_refresh",
        )

    def _text_problems(self, content: Content, limits: PlatformLimits) -> list[Problem]:
        length = self.text_length(content.text)
        if content.media and limits.caption_max_chars is not None:
            if length > limits.caption_max_chars:
                return [
                    Problem(
                        "caption_too_long",
                        f"Text is {length} characters; {self.display_name} allows "
                        f"{limits.caption_max_chars} with media.",
                        "text",
                    )
                ]
            return []
        if length > limits.max_chars:
            return [
                Problem(
                    "text_too_long",
                    f"Text is {length} characters; {self.display_name} allows {limits.max_chars}.",
                    "text",
                )
            ]
        return []

    def _thread_problems(self, thread: Sequence[str], limits: PlatformLimits) -> list[Problem]:
        problems: list[Problem] = []
        allowed = limits.max_follow_ups
        if len(thread) > allowed:
            if allowed == 0:
                problem = Problem(
                    "threads_unsupported", f"{self.display_name} has no threads.", "thread"
                )
            else:
                kind = "follow-ups" if limits.max_thread_items else "comments"
                problem = Problem(
                    "thread_too_long",
                    f"Thread has {len(thread)} follow-ups; {self.display_name} allows "
                    f"{allowed} {kind}.",
                    "thread",
                )
            problems.append(problem)
        max_chars = (limits.follow_ups_as_comments and limits.comment_max_chars) or limits.max_chars
        for index, item in enumerate(thread):
            length = self.text_length(item)
            if length > max_chars:
                problems.append(
                    Problem(
                        "text_too_long",
                        f"Thread item {index + 1} is {length} characters; "
                        f"{self.display_name} allows {max_chars}"
                        f"{' in a comment' if max_chars != limits.max_chars else ''}.",
                        f"thread[{index}]",
                    )
                )
        return problems

    def _media_problems(self, media: Sequence[MediaItem], limits: PlatformLimits) -> list[Problem]:
        problems: list[Problem] = []
        images = sum(item.kind == "image" for item in media)
        videos = sum(item.kind == "video" for item in media)
        if images > limits.max_images:
            problems.append(
                Problem(
                    "too_many_images",
                    f"{images} images; {self.display_name} allows {limits.max_images}.",
                    "media",
                )
            )
        if videos > limits.max_videos:
            problems.append(
                Problem(
                    "too_many_videos",
                    f"{videos} videos; {self.display_name} allows {limits.max_videos}.",
                    "media",
                )
            )
        if images and videos and not limits.allow_mixed_media:
            problems.append(
                Problem(
                    "mixed_media",
                    f"{self.display_name} does not take images and videos in one post.",
                    "media",
                )
            )
        for index, item in enumerate(media):
            problems += self._item_problems(item, f"media[{index}]", limits)
        return problems

    def _item_problems(self, item: MediaItem, where: str, limits: PlatformLimits) -> list[Problem]:
        name = self.display_name
        if item.kind == "image":
            allowed, max_bytes = limits.image_types, limits.max_image_bytes
        elif item.kind == "video":
            allowed, max_bytes = limits.video_types, limits.max_video_bytes
        else:
            allowed, max_bytes = frozenset(), None
        if item.mime_type.lower() not in allowed:
            # Size, rate and length limits are per type: they mean nothing for this file.
            return [
                Problem("unsupported_media_type", f"{name} does not take {item.mime_type}.", where)
            ]
        problems: list[Problem] = []
        if max_bytes is not None and item.size is not None and item.size > max_bytes:
            problems.append(
                Problem(
                    "media_too_large",
                    f"File is {_megabytes(item.size)}; {name} allows {_megabytes(max_bytes)} "
                    f"for {item.kind}s.",
                    where,
                )
            )
        if item.kind == "video":
            if limits.min_fps is not None and item.fps is not None and item.fps < limits.min_fps:
                problems.append(
                    Problem(
                        "frame_rate_too_low",
                        f"Video is {item.fps:g} fps; {name} needs at least {limits.min_fps:g}.",
                        where,
                    )
                )
            if (
                limits.max_video_seconds is not None
                and item.duration is not None
                and item.duration > limits.max_video_seconds
            ):
                problems.append(
                    Problem(
                        "video_too_long",
                        f"Video lasts {item.duration:g} s; {name} allows "
                        f"{limits.max_video_seconds:g} s.",
                        where,
                    )
                )
        if limits.requires_alt_text and item.kind == "image" and not (item.alt_text or "").strip():
            problems.append(
                Problem("alt_text_required", f"{name} needs alt text on images.", where)
            )
        return problems


def _megabytes(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB"
