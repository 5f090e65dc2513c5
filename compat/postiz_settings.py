"""Postiz's per-provider `settings` as Crier's per-network options.

Read from Postiz's settings DTOs (libraries/nestjs-libraries/src/dtos/posts/
providers-settings/*.ts at gitroomhq/postiz-app 74b01ad): each entry names the Postiz field,
the Crier option it sets and how its value reads. A field with no Crier equivalent is left
out and named in the answer's `X-Crier-Ignored-Settings`; a Crier option name passes as is.
The connector then checks the options as it checks native ones (a bad value is a 400).
Postiz's threads, mastodon, bluesky and telegram settings are empty: nothing to translate.

Before that, each field is checked as its DTO's class-validator decorators check it
(`RULES`), and refused in Postiz's words (`posts.0.settings.<field> must be ...`, as
NestJS's ValidationPipe prefixes them), so a value Postiz refuses is never ignored or
translated. Fields a DTO requires may be left out: Crier's connectors have defaults (a
Pinterest board, which Crier needs too, is refused by the connector).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from connectors.registry import connector_class

UNSET = object()  # the Postiz value is Crier's default: set no option


def _same(value: Any) -> Any:
    return value


def _negated(value: Any) -> Any:
    """Postiz says what is allowed (`duet: true`), Crier what is turned off."""
    return not value if isinstance(value, bool) else value


def _tag_labels(value: Any) -> Any:
    """Postiz's `[{value, label}]` tags: the labels are what the platform shows."""
    if not isinstance(value, list):
        return value
    return [tag.get("label", tag.get("value")) if isinstance(tag, dict) else tag for tag in value]


@dataclass(frozen=True)
class Setting:
    option: str
    convert: Callable[[Any], Any] = field(default=_same)


# Crier platform → Postiz setting name → the Crier option it sets.
SETTINGS: dict[str, dict[str, Setting]] = {
    # x.dto.ts: `everyone` is X's default, which Crier's reply_settings leaves unset.
    "x": {
        "who_can_reply_post": Setting(
            "reply_settings", lambda value: UNSET if value == "everyone" else value
        )
    },
    "facebook": {"url": Setting("link")},  # facebook.dto.ts
    # instagram.dto.ts: `post` is Crier's default (post, reel or carousel by the media).
    "instagram": {"post_type": Setting("type", lambda value: UNSET if value == "post" else value)},
    "pinterest": {  # pinterest.dto.ts
        "board": Setting("board_id"),
        "title": Setting("title"),
        "link": Setting("link"),
    },
    "tiktok": {  # tiktok.dto.ts
        "privacy_level": Setting("privacy_level"),
        "duet": Setting("disable_duet", _negated),
        "stitch": Setting("disable_stitch", _negated),
        "comment": Setting("disable_comments", _negated),
    },
    "youtube": {  # youtube.settings.dto.ts
        "title": Setting("title"),
        "type": Setting("privacy"),
        "tags": Setting("tags", _tag_labels),
        "selfDeclaredMadeForKids": Setting(
            "made_for_kids", lambda value: value == "yes" if value in ("yes", "no") else value
        ),
    },
    "wordpress": {  # wordpress.dto.ts
        "title": Setting("title"),
        "status": Setting("status"),
        "categories": Setting("categories"),
        "tags": Setting("tags"),
    },
}


