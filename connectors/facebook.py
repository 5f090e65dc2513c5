"""Facebook Pages: feed posts, photos (one or several) and videos through the Graph API.

API reference (read 2026-11):
- Pages API, posts: https://developers.facebook.com/docs/pages-api/posts
- Page feed: https://developers.facebook.com/docs/graph-api/reference/page/feed
- Page photos: https://developers.facebook.com/docs/graph-api/reference/page/photos
- Page videos: https://developers.facebook.com/docs/graph-api/reference/page/videos
- Comments (`POST /{object-id}/comments` with `message`, answering `{"id"}`):
  https://developers.facebook.com/docs/graph-api/reference/object/comments; as the Page,
  with pages_manage_engagement and the MODERATE and CREATE_CONTENT tasks:
  https://developers.facebook.com/documentation/pages-api/comments-mentions
- Video API publishing: https://developers.facebook.com/docs/video-api/guides/publishing
- Video status: https://developers.facebook.com/docs/graph-api/reference/video-status
- Manual login flow: https://developers.facebook.com/docs/facebook-login/guides/advanced/manual-flow
- PKCE for manual flows: https://developers.facebook.com/docs/facebook-login/guides/advanced/oidc-token
- Long-lived and Page tokens: https://developers.facebook.com/docs/facebook-login/guides/access-tokens/get-long-lived
- User accounts (Pages and their tokens): https://developers.facebook.com/docs/graph-api/reference/user/accounts
- Errors: https://developers.facebook.com/docs/graph-api/guides/error-handling
- Rate limits and usage headers: https://developers.facebook.com/docs/graph-api/overview/rate-limiting
- Metrics: a Page post's `shares`, `reactions.summary(total_count)` and
  `comments.summary(total_count)` (https://developers.facebook.com/docs/graph-api/reference/post),
  its Insights `post_media_view` (the replacement of the deprecated post impressions) and
  `post_clicks` (https://developers.facebook.com/docs/graph-api/reference/insights and
  https://developers.facebook.com/docs/platforminsights/page/deprecated-metrics); a video's
  `likes` and `comments` summaries (https://developers.facebook.com/docs/graph-api/reference/video);
  the Page's `followers_count` (https://developers.facebook.com/docs/graph-api/reference/page)

Text posts are one `POST /{page-id}/feed`. Photos are uploaded unpublished to
`/{page-id}/photos` (Facebook pulls them from the URL Crier serves) and attached to one feed
post with `attached_media`, so one or ten photos make a single post. A video is one
`POST /{page-id}/videos` with `file_url`; Facebook then processes it, so the delivery stays
`processing` until `poll()` sees `video_status` ready. A thread's follow-ups become comments
by the Page on the published post: each is a delivery of its own whose `reply_to` is the
post's id (a feed post or a video), and one `POST /{post-id}/comments`. The Graph API has no
idempotency key: an ambiguous failure of a publishing call (post or comment) becomes
`unknown`.

This module also holds the Graph helpers the Instagram connector shares (version, errors).
"""

from __future__ import annotations

import json
from dataclasses import replace
from functools import partial
from typing import Any
from urllib.parse import urlencode

import httpx

from connectors.base import (
    AccountMetrics,
    AccountProfile,
    Connector,
    ConnectorConfig,
    Content,
    Credentials,
    OAuthApp,
    Option,
    PlatformLimits,
    PostMetrics,
    Problem,
    Published,
    metric_count,
)
from connectors.errors import (
    AuthExpired,
    ConnectorError,
    PermanentError,
    RateLimited,
    TransientError,
    redact,
)
from connectors.http import (
    json_object,
    object_or_empty,
    platform_error,
    raise_for_platform_status,
    send,
    unambiguous,
    unreadable,
)
from connectors.oauth import raise_if_refused

GRAPH_URL = "https://graph.facebook.com"
DIALOG_URL = "https://www.facebook.com"
# Each Graph version lives about two years; the newest seen on the reference pages when
# checked (2026-11) is v26.0. Shared by the Facebook and Instagram connectors.
DEFAULT_GRAPH_VERSION = "v26.0"
# pages_manage_engagement: comments as the Page (a thread's follow-ups).
# Page and post insights (analytics) need read_insights.
DEFAULT_SCOPES = (
    "pages_show_list,pages_manage_posts,pages_read_engagement,pages_manage_engagement,read_insights"
)
# Comments take fewer characters than posts. Meta's references state no figure; 8,000 is the
# limit of Facebook's comment box as commonly reported (checked 2026-11).
MAX_COMMENT_CHARS = 8000

