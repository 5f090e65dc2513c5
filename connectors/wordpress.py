"""WordPress: blog posts on a self-hosted site through the core REST API (wp/v2).

API reference (read 2026-11):
- Discovery (HEAD the site, `Link: <...>; rel="https://api.w.org/"`, `?rest_route=` form
  without pretty permalinks): https://developer.wordpress.org/rest-api/using-the-rest-api/discovery/
- Posts: https://developer.wordpress.org/rest-api/reference/posts/#create-a-post
- Media: https://developer.wordpress.org/rest-api/reference/media/#create-a-media-item
- Categories and tags: https://developer.wordpress.org/rest-api/reference/categories/ and
  https://developer.wordpress.org/rest-api/reference/tags/
- Users (`/users/me`): https://developer.wordpress.org/rest-api/reference/users/#retrieve-a-user-2
- Application passwords (Basic auth, their error codes):
  https://make.wordpress.org/core/2020/11/05/application-passwords-integration-guide/
- Errors (`{"code", "message", "data": {"status"}}`):
  https://developer.wordpress.org/rest-api/using-the-rest-api/global-parameters/ and
  https://developer.wordpress.org/rest-api/extending-the-rest-api/adding-custom-endpoints/#return-value

A publish resolves category and tag names to ids, uploads the media (the first image becomes
the featured image, the other files are appended to the content as image and video blocks),
then creates the post: that last call is the only one that publishes. WordPress has no
idempotency key and no lookup by ours, so the connector is not idempotent. The post text is
HTML, as WordPress stores it; plain text gets its paragraphs from WordPress (wpautop).
Application passwords do not expire: a revoked one (401) means reconnecting. An account is
one user of one site (`<site>#user-<id>`): two people on the same blog are two accounts.
"""

from __future__ import annotations

import base64
import html
import json
import mimetypes
import os
from collections.abc import Mapping
from datetime import UTC, datetime
from functools import partial
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpx

from connectors.base import (
    AccountProfile,
    Connector,
    Content,
    Credentials,
    MediaItem,
    Option,
    PlatformLimits,
    Problem,
    Published,
)
from connectors.errors import AuthExpired, ConnectorError, PermanentError
from connectors.http import (
    base_url,
    download,
    json_object,
    object_or_empty,
    platform_error,
    raise_for_platform_status,
    same_origin,
    send,
    unambiguous,
    unreadable,
)

API_LINK_REL = "https://api.w.org/"
MAX_TITLE_CHARS = 100  # for titles made from the text; WordPress itself sets no limit
LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})
# WordPress error codes (`code` in the body) whose class the HTTP status alone gets wrong.
# Unlisted codes follow the status: 401 AuthExpired (rest_not_logged_in, rest_cannot_create
# without a user), 403 and other 4xx PermanentError, 5xx transient.
ERRORS: dict[str, type[ConnectorError]] = {
    # Application-password refusals: the stored password no longer works.
    "incorrect_password": AuthExpired,
    "invalid_username": AuthExpired,
    "invalid_email": AuthExpired,
    "application_passwords_disabled": AuthExpired,
    "application_passwords_disabled_for_user": AuthExpired,
    # Uploads refused for their type come back as 500, yet a retry cannot help.
    "rest_upload_sideload_error": PermanentError,
    "rest_upload_file_too_big": PermanentError,
    "rest_upload_user_quota_exceeded": PermanentError,
}