def crier_options(platform: str, settings: Mapping[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """The Crier options Postiz `settings` set on `platform`, and the names left out."""
    native = {option.name for option in connector_class(platform).options}
    translations = SETTINGS.get(platform, {})
    options: dict[str, Any] = {}
    ignored = []
    for name, value in settings.items():
        if name == "__type":  # Postiz's provider tag: the channel says the platform
            continue
        if name in translations:
            converted = translations[name].convert(value)
            if converted is not UNSET:
                options.setdefault(translations[name].option, converted)
        elif name in native:
            options[name] = value  # a Crier option name wins over a translated one
        else:
            ignored.append(name)
    return options, sorted(ignored)


Kind = Literal["string", "boolean", "number", "numbers", "url", "object", "objects", "any"]


@dataclass(frozen=True)
class Rule:
    """What a Postiz settings DTO checks of one field (class-validator), in its words.
    `when_set`: checked only when the value is truthy (`ValidateIf((o) => o.field)`)."""

    kind: Kind = "any"
    choices: tuple[str, ...] = ()
    min_length: int | None = None
    max_length: int | None = None
    pattern: str | None = None
    message: str | None = None  # the DTO's own message, replacing class-validator's
    when_set: bool = False
    # Other fields that decide whether it is checked at all (a ValidateIf on them).
    applies: Callable[[Mapping[str, Any]], bool] = lambda settings: True


def _article(settings: Mapping[str, Any]) -> bool:
    return settings.get("post_type") == "article"


_MEDIA = Rule("object")  # MediaDto, nested
_YES_NO = Rule(choices=("yes", "no"))
_FLAG = Rule("boolean")

# Crier platform → its Postiz settings DTO (dtos/posts/providers-settings/, 74b01ad).
RULES: dict[str, dict[str, Rule]] = {
    "x": {  # x.dto.ts
        "community": Rule(
            "string",
            pattern=r"^(https://x\.com/i/communities/\d+)?$",
            message="Invalid X community URL. It should be in the format: "
            "https://x.com/i/communities/1493446837214187523",
        ),
        "who_can_reply_post": Rule(
            choices=("everyone", "following", "mentionedUsers", "subscribers", "verified"),
            applies=lambda settings: not _article(settings),
        ),
        "post_type": Rule(choices=("post", "article")),
        "article_title": Rule(
            "string", min_length=1, message="Article title is required", applies=_article
        ),
        "article_status": Rule(choices=("draft", "published"), applies=_article),
        "article_cover": _MEDIA,
        "made_with_ai": _FLAG,
        "paid_partnership": _FLAG,
    },
    "linkedin": {"post_as_images_carousel": _FLAG, "carousel_name": Rule("string")},
    "facebook": {  # facebook.dto.ts
        "url": Rule("url", when_set=True),
        "post_type": Rule(choices=("post", "story")),
        "text_format_preset_id": Rule("string"),
    },
    "instagram": {  # instagram.dto.ts
        "post_type": Rule(choices=("post", "story")),
        "graduation_strategy": Rule(choices=("MANUAL", "SS_PERFORMANCE")),
        "collaborators": Rule("objects"),
        "audio": Rule("object"),
    },
    "pinterest": {  # pinterest.dto.ts
        "title": Rule("string", max_length=100, when_set=True),
        "link": Rule("url", when_set=True),
        "dominant_color": Rule("string", when_set=True),
        "board": Rule("string", min_length=1, message="Board is required"),
    },
    "tiktok": {  # tiktok.dto.ts
        "title": Rule("string", max_length=90, when_set=True),
        "privacy_level": Rule(
            "string",
            choices=(
                "PUBLIC_TO_EVERYONE",
                "MUTUAL_FOLLOW_FRIENDS",
                "FOLLOWER_OF_CREATOR",
                "SELF_ONLY",
            ),
        ),
        "duet": _FLAG,
        "stitch": _FLAG,
        "comment": _FLAG,
        "autoAddMusic": _YES_NO,
        "brand_content_toggle": _FLAG,
        "video_made_with_ai": _FLAG,
        "brand_organic_toggle": _FLAG,
        "music": Rule("object"),
        "location": Rule("object"),
        "content_posting_method": Rule("string", choices=("DIRECT_POST", "UPLOAD")),
    },
    "youtube": {  # youtube.settings.dto.ts
        "title": Rule("string", min_length=2, max_length=100),
        "type": Rule(choices=("public", "private", "unlisted")),
        "selfDeclaredMadeForKids": _YES_NO,
        "thumbnail": _MEDIA,
        "tags": Rule("objects"),
    },
    "wordpress": {  # wordpress.dto.ts
        "title": Rule("string", min_length=2),
        "main_image": _MEDIA,
        "type": Rule("string"),
        "categories": Rule("numbers"),
        "tags": Rule("numbers"),
        "status": Rule("string", choices=("publish", "draft", "pending", "private")),
    },
}

_KIND_MESSAGES = {
    "string": "{} must be a string",
    "boolean": "{} must be a boolean value",
    "url": "{} must be a URL address",
    "object": "nested property {} must be either object or array",
    "objects": "{} must be an array",
    "numbers": "each value in {} must be a number conforming to the specified constraints",
}


def settings_problems(platform: str, settings: Mapping[str, Any]) -> list[str]:
    """How `settings` break the platform's Postiz DTO, each as Postiz words it."""
    problems = []
    for name, rule in RULES.get(platform, {}).items():
        if name not in settings or (rule.when_set and not settings[name]):
            continue
        if not rule.applies(settings):
            continue
        message = _broken(name, rule, settings[name])
        if message:
            problems.append(rule.message or message)
    return problems


def _broken(name: str, rule: Rule, value: Any) -> str | None:
    if not _of_kind(rule.kind, value):
        return _KIND_MESSAGES[rule.kind].format(name)
    if rule.choices and value not in rule.choices:
        return f"{name} must be one of the following values: {', '.join(rule.choices)}"
    if isinstance(value, str):
        if rule.min_length is not None and len(value) < rule.min_length:
            return f"{name} must be longer than or equal to {rule.min_length} characters"
        if rule.max_length is not None and len(value) > rule.max_length:
            return f"{name} must be shorter than or equal to {rule.max_length} characters"
        if rule.pattern is not None and not re.fullmatch(rule.pattern, value):
            return f"{name} must match {rule.pattern} regular expression"
    return None


def _of_kind(kind: Kind, value: Any) -> bool:
    if kind == "string":
        return isinstance(value, str)
    if kind == "boolean":
        return isinstance(value, bool)
    if kind == "url":
        return isinstance(value, str) and re.match(r"https?://[^\s/$.?#][^\s]*$", value) is not None
    if kind == "object":
        return isinstance(value, (dict, list))
    if kind == "objects":
        return isinstance(value, list) and all(isinstance(item, dict) for item in value)
    if kind == "numbers":
        return isinstance(value, list) and all(
            isinstance(item, (int, float)) and not isinstance(item, bool) for item in value
        )
    return True
