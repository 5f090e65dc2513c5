"""LinkedIn's REST API as its documentation pages describe the calls Crier makes.

Written for Crier from LinkedIn's pages on learn.microsoft.com (found with the search tool,
read 2026-12-06, the `li-lms` versioned pages): facts only, in our own structure. The
upload URLs LinkedIn hands out (`uploadUrl`) are opaque and not rows here.
"""

from __future__ import annotations

from tests.contracts.doc_table import Endpoint, obj, scopes

READ = "2026-12-06"
MS = "https://learn.microsoft.com/en-us/linkedin"
API = "https://api.linkedin.com"
OAUTH = "https://www.linkedin.com/oauth/v2"

URN = {"type": "string", "pattern": "^urn:li:[A-Za-z]+:"}
AUTHOR = {"type": "string", "pattern": "^urn:li:(person|organization):"}
# Every versioned call: the version as YYYYMM, and Rest.li protocol 2.0.0 (Posts API page).
VERSIONED = {
    "LinkedIn-Version": {"type": "string", "pattern": "^[0-9]{6}$"},
    "X-Restli-Protocol-Version": {"const": "2.0.0"},
}
WRITE = scopes("w_member_social", "w_organization_social")

POST = obj(
    ("author", "commentary", "visibility", "distribution", "lifecycleState"),
    author=AUTHOR,
    # Posts API: commentary is little text format, up to 3,000 characters.
    commentary={"type": "string", "maxLength": 3000},
    visibility={"enum": ["CONNECTIONS", "PUBLIC", "LOGGED_IN", "CONTAINER"]},
    distribution=obj(
        ("feedDistribution",),
        feedDistribution={"enum": ["MAIN_FEED", "NONE"]},
        targetEntities={"type": "array"},
        thirdPartyDistributionChannels={"type": "array"},
    ),
    lifecycleState={"enum": ["DRAFT", "PUBLISHED", "PUBLISH_REQUESTED", "PUBLISH_FAILED"]},
    isReshareDisabledByAuthor={"type": "boolean"},
    content={
        "type": "object",
        "minProperties": 1,
        "maxProperties": 1,
        "properties": {
            # A single image or video: its URN, optional title, alt text (images).
            "media": obj(
                ("id",),
                id={"type": "string", "pattern": "^urn:li:(image|video|document):"},
                title={"type": "string"},
                altText={"type": "string"},
            ),
            # MultiImage API: 2 to 20 images, each with optional alt text.
            "multiImage": obj(
                ("images",),
                images={
                    "type": "array",
                    "minItems": 2,
                    "maxItems": 20,
                    "items": obj(
                        ("id",),
                        id={"type": "string", "pattern": "^urn:li:image:"},
                        altText={"type": "string"},
                    ),
                },
            ),
        },
        "additionalProperties": False,
    },
)

