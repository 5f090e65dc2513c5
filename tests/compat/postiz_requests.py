"""What real Postiz accepts in request bodies, read from its source, for
tests/compat/test_postiz_shapes.py (the answers are in postiz_shapes.py).

Read at github.com/gitroomhq/postiz-app, commit 74b01ada154a177242d558bedc646fcfed100adf
(2026-08-21): `CREATE_POST_DTO` and `MEDIA_DTO` (every field of `POST /public/v1/posts`,
`CREATE_POST_FIELDS`), and each provider's settings DTO under `SETTINGS_DTOS` (every field
set, `PROVIDER_SETTINGS`; and what each field's class-validator decorators refuse, with
Postiz's message, `SETTINGS_REFUSALS`). Postiz answers those refusals through NestJS's
ValidationPipe, which prefixes the field's path (`posts.0.settings.`); Crier sends the same
text in `{msg}`.
"""

from __future__ import annotations

from tests.compat.postiz_shapes import COMMIT

_DTOS = "libraries/nestjs-libraries/src/dtos"
CREATE_POST_DTO = f"{_DTOS}/posts/create.post.dto.ts"
MEDIA_DTO = f"{_DTOS}/media/media.dto.ts"
SETTINGS_DTOS = f"{_DTOS}/posts/providers-settings"
# The settings DTO of each Crier platform that has one, under SETTINGS_DTOS.
DTO_FILES = {
    "x": "x.dto.ts",
    "linkedin": "linkedin.dto.ts",
    "facebook": "facebook.dto.ts",
    "instagram": "instagram.dto.ts",
    "pinterest": "pinterest.dto.ts",
    "tiktok": "tiktok.dto.ts",
    "youtube": "youtube.settings.dto.ts",
    "wordpress": "wordpress.dto.ts",
}
__all__ = ["COMMIT"]

# CreatePostDto (dtos/posts/create.post.dto.ts) with its Post, PostContent, Integration, Tags
# and MediaDto (dtos/media/media.dto.ts): every field, and what Crier does with it.
CREATE_POST_FIELDS: dict[str, str] = {
    "type": "now, schedule, draft; `update` is a 400 {msg}: this route only creates",
    "order": "accepted, not used",
    "shortLink": "accepted; links are published as written (no shortener)",
    "inter": "null or 0 accepted; a repeat interval is a 400 {msg} (Crier's needs an end)",
    "republish": "accepted, not used: this route only creates",
    "date": "any ISO 8601 string; a date alone is UTC midnight, no offset is UTC",
    "tags[].value": "the label when `label` is empty",
    "tags[].label": "the post's label",
    "posts[].integration.id": "the channel",
    "posts[].group": "accepted, not used: one request is one group",
    "posts[].type": "not validated by Postiz; `draft` leaves the entry's settings unchecked",
    "posts[].settings": "per provider: PROVIDER_SETTINGS",
    "posts[].value[].content": "the text (HTML made plain)",
    "posts[].value[].id": "accepted, not used: this route only creates",
    "posts[].value[].delay": "the follow-up's delay (minutes up to 120, else milliseconds)",
    "posts[].value[].image[].id": "an upload's id (or found by its path)",
    "posts[].value[].image[].path": "finds the upload when the id is not one",
    "posts[].value[].image[].alt": "the media's alt text",
    "posts[].value[].image[].thumbnail": "accepted, not used",
}