class WordPressConnector(Connector):
    platform = "wordpress"
    display_name = "WordPress"
    connection = "token"
    connect_fields = ("site_url", "username", "application_password")
    user_chosen_hosts = True
    idempotent = False
    # Core WordPress limits neither post length nor the number of files; upload size and
    # types are the site's settings (upload_max_filesize, allowed MIME types), unknown here.
    # Image types: core's defaults (WebP since 5.8, AVIF since 6.5, HEIC since 6.7); videos
    # WordPress plays in its video block. No rate limit in core. Source: the Media page
    # above and https://developer.wordpress.org/reference/functions/get_allowed_mime_types/;
    # checked 2026-11.
    limits = PlatformLimits(
        max_chars=100_000,
        max_images=20,
        max_videos=5,
        allow_mixed_media=True,
        image_types=frozenset(
            {"image/jpeg", "image/png", "image/gif", "image/webp", "image/avif", "image/heic"}
        ),
        video_types=frozenset({"video/mp4", "video/quicktime", "video/webm", "video/ogg"}),
    )
    options = (
        Option(name="title", kind=str, help="Post title; the first line of the text if absent."),
        Option(
            name="status",
            kind=str,
            choices=("publish", "draft", "pending", "private"),
            help="publish (default), draft, pending review or private; Crier schedules.",
        ),
        Option(
            name="date",
            kind=str,
            help="ISO 8601 time with offset, not in the future: the date the post shows.",
        ),
        Option(name="categories", kind=list, help="Category ids or names (must exist)."),
        Option(name="tags", kind=list, help="Tag ids or names (missing names are created)."),
    )

    def validate(self, content: Content, credentials: Credentials | None = None) -> list[Problem]:
        problems = super().validate(content, credentials)
        options = content.options
        for name in ("categories", "tags"):
            terms = options.get(name)
            if isinstance(terms, list) and not all(_is_term(term) for term in terms):
                problems.append(
                    Problem(
                        "option_type",
                        f"Option '{name}' must list ids (whole numbers) or names.",
                        f"options.{name}",
                    )
                )
        date = options.get("date")
        parsed = _parse_date(date) if isinstance(date, str) else None
        if isinstance(date, str) and parsed is None:
            problems.append(
                Problem(
                    "option_date",
                    "Option 'date' must be an ISO 8601 time with an offset, such as "
                    "2026-12-01T09:00:00+01:00.",
                    "options.date",
                )
            )
        elif parsed is not None and parsed > datetime.now(UTC):
            problems.append(
                Problem(
                    "option_date",
                    "Option 'date' is in the future: WordPress would hold the post as "
                    "scheduled instead of publishing it. Set the post's scheduled time in "
                    "Crier instead.",
                    "options.date",
                )
            )
        return problems

    def publish(self, content: Content, credentials: Credentials) -> Published:
        options = content.options
        with unambiguous():
            # Lookups, tag creation and uploads publish nothing: any failure here is safe to
            # retry, and only the post creation below makes the post.
            categories = self._term_ids(credentials, "categories", options.get("categories"))
            tags = self._term_ids(credentials, "tags", options.get("tags"))
            uploaded = [(item, self._upload(credentials, item)) for item in content.media]
        featured = next((media for item, media in uploaded if item.kind == "image"), None)
        blocks = [_block(item, media) for item, media in uploaded if media is not featured]
        if options.get("title"):
            title, text = options["title"], content.text
        else:
            title, text = _title_from(content.text)
        body: dict[str, Any] = {
            "title": title,
            "content": "\n\n".join(filter(None, [text, *blocks])),
            "status": options.get("status") or "publish",
        }
        date = _parse_date(options.get("date") or "")
        if date is not None:
            body["date_gmt"] = date.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")
        if categories:
            body["categories"] = categories
        if tags:
            body["tags"] = tags
        if featured is not None:
            body["featured_media"] = featured["id"]
        response = send(
            self.client,
            "POST",
            _endpoint(credentials, "wp/v2/posts"),
            headers=_auth(credentials),
            json=body,
        )
        _raise_for_status(response)
        post = json_object(response)
        post_id = post.get("id")
        if not isinstance(post_id, int):
            raise _unreadable(response, "a post without its id")
        if post.get("status") == "future":
            # Crier does the scheduling and sends no future date, so WordPress holds a post
            # as scheduled only when its clock runs behind ours. The post is not live: it is
            # reported processing, and poll() waits for WordPress to publish it.
            return Published(state="processing", handle=str(post_id))
        return _published(post_id, post)

    def poll(
        self, handle: str, credentials: Credentials, content: Content | None = None
    ) -> Published:
        """A post WordPress held as scheduled (`future`): published once WordPress says so."""
        with unambiguous():  # a read: nothing is posted
            response = send(
                self.client,
                "GET",
                _endpoint(credentials, f"wp/v2/posts/{handle}", {"context": "edit"}),
                headers=_auth(credentials),
            )
            _raise_for_status(response)
        post = json_object(response)
        status = post.get("status")
        if status == "future":
            return Published(state="processing", handle=handle)
        if status != "publish":
            raise PermanentError(
                f"WordPress holds post {handle} as '{status}' instead of publishing it.",
                code="not_published",
                platform_response=response.text,
                status=response.status_code,
            )
        return _published(int(handle), post)

    def connect(self, fields: Mapping[str, str]) -> tuple[Credentials, AccountProfile]:
        site = _site_url(fields["site_url"])
        username = fields["username"].strip()
        password = fields["application_password"].strip()
        api_root, about = self._api_index(site)
        if "wp/v2" not in (about.get("namespaces") or []):
            raise PermanentError(
                f"{site} answers at {api_root} but offers no wp/v2 API.", code="no_rest_api"
            )
        probe = Credentials(
            external_id=site,
            access_token=password,
            extra={"site_url": site, "api_root": api_root, "username": username},
        )
        me = send(
            self.client,
            "GET",
            _endpoint(probe, "wp/v2/users/me", {"context": "edit"}),
            headers=_auth(probe),
        )
        if me.status_code == 401:
            # While connecting, a refused password is a wrong field (a 422), not an
            # account to reconnect; WordPress's reason is what the person needs to read.
            code, message = platform_error(me)
            if code == "rest_not_logged_in":
                message += _unused_credentials_hint(about)
            raise PermanentError(message, code=code, platform_response=me.text, status=401)
        _raise_for_status(me)
        user = json_object(me)
        if not isinstance(user.get("id"), int):
            raise PermanentError("WordPress answered /users/me without a user id.")
        capabilities = user.get("capabilities")
        # WordPress lists only the capabilities a user has: a Contributor's answer has no
        # publish_posts key at all, so a missing key is a refusal.
        if not (isinstance(capabilities, dict) and capabilities.get("publish_posts") is True):
            raise PermanentError(
                f"The WordPress user {username} cannot publish posts; use an author, editor "
                "or administrator account.",
                code="cannot_publish",
            )
        avatars = object_or_empty(user.get("avatar_urls"))
        avatar = (avatars.get("96") or next(iter(avatars.values()), "")) if avatars else ""
        extra = {**probe.extra, "user_id": user["id"]}
        # One account per user of the site: two people publishing to the same blog are two
        # accounts, and reconnecting one of them never takes over the other's.
        key = f"{site}#user-{user['id']}"
        return Credentials(external_id=key, access_token=password, extra=extra), AccountProfile(
            external_id=key,
            username=str(user.get("slug") or username),
            display_name=str(about.get("name") or user.get("name") or site),
            avatar_url=str(avatar or ""),
        )

    def _api_index(self, site: str) -> tuple[str, dict[str, Any]]:
        """The API root and its index: the root the site advertises, else `/wp-json/`, else
        the `?rest_route=/` form every site answers. Security plugins strip the Link header,
        and without pretty permalinks `/wp-json/` is a web page (or a 404), not the API."""
        advertised = self._discover(site)
        roots = [advertised] if advertised else [f"{site}/wp-json/", f"{site}/?rest_route=/"]
        for root in roots[:-1]:
            index = send(self.client, "GET", _index_url(root))
            about = _json_or_none(index)
            if index.status_code == 200 and isinstance(about, dict) and "namespaces" in about:
                return root, about
        index = send(self.client, "GET", _index_url(roots[-1]))
        _raise_for_status(index)
        return roots[-1], json_object(index)

    def _discover(self, site: str) -> str | None:
        """The API root from the Link header (HEAD, as the discovery guide prefers)."""
        response = send(self.client, "HEAD", f"{site}/")
        if response.is_redirect:
            location = response.headers.get("location", "")
            raise PermanentError(
                f"{site} redirects to {location}; connect with that address instead.",
                code="site_redirects",
                status=response.status_code,
            )
        if response.status_code in (401, 403, 404, 405):
            # Some hosts refuse HEAD or guard the front page; the API may still answer.
            return None
        _raise_for_status(response)
        link = response.links.get(API_LINK_REL, {}).get("url")
        if not link:
            return None
        root = urljoin(f"{site}/", link)
        if not same_origin(root, site):
            # The application password goes to the root as Basic auth: never to another host.
            raise PermanentError(
                f"{site} advertises its API at {root}, on another host; Crier sends the "
                "application password only to the site's own address.",
                code="foreign_api_root",
            )
        return root

    def _term_ids(self, credentials: Credentials, taxonomy: str, terms: Any) -> list[int]:
        ids: list[int] = []
        for term in terms or []:
            if isinstance(term, int) and not isinstance(term, bool):
                ids.append(term)
            else:
                ids.append(self._term_id(credentials, taxonomy, str(term).strip()))
        return ids

    def _term_id(self, credentials: Credentials, taxonomy: str, name: str) -> int:
        # WordPress stores and returns term names HTML-escaped ("News &amp; Events"), and its
        # search matches the stored form: look up the escaped form too, compare unescaped.
        escaped = html.escape(name, quote=False)
        for search in dict.fromkeys((name, escaped)):
            term_id = self._find_term(credentials, taxonomy, name, search)
            if term_id is not None:
                return term_id
        if taxonomy == "categories":
            raise PermanentError(
                f"WordPress has no category named '{name}'; create it first or give its id.",
                code="unknown_category",
            )
        created = send(
            self.client,
            "POST",
            _endpoint(credentials, f"wp/v2/{taxonomy}"),
            headers=_auth(credentials),
            json={"name": name},
        )
        answer = json_object(created)
        data = object_or_empty(answer.get("data"))
        if answer.get("code") == "term_exists" and isinstance(data.get("term_id"), int):
            return data["term_id"]  # made meanwhile, e.g. by an earlier try of this post
        _raise_for_status(created)
        if not isinstance(answer.get("id"), int):
            raise _unreadable(created, "a tag without its id")
        return answer["id"]

    def _find_term(
        self, credentials: Credentials, taxonomy: str, name: str, search: str
    ) -> int | None:
        response = send(
            self.client,
            "GET",
            _endpoint(credentials, f"wp/v2/{taxonomy}", {"search": search, "per_page": 100}),
            headers=_auth(credentials),
        )
        _raise_for_status(response)
        found = _json_or_none(response)
        for term in found if isinstance(found, list) else []:
            if isinstance(term, dict) and name.casefold() in (
                html.unescape(str(term.get("name", ""))).casefold(),
                str(term.get("slug", "")).casefold(),
            ):
                return int(term["id"])
        return None

    def _upload(self, credentials: Credentials, item: MediaItem) -> dict[str, Any]:
        with download(self.client, item.url) as file:
            response = send(
                self.client,
                "POST",
                _endpoint(credentials, "wp/v2/media"),
                headers=_auth(credentials),
                files={"file": (_filename(item), file, item.mime_type)},
                data={"alt_text": item.alt_text} if item.alt_text else None,
            )
        _raise_for_status(response)
        media = json_object(response)
        if not isinstance(media.get("id"), int) or not isinstance(media.get("source_url"), str):
            raise _unreadable(response, "a media item without id and source_url")
        return media


