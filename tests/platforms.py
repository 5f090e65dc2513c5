"""Each platform's documented HTTP exchange as respx routes, for tests that publish through
the whole pipeline (tests/pipeline/test_connector_publishing.py).

One `Platform` per registry slug: the credentials as Crier stores them, the network block a
post sends, the media the platform needs, the routes answering the platform's requests
(`mock`) and the checks of what the platform received (`check`). Exchanges, ids and
answers are those of the connector unit tests in tests/connectors/, which cite the
platforms' reference pages.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from email.parser import BytesParser
from email.policy import HTTP
from typing import Any
from urllib.parse import parse_qs

import httpx
import respx
from standardwebhooks import Webhook

from connectors.facebook import DEFAULT_GRAPH_VERSION
from connectors.linkedin import DEFAULT_VERSION as LINKEDIN_VERSION

TEXT = "Launch day from Crier"
FOLLOW_UP = "More about the launch"
ALT_TEXT = "A rocket on the pad"

Routes = dict[str, respx.Route]


@dataclass(frozen=True)
class Published:
    """What the pipeline must end with: the platform's id and link for the post."""

    external_id: str
    url: str


@dataclass(frozen=True)
class Platform:
    slug: str
    external_id: str
    credentials: dict[str, Any]  # as stored in SocialAccount.credentials
    published: Published
    mock: Callable[[respx.MockRouter], Routes]
    check: Callable[[Routes, str], None]  # (routes, the media URL Crier served or "")
    network: dict[str, Any] = field(default_factory=dict)  # options of `networks.<slug>`
    media: str | None = None  # "jpeg", "png" or "mp4" when the post carries one file
    thread: tuple[str, ...] = ()
    polls: int = 0  # poll rounds until the platform says published
    downloads: bool = False  # the connector fetches the media from Crier to upload it


# --- helpers ------------------------------------------------------------------------------


def json_body(route: respx.Route, index: int = -1) -> dict:
    return json.loads(route.calls[index].request.content)


def form_body(route: respx.Route, index: int = -1) -> dict[str, str]:
    content = route.calls[index].request.content.decode()
    return {key: values[0] for key, values in parse_qs(content).items()}


def query(route: respx.Route, index: int = -1) -> dict[str, str]:
    return dict(route.calls[index].request.url.params)


def multipart(request: httpx.Request) -> dict[str, bytes]:
    head = f"Content-Type: {request.headers['content-type']}\r\n\r\n".encode()
    message = BytesParser(policy=HTTP).parsebytes(head + request.content)
    return {
        part.get_param("name", header="content-disposition"): part.get_payload(decode=True)
        for part in message.iter_parts()
    }


def bearer(route: respx.Route, token: str, index: int = -1) -> None:
    assert route.calls[index].request.headers["Authorization"] == f"Bearer {token}"


# --- X: API v2, chunked media upload ------------------------------------------------------

X_API = "https://api.x.com"
X_TWEETS = f"{X_API}/2/tweets"
X_TOKEN_URL = f"{X_API}/2/oauth2/token"
X_MEDIA_ID = "1880028106020515840"
X_POST_ID = "1445880548472328192"


def x_upload_routes(
    respx_mock: respx.MockRouter, media_id: str = X_MEDIA_ID, finalize: dict | None = None
) -> Routes:
    """Initialize, append and finalize; `finalize` adds fields to its answer
    (processing_info for videos)."""
    base = f"{X_API}/2/media/upload"
    return {
        "initialize": respx_mock.post(f"{base}/initialize").respond(
            200,
            json={
                "data": {"id": media_id, "media_key": f"3_{media_id}", "expires_after_secs": 86399}
            },
        ),
        "append": respx_mock.post(f"{base}/{media_id}/append").respond(
            200, json={"data": {"expires_at": 1_900_000_000}}
        ),
        "finalize": respx_mock.post(f"{base}/{media_id}/finalize").respond(
            200, json={"data": {"id": media_id, "size": 10, **(finalize or {})}}
        ),
    }


def x_created(post_id: str = X_POST_ID) -> httpx.Response:
    return httpx.Response(201, json={"data": {"id": post_id, "text": TEXT}})


def mock_x(respx_mock: respx.MockRouter) -> Routes:
    return {
        **x_upload_routes(respx_mock),
        "metadata": respx_mock.post(f"{X_API}/2/media/metadata").respond(200, json={}),
        "tweets": respx_mock.post(X_TWEETS).mock(x_created()),
    }