# Each Crier platform's Postiz settings DTO with every field set (dtos/posts/providers-settings/):
# (the settings sent, the Crier options they set, the names Crier leaves out).
_MEDIA = {"id": "m1", "path": "https://uploads.example/a.png"}
PROVIDER_SETTINGS: dict[str, tuple[dict, dict, list[str]]] = {
    "x": (
        {
            "__type": "x",
            "community": "https://x.com/i/communities/1493446837214187523",
            "who_can_reply_post": "following",
            "post_type": "post",
            "article_title": "Title",
            "article_status": "draft",
            "article_cover": _MEDIA,
            "made_with_ai": False,
            "paid_partnership": False,
        },
        {"reply_settings": "following"},
        [
            "article_cover",
            "article_status",
            "article_title",
            "community",
            "made_with_ai",
            "paid_partnership",
            "post_type",
        ],
    ),
    "linkedin": (
        {"__type": "linkedin-page", "post_as_images_carousel": False, "carousel_name": "Deck"},
        {},
        ["carousel_name", "post_as_images_carousel"],
    ),
    "facebook": (
        {
            "__type": "facebook",
            "url": "https://example.com/read",
            "post_type": "post",
            "text_format_preset_id": "106018623298955",
        },
        {"link": "https://example.com/read"},
        ["post_type", "text_format_preset_id"],
    ),
    "instagram": (
        {
            "__type": "instagram",
            "post_type": "story",
            "is_trial_reel": False,
            "graduation_strategy": "MANUAL",
            "collaborators": [{"label": "friend"}],
            "audio": {"id": "1", "audio_volume": 50},
        },
        {"type": "story"},
        ["audio", "collaborators", "graduation_strategy", "is_trial_reel"],
    ),
    "pinterest": (
        {
            "__type": "pinterest",
            "title": "A pin",
            "link": "https://example.com/pin",
            "dominant_color": "#ffffff",
            "board": "549755885175",
        },
        {"board_id": "549755885175", "title": "A pin", "link": "https://example.com/pin"},
        ["dominant_color"],
    ),
    "tiktok": (
        {
            "__type": "tiktok",
            "title": "Title",
            "privacy_level": "SELF_ONLY",
            "duet": False,
            "stitch": True,
            "comment": True,
            "autoAddMusic": "no",
            "brand_content_toggle": False,
            "video_made_with_ai": False,
            "brand_organic_toggle": False,
            "music": {"id": "1"},
            "location": {"id": "1", "name": "Paris"},
            "content_posting_method": "DIRECT_POST",
        },
        {
            "privacy_level": "SELF_ONLY",
            "disable_duet": True,
            "disable_stitch": False,
            "disable_comments": False,
        },
        [
            "autoAddMusic",
            "brand_content_toggle",
            "brand_organic_toggle",
            "content_posting_method",
            "location",
            "music",
            "title",
            "video_made_with_ai",
        ],
    ),
    "youtube": (
        {
            "__type": "youtube",
            "title": "My video",
            "type": "unlisted",
            "selfDeclaredMadeForKids": "no",
            "thumbnail": _MEDIA,
            "tags": [{"value": "crier", "label": "Crier"}],
        },
        {"title": "My video", "privacy": "unlisted", "made_for_kids": False, "tags": ["Crier"]},
        ["thumbnail"],
    ),
    "wordpress": (
        {
            "__type": "wordpress",
            "title": "Hello",
            "main_image": _MEDIA,
            "type": "post",
            "categories": [1],
            "tags": [2],
            "status": "draft",
        },
        {"title": "Hello", "status": "draft", "categories": [1], "tags": [2]},
        ["main_image", "type"],
    ),
    # Postiz's settings for these are empty (all.providers.settings.ts: `None`).
    "threads": ({"__type": "threads"}, {}, []),
    "mastodon": ({"__type": "mastodon"}, {}, []),
    "bluesky": ({"__type": "bluesky"}, {}, []),
    "telegram": ({"__type": "telegram"}, {}, []),
}


_PREFIX = "posts.0.settings."
# (platform, settings sent, Postiz's message): one per kind of check each DTO makes.
SETTINGS_REFUSALS: list[tuple[str, dict, str]] = [
    (
        "x",
        {"who_can_reply_post": "nobody"},
        "who_can_reply_post must be one of the following values: everyone, following, "
        "mentionedUsers, subscribers, verified",
    ),
    (
        "x",
        {"community": "https://example.com/c/1"},
        "Invalid X community URL. It should be in the format: "
        "https://x.com/i/communities/1493446837214187523",
    ),
    ("x", {"post_type": "article", "article_title": ""}, "Article title is required"),
    ("x", {"made_with_ai": "yes"}, "made_with_ai must be a boolean value"),
    ("linkedin", {"carousel_name": 7}, "carousel_name must be a string"),
    ("facebook", {"url": "not a url"}, "url must be a URL address"),
    (
        "facebook",
        {"post_type": "reel"},
        "post_type must be one of the following values: post, story",
    ),
    (
        "instagram",
        {"post_type": "story", "graduation_strategy": "AUTO"},
        "graduation_strategy must be one of the following values: MANUAL, SS_PERFORMANCE",
    ),
    (
        "instagram",
        {"post_type": "post", "collaborators": "friend"},
        "collaborators must be an array",
    ),
    ("pinterest", {"board": ""}, "Board is required"),
    (
        "pinterest",
        {"board": "1", "title": "t" * 101},
        "title must be shorter than or equal to 100 characters",
    ),
    (
        "tiktok",
        {"privacy_level": "EVERYONE"},
        "privacy_level must be one of the following values: PUBLIC_TO_EVERYONE, "
        "MUTUAL_FOLLOW_FRIENDS, FOLLOWER_OF_CREATOR, SELF_ONLY",
    ),
    ("tiktok", {"privacy_level": "SELF_ONLY", "duet": "no"}, "duet must be a boolean value"),
    (
        "tiktok",
        {"privacy_level": "SELF_ONLY", "music": "song"},
        "nested property music must be either object or array",
    ),
    (
        "youtube",
        {"title": "A", "type": "public"},
        "title must be longer than or equal to 2 characters",
    ),
    (
        "youtube",
        {"title": "My video", "type": "public", "selfDeclaredMadeForKids": True},
        "selfDeclaredMadeForKids must be one of the following values: yes, no",
    ),
    (
        "wordpress",
        {"title": "Hello", "type": "post", "categories": ["news"]},
        "each value in categories must be a number conforming to the specified constraints",
    ),
    (
        "wordpress",
        {"title": "Hello", "type": "post", "status": "live"},
        "status must be one of the following values: publish, draft, pending, private",
    ),
]
SETTINGS_REFUSALS = [
    (platform, settings, _PREFIX + message) for platform, settings, message in SETTINGS_REFUSALS
]