# Graph error codes (error.code) with a meaning the HTTP status does not carry: Graph
# answers most of them with 400. Anything else falls back to the status.
GRAPH_ERRORS: dict[str, type[ConnectorError]] = {
    "1": TransientError,  # API Unknown: "possibly a temporary issue"
    "2": TransientError,  # API Service: temporarily unavailable
    "4": RateLimited,  # application request limit
    "17": RateLimited,  # user request limit
    "32": RateLimited,  # page request limit
    "341": RateLimited,  # feed action request limit
    "613": RateLimited,  # calls exceed the rate limit
    "80001": RateLimited,  # Pages business use case rate limit
    "102": AuthExpired,  # session key invalid or no longer valid
    "190": AuthExpired,  # access token expired, invalidated or revoked
    "506": PermanentError,  # duplicate post
}
# error.error_subcode values that refine a code.
GRAPH_SUBCODES: dict[str, type[ConnectorError]] = {
    "1390008": RateLimited,  # code 368, "You can't post this right now": posting too fast
    "1366046": PermanentError,  # photo over 4 MB or of an unsupported type
}


def graph_version(config: ConnectorConfig) -> str:
    """CRIER_GRAPH_VERSION, the one version Facebook and Instagram share."""
    return config.api_version or DEFAULT_GRAPH_VERSION


def raise_for_graph_status(
    response: httpx.Response,
    *,
    subcodes: dict[str, type[ConnectorError]] | None = None,
) -> None:
    """The shared mapping with Graph's `error.code`/`error_subcode` tables, the
    human-readable `error_user_msg`, and the usage headers' wait time on rate limits."""
    if response.is_success:
        return
    error = _graph_error(response)
    code = _text(error.get("code"))
    subcode = _text(error.get("error_subcode"))
    error_class = (
        {**GRAPH_SUBCODES, **(subcodes or {})}.get(subcode or "")
        or GRAPH_ERRORS.get(code or "")
        or (TransientError if error.get("is_transient") is True else None)
    )
    key, _ = platform_error(response)
    try:
        raise_for_platform_status(
            response, error_table={key or "": error_class} if error_class else None
        )
    except ConnectorError as exc:
        if subcode:
            exc.code = f"{code}/{subcode}"
        # Graph tokens travel in the body or query, where the shared mapping cannot see
        # them: hide an echo of this request's token too.
        secrets = _request_token(response)
        user_message = _text(error.get("error_user_msg"))
        if user_message and user_message not in exc.message:
            exc.message = f"{exc.message} ({user_message})"
        exc.message = redact(exc.message, secrets)
        exc.args = (exc.message,)
        if exc.platform_response:
            exc.platform_response = redact(exc.platform_response, secrets)
        if isinstance(exc, TransientError) and exc.retry_after is None:
            exc.retry_after = usage_retry_after(response.headers)
        raise


def insight_values(body: dict[str, Any]) -> dict[str, int]:
    """{metric name: value} from a Graph insights answer (Facebook, Instagram, Threads):
    `data[].values[0].value` for lifetime metrics, `data[].total_value.value` for totals."""
    found: dict[str, int] = {}
    for entry in body.get("data") or ():
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
            continue
        values = entry.get("values")
        total = entry.get("total_value")
        if isinstance(values, list) and values and isinstance(values[-1], dict):
            value = metric_count(values[-1].get("value"))
        elif isinstance(total, dict):
            value = metric_count(total.get("value"))
        else:
            value = None
        if value is not None:
            found[entry["name"]] = value
    return found


def _summary_total(edge: object) -> int | None:
    summary = edge.get("summary") if isinstance(edge, dict) else None
    return metric_count(summary.get("total_count")) if isinstance(summary, dict) else None