def check_x(routes: Routes, media_url: str) -> None:
    init = json_body(routes["initialize"])
    assert init["media_type"] == "image/png"
    assert init["media_category"] == "tweet_image"
    assert init["total_bytes"] > 0
    parts = multipart(routes["append"].calls.last.request)
    assert parts["segment_index"] == b"0"
    assert len(parts["media"]) == init["total_bytes"]
    assert routes["finalize"].called
    assert json_body(routes["metadata"]) == {
        "id": X_MEDIA_ID,
        "metadata": {"alt_text": {"text": ALT_TEXT}},
    }
    bearer(routes["tweets"], "x-access-token")
    assert json_body(routes["tweets"]) == {"text": TEXT, "media": {"media_ids": [X_MEDIA_ID]}}


X = Platform(
    slug="x",
    external_id="2244994945",
    credentials={
        "access_token": "x-access-token",
        "refresh_token": "x-refresh-token",
        "extra": {"username": "ada"},
    },
    media="png",
    published=Published(X_POST_ID, f"https://x.com/ada/status/{X_POST_ID}"),
    mock=mock_x,
    check=check_x,
    downloads=True,
)


def x_media_status(state: str) -> httpx.Response:
    return httpx.Response(
        200, json={"data": {"id": X_MEDIA_ID, "processing_info": {"state": state}}}
    )


def mock_x_video(respx_mock: respx.MockRouter) -> Routes:
    """A video X is still processing after finalize and one STATUS look, ready at the poll."""
    routes = x_upload_routes(
        respx_mock, finalize={"processing_info": {"state": "pending", "check_after_secs": 1}}
    )
    return {
        **routes,
        "status": respx_mock.get(
            f"{X_API}/2/media/upload", params={"command": "STATUS", "media_id": X_MEDIA_ID}
        ).mock(side_effect=[x_media_status("in_progress"), x_media_status("succeeded")]),
        "metadata": respx_mock.post(f"{X_API}/2/media/metadata").respond(200, json={}),
        "tweets": respx_mock.post(X_TWEETS).mock(x_created()),
    }


def check_x_video(routes: Routes, media_url: str) -> None:
    init = json_body(routes["initialize"])
    assert (init["media_type"], init["media_category"]) == ("video/mp4", "tweet_video")
    assert routes["status"].call_count == 2
    # Posted by the poll, from the content the pipeline passed.
    assert routes["tweets"].call_count == 1
    bearer(routes["tweets"], "x-access-token")
    assert json_body(routes["tweets"]) == {"text": TEXT, "media": {"media_ids": [X_MEDIA_ID]}}


X_VIDEO = replace(X, media="mp4", mock=mock_x_video, check=check_x_video, polls=1)


# --- LinkedIn: Posts API ------------------------------------------------------------------

LINKEDIN_POSTS = "https://api.linkedin.com/rest/posts"
LINKEDIN_MEMBER = "urn:li:person:abc123"
LINKEDIN_SHARE = "urn:li:share:7012345678901234567"


def linkedin_created(urn: str = LINKEDIN_SHARE) -> httpx.Response:
    return httpx.Response(201, headers={"x-restli-id": urn})


def mock_linkedin(respx_mock: respx.MockRouter) -> Routes:
    return {"posts": respx_mock.post(LINKEDIN_POSTS).mock(linkedin_created())}


def check_linkedin(routes: Routes, media_url: str) -> None:
    request = routes["posts"].calls.last.request
    assert request.headers["Authorization"] == "Bearer li-access-token"
    assert request.headers["LinkedIn-Version"] == LINKEDIN_VERSION
    assert request.headers["X-Restli-Protocol-Version"] == "2.0.0"
    assert json_body(routes["posts"]) == {
        "author": LINKEDIN_MEMBER,
        "commentary": TEXT,
        "visibility": "PUBLIC",
        "distribution": {
            "feedDistribution": "MAIN_FEED",
            "targetEntities": [],
            "thirdPartyDistributionChannels": [],
        },
        "lifecycleState": "PUBLISHED",
        "isReshareDisabledByAuthor": False,
    }


LINKEDIN = Platform(
    slug="linkedin",
    external_id="abc123",
    credentials={
        "access_token": "li-access-token",
        "refresh_token": "li-refresh-token",
        "extra": {"author_urn": LINKEDIN_MEMBER},
    },
    published=Published(LINKEDIN_SHARE, f"https://www.linkedin.com/feed/update/{LINKEDIN_SHARE}/"),
    mock=mock_linkedin,
    check=check_linkedin,
)


# --- Facebook: Page feed ------------------------------------------------------------------

FACEBOOK_PAGE = "1234567890"
FACEBOOK_FEED = f"https://graph.facebook.com/{DEFAULT_GRAPH_VERSION}/{FACEBOOK_PAGE}/feed"
FACEBOOK_POST = f"{FACEBOOK_PAGE}_987654321"


def graph_error(code: int, message: str, **extra: Any) -> dict:
    return {"error": {"message": message, "type": "OAuthException", "code": code, **extra}}


