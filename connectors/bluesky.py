"""Bluesky: posts through the AT Protocol XRPC API, signed in with an app password.

API reference (read 2026-11):
- Sessions: createSession / refreshSession (refreshSession takes the refresh JWT as bearer):
  https://docs.bsky.app/docs/api/com-atproto-server-create-session and
  https://docs.bsky.app/docs/api/com-atproto-server-refresh-session
- Creating a post (record shape, replies with root and parent strong refs, images, langs):
  https://docs.bsky.app/docs/advanced-guides/posts and
  https://docs.bsky.app/docs/api/com-atproto-repo-create-record
- Rich text facets (byte offsets in UTF-8; link, mention by DID, tag):
  https://docs.bsky.app/docs/advanced-guides/post-richtext
- Reading the post a reply answers (its cid, and its own `reply.root` when it is a reply;
  400 RecordNotFound when it is gone): https://docs.bsky.app/docs/api/com-atproto-repo-get-record
  and https://github.com/bluesky-social/atproto/blob/main/lexicons/com/atproto/repo/getRecord.json
- Blobs: https://docs.bsky.app/docs/api/com-atproto-repo-upload-blob; video ("simple
  method": uploadBlob then app.bsky.embed.video): https://docs.bsky.app/docs/tutorials/video
- Handle resolution for mentions: https://docs.bsky.app/docs/api/com-atproto-identity-resolve-handle
- The server's own upload limit: `blobUploadLimit` of com.atproto.server.describeServer
  (bluesky-social/atproto lexicons/com/atproto/server/describeServer.json at d6296a1;
  the reference PDS, packages/pds/src/config/config.ts, defaults to 5 MiB, set by
  PDS_BLOB_UPLOAD_LIMIT, and refuses a larger uploadBlob body).
- Lexicons (300 graphemes / 3000 bytes of text, 4 images up to 2 MB, mp4 video):
  https://github.com/bluesky-social/atproto/tree/main/lexicons/app/bsky
- Errors (`{"error": "ExpiredToken", "message": ...}`, expired tokens answer 400) and
  rate limits (RateLimit-Reset header, Unix seconds; 5000 points an hour, a create costs 3):
  https://docs.bsky.app/docs/advanced-guides/rate-limits
- Metrics: `app.bsky.feed.getPosts` (likeCount, repostCount, replyCount, quoteCount of a
  postView): https://docs.bsky.app/docs/api/app-bsky-feed-get-posts; followersCount from
  `app.bsky.actor.getProfile`: https://docs.bsky.app/docs/api/app-bsky-actor-get-profile.
  Bluesky counts no impressions or clicks.

A publish is: for a post answering an earlier one (`reply_to`, the earlier post's at:// URI:
a delayed thread item), a `getRecord` of that post for the root and parent strong refs; blob
uploads and handle look-ups (none of these publish, so their failures are never ambiguous);
then one `createRecord` per item of the thread, each after the first in reply to the one
before it, all in the thread of the post answered, if any. Bluesky has no idempotency key and
the connector does no look-up of what it posted, so it is not idempotent.

Video goes up with uploadBlob to the account's own PDS (the "simple method"), so the PDS's
`blobUploadLimit` bounds it as much as the lexicon's 300 MB: connect() reads the limit from
describeServer and keeps it in `extra`, validation and publishing hold every file to it, and
a file over it is refused before anything is uploaded (an account connected before this
gets it at its next refresh, and is asked once per publish with media until then).
Bluesky's video service (app.bsky.video.uploadVideo on video.bsky.app with a service-auth
token) is not used: it stores its result on the same PDS (its job can fail with
`pds_upload_unsupported_blob_size`), so that limit holds there too, and its lexicon
declares none of the `did` and `name` parameters the service reads.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from functools import partial
from typing import Any, TypeGuard
from urllib.parse import quote

import httpx
import regex

from connectors.base import (
    AccountMetrics,
    AccountProfile,
    Connector,
    ConnectorConfig,
    Content,
    Credentials,
    MediaItem,
    Option,
    PlatformLimits,
    PostMetrics,
    Problem,
    Published,
    RateLimit,
    metric_count,
)
from connectors.errors import (
    AuthExpired,
    ConnectorError,
    NothingToRefresh,
    PermanentError,
    RateLimited,
    RefreshRefused,
    TransientError,
)
from connectors.http import (
    base_url,
    download,
    json_object,
    raise_for_platform_status,
    send,
    unambiguous,
    unreadable,
)

DEFAULT_SERVICE_URL = "https://bsky.social"
WEB_URL = "https://bsky.app"
MAX_TEXT_BYTES = 3000  # app.bsky.feed.post: text maxLength (UTF-8 bytes) beside 300 graphemes
POST_COLLECTION = "app.bsky.feed.post"
# Where connect() keeps the PDS's describeServer `blobUploadLimit` (bytes) in `extra`.
UPLOAD_LIMIT = "blob_upload_limit"
# getRecord's answer (400) for a post that is not there: RecordNotFound in its lexicon;
# PDS versions before that say InvalidRequest "Could not locate record".
RECORD_NOT_FOUND = frozenset({"RecordNotFound", "InvalidRequest"})
# app.bsky.feed.post `langs`: at most 3 strings of format `language` (BCP 47), per
# bluesky-social/atproto lexicons/app/bsky/feed/post.json at commit d6296a1 (2026-08-20).
MAX_LANGS = 3
# RFC 5646 section 2.1 langtag syntax, as atproto's isValidLanguage checks it (the irregular
# grandfathered tags aside): language[-extlang][-script][-region][-variant]*[-ext]*[-x-...].
_LANGUAGE_TAG = regex.compile(
    r"(?:(?:[a-z]{2,3}(?:-[a-z]{3}){0,3}|[a-z]{4,8})"
    r"(?:-[a-z]{4})?"
    r"(?:-(?:[a-z]{2}|[0-9]{3}))?"
    r"(?:-(?:[a-z0-9]{5,8}|[0-9][a-z0-9]{3}))*"
    r"(?:-[0-9a-wy-z](?:-[a-z0-9]{2,8})+)*"
    r"(?:-x(?:-[a-z0-9]{1,8})+)?"
    r"|x(?:-[a-z0-9]{1,8})+)",
    regex.IGNORECASE,
)

# XRPC error names (the `error` field) that differ from what the status alone says.
ERRORS: dict[str, type[ConnectorError]] = {
    "ExpiredToken": AuthExpired,  # 400, not 401: the access JWT has expired
    "InvalidToken": AuthExpired,  # 400: a JWT the PDS cannot read
    "AuthenticationRequired": AuthExpired,
    "RateLimitExceeded": RateLimited,
    "AccountTakedown": PermanentError,
    "BlobTooLarge": PermanentError,
    "InvalidRequest": PermanentError,
}

# Facet detection after the rules of the official client (@atproto/api rich-text):
# mentions are @handle with a dot; links are http(s) URLs minus trailing punctuation;
# tags are # plus text that is not only digits or punctuation, at most 64 graphemes.
_MENTION = regex.compile(r"(?:^|(?<=[\s(]))@([a-zA-Z0-9][a-zA-Z0-9.-]*\.[a-zA-Z0-9-]+)\b")
_LINK = regex.compile(r"(?:^|(?<=[\s(]))(https?://\S+)", regex.IGNORECASE)
_TAG = regex.compile(
    r"(?:^|(?<=\s))[#\uff03]((?!\ufe0f)[^\s\u00ad\u2060\u200a-\u200d\u20e2]*"
    r"[^\d\s\p{P}\u00ad\u2060\u200a-\u200d\u20e2]+[^\s\u00ad\u2060\u200a-\u200d\u20e2]*)"
)
_TRAILING_PUNCTUATION = regex.compile(r"\p{P}+$")


def _langs_problems(langs: Any) -> list[Problem]:
    """What makes the `langs` option unfit for the post lexicon (its list shape is checked
    by the Option itself)."""
    if not isinstance(langs, list):
        return []
    if not all(isinstance(lang, str) for lang in langs):
        return [
            Problem("option_type", "Option 'langs' must be a list of strings.", "options.langs")
        ]
    if len(langs) > MAX_LANGS:
        return [
            Problem(
                "option_too_many",
                f"Option 'langs' has {len(langs)} language tags; a Bluesky post takes at most "
                f"{MAX_LANGS}.",
                "options.langs",
            )
        ]
    malformed = [lang for lang in langs if not _LANGUAGE_TAG.fullmatch(lang)]
    if malformed:
        return [
            Problem(
                "option_invalid",
                f"Option 'langs': {', '.join(map(repr, malformed))} is not a BCP 47 language "
                'tag (such as "en" or "pt-BR").',
                "options.langs",
            )
        ]
    return []


def service_url(config: ConnectorConfig) -> str:
    """The default entryway; an account may name its own PDS when connecting."""
    return (config.api_url or DEFAULT_SERVICE_URL).rstrip("/")


class BlueskyConnector(Connector):
    platform = "bluesky"
    display_name = "Bluesky"
    connection = "token"
    connect_fields = ("handle", "app_password", "service_url")
    user_chosen_hosts = True
    optional_connect_fields = ("service_url",)
    idempotent = False
    # app.bsky.feed.post: 300 graphemes (and 3000 bytes). app.bsky.embed.images: up to 4
    # images, each up to 2 MB (lexicon, "formerly limited to 1 MB"), alt text per image.
    # app.bsky.embed.video: one mp4 (lexicon maxSize 300 MB); videos up to 3 minutes
    # (https://bsky.social/about/blog/09-11-2024-video, raised March 2025). Rate: 5000
    # points an hour per account, a created record costs 3 points
    # (https://docs.bsky.app/docs/advanced-guides/rate-limits). Checked 2026-11.
    limits = PlatformLimits(
        max_chars=300,
        max_images=4,
        max_videos=1,
        allow_mixed_media=False,
        image_types=frozenset({"image/jpeg", "image/png", "image/webp", "image/gif"}),
        video_types=frozenset({"video/mp4"}),
        max_image_bytes=2_000_000,
        max_video_bytes=300_000_000,
        max_video_seconds=180,
        max_thread_items=24,
        per_account_rate=RateLimit(requests=1666, per_seconds=3600),
    )
    options = (Option(name="langs", kind=list, help='Language codes of the text, e.g. ["en"].'),)

    def text_length(self, text: str) -> int:
        return len(regex.findall(r"\X", text))

    def limits_for(self, credentials: Credentials) -> PlatformLimits:
        """The lexicons' limits, lowered to the upload limit the account's PDS stated."""
        return _within_upload_limit(self.limits, credentials.extra.get(UPLOAD_LIMIT))

    def validate(self, content: Content, credentials: Credentials | None = None) -> list[Problem]:
        problems = super().validate(content, credentials)
        for where, text in [("text", content.text)] + [
            (f"thread[{index}]", item) for index, item in enumerate(content.thread)
        ]:
            size = len(text.encode())
            if size > MAX_TEXT_BYTES:
                problems.append(
                    Problem(
                        "text_too_long",
                        f"Text is {size} bytes in UTF-8; Bluesky allows {MAX_TEXT_BYTES}.",
                        where,
                    )
                )
        return problems + _langs_problems(content.options.get("langs"))

    # --- publishing ------------------------------------------------------------------------

    def publish(self, content: Content, credentials: Credentials) -> Published:
        # A post validated before the langs rules existed must not have its first item
        # refused by the PDS once the thread has started.
        langs_problems = _langs_problems(content.options.get("langs"))
        if langs_problems:
            problem = langs_problems[0]
            raise PermanentError(f"{problem.message} Nothing was posted.", code=problem.code)
        pds = _pds_url(self.config, credentials)
        # The post answered is read first, so one that is gone fails before any upload.
        reply = self._reply_refs(pds, content.reply_to, credentials) if content.reply_to else None
        limits = self._upload_limits(pds, credentials) if content.media else self.limits
        problems = self._media_problems(content.media, limits)
        if problems:
            # Before any upload: the PDS would refuse the blob after taking all of it.
            problem = problems[0]
            raise PermanentError(f"{problem.message} Nothing was posted.", code=problem.code)
        embed = self._embed(pds, content.media, credentials, limits)
        first = self._create_post(
            pds, credentials, content.text, content.options, embed=embed, reply=reply
        )
        # A reply belongs to the thread of the post it answers: its root stays the root.
        root = reply["root"] if reply else _strong_ref(first)
        parent = first
        posted = [first["uri"]]
        for item in content.thread:
            try:
                parent = self._create_post(
                    pds,
                    credentials,
                    item,
                    content.options,
                    reply={"root": root, "parent": _strong_ref(parent)},
                )
            except ConnectorError as exc:
                # The first post is live: retrying the delivery would post it twice.
                raise _thread_incomplete(posted, len(content.thread) + 1, exc) from exc
            posted.append(parent["uri"])
        return Published(
            state="published", external_id=first["uri"], url=_web_url(first["uri"], credentials)
        )

    def _reply_refs(self, pds: str, uri: str, credentials: Credentials) -> dict[str, Any]:
        """The `reply` of a post answering `uri`: that post as parent and, as root, its own
        root when it is itself a reply, else itself.

        Read with getRecord from the PDS, which has a post as soon as it is created (the
        AppView's getPosts may not have indexed a follow-up's parent yet).
        """
        parts = _post_uri_parts(uri)
        if parts is None:
            raise PermanentError(
                f"Cannot reply to {uri!r}: it is not the at:// URI of a Bluesky post. "
                "Nothing was posted.",
                code="reply_parent_not_found",
            )
        repo, rkey = parts
        with unambiguous():  # a read: nothing is posted yet
            response = send(
                self.client,
                "GET",
                f"{pds}/xrpc/com.atproto.repo.getRecord",
                params={"repo": repo, "collection": POST_COLLECTION, "rkey": rkey},
                headers=_auth(credentials.access_token),
            )
            if (
                response.status_code == 400
                and json_object(response).get("error") in RECORD_NOT_FOUND
            ):
                raise PermanentError(
                    f"Bluesky has no post {uri} to reply to (was it deleted?). Nothing was posted.",
                    code="reply_parent_not_found",
                    platform_response=response.text,
                    status=response.status_code,
                )
            _raise_for_status(response)
        found = json_object(response)
        parent = {"uri": found.get("uri"), "cid": found.get("cid")}
        value = found.get("value")
        reply = value.get("reply") if isinstance(value, dict) else None
        root = reply.get("root") if isinstance(reply, dict) else parent
        if not (_is_strong_ref(parent) and _is_strong_ref(root)):
            raise _unreadable(response, "a record without its cid or root", ambiguous=False)
        return {"root": _strong_ref(root), "parent": _strong_ref(parent)}

    def _create_post(
        self,
        pds: str,
        credentials: Credentials,
        text: str,
        options: Mapping[str, Any],
        *,
        embed: dict[str, Any] | None = None,
        reply: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        record: dict[str, Any] = {
            "$type": "app.bsky.feed.post",
            "text": text,
            "createdAt": _now(),
        }
        facets = self._facets(pds, text, credentials)
        if facets:
            record["facets"] = facets
        if isinstance(options.get("langs"), list) and options["langs"]:
            record["langs"] = list(options["langs"])
        if embed:
            record["embed"] = embed
        if reply:
            record["reply"] = reply
        response = send(
            self.client,
            "POST",
            f"{pds}/xrpc/com.atproto.repo.createRecord",
            headers=_auth(credentials.access_token),
            json={
                "repo": credentials.external_id,
                "collection": POST_COLLECTION,
                "record": record,
            },
        )
        _raise_for_status(response)
        created = json_object(response)
        if not isinstance(created.get("uri"), str) or not isinstance(created.get("cid"), str):
            raise _unreadable(response, "a record without uri and cid")
        return created

    def _upload_limits(self, pds: str, credentials: Credentials) -> PlatformLimits:
        """The account's limits; asked of its PDS when connect() could not keep them."""
        if UPLOAD_LIMIT in credentials.extra:
            return self.limits_for(credentials)
        try:
            stated = self._server_upload_limit(pds)
        except ConnectorError:
            stated = None  # then the PDS itself refuses an oversize blob (BlobTooLarge)
        return _within_upload_limit(self.limits, stated)

    def _server_upload_limit(self, pds: str) -> int | None:
        """`blobUploadLimit` from describeServer (public, no token); None when not stated."""
        with unambiguous():
            response = send(self.client, "GET", f"{pds}/xrpc/com.atproto.server.describeServer")
            _raise_for_status(response)
        limit = json_object(response).get("blobUploadLimit")
        return (
            limit if isinstance(limit, int) and not isinstance(limit, bool) and limit > 0 else None
        )

    def _embed(
        self,
        pds: str,
        media: Sequence[MediaItem],
        credentials: Credentials,
        limits: PlatformLimits,
    ) -> dict[str, Any] | None:
        if not media:
            return None
        entries = []
        for item in media:
            blob = self._upload_blob(pds, item, credentials, limits)
            entry: dict[str, Any] = {"image" if item.kind == "image" else "video": blob}
            if item.kind == "image":
                entry["alt"] = item.alt_text or ""  # required by the lexicon, may be empty
            elif item.alt_text:
                entry["alt"] = item.alt_text
            if item.width and item.height:
                entry["aspectRatio"] = {"width": item.width, "height": item.height}
            entries.append(entry)
        if media[0].kind == "video":
            return {"$type": "app.bsky.embed.video", **entries[0]}
        return {"$type": "app.bsky.embed.images", "images": entries}

    def _upload_blob(
        self, pds: str, item: MediaItem, credentials: Credentials, limits: PlatformLimits
    ) -> dict[str, Any]:
        limit = limits.max_video_bytes if item.kind == "video" else limits.max_image_bytes
        with unambiguous():
            with download(self.client, item.url, max_bytes=limit) as file:
                response = send(
                    self.client,
                    "POST",
                    f"{pds}/xrpc/com.atproto.repo.uploadBlob",
                    headers={**_auth(credentials.access_token), "Content-Type": item.mime_type},
                    content=file.read(),
                )
            _raise_for_status(response)
        blob = json_object(response).get("blob")
        if not isinstance(blob, dict):
            raise TransientError(
                f"Bluesky answered HTTP {response.status_code} without a blob.",
                ambiguous=False,
                code="malformed_response",
                platform_response=response.text,
            )
        return blob

    def _facets(self, pds: str, text: str, credentials: Credentials) -> list[dict[str, Any]]:
        facets = []
        for span, feature in detect_facets(text):
            if feature["$type"] == "app.bsky.richtext.facet#mention":
                did = self._resolve_handle(pds, feature["did"], credentials)
                if did is None:
                    continue  # as the official client does: an unknown handle stays plain text
                feature = {**feature, "did": did}
            facets.append({"index": span, "features": [feature]})
        return facets

    def _resolve_handle(self, pds: str, handle: str, credentials: Credentials) -> str | None:
        with unambiguous():
            response = send(
                self.client,
                "GET",
                f"{pds}/xrpc/com.atproto.identity.resolveHandle",
                params={"handle": handle},
                headers=_auth(credentials.access_token),
            )
            if response.status_code == 400:  # "Unable to resolve handle"
                return None
            _raise_for_status(response)
        did = json_object(response).get("did")
        return did if isinstance(did, str) and did.startswith("did:") else None

    # --- metrics ---------------------------------------------------------------------------

    def post_metrics(self, handle: str, credentials: Credentials) -> PostMetrics:
        response = send(
            self.client,
            "GET",
            f"{_pds_url(self.config, credentials)}/xrpc/app.bsky.feed.getPosts",
            params={"uris": handle},
            headers=_auth(credentials.access_token),
        )
        with unambiguous():
            _raise_for_status(response)
        posts = json_object(response).get("posts")
        view = next(
            (post for post in posts or () if isinstance(post, dict) and post.get("uri") == handle),
            None,
        )
        if view is None:
            # getPosts leaves out posts that were deleted (or are hidden from this account).
            raise PermanentError(
                f"Bluesky has no post {handle}.", code="not_found", status=response.status_code
            )
        quotes = metric_count(view.get("quoteCount"))
        return PostMetrics(
            likes=metric_count(view.get("likeCount")),
            comments=metric_count(view.get("replyCount")),
            shares=metric_count(view.get("repostCount")),
            extra={"quotes": quotes} if quotes is not None else {},
        )

    def account_metrics(self, credentials: Credentials) -> AccountMetrics:
        response = send(
            self.client,
            "GET",
            f"{_pds_url(self.config, credentials)}/xrpc/app.bsky.actor.getProfile",
            params={"actor": credentials.external_id},
            headers=_auth(credentials.access_token),
        )
        with unambiguous():
            _raise_for_status(response)
        return AccountMetrics(followers=metric_count(json_object(response).get("followersCount")))

    # --- sessions --------------------------------------------------------------------------

    def connect(self, fields: Mapping[str, str]) -> tuple[Credentials, AccountProfile]:
        handle = (fields.get("handle") or "").strip().removeprefix("@")
        password = (fields.get("app_password") or "").strip()
        if not handle or not password:
            raise PermanentError(
                "A handle and an app password are required.", code="missing_credentials"
            )
        given = (fields.get("service_url") or "").strip()
        service = base_url(given, what="service URL") if given else service_url(self.config)
        try:
            session = self._create_session(service, handle, password)
        except AuthExpired as exc:
            # At connect time a refusal means a wrong handle or password, not an expiry.
            raise PermanentError(
                exc.message, code=exc.code, platform_response=exc.platform_response, status=401
            ) from exc
        credentials = _session_credentials(
            session, Credentials(external_id="", access_token=""), service=service
        )
        # The app password stays (encrypted with the rest) so a session whose refresh token
        # has expired can be opened again without asking the user; revoking it in Bluesky's
        # settings ends that.
        credentials = replace(credentials, extra={**credentials.extra, "app_password": password})
        credentials = self._with_upload_limit(credentials)
        return credentials, self._profile(credentials)

    def _profile(self, credentials: Credentials) -> AccountProfile:
        profile = AccountProfile(
            external_id=credentials.external_id, username=str(credentials.extra.get("handle", ""))
        )
        try:
            response = send(
                self.client,
                "GET",
                f"{_pds_url(self.config, credentials)}/xrpc/app.bsky.actor.getProfile",
                params={"actor": credentials.external_id},
                headers=_auth(credentials.access_token),
            )
            _raise_for_status(response)
        except ConnectorError:
            return profile  # the account is verified; the display name is a nicety
        data = json_object(response)
        return replace(
            profile,
            display_name=str(data.get("displayName") or ""),
            avatar_url=str(data.get("avatar") or ""),
        )

    def refresh(self, credentials: Credentials) -> Credentials:
        pds = _pds_url(self.config, credentials)
        if credentials.refresh_token:
            response = send(
                self.client,
                "POST",
                f"{pds}/xrpc/com.atproto.server.refreshSession",
                headers=_auth(credentials.refresh_token),
            )
            if not _refused(response):
                _raise_for_status(response)
                return self._with_upload_limit(
                    _session_credentials(json_object(response), credentials)
                )
            refusal = _refresh_refused(response)
        else:
            refusal = NothingToRefresh(
                "No Bluesky refresh token is stored.", code="no_refresh_token"
            )
        password = credentials.extra.get("app_password")
        if not isinstance(password, str) or not password:
            raise refusal
        # The refresh token is spent; the app password opens a new session.
        handle = str(credentials.extra.get("handle") or credentials.external_id)
        service = str(credentials.extra.get("service_url") or pds)
        try:
            session = self._create_session(service, handle, password)
        except (AuthExpired, PermanentError) as exc:
            raise RefreshRefused(
                f"{exc.message} (Bluesky refused the stored app password)",
                code=exc.code,
                platform_response=exc.platform_response,
                status=exc.status,
            ) from exc
        return self._with_upload_limit(_session_credentials(session, credentials))

    def _with_upload_limit(self, credentials: Credentials) -> Credentials:
        """`credentials` with the PDS's upload limit, asked for when not kept yet: the
        refreshed credentials are stored, so an account connected before the limit was
        read keeps it from its next refresh on."""
        if UPLOAD_LIMIT in credentials.extra:
            return credentials
        try:
            upload_limit = self._server_upload_limit(_pds_url(self.config, credentials))
        except ConnectorError:
            return credentials  # the session is what matters; publishing asks again
        if upload_limit is None:
            return credentials
        return replace(credentials, extra={**credentials.extra, UPLOAD_LIMIT: upload_limit})

    def _create_session(self, service: str, handle: str, password: str) -> dict[str, Any]:
        response = send(
            self.client,
            "POST",
            f"{service}/xrpc/com.atproto.server.createSession",
            json={"identifier": handle, "password": password},
        )
        _raise_for_status(response)
        session = json_object(response)
        if not all(isinstance(session.get(key), str) for key in ("accessJwt", "did")):
            raise TransientError(
                f"Bluesky answered HTTP {response.status_code} without a session.",
                ambiguous=False,
                code="malformed_response",
            )
        return session