def usage_retry_after(headers: httpx.Headers) -> float | None:
    """Seconds until access returns, from X-Business-Use-Case-Usage (minutes per entry)."""
    raw = headers.get("x-business-use-case-usage")
    if not raw:
        return None
    try:
        usage = json.loads(raw)
    except ValueError:
        return None
    minutes = [
        entry.get("estimated_time_to_regain_access")
        for entries in (usage.values() if isinstance(usage, dict) else ())
        if isinstance(entries, list)
        for entry in entries
        if isinstance(entry, dict)
    ]
    waits = [value for value in minutes if isinstance(value, (int, float)) and value > 0]
    return max(waits) * 60.0 if waits else None


class FacebookConnector(Connector):
    platform = "facebook"
    display_name = "Facebook"
    connection = "oauth"
    idempotent = False
    # Feed posts take up to 63,206 characters. Photos: JPEG, PNG, GIF, BMP, TIFF, WebP,
    # under 4 MB (Graph error 1366046 states the limit). Graph documents no cap on
    # attached_media; 10 photos is the conservative ceiling Crier applies. Videos through
    # `file_url` (non-resumable): up to 1 GB and 20 minutes. Page rate limits are dynamic
    # (business use case: 4800 calls x engaged users / 24 h), so no fixed bucket here.
    # Comments: Graph documents no cap per post; 24 follow-ups, as for the platforms with
    # threads (X, Bluesky, Threads, Mastodon), so one thread fits them all.
    # Sources: Page feed, Page photos, Page videos, object comments pages; checked 2026-11.
    limits = PlatformLimits(
        max_chars=63206,
        max_images=10,
        max_videos=1,
        allow_mixed_media=False,
        image_types=frozenset(
            {"image/jpeg", "image/png", "image/gif", "image/bmp", "image/tiff", "image/webp"}
        ),
        video_types=frozenset({"video/mp4", "video/quicktime"}),
        max_image_bytes=4_000_000,
        max_video_bytes=1_000_000_000,
        max_video_seconds=1200,
        max_comments=24,
        comment_max_chars=MAX_COMMENT_CHARS,
    )
    options = (
        Option(name="link", kind=str, help="A URL shared with a text post (shown as a preview)."),
    )

    def validate(self, content: Content, credentials: Credentials | None = None) -> list[Problem]:
        problems = super().validate(content, credentials)
        if content.options.get("link") and content.media:
            problems.append(
                Problem(
                    "link_with_media",
                    "Facebook shows a link preview only on posts without photos or video.",
                    "options.link",
                )
            )
        return problems

    def publish(self, content: Content, credentials: Credentials) -> Published:
        if content.reply_to:
            return self._comment(content, credentials)
        page_id, token = credentials.external_id, credentials.access_token
        version = graph_version(self.config)
        videos = [item for item in content.media if item.kind == "video"]
        if videos:
            response = send(
                self.client,
                "POST",
                # graph.facebook.com: the Video API overview deprecates graph-video.facebook.com
                # (https://developers.facebook.com/docs/video-api/overview, read 2026-12-06).
                f"{GRAPH_URL}/{version}/{page_id}/videos",
                json={
                    "file_url": videos[0].url,
                    "description": content.text,
                    "published": True,
                    "access_token": token,
                },
            )
            raise_for_graph_status(response)
            video_id = _object_id(response, "a video")
            return Published(state="processing", external_id=video_id, handle=video_id)
        photo_ids = []
        with unambiguous():
            for item in content.media:
                body: dict[str, Any] = {"url": item.url, "published": False, "access_token": token}
                if item.alt_text:
                    body["alt_text_custom"] = item.alt_text
                response = send(
                    self.client, "POST", f"{GRAPH_URL}/{version}/{page_id}/photos", json=body
                )
                raise_for_graph_status(response)
                photo_ids.append(_object_id(response, "a photo"))
        post: dict[str, Any] = {"message": content.text, "access_token": token}
        if photo_ids:
            post["attached_media"] = [{"media_fbid": photo_id} for photo_id in photo_ids]
        elif content.options.get("link"):
            post["link"] = content.options["link"]
        response = send(self.client, "POST", f"{GRAPH_URL}/{version}/{page_id}/feed", json=post)
        raise_for_graph_status(response)
        post_id = _object_id(response, "a post")
        return Published(
            state="published", external_id=post_id, url=f"https://www.facebook.com/{post_id}"
        )

    def _comment(self, content: Content, credentials: Credentials) -> Published:
        """A follow-up: a comment by the Page on the post `reply_to` names."""
        post_id = content.reply_to
        response = send(
            self.client,
            "POST",
            f"{GRAPH_URL}/{graph_version(self.config)}/{post_id}/comments",
            json={"message": content.text, "access_token": credentials.access_token},
        )
        raise_for_graph_status(response)
        return Published(
            state="published",
            external_id=_object_id(response, "a comment"),
            url=f"https://www.facebook.com/{post_id}",
        )

    def poll(
        self, handle: str, credentials: Credentials, content: Content | None = None
    ) -> Published:
        response = send(
            self.client,
            "GET",
            f"{GRAPH_URL}/{graph_version(self.config)}/{handle}",
            params={"fields": "status,permalink_url", "access_token": credentials.access_token},
        )
        raise_for_graph_status(response)
        video = json_object(response)
        status = object_or_empty(video.get("status"))
        video_status = status.get("video_status")
        if video_status == "ready":
            return Published(
                state="published", external_id=handle, url=_absolute(video.get("permalink_url"))
            )
        if video_status in ("error", "expired"):
            raise PermanentError(
                f"Facebook could not process the video ({video_status}): "
                f"{_processing_errors(status) or 'no reason given'}",
                code=f"video_{video_status}",
                platform_response=response.text,
            )
        return Published(state="processing", external_id=handle, handle=handle)

    # --- metrics ---------------------------------------------------------------------------

    def post_metrics(self, handle: str, credentials: Credentials) -> PostMetrics:
        token = credentials.access_token
        base = f"{GRAPH_URL}/{graph_version(self.config)}/{handle}"
        # A feed post id is "<page-id>_<post-id>"; a bare id is a video from /videos.
        video = "_" not in handle
        fields = (
            "likes.summary(total_count).limit(0),comments.summary(total_count).limit(0)"
            if video
            else "shares,reactions.summary(total_count).limit(0),"
            "comments.summary(total_count).limit(0)"
        )
        response = send(self.client, "GET", base, params={"fields": fields, "access_token": token})
        with unambiguous():
            raise_for_graph_status(response)
        data = json_object(response)
        likes = _summary_total(data.get("likes" if video else "reactions"))
        comments = _summary_total(data.get("comments"))
        shares = data.get("shares")
        metrics = PostMetrics(
            likes=likes,
            comments=comments,
            # Graph leaves `shares` out of a post nobody has shared.
            shares=metric_count(shares.get("count")) if isinstance(shares, dict) else 0,
        )
        if video:
            return replace(metrics, shares=None)
        response = send(
            self.client,
            "GET",
            f"{base}/insights",
            params={"metric": "post_media_view,post_clicks", "access_token": token},
        )
        try:
            with unambiguous():
                raise_for_graph_status(response)
        except PermanentError:
            # Insights need read_insights and a Page with 100 likes; the counts above stand.
            return metrics
        values = insight_values(json_object(response))
        return replace(
            metrics, impressions=values.get("post_media_view"), clicks=values.get("post_clicks")
        )

    def account_metrics(self, credentials: Credentials) -> AccountMetrics:
        response = send(
            self.client,
            "GET",
            f"{GRAPH_URL}/{graph_version(self.config)}/{credentials.external_id}",
            params={"fields": "followers_count", "access_token": credentials.access_token},
        )
        with unambiguous():
            raise_for_graph_status(response)
        return AccountMetrics(followers=metric_count(json_object(response).get("followers_count")))

    def authorization_url(self, app: OAuthApp, *, state: str, code_challenge: str) -> str:
        query = urlencode(
            {
                "client_id": app.client_id,
                "redirect_uri": app.redirect_uri,
                "state": state,
                "response_type": "code",
                "scope": self.config.scopes or DEFAULT_SCOPES,
                "code_challenge": code_challenge,
                "code_challenge_method": "S256",
            }
        )
        return f"{DIALOG_URL}/{graph_version(self.config)}/dialog/oauth?{query}"

    def exchange_code(
        self, app: OAuthApp, *, code: str, code_verifier: str
    ) -> tuple[Credentials, AccountProfile]:
        """Code → user token → long-lived user token → the first Page the user granted
        with CREATE_CONTENT; its Page token (derived from a long-lived user token, it does
        not expire) is what Crier stores."""
        base = f"{GRAPH_URL}/{graph_version(self.config)}"
        short = send(
            self.client,
            "GET",
            f"{base}/oauth/access_token",
            params={
                "client_id": app.client_id,
                "redirect_uri": app.redirect_uri,
                "client_secret": app.client_secret,
                "code": code,
                "code_verifier": code_verifier,
            },
        )
        _raise_for_connection(short)
        user_token = _token(short)
        long = send(
            self.client,
            "GET",
            f"{base}/oauth/access_token",
            params={
                "grant_type": "fb_exchange_token",
                "client_id": app.client_id,
                "client_secret": app.client_secret,
                "fb_exchange_token": user_token,
            },
        )
        _raise_for_connection(long)
        pages = send(
            self.client,
            "GET",
            f"{base}/me/accounts",
            params={
                "fields": "id,name,username,access_token,tasks,picture",
                "access_token": _token(long),
            },
        )
        _raise_for_connection(pages)
        page = _publishable_page(pages)
        credentials = Credentials(
            external_id=str(page["id"]),
            access_token=str(page["access_token"]),
            extra={"page_name": str(page.get("name") or "")},
        )
        picture = page.get("picture")
        picture_data = picture.get("data") if isinstance(picture, dict) else None
        return credentials, AccountProfile(
            external_id=str(page["id"]),
            username=str(page.get("username") or ""),
            display_name=str(page.get("name") or ""),
            avatar_url=str(picture_data.get("url") or "") if isinstance(picture_data, dict) else "",
        )