def mock_facebook(respx_mock: respx.MockRouter) -> Routes:
    return {"feed": respx_mock.post(FACEBOOK_FEED).respond(200, json={"id": FACEBOOK_POST})}


def check_facebook(routes: Routes, media_url: str) -> None:
    assert json_body(routes["feed"]) == {"message": TEXT, "access_token": "EAAB-page-token"}


FACEBOOK = Platform(
    slug="facebook",
    external_id=FACEBOOK_PAGE,
    credentials={"access_token": "EAAB-page-token"},
    published=Published(FACEBOOK_POST, f"https://www.facebook.com/{FACEBOOK_POST}"),
    mock=mock_facebook,
    check=check_facebook,
)


# --- Instagram: container, status, media_publish ------------------------------------------

INSTAGRAM_USER = "17841400000000001"
INSTAGRAM_BASE = f"https://graph.instagram.com/{DEFAULT_GRAPH_VERSION}"
INSTAGRAM_CONTAINER = "17889455560051444"
INSTAGRAM_MEDIA_ID = "17920238422030506"
INSTAGRAM_PERMALINK = "https://www.instagram.com/p/Cx1/"


def instagram_quota_route(respx_mock: respx.MockRouter, usage: int = 4) -> respx.Route:
    return respx_mock.get(f"{INSTAGRAM_BASE}/{INSTAGRAM_USER}/content_publishing_limit").respond(
        200,
        json={
            "data": [
                {"quota_usage": usage, "config": {"quota_total": 100, "quota_duration": 86400}}
            ]
        },
    )


def instagram_status(code: str) -> httpx.Response:
    return httpx.Response(200, json={"status_code": code, "id": INSTAGRAM_CONTAINER})


def mock_instagram(respx_mock: respx.MockRouter) -> Routes:
    return {
        "quota": instagram_quota_route(respx_mock),
        "container": respx_mock.post(f"{INSTAGRAM_BASE}/{INSTAGRAM_USER}/media").respond(
            200, json={"id": INSTAGRAM_CONTAINER}
        ),
        "status": respx_mock.get(f"{INSTAGRAM_BASE}/{INSTAGRAM_CONTAINER}").mock(
            side_effect=[instagram_status("IN_PROGRESS"), instagram_status("FINISHED")]
        ),
        "publish": respx_mock.post(f"{INSTAGRAM_BASE}/{INSTAGRAM_USER}/media_publish").respond(
            200, json={"id": INSTAGRAM_MEDIA_ID}
        ),
        "permalink": respx_mock.get(f"{INSTAGRAM_BASE}/{INSTAGRAM_MEDIA_ID}").respond(
            200, json={"permalink": INSTAGRAM_PERMALINK, "id": INSTAGRAM_MEDIA_ID}
        ),
    }


def check_instagram(routes: Routes, media_url: str) -> None:
    assert query(routes["quota"]) == {"fields": "quota_usage,config"}
    bearer(routes["container"], "IGAA-long-token")
    assert json_body(routes["container"]) == {
        "image_url": media_url,
        "alt_text": ALT_TEXT,
        "caption": TEXT,
    }
    assert query(routes["status"]) == {"fields": "status_code,status"}
    assert routes["status"].call_count == 2
    assert json_body(routes["publish"]) == {"creation_id": INSTAGRAM_CONTAINER}
    assert routes["publish"].call_count == 1


INSTAGRAM = Platform(
    slug="instagram",
    external_id=INSTAGRAM_USER,
    credentials={"access_token": "IGAA-long-token", "refresh_token": "IGAA-long-token"},
    media="jpeg",
    published=Published(INSTAGRAM_MEDIA_ID, INSTAGRAM_PERMALINK),
    mock=mock_instagram,
    check=check_instagram,
    polls=2,
)


# --- Threads: container, status, threads_publish, replies ---------------------------------

THREADS_GRAPH = "https://graph.threads.net/v1.0"
THREADS_USER = "17841400008460056"
THREADS_CREATE = f"{THREADS_GRAPH}/{THREADS_USER}/threads"
THREADS_POST_ID = "1801"
THREADS_REPLY_ID = "1802"
THREADS_PERMALINK = f"https://www.threads.net/@ada/post/{THREADS_POST_ID}"


