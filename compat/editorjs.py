"""EditorJS documents to HTML, for WordPress and webhook receivers (the Repostra dialect).

Block reference: https://editorjs.io/base-concepts/ and the data shapes of the official
tools (paragraph, header, list, quote, image, delimiter, code), read 2026-11.

Everything is escaped. EditorJS keeps inline formatting as HTML inside `text` fields, so
those go through a small allowlist (b, strong, i, em, u, s, mark, code, br, and `a` with an
http(s) or mailto href); any other tag is dropped and its text kept, escaped. Unknown block
types are skipped rather than guessed at.
"""

from __future__ import annotations

import json
from html import escape
from html.parser import HTMLParser
from typing import TypeGuard

INLINE_TAGS = frozenset({"b", "strong", "i", "em", "u", "s", "mark", "code", "br"})
SAFE_SCHEMES = ("http://", "https://", "mailto:")
MAX_LIST_DEPTH = 10


class InvalidDocument(ValueError):
    """Not an EditorJS document: `{"blocks": [{"type": ..., "data": {...}}, ...]}`."""


def parse(value: object) -> dict:
    """An EditorJS document from its JSON string (as Repostra sends it) or object."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError as exc:
            raise InvalidDocument("content is not valid JSON.") from exc
    if not isinstance(value, dict) or not isinstance(value.get("blocks"), list):
        raise InvalidDocument('content must be an EditorJS document: {"blocks": [...]}.')
    for index, block in enumerate(value["blocks"]):
        if (
            not isinstance(block, dict)
            or not isinstance(block.get("type"), str)
            or not isinstance(block.get("data", {}), dict)
        ):
            raise InvalidDocument(f"content.blocks[{index}] needs a type and a data object.")
    return value


def from_text(text: str) -> dict:
    """Plain text (a generated draft) as an EditorJS document, one paragraph per block."""
    paragraphs = [part.strip() for part in text.replace("\r\n", "\n").split("\n\n")]
    return {
        "blocks": [
            {"type": "paragraph", "data": {"text": escape(part).replace("\n", "<br>")}}
            for part in paragraphs
            if part
        ]
    }


def to_html(document: dict) -> str:
    return "\n".join(filter(None, (_block(block) for block in document.get("blocks", ()))))


def _block(block: dict) -> str:
    kind, data = block.get("type"), block.get("data") or {}
    if kind == "paragraph":
        return f"<p>{inline(data.get('text'))}</p>"
    if kind == "header":
        level = data.get("level")
        level = level if isinstance(level, int) and 1 <= level <= 6 else 2
        return f"<h{level}>{inline(data.get('text'))}</h{level}>"
    if kind == "list":
        return _list(data.get("items"), data.get("style"), 0)
    if kind == "quote":
        caption = inline(data.get("caption"))
        cite = f"<cite>{caption}</cite>" if caption else ""
        return f"<blockquote><p>{inline(data.get('text'))}</p>{cite}</blockquote>"
    if kind == "image":
        file = data.get("file")
        url = (file.get("url") if isinstance(file, dict) else None) or data.get("url")
        if not _safe_url(url, schemes=("http://", "https://")):
            return ""
        caption = inline(data.get("caption"))
        alt = escape(_plain(data.get("caption")), quote=True)
        figcaption = f"<figcaption>{caption}</figcaption>" if caption else ""
        return f'<figure><img src="{escape(url, quote=True)}" alt="{alt}">{figcaption}</figure>'
    if kind == "delimiter":
        return "<hr>"
    if kind == "code":
        code = data.get("code")
        return f"<pre><code>{escape(code if isinstance(code, str) else '')}</code></pre>"
    return ""


def _list(items: object, style: object, depth: int) -> str:
    if not isinstance(items, list) or not items or depth >= MAX_LIST_DEPTH:
        return ""
    tag = "ol" if style == "ordered" else "ul"
    rendered = []
    for item in items:
        # List 1.x: strings; nested list 2.x: {"content": ..., "items": [...]}.
        if isinstance(item, dict):
            nested = _list(item.get("items"), style, depth + 1)
            rendered.append(f"<li>{inline(item.get('content'))}{nested}</li>")
        else:
            rendered.append(f"<li>{inline(item)}</li>")
    return f"<{tag}>{''.join(rendered)}</{tag}>"


def _safe_url(url: object, *, schemes: tuple[str, ...] = SAFE_SCHEMES) -> TypeGuard[str]:
    return isinstance(url, str) and url.strip().lower().startswith(schemes)


class _Inline(HTMLParser):
    """Re-emits allowlisted inline tags; everything else becomes escaped text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.open: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self.out.append("<br>")
        elif tag in INLINE_TAGS:
            self.out.append(f"<{tag}>")
            self.open.append(tag)
        elif tag == "a":
            href = dict(attrs).get("href")
            if _safe_url(href):
                self.out.append(f'<a href="{escape(href.strip(), quote=True)}">')
                self.open.append("a")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.open:
            while self.open:
                closing = self.open.pop()
                self.out.append(f"</{closing}>")
                if closing == tag:
                    break

    def handle_data(self, data: str) -> None:
        self.out.append(escape(data, quote=False))

    def result(self) -> str:
        self.close()
        return "".join(self.out) + "".join(f"</{tag}>" for tag in reversed(self.open))


def inline(value: object) -> str:
    if not isinstance(value, str) or not value:
        return ""
    parser = _Inline()
    parser.feed(value)
    return parser.result()


def _plain(value: object) -> str:
    """The text of an inline HTML fragment, tags removed (for alt attributes)."""
    if not isinstance(value, str):
        return ""

    class _Text(HTMLParser):
        def __init__(self) -> None:
            super().__init__(convert_charrefs=True)
            self.parts: list[str] = []

        def handle_data(self, data: str) -> None:
            self.parts.append(data)

    parser = _Text()
    parser.feed(value)
    parser.close()
    return "".join(parser.parts)