ENDPOINTS = [
    Endpoint(
        "POST",
        f"{API}/rest/posts",
        doc=f"{MS}/marketing/community-management/shares/posts-api",
        read=READ,
        scopes=WRITE,
        body=POST,
        headers=VERSIONED,
    ),
    Endpoint(
        "POST",
        f"{API}/rest/images",
        doc=f"{MS}/marketing/community-management/shares/images-api",
        read=READ,
        scopes=WRITE,
        query={"action": {"const": "initializeUpload"}},
        required_query=("action",),
        body=obj(
            ("initializeUploadRequest",),
            initializeUploadRequest=obj(("owner",), owner=AUTHOR),
        ),
        headers=VERSIONED,
    ),
    Endpoint(
        "POST",
        f"{API}/rest/videos",
        doc=f"{MS}/marketing/community-management/shares/videos-api",
        read=READ,
        scopes=WRITE,
        query={"action": {"enum": ["initializeUpload", "finalizeUpload"]}},
        required_query=("action",),
        body={
            "oneOf": [
                obj(
                    ("initializeUploadRequest",),
                    initializeUploadRequest=obj(
                        ("owner", "fileSizeBytes"),
                        owner=AUTHOR,
                        # Organic video: 75 KB to 5 GB.
                        fileSizeBytes={"type": "integer", "minimum": 1, "maximum": 5 * 1024**3},
                        uploadCaptions={"type": "boolean"},
                        uploadThumbnail={"type": "boolean"},
                    ),
                ),
                obj(
                    ("finalizeUploadRequest",),
                    finalizeUploadRequest=obj(
                        ("video", "uploadToken", "uploadedPartIds"),
                        video={"type": "string", "pattern": "^urn:li:video:"},
                        uploadToken={"type": "string"},
                        uploadedPartIds={"type": "array", "items": {"type": "string"}},
                    ),
                ),
            ]
        },
        headers=VERSIONED,
    ),
    Endpoint(
        "POST",
        f"{API}/rest/socialActions/{{urn}}/comments",
        doc=f"{MS}/marketing/community-management/shares/comments-api",
        read=READ,
        scopes=WRITE,
        body=obj(
            ("actor", "object", "message"),
            actor=AUTHOR,
            object=URN,
            message=obj(("text",), text={"type": "string"}),
        ),
        headers=VERSIONED,
    ),
    Endpoint(
        # Likes and comments summaries of a post.
        "GET",
        f"{API}/rest/socialActions/{{urn}}",
        doc=f"{MS}/marketing/community-management/shares/network-update-social-actions",
        read=READ,
        scopes=scopes("r_member_social", "r_organization_social"),
        headers=VERSIONED,
    ),
    Endpoint(
        "GET",
        f"{API}/rest/organizationalEntityShareStatistics",
        doc=f"{MS}/marketing/community-management/organizations/share-statistics",
        read=READ,
        scopes=scopes("rw_organization_admin"),
        query={
            "q": {"const": "organizationalEntity"},
            "organizationalEntity": {"type": "string", "pattern": "^urn:li:organization:"},
            "shares": {"type": "string", "pattern": r"^List\(urn:li:share:"},
            "ugcPosts": {"type": "string", "pattern": r"^List\(urn:li:ugcPost:"},
        },
        required_query=("q", "organizationalEntity"),
        headers=VERSIONED,
    ),
    Endpoint(
        "GET",
        f"{API}/rest/networkSizes/{{urn}}",
        doc=f"{MS}/marketing/community-management/organizations/organization-lookup-api",
        read=READ,
        scopes=scopes("rw_organization_admin"),
        query={"edgeType": {"const": "COMPANY_FOLLOWED_BY_MEMBER"}},
        required_query=("edgeType",),
        headers=VERSIONED,
    ),
    Endpoint(
        "GET",
        f"{API}/rest/memberFollowersCount",
        doc=f"{MS}/marketing/community-management/members/follower-statistics",
        read=READ,
        scopes=scopes("r_member_profileAnalytics"),
        query={"q": {"enum": ["me", "dateRange"]}},
        required_query=("q",),
        headers=VERSIONED,
    ),
    Endpoint(
        # OpenID Connect userinfo: `sub`, `name`, `picture`.
        "GET",
        f"{API}/v2/userinfo",
        doc=f"{MS}/consumer/integrations/self-serve/sign-in-with-linkedin-v2",
        read=READ,
        scopes=scopes("openid profile"),
    ),
    Endpoint(
        "POST",
        f"{OAUTH}/accessToken",
        doc=f"{MS}/shared/authentication/authorization-code-flow",
        read=READ,
        body_type="application/x-www-form-urlencoded",
        body={
            "oneOf": [
                obj(
                    ("grant_type", "code", "client_id", "client_secret", "redirect_uri"),
                    grant_type={"const": "authorization_code"},
                    code={"type": "string"},
                    client_id={"type": "string"},
                    client_secret={"type": "string"},
                    redirect_uri={"type": "string", "format": "uri"},
                ),
                # Programmatic refresh tokens page.
                obj(
                    ("grant_type", "refresh_token", "client_id", "client_secret"),
                    grant_type={"const": "refresh_token"},
                    refresh_token={"type": "string"},
                    client_id={"type": "string"},
                    client_secret={"type": "string"},
                ),
            ]
        },
    ),
]
AUTHORIZE = Endpoint(
    "GET",
    f"{OAUTH}/authorization",
    doc=f"{MS}/shared/authentication/authorization-code-flow",
    read=READ,
    query={
        "response_type": {"const": "code"},
        "client_id": {"type": "string"},
        "redirect_uri": {"type": "string", "format": "uri"},
        "state": {"type": "string"},
        "scope": {"type": "string", "pattern": "^[A-Za-z_]+( [A-Za-z_]+)*$"},
    },
    required_query=("response_type", "client_id", "redirect_uri", "scope"),
)
HOSTS = (f"{API}/", f"{OAUTH}/")