def mock_threads(respx_mock: respx.MockRouter) -> Routes:
    return {
        "create": respx_mock.post(THREADS_CREATE).mock(
            side_effect=[
                httpx.Response(200, json={"id": "container-1"}),
                httpx.Response(200, json={"id": THREADS_REPLY_ID}),
            ]
        ),
        "status": respx_mock.get(
            f"{THREADS_GRAPH}/container-1", params={"fields": "id,status,error_message"}
        ).respond(200, json={"id": "container-1", "status": "FINISHED"}),
        "publish": respx_mock.post(f"{THREADS_GRAPH}/{THREADS_USER}/threads_publish").respond(
            200, json={"id": THREADS_POST_ID}
        ),
        "permalink": respx_mock.get(
            f"{THREADS_GRAPH}/{THREADS_POST_ID}", params={"fields": "permalink"}
        ).respond(200, json={"id": THREADS_POST_ID, "permalink": THREADS_PERMALINK}),
    }


def check_threads(routes: Routes, media_url: str) -> None:
    token = "threads-long-lived-token"
    container, reply = (form_body(routes["create"], index) for index in (0, 1))
    assert container == {
        "media_type": "IMAGE",
        "image_url": media_url,
        "alt_text": ALT_TEXT,
        "text": TEXT,
        "access_token": token,
    }
    assert form_body(routes["publish"]) == {"creation_id": "container-1", "access_token": token}
    # The follow-up needs the post, which the poll received: a reply to the published post.
    assert reply == {
        "media_type": "TEXT",
        "text": FOLLOW_UP,
        "reply_to_id": THREADS_POST_ID,
        "auto_publish_text": "true",
        "access_token": token,
    }


THREADS = Platform(
    slug="threads",
    external_id=THREADS_USER,
    credentials={"access_token": "threads-long-lived-token", "extra": {"username": "ada"}},
    media="jpeg",
    thread=(FOLLOW_UP,),
    published=Published(THREADS_POST_ID, THREADS_PERMALINK),
    mock=mock_threads,
    check=check_threads,
    polls=1,
)


# --- TikTok: creator info, direct post with a file upload, status -------------------------

TIKTOK_API = "https://open.tiktokapis.com/v2/post/publish"
TIKTOK_UPLOAD = "https://open-upload.tiktokapis.com/video/?upload_id=67890&upload_token=Xza123"
TIKTOK_PUBLISH_ID = "v_pub_file~v2-1.123456789"
TIKTOK_POST_ID = "7301234567890123456"
TIKTOK_OK = {"code": "ok", "message": "", "log_id": "202611241040"}


def tiktok_creator(**overrides: Any) -> dict:
    data = {
        "creator_avatar_url": "https://p16.tiktokcdn.com/a.jpeg",
        "creator_username": "crier.app",
        "creator_nickname": "Crier",
        "privacy_level_options": ["PUBLIC_TO_EVERYONE", "MUTUAL_FOLLOW_FRIENDS", "SELF_ONLY"],
        "comment_disabled": False,
        "duet_disabled": False,
        "stitch_disabled": True,
        "max_video_post_duration_sec": 600,
        **overrides,
    }
    return {"data": data, "error": TIKTOK_OK}


def tiktok_status(state: str, post_ids: tuple[str, ...] = ()) -> httpx.Response:
    data = {"status": state, "fail_reason": "", "publicaly_available_post_id": list(post_ids)}
    return httpx.Response(200, json={"data": data, "error": TIKTOK_OK})


def mock_tiktok(respx_mock: respx.MockRouter) -> Routes:
    return {
        "creator": respx_mock.post(f"{TIKTOK_API}/creator_info/query/").respond(
            200, json=tiktok_creator()
        ),
        "init": respx_mock.post(f"{TIKTOK_API}/video/init/").respond(
            200,
            json={
                "data": {"publish_id": TIKTOK_PUBLISH_ID, "upload_url": TIKTOK_UPLOAD},
                "error": TIKTOK_OK,
            },
        ),
        "upload": respx_mock.put(TIKTOK_UPLOAD).respond(201),
        "status": respx_mock.post(f"{TIKTOK_API}/status/fetch/").mock(
            side_effect=[
                tiktok_status("PROCESSING_UPLOAD"),
                tiktok_status("PUBLISH_COMPLETE", (TIKTOK_POST_ID,)),
            ]
        ),
    }


def check_tiktok(routes: Routes, media_url: str) -> None:
    bearer(routes["creator"], "act.example")
    init = json_body(routes["init"])
    size = init["source_info"]["video_size"]
    assert init == {
        "post_info": {
            "privacy_level": "PUBLIC_TO_EVERYONE",
            "disable_comment": False,
            "title": TEXT,
            "disable_duet": False,
            "disable_stitch": True,
        },
        "source_info": {
            "source": "FILE_UPLOAD",
            "video_size": size,
            "chunk_size": size,
            "total_chunk_count": 1,
        },
    }
    uploaded = routes["upload"].calls.last.request
    assert uploaded.headers["Content-Range"] == f"bytes 0-{size - 1}/{size}"
    assert uploaded.headers["Content-Type"] == "video/mp4"
    assert "authorization" not in uploaded.headers
    assert len(uploaded.content) == size
    assert json_body(routes["status"]) == {"publish_id": TIKTOK_PUBLISH_ID}
    assert routes["status"].call_count == 2


