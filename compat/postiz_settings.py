"""Postiz's per-provider `settings` as Crier's per-network options.

Read from Postiz's settings DTOs (libraries/nestjs-libraries/src/dtos/posts/
providers-settings/*.ts at gitroomhq/postiz-app 74b01ad): each entry names the Postiz field,
the Crier option it sets and how its value reads. A field with no Crier equivalent is left
out and named in the answer's `X-Crier-Ignored-Settings`; a Crier option name passes as is.
The connector then checks the options as it checks native ones (a bad value is a 400).
Postiz's threads, mastodon, bluesky and telegram settings are empty: nothing to translate.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

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