def _unused_credentials_hint(about: Mapping[str, Any]) -> str:
    """Why WordPress answered as if no credentials came (rest_not_logged_in), from what its
    index says. A wrong or revoked application password lands here too: WordPress 6.1
    checks it only after its API has collected authentication errors, so its own code
    (incorrect_password, which needs no hint) shows only where a plugin looked the user up
    earlier."""
    authentication = about.get("authentication")
    # The index lists application passwords only where WordPress offers them.
    if not (isinstance(authentication, dict) and "application-passwords" in authentication):
        return (
            " (this site does not offer application passwords: WordPress enables them over "
            "HTTPS or in a local environment, and a plugin can turn them off)"
        )
    return (
        " (WordPress accepted no user with this name and password: use an application "
        "password from Users > Profile, not the login password, and check that it was not "
        "revoked; if it is right, the web server may be dropping the Authorization header)"
    )


def _published(post_id: int, post: Mapping[str, Any]) -> Published:
    link = post.get("link")
    return Published(
        state="published",
        external_id=str(post_id),
        url=link if isinstance(link, str) and link else None,
    )


def _raise_for_status(response: httpx.Response) -> None:
    raise_for_platform_status(response, error_table=ERRORS)


def _site_url(value: str) -> str:
    # A site may live under a path (https://example.com/blog); nothing else but its origin.
    site = base_url(value, what="site URL", keep_path=True)
    parts = urlsplit(site)
    if parts.scheme == "http" and parts.hostname not in LOCAL_HOSTS:
        # Basic auth over plain HTTP would hand the password to the network, and WordPress
        # only accepts application passwords over HTTPS outside local development.
        raise PermanentError(
            "The site URL must use https://; WordPress accepts application passwords only "
            "over HTTPS.",
            code="insecure_url",
        )
    return site