TIKTOK = Platform(
    slug="tiktok",
    external_id="open-id-1",
    credentials={
        "access_token": "act.example",
        "refresh_token": "rft.example",
        "extra": {"open_id": "open-id-1", "username": "crier.app"},
    },
    network={"privacy_level": "PUBLIC_TO_EVERYONE"},
    media="mp4",
    published=Published(
        TIKTOK_POST_ID, f"https://www.tiktok.com/@crier.app/video/{TIKTOK_POST_ID}"
    ),
    mock=mock_tiktok,
    check=check_tiktok,
    polls=2,
    downloads=True,
)


# --- YouTube: resumable upload, processing status -----------------------------------------

YOUTUBE_UPLOAD = "https://www.googleapis.com/upload/youtube/v3/videos"
YOUTUBE_SESSION = f"{YOUTUBE_UPLOAD}?uploadType=resumable&part=snippet%2Cstatus&upload_id=xa298sd_f"
YOUTUBE_VIDEOS = "https://www.googleapis.com/youtube/v3/videos"
YOUTUBE_VIDEO_ID = "dQw4w9WgXcQ"


def youtube_status(upload_status: str) -> httpx.Response:
    item = {
        "id": YOUTUBE_VIDEO_ID,
        "status": {"uploadStatus": upload_status},
        "processingDetails": {"processingStatus": "processing"},
    }
    return httpx.Response(200, json={"items": [item]})


def mock_youtube(respx_mock: respx.MockRouter) -> Routes:
    return {
        "session": respx_mock.post(url__startswith=YOUTUBE_UPLOAD).respond(
            200, headers={"Location": YOUTUBE_SESSION}
        ),
        "upload": respx_mock.put(YOUTUBE_SESSION).respond(
            200,
            json={
                "kind": "youtube#video",
                "id": YOUTUBE_VIDEO_ID,
                "status": {"uploadStatus": "uploaded"},
            },
        ),
        "status": respx_mock.get(YOUTUBE_VIDEOS).mock(
            side_effect=[youtube_status("uploaded"), youtube_status("processed")]
        ),
    }


def check_youtube(routes: Routes, media_url: str) -> None:
    opened = routes["session"].calls.last.request
    assert dict(opened.url.params) == {"uploadType": "resumable", "part": "snippet,status"}
    assert opened.headers["Authorization"] == "Bearer ya29.access"
    assert opened.headers["X-Upload-Content-Type"] == "video/mp4"
    assert json.loads(opened.content) == {
        "snippet": {"title": TEXT, "description": TEXT, "categoryId": "22"},
        "status": {"privacyStatus": "public", "selfDeclaredMadeForKids": False},
    }
    uploaded = routes["upload"].calls.last.request
    assert uploaded.headers["Content-Type"] == "video/mp4"
    assert opened.headers["X-Upload-Content-Length"] == str(len(uploaded.content))
    assert query(routes["status"]) == {"part": "status,processingDetails", "id": YOUTUBE_VIDEO_ID}
    assert routes["status"].call_count == 2


YOUTUBE = Platform(
    slug="youtube",
    external_id="UC_x5XG1OV2P6uZZ5FSM9Ttw",
    credentials={
        "access_token": "ya29.access",
        "refresh_token": "1//refresh",
        "extra": {"channel_id": "UC_x5XG1OV2P6uZZ5FSM9Ttw"},
    },
    media="mp4",
    published=Published(YOUTUBE_VIDEO_ID, f"https://www.youtube.com/watch?v={YOUTUBE_VIDEO_ID}"),
    mock=mock_youtube,
    check=check_youtube,
    polls=2,
    downloads=True,
)


# --- Bluesky: createRecord on the account's PDS -------------------------------------------

BLUESKY_PDS = "https://morel.us-east.host.bsky.network"
BLUESKY_DID = "did:plc:ewvi7nxzyoun6zhxrhs64oiz"
BLUESKY_CREATE = f"{BLUESKY_PDS}/xrpc/com.atproto.repo.createRecord"
BLUESKY_URI = f"at://{BLUESKY_DID}/app.bsky.feed.post/3k43tv4rft22g"


def mock_bluesky(respx_mock: respx.MockRouter) -> Routes:
    return {
        "create": respx_mock.post(BLUESKY_CREATE).respond(
            200, json={"uri": BLUESKY_URI, "cid": "bafy3k43tv4rft22g"}
        )
    }