def _within_upload_limit(limits: PlatformLimits, upload_limit: object) -> PlatformLimits:
    if not isinstance(upload_limit, int) or isinstance(upload_limit, bool) or upload_limit <= 0:
        return limits
    return replace(
        limits,
        max_image_bytes=min(limits.max_image_bytes or upload_limit, upload_limit),
        max_video_bytes=min(limits.max_video_bytes or upload_limit, upload_limit),
    )


def detect_facets(text: str) -> list[tuple[dict[str, int], dict[str, Any]]]:
    """(byte slice, feature) for each link, mention and tag; mentions carry the handle in
    `did` until it is resolved."""
    found: list[tuple[int, int, dict[str, Any]]] = []
    for match in _MENTION.finditer(text):
        found.append(
            (
                match.start(),
                match.end(),
                {"$type": "app.bsky.richtext.facet#mention", "did": match.group(1).lower()},
            )
        )
    for match in _LINK.finditer(text):
        uri = match.group(1)
        end = match.end(1)
        if uri[-1] in ".,;:!?\"'":
            uri, end = uri[:-1], end - 1
        if uri.endswith(")") and "(" not in uri:
            uri, end = uri[:-1], end - 1
        found.append((match.start(1), end, {"$type": "app.bsky.richtext.facet#link", "uri": uri}))
    for match in _TAG.finditer(text):
        tag = _TRAILING_PUNCTUATION.sub("", match.group(1).strip())
        if not tag or len(regex.findall(r"\X", tag)) > 64:
            continue
        start = match.start(1) - 1  # the # sign
        found.append(
            (start, start + 1 + len(tag), {"$type": "app.bsky.richtext.facet#tag", "tag": tag})
        )
    found.sort(key=lambda item: item[0])
    return [
        (
            {"byteStart": _byte_offset(text, start), "byteEnd": _byte_offset(text, end)},
            feature,
        )
        for start, end, feature in found
    ]