def _endpoint(
    credentials: Credentials, route: str, params: Mapping[str, str | int] | None = None
) -> str:
    """A route under the stored API root, in either of its two forms.

    `https://site/wp-json/` + `wp/v2/posts`, or `https://site/?rest_route=/` + `wp/v2/posts`
    (sites without pretty permalinks). Query parameters are merged here: httpx's `params=`
    would replace the `rest_route` query instead of adding to it.
    """
    site = str(credentials.extra["site_url"])  # the account's key also names the user
    root = str(credentials.extra.get("api_root") or f"{site}/wp-json/")
    if not same_origin(root, site):  # stored before roots were checked: never send there
        raise PermanentError(
            f"The stored API root {root} is not on {site}; reconnect the account.",
            code="foreign_api_root",
        )
    url = httpx.URL(root.rstrip("/") + "/" + route)
    return str(url.copy_merge_params(dict(params)) if params else url)


def _index_url(root: str) -> str:
    """The API index under a root in either form (`/wp-json/`, `/?rest_route=/`)."""
    return root.rstrip("/") + "/"


def _json_or_none(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


def _auth(credentials: Credentials) -> dict[str, str]:
    username = str(credentials.extra.get("username", ""))
    token = base64.b64encode(f"{username}:{credentials.access_token}".encode()).decode()
    return {"Authorization": f"Basic {token}"}


def _is_term(term: Any) -> bool:
    if isinstance(term, bool):
        return False
    return isinstance(term, int) or (isinstance(term, str) and bool(term.strip()))


def _parse_date(value: str) -> datetime | None:
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    # A time without an offset is ambiguous across the site's and Crier's zones.
    return parsed if parsed.tzinfo is not None else None


def _title_from(text: str) -> tuple[str, str]:
    """A title made from the first line, and the text left for the body: a line taken whole
    as the title leaves the body (WordPress shows the title above it; kept, it would show
    twice), a line cut short stays."""
    lines = text.splitlines()
    index = next((i for i, line in enumerate(lines) if line.strip()), None)
    if index is None:
        return "", text
    first = lines[index].strip()
    if len(first) <= MAX_TITLE_CHARS:
        return first, "\n".join(lines[index + 1 :]).strip("\n")
    cut = first[: MAX_TITLE_CHARS - 1].rsplit(" ", 1)[0] or first[: MAX_TITLE_CHARS - 1]
    return cut.rstrip() + "…", text


def _block(item: MediaItem, media: Mapping[str, Any]) -> str:
    """A core image or video block for a file uploaded to the site."""
    media_id, source = media["id"], html.escape(media["source_url"], quote=True)
    attributes = json.dumps({"id": media_id})
    if item.kind == "video":
        return (
            f"<!-- wp:video {attributes} -->\n"
            f'<figure class="wp-block-video"><video controls src="{source}"></video></figure>\n'
            "<!-- /wp:video -->"
        )
    alt = html.escape(item.alt_text or "", quote=True)
    return (
        f"<!-- wp:image {attributes} -->\n"
        f'<figure class="wp-block-image"><img src="{source}" alt="{alt}" '
        f'class="wp-image-{media_id}"/></figure>\n'
        "<!-- /wp:image -->"
    )


def _filename(item: MediaItem) -> str:
    name = os.path.basename(urlsplit(item.url).path)
    if name and "." in name:
        return name
    return "upload" + (mimetypes.guess_extension(item.mime_type) or "")


_unreadable = partial(unreadable, "WordPress")