def check_bluesky(routes: Routes, media_url: str) -> None:
    bearer(routes["create"], "access-jwt-1")
    body = json_body(routes["create"])
    assert body["repo"] == BLUESKY_DID
    assert body["collection"] == "app.bsky.feed.post"
    record = body["record"]
    assert record["$type"] == "app.bsky.feed.post"
    assert record["text"] == TEXT
    assert record["createdAt"].endswith("Z")


BLUESKY = Platform(
    slug="bluesky",
    external_id=BLUESKY_DID,
    credentials={
        "access_token": "access-jwt-1",
        "refresh_token": "refresh-jwt-1",
        "extra": {
            "handle": "ada.bsky.social",
            "service_url": "https://bsky.social",
            "pds_url": BLUESKY_PDS,
            # describeServer's blobUploadLimit, kept at connect.
            "blob_upload_limit": 100_000_000,
        },
    },
    published=Published(BLUESKY_URI, "https://bsky.app/profile/ada.bsky.social/post/3k43tv4rft22g"),
    mock=mock_bluesky,
    check=check_bluesky,
)


# --- Mastodon: statuses with an Idempotency-Key -------------------------------------------

MASTODON_BASE = "https://social.test"
MASTODON_STATUS = {"id": "110001", "url": "https://social.test/@ada/110001", "content": "<p>Hi</p>"}


def mock_mastodon(respx_mock: respx.MockRouter) -> Routes:
    return {
        "statuses": respx_mock.post(f"{MASTODON_BASE}/api/v1/statuses").respond(
            200, json=MASTODON_STATUS
        )
    }


def check_mastodon(routes: Routes, media_url: str) -> None:
    request = routes["statuses"].calls.last.request
    assert request.headers["Authorization"] == "Bearer masto-token-123"
    # The delivery's key, so a retried call cannot post twice.
    assert request.headers["Idempotency-Key"].startswith("crier-")
    assert json_body(routes["statuses"]) == {"status": TEXT, "visibility": "unlisted"}


MASTODON = Platform(
    slug="mastodon",
    external_id="42",
    credentials={
        "access_token": "masto-token-123",
        "extra": {
            "instance_url": MASTODON_BASE,
            "max_characters": 500,
            "max_media_attachments": 4,
            "characters_reserved_per_url": 23,
        },
    },
    network={"visibility": "unlisted"},
    published=Published("110001", "https://social.test/@ada/110001"),
    mock=mock_mastodon,
    check=check_mastodon,
)


def mock_mastodon_video(respx_mock: respx.MockRouter) -> Routes:
    """A video Mastodon is still processing at publish time, ready at the first poll."""
    return {
        "upload": respx_mock.post(f"{MASTODON_BASE}/api/v2/media").respond(
            202, json={"id": "m9", "type": "video", "url": None}
        ),
        "media": respx_mock.get(f"{MASTODON_BASE}/api/v1/media/m9").mock(
            side_effect=[
                httpx.Response(206, json={"id": "m9", "url": None}),
                httpx.Response(200, json={"id": "m9", "url": "https://files.social.test/m9.mp4"}),
            ]
        ),
        **mock_mastodon(respx_mock),
    }


def check_mastodon_video(routes: Routes, media_url: str) -> None:
    upload = routes["upload"].calls.last.request
    assert upload.headers["Authorization"] == "Bearer masto-token-123"
    form = multipart(upload)
    assert form["description"] == ALT_TEXT.encode()
    assert form["file"][4:8] == b"ftyp"
    assert routes["media"].call_count == 2
    # Posted by the poll, from the content the pipeline passed, with the delivery's key.
    assert routes["statuses"].call_count == 1
    request = routes["statuses"].calls.last.request
    assert request.headers["Idempotency-Key"].startswith("crier-")
    assert json_body(routes["statuses"]) == {
        "status": TEXT,
        "media_ids": ["m9"],
        "visibility": "unlisted",
    }


MASTODON_VIDEO = replace(
    MASTODON,
    media="mp4",
    mock=mock_mastodon_video,
    check=check_mastodon_video,
    polls=1,
    downloads=True,
)


# --- Telegram: Bot API sendMessage --------------------------------------------------------

TELEGRAM_TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"
TELEGRAM_API = f"https://api.telegram.org/bot{TELEGRAM_TOKEN}"
TELEGRAM_CHANNEL = -1001234567890


def mock_telegram(respx_mock: respx.MockRouter) -> Routes:
    chat = {"id": TELEGRAM_CHANNEL, "type": "channel", "title": "Crier news", "username": "crier"}
    message = {"message_id": 42, "date": 1790000000, "chat": chat}
    return {
        "send": respx_mock.post(f"{TELEGRAM_API}/sendMessage").respond(
            200, json={"ok": True, "result": message}
        )
    }