def _publishable_page(response: httpx.Response) -> dict[str, Any]:
    pages = json_object(response).get("data")
    for page in pages if isinstance(pages, list) else ():
        if not isinstance(page, dict) or not page.get("id") or not page.get("access_token"):
            continue
        tasks = page.get("tasks")
        if tasks is None or "CREATE_CONTENT" in tasks:
            return page
    raise PermanentError(
        "No Facebook Page you can publish to was shared with Crier: reconnect and select a "
        "Page on which you have the Create content task.",
        code="no_page",
        platform_response=response.text,
    )


def _raise_for_connection(response: httpx.Response) -> None:
    # During the code exchange every client error is a refusal to show the person
    # (a spent code, a missing permission), never a token to refresh.
    raise_if_refused(response, PermanentError)
    raise_for_graph_status(response)


def _token(response: httpx.Response) -> str:
    token = json_object(response).get("access_token")
    if not isinstance(token, str) or not token:
        raise _unreadable(response, "a token answer without access_token")
    return token


def _object_id(response: httpx.Response, what: str) -> str:
    object_id = json_object(response).get("id")
    if not isinstance(object_id, (str, int)) or not str(object_id):
        raise _unreadable(response, f"{what} without its id")
    return str(object_id)


def _processing_errors(status: dict[str, Any]) -> str:
    messages = []
    for phase in ("uploading_phase", "processing_phase", "publishing_phase"):
        details = status.get(phase)
        errors = details.get("errors") if isinstance(details, dict) else None
        for error in errors if isinstance(errors, list) else ():
            if isinstance(error, dict) and error.get("message"):
                messages.append(str(error["message"]))
    return "; ".join(messages)


def _absolute(permalink: object) -> str | None:
    if not isinstance(permalink, str) or not permalink:
        return None
    return f"https://www.facebook.com{permalink}" if permalink.startswith("/") else permalink


def _request_token(response: httpx.Response) -> tuple[str, ...]:
    try:
        request = response.request
    except RuntimeError:  # a Response built by hand has no request
        return ()
    tokens = [request.url.params.get("access_token", "")]
    authorization = request.headers.get("authorization", "")
    tokens.append(authorization.partition(" ")[2].strip())
    try:
        sent = json.loads(request.content or b"{}")
    except (ValueError, httpx.RequestNotRead):
        sent = {}
    if isinstance(sent, dict) and isinstance(sent.get("access_token"), str):
        tokens.append(sent["access_token"])
    return tuple(token for token in tokens if token)


def _graph_error(response: httpx.Response) -> dict[str, Any]:
    error = json_object(response).get("error")
    return error if isinstance(error, dict) else {}


def _text(value: object) -> str | None:
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        return None
    return str(value) or None


_unreadable = partial(unreadable, "Facebook")