def _byte_offset(text: str, index: int) -> int:
    return len(text[:index].encode())


def _session_credentials(
    session: Mapping[str, Any], credentials: Credentials, *, service: str | None = None
) -> Credentials:
    access = session.get("accessJwt")
    if not isinstance(access, str) or not access:
        raise TransientError(
            "Bluesky answered without an access token.", ambiguous=False, code="malformed_response"
        )
    extra = dict(credentials.extra)
    if service:
        extra["service_url"] = service
    if isinstance(session.get("handle"), str):
        extra["handle"] = session["handle"]
    pds = _pds_from_did_doc(session.get("didDoc"))
    if pds:
        extra["pds_url"] = pds
    return replace(
        credentials,
        external_id=str(session.get("did") or credentials.external_id),
        access_token=access,
        # refreshSession rotates the refresh token; keep ours if one is ever left out.
        refresh_token=session.get("refreshJwt") or credentials.refresh_token,
        expires_at=_jwt_expiry(access),
        extra=extra,
    )


def _pds_from_did_doc(did_doc: object) -> str | None:
    """The account's own PDS (its DID document's #atproto_pds service), when given."""
    if not isinstance(did_doc, dict) or not isinstance(did_doc.get("service"), list):
        return None
    for service in did_doc["service"]:
        if isinstance(service, dict) and str(service.get("id", "")).endswith("#atproto_pds"):
            endpoint = service.get("serviceEndpoint")
            if isinstance(endpoint, str) and endpoint.startswith("https://"):
                try:
                    return base_url(endpoint, what="PDS endpoint")
                except PermanentError:
                    return None  # not an origin: the entryway keeps serving the account
    return None