def check_telegram(routes: Routes, media_url: str) -> None:
    request = routes["send"].calls.last.request
    assert "authorization" not in request.headers  # the token travels in the path
    assert json_body(routes["send"]) == {"chat_id": TELEGRAM_CHANNEL, "text": TEXT}


TELEGRAM = Platform(
    slug="telegram",
    external_id=str(TELEGRAM_CHANNEL),
    credentials={
        "access_token": TELEGRAM_TOKEN,
        "extra": {"chat_id": TELEGRAM_CHANNEL, "chat_type": "channel"},
    },
    published=Published("42", "https://t.me/crier/42"),
    mock=mock_telegram,
    check=check_telegram,
)


# --- Pinterest: image Pin from Crier's URL ------------------------------------------------

PINTEREST_PINS = "https://api.pinterest.com/v5/pins"
PINTEREST_BOARD = "549755885175"
PINTEREST_PIN = "813744226420795884"


def mock_pinterest(respx_mock: respx.MockRouter) -> Routes:
    return {
        "pins": respx_mock.post(PINTEREST_PINS).respond(
            201, json={"id": PINTEREST_PIN, "board_id": PINTEREST_BOARD}
        )
    }


def check_pinterest(routes: Routes, media_url: str) -> None:
    bearer(routes["pins"], "pina_access")
    assert json_body(routes["pins"]) == {
        "board_id": PINTEREST_BOARD,
        "title": "Launch",
        "description": TEXT,
        "alt_text": ALT_TEXT,
        "media_source": {"source_type": "image_url", "url": media_url},
    }


PINTEREST = Platform(
    slug="pinterest",
    external_id="2783136121146311751",
    credentials={"access_token": "pina_access", "refresh_token": "pinr_refresh"},
    network={"board_id": PINTEREST_BOARD, "title": "Launch"},
    media="jpeg",
    published=Published(PINTEREST_PIN, f"https://www.pinterest.com/pin/{PINTEREST_PIN}/"),
    mock=mock_pinterest,
    check=check_pinterest,
)


PINTEREST_MEDIA = "https://api.pinterest.com/v5/media"
PINTEREST_S3 = "https://pinterest-media-upload.s3-accelerate.amazonaws.com/"
PINTEREST_VIDEO_ID = "5255843920968240771"
PINTEREST_VIDEO_PIN = "901"


def pinterest_media_status(status: str) -> httpx.Response:
    return httpx.Response(
        200, json={"media_id": PINTEREST_VIDEO_ID, "media_type": "video", "status": status}
    )


def pinterest_register_route(respx_mock: respx.MockRouter) -> respx.Route:
    """POST /v5/media: the media id and the S3 form to upload the video with."""
    return respx_mock.post(PINTEREST_MEDIA).respond(
        201,
        json={
            "media_id": PINTEREST_VIDEO_ID,
            "media_type": "video",
            "upload_url": PINTEREST_S3,
            "upload_parameters": {
                "x-amz-date": "20261102T154547Z",
                "x-amz-signature": "sig",
                "x-amz-security-token": "sts",
                "x-amz-algorithm": "AWS4-HMAC-SHA256",
                "key": f"uploads/17/4d/be/2:video:704109860400394553:{PINTEREST_VIDEO_ID}",
                "policy": "policy-b64",
                "x-amz-credential": "ASIA/20261102/us-east-1/s3/aws4_request",
                "Content-Type": "multipart/form-data",
            },
        },
    )


def pinterest_video_routes(respx_mock: respx.MockRouter, *statuses: str) -> Routes:
    """Register the upload, take the file on S3, answer `statuses` to GET /v5/media/{id}."""
    return {
        "register": pinterest_register_route(respx_mock),
        "s3": respx_mock.post(PINTEREST_S3).respond(204),
        "status": respx_mock.get(f"{PINTEREST_MEDIA}/{PINTEREST_VIDEO_ID}").mock(
            side_effect=[pinterest_media_status(status) for status in statuses]
        ),
    }


def mock_pinterest_video(respx_mock: respx.MockRouter) -> Routes:
    return {
        # Still processing when publish() looks, ready at the first poll.
        **pinterest_video_routes(respx_mock, "registered", "succeeded"),
        "pins": respx_mock.post(PINTEREST_PINS).respond(
            201, json={"id": PINTEREST_VIDEO_PIN, "board_id": PINTEREST_BOARD}
        ),
    }


