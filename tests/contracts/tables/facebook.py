"""Facebook's Graph API (Pages) as Meta's documentation pages describe the calls Crier makes.

Written for Crier from Meta's reference and guide pages on developers.facebook.com (found
with the search tool, read 2026-12-06; Graph API v26.0): facts only, in our own structure.
Graph takes the access token as a parameter (`access_token`, in the query or the body) on
every call, and the version as the first path segment.
"""

from __future__ import annotations

from tests.contracts.doc_table import Endpoint, obj, scopes

READ = "2026-12-06"
DOCS = "https://developers.facebook.com/docs"
GRAPH = "https://graph.facebook.com/{version}"
TOKEN = {"type": "string", "minLength": 1}
NODE_ID = {"type": "string", "pattern": "^[0-9]+$"}
# Page tokens need the Page listed (pages_show_list) and the right task on it; every Page
# read also needs pages_read_engagement.
PUBLISH = scopes("pages_manage_posts pages_read_engagement pages_show_list")
READ_PAGE = scopes("pages_read_engagement pages_show_list")

# Fields a node read may ask for, with the summary/limit modifiers Graph's field expansion
# takes: a Video's status and link, a Post's or Video's counts, a Page's followers.
NODE_FIELDS = {
    "type": "array",
    "items": {
        "pattern": r"^(status|permalink_url|likes|comments|shares|reactions|followers_count)"
        r"(\.summary\(total_count\))?(\.limit\(0\))?$"
    },
}

ENDPOINTS = [
    Endpoint(
        "POST",
        f"{GRAPH}/{{page}}/feed",
        doc=f"{DOCS}/graph-api/reference/page/feed",
        read=READ,
        scopes=PUBLISH,
        body=obj(
            ("access_token",),
            access_token=TOKEN,
            message={"type": "string"},
            link={"type": "string", "format": "uri"},
            published={"type": "boolean"},
            # Photos uploaded unpublished, attached by id.
            attached_media={
                "type": "array",
                "items": obj(("media_fbid",), media_fbid=NODE_ID),
            },
        ),
    ),
    Endpoint(
        "POST",
        f"{GRAPH}/{{page}}/photos",
        doc=f"{DOCS}/graph-api/reference/page/photos",
        read=READ,
        scopes=PUBLISH,
        body=obj(
            ("access_token",),
            access_token=TOKEN,
            url={"type": "string", "format": "uri"},
            caption={"type": "string"},
            published={"type": "boolean"},
            alt_text_custom={"type": "string"},
        ),
    ),
    Endpoint(
        # The Video API overview: every request goes to graph.facebook.com; the
        # graph-video.facebook.com host is deprecated. The Page Videos reference: creating
        # and publishing takes the same three permissions as a post. (Meta's manage-pages
        # guide also names publish_video for videos; the endpoint's own reference does not,
        # and asking for a permission the app was not granted in review breaks the login
        # dialog, so the reference is followed.)
        "POST",
        f"{GRAPH}/{{page}}/videos",
        doc=f"{DOCS}/graph-api/reference/page/videos",
        read=READ,
        scopes=PUBLISH,
        body=obj(
            ("access_token",),
            access_token=TOKEN,
            file_url={"type": "string", "format": "uri"},
            description={"type": "string"},
            title={"type": "string"},
            published={"type": "boolean"},
        ),
    ),
    Endpoint(
        # A comment as the Page on one of its posts.
        "POST",
        f"{GRAPH}/{{object}}/comments",
        doc=f"{DOCS}/graph-api/reference/object/comments",
        read=READ,
        scopes=scopes("pages_manage_engagement pages_show_list"),
        body=obj(
            ("access_token",),
            access_token=TOKEN,
            message={"type": "string"},
            attachment_url={"type": "string", "format": "uri"},
        ),
    ),
    Endpoint(
        "GET",
        f"{GRAPH}/{{object}}/insights",
        doc=f"{DOCS}/graph-api/reference/insights",
        read=READ,
        scopes=scopes("read_insights pages_read_engagement pages_show_list"),
        query={
            "access_token": TOKEN,
            "metric": {
                "type": "array",
                # Post metrics: media views (which replaced impressions) and clicks.
                "items": {
                    "enum": ["post_media_view", "post_clicks", "post_reactions_by_type_total"]
                },
            },
            "period": {"enum": ["lifetime", "day", "week", "days_28"]},
        },
        required_query=("access_token", "metric"),
    ),
    Endpoint(
        # A node read: a Video (status), a Post (counts) or the Page (followers_count).
        "GET",
        f"{GRAPH}/{{object}}",
        doc=f"{DOCS}/graph-api/reference/video-status",
        read=READ,
        scopes=READ_PAGE,
        query={"access_token": TOKEN, "fields": NODE_FIELDS},
        required_query=("access_token", "fields"),
    ),
    Endpoint(
        "GET",
        f"{GRAPH}/me/accounts",
        doc=f"{DOCS}/graph-api/reference/user/accounts",
        read=READ,
        scopes=scopes("pages_show_list"),
        query={
            "access_token": TOKEN,
            "fields": {
                "type": "array",
                "items": {"enum": ["id", "name", "username", "access_token", "tasks", "picture"]},
            },
        },
        required_query=("access_token",),
    ),
    Endpoint(
        # Code for a user token (manual flow, with PKCE's verifier), or a short-lived user
        # token for a long-lived one (fb_exchange_token).
        "GET",
        f"{GRAPH}/oauth/access_token",
        doc=f"{DOCS}/facebook-login/guides/advanced/manual-flow",
        read=READ,
        query={
            "client_id": {"type": "string"},
            "client_secret": {"type": "string"},
            "redirect_uri": {"type": "string", "format": "uri"},
            "code": {"type": "string"},
            "code_verifier": {"type": "string", "minLength": 43, "maxLength": 128},
            "grant_type": {"const": "fb_exchange_token"},
            "fb_exchange_token": {"type": "string"},
        },
        required_query=("client_id", "client_secret"),
    ),
]
AUTHORIZE = Endpoint(
    "GET",
    "https://www.facebook.com/{version}/dialog/oauth",
    doc=f"{DOCS}/facebook-login/guides/advanced/manual-flow",
    read=READ,
    query={
        "client_id": {"type": "string"},
        "redirect_uri": {"type": "string", "format": "uri"},
        "state": {"type": "string"},
        "response_type": {"enum": ["code", "token", "code granted_scopes"]},
        "scope": {"type": "string", "pattern": "^[a-z_]+(,[a-z_]+)*$"},
        "code_challenge": {"type": "string"},
        "code_challenge_method": {"enum": ["S256", "plain"]},
    },
    required_query=("client_id", "redirect_uri"),
)
# The deprecated video host too, so that a request sent there is reported, not ignored.
HOSTS = ("https://graph.facebook.com/", "https://graph-video.facebook.com/")