def _jwt_expiry(token: str) -> datetime | None:
    """`exp` of the access JWT (read, not verified: the PDS checks it), so Crier refreshes
    ahead of expiry."""
    try:
        payload = token.split(".")[1]
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        return datetime.fromtimestamp(int(claims["exp"]), tz=UTC)
    except (IndexError, ValueError, KeyError, TypeError):
        return None


def _pds_url(config: ConnectorConfig, credentials: Credentials) -> str:
    extra = credentials.extra
    return str(extra.get("pds_url") or extra.get("service_url") or service_url(config)).rstrip("/")


def _auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _strong_ref(record: Mapping[str, Any]) -> dict[str, str]:
    return {"uri": record["uri"], "cid": record["cid"]}


def _is_strong_ref(value: object) -> TypeGuard[Mapping[str, Any]]:
    return isinstance(value, dict) and all(
        isinstance(value.get(key), str) and value[key] for key in ("uri", "cid")
    )


def _post_uri_parts(uri: str) -> tuple[str, str] | None:
    """(repo, record key) of at://<repo>/app.bsky.feed.post/<rkey>; None for anything else."""
    parts = uri.removeprefix("at://").split("/")
    if len(parts) != 3 or parts[1] != POST_COLLECTION or not parts[0] or not parts[2]:
        return None
    return parts[0], parts[2]