def check_pinterest_video(routes: Routes, media_url: str) -> None:
    assert json_body(routes["register"]) == {"media_type": "video"}
    uploaded = routes["s3"].calls.last.request
    assert "authorization" not in uploaded.headers
    form = multipart(uploaded)
    assert form["policy"] == b"policy-b64"
    assert form["key"].endswith(PINTEREST_VIDEO_ID.encode())
    assert form["file"][4:8] == b"ftyp"  # the MP4 Crier stored
    assert routes["status"].call_count == 2
    # The Pin is created by the poll, from the post the pipeline passed to it.
    bearer(routes["pins"], "pina_access")
    assert json_body(routes["pins"]) == {
        "board_id": PINTEREST_BOARD,
        "title": "Launch",
        "description": TEXT,
        "alt_text": ALT_TEXT,
        "media_source": {
            "source_type": "video_id",
            "media_id": PINTEREST_VIDEO_ID,
            "cover_image_key_frame_time": 1,
        },
    }


PINTEREST_VIDEO = Platform(
    slug="pinterest",
    external_id=PINTEREST.external_id,
    credentials=PINTEREST.credentials,
    network={"board_id": PINTEREST_BOARD, "title": "Launch"},
    media="mp4",
    published=Published(
        PINTEREST_VIDEO_PIN, f"https://www.pinterest.com/pin/{PINTEREST_VIDEO_PIN}/"
    ),
    mock=mock_pinterest_video,
    check=check_pinterest_video,
    polls=1,
    downloads=True,
)


# --- WordPress: REST API posts with an application password -------------------------------

WORDPRESS_SITE = "https://blog.example.com"
WORDPRESS_ROOT = f"{WORDPRESS_SITE}/wp-json"
WORDPRESS_PASSWORD = "abcd EFGH ijkl MNOP qrst UVWX"
WORDPRESS_LINK = f"{WORDPRESS_SITE}/2026/11/launch/"


def mock_wordpress(respx_mock: respx.MockRouter) -> Routes:
    return {
        "posts": respx_mock.post(f"{WORDPRESS_ROOT}/wp/v2/posts").respond(
            201, json={"id": 42, "status": "publish", "link": WORDPRESS_LINK, "type": "post"}
        )
    }


def check_wordpress(routes: Routes, media_url: str) -> None:
    pair = base64.b64encode(f"editor:{WORDPRESS_PASSWORD}".encode()).decode()
    assert routes["posts"].calls.last.request.headers["Authorization"] == f"Basic {pair}"
    assert json_body(routes["posts"]) == {"title": TEXT, "content": "", "status": "publish"}


WORDPRESS = Platform(
    slug="wordpress",
    external_id=f"{WORDPRESS_SITE}#user-3",
    credentials={
        "access_token": WORDPRESS_PASSWORD,
        "extra": {
            "site_url": WORDPRESS_SITE,
            "api_root": f"{WORDPRESS_ROOT}/",
            "username": "editor",
            "user_id": 3,
        },
    },
    published=Published("42", WORDPRESS_LINK),
    mock=mock_wordpress,
    check=check_wordpress,
)


# --- Webhook: a signed Standard Webhooks POST ---------------------------------------------

WEBHOOK_URL = "https://hooks.example.com/catch/123/abc"
WEBHOOK_SECRET = "whsec_" + base64.b64encode(b"k" * 32).decode()


def mock_webhook(respx_mock: respx.MockRouter) -> Routes:
    return {
        "hook": respx_mock.post(WEBHOOK_URL).respond(
            200, json={"id": "wp-77", "url": "https://blog.test/77"}
        )
    }


def check_webhook(routes: Routes, media_url: str) -> None:
    request = routes["hook"].calls.last.request
    body = Webhook(WEBHOOK_SECRET).verify(request.content, dict(request.headers))
    assert request.headers["host"] == "hooks.example.com"
    assert request.headers["webhook-id"].startswith("crier-")
    assert body["type"] == "post.publish"
    assert body["data"]["text"] == TEXT
    assert body["data"]["idempotency_key"] == request.headers["webhook-id"]


WEBHOOK = Platform(
    slug="webhook",
    external_id="hook-1",
    credentials={"access_token": WEBHOOK_SECRET, "extra": {"url": WEBHOOK_URL}},
    published=Published("wp-77", "https://blog.test/77"),
    mock=mock_webhook,
    check=check_webhook,
)


PLATFORMS: dict[str, Platform] = {
    platform.slug: platform
    for platform in (
        X,
        LINKEDIN,
        FACEBOOK,
        INSTAGRAM,
        THREADS,
        TIKTOK,
        YOUTUBE,
        BLUESKY,
        MASTODON,
        TELEGRAM,
        PINTEREST,
        WORDPRESS,
        WEBHOOK,
    )
}

# Every platform, then variants whose exchange differs (two-phase where the base is not).
SCENARIOS: dict[str, Platform] = {
    **PLATFORMS,
    "mastodon-video": MASTODON_VIDEO,
    "pinterest-video": PINTEREST_VIDEO,
    "x-video": X_VIDEO,
}
