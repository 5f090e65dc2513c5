"""Content generators: draft a post's text from a topic, description and keyword.

Two kinds, chosen by settings: an OpenAI-compatible chat-completions endpoint (any server
that speaks it: OpenAI, Ollama, vLLM, LM Studio, llama.cpp ...) or a plain HTTP webhook
that answers `{"text": ...}`. One HTTP attempt per call (connectors.http); the caller
schedules retries. Errors are the connectors' taxonomy: TransientError / RateLimited are
retried, anything else fails the draft with its message.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

import httpx
from django.conf import settings

from connectors.errors import AuthExpired, PermanentError
from connectors.http import build_client, raise_for_platform_status, send

SYSTEM_PROMPT = (
    "You write social-media posts. Answer with the text of one post only: no preamble, "
    "no quotes, no hashtags unless they fit naturally."
)


@dataclass(frozen=True)
class Brief:
    topic: str
    description: str
    keyword: str
    platforms: tuple[str, ...]
    max_chars: int | None


class GeneratorNotConfigured(Exception):
    """CRIER_GENERATOR_URL is empty: planned posts wait for a human draft."""


def configured() -> bool:
    return bool(settings.CRIER_GENERATOR_URL)


@cache
def _client(timeout: float) -> httpx.Client:
    return build_client(timeout=timeout)


def prompt_for(brief: Brief) -> str:
    lines = [f"Topic: {brief.topic}"]
    if brief.description:
        lines.append(f"Brief: {brief.description}")
    if brief.keyword:
        lines.append(f"Use the keyword: {brief.keyword}")
    if brief.platforms:
        lines.append(f"For: {', '.join(brief.platforms)}")
    if brief.max_chars:
        lines.append(f"At most {brief.max_chars} characters.")
    return "\n".join(lines)


def generate(brief: Brief) -> str:
    """The drafted text; raises GeneratorNotConfigured or a connectors error."""
    url = settings.CRIER_GENERATOR_URL
    if not url:
        raise GeneratorNotConfigured("No generator is configured (CRIER_GENERATOR_URL).")
    headers = {}
    if settings.CRIER_GENERATOR_KEY:
        headers["Authorization"] = f"Bearer {settings.CRIER_GENERATOR_KEY}"
    client = _client(float(settings.CRIER_GENERATOR_TIMEOUT))
    body: dict[str, Any]
    if settings.CRIER_GENERATOR_KIND == "webhook":
        body = {
            "topic": brief.topic,
            "description": brief.description,
            "keyword": brief.keyword,
            "platforms": list(brief.platforms),
            "max_chars": brief.max_chars,
            "prompt": prompt_for(brief),
        }
        response = _call(client, url, body, headers)
        return _text(_json(response).get("text"), url)
    body = {
        "model": settings.CRIER_GENERATOR_MODEL,
        "messages": [
            {"role": "system", "content": SYSTEM_PROMPT},
            {"role": "user", "content": prompt_for(brief)},
        ],
    }
    endpoint = (
        url
        if url.rstrip("/").endswith("/chat/completions")
        else f"{url.rstrip('/')}/chat/completions"
    )
    response = _call(client, endpoint, body, headers)
    try:
        content = _json(response)["choices"][0]["message"]["content"]
    except (KeyError, IndexError, TypeError):
        raise PermanentError(
            "The generator's answer has no choices[0].message.content.",
            code="generator_bad_answer",
            platform_response=response.text,
        ) from None
    return _text(content, endpoint)


def _call(client: httpx.Client, url: str, body: dict, headers: dict) -> httpx.Response:
    response = send(client, "POST", url, json=body, headers=headers)
    try:
        raise_for_platform_status(response)
    except AuthExpired as exc:  # a wrong key is a configuration problem, not a token to refresh
        raise PermanentError(
            f"The generator refused the key: {exc.message}",
            code="generator_unauthorized",
            status=exc.status,
        ) from exc
    return response


def _json(response: httpx.Response) -> dict:
    try:
        data = response.json()
    except ValueError:
        data = None
    if not isinstance(data, dict):
        raise PermanentError(
            "The generator did not answer with a JSON object.",
            code="generator_bad_answer",
            platform_response=response.text,
        )
    return data


def _text(value: object, url: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise PermanentError(
            f"The generator at {url} returned no text.", code="generator_empty_answer"
        )
    return value.strip()