def _web_url(uri: str, credentials: Credentials) -> str | None:
    # at://did:plc:…/app.bsky.feed.post/<rkey> → https://bsky.app/profile/<handle>/post/<rkey>
    parts = _post_uri_parts(uri)
    if parts is None:
        return None
    repo, rkey = parts
    author = credentials.extra.get("handle") or repo
    return f"{WEB_URL}/profile/{quote(str(author), safe=':.')}/post/{rkey}"


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _refused(response: httpx.Response) -> bool:
    # refreshSession answers an expired or revoked refresh JWT with 400/401 ExpiredToken or
    # InvalidToken; 429 and 5xx are passing failures, not refusals.
    return response.status_code in (400, 401)


def _refresh_refused(response: httpx.Response) -> RefreshRefused:
    data = json_object(response)
    return RefreshRefused(
        str(data.get("message") or data.get("error") or "Bluesky refused the refresh token."),
        code=str(data.get("error") or f"http_{response.status_code}"),
        platform_response=response.text,
        status=response.status_code,
    )


def _raise_for_status(response: httpx.Response) -> None:
    """The shared mapping with Bluesky's error names; its reset header has no X- prefix."""
    try:
        raise_for_platform_status(response, error_table=ERRORS)
    except TransientError as exc:
        if exc.retry_after is None:
            exc.retry_after = _reset_seconds(response.headers)
        raise


def _reset_seconds(headers: httpx.Headers) -> float | None:
    try:
        reset = float(headers.get("ratelimit-reset", ""))
    except ValueError:
        return None
    return max(0.0, reset - datetime.now(UTC).timestamp())


def _thread_incomplete(posted: list[str], total: int, exc: ConnectorError) -> TransientError:
    return TransientError(
        f"Posted {len(posted)} of {total} thread items ({', '.join(posted)}), then: "
        f"{exc.message}. Retrying would post the first items again.",
        ambiguous=True,
        code="thread_incomplete",
        platform_response=exc.platform_response,
        status=exc.status,
    )


_unreadable = partial(unreadable, "Bluesky")
