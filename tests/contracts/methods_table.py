"""Check captured requests against the Mastodon table (tests/contracts/mastodon/methods.json,
made by extract_mastodon.py from Mastodon's documentation).

Mastodon publishes no machine-readable description, so the table holds what the method
pages state: method and path, the OAuth scopes (any one suffices; `read`/`write` cover
their sub-scopes), parameters with their type word and listed values, and headers. A
request must be an endpoint of the table; its query parameters, headers beyond transport
and authorization, and body fields must be documented with the right type and, where the
page lists them, one of the values; a JSON body stands for the form data (Mastodon reads
either; `media_ids` is `media_ids[]`). Of several parameters marked required the page
means "one of" (status, media_ids, poll): at least one must be sent.
"""

from __future__ import annotations

import json
import re
from email.parser import BytesParser
from email.policy import HTTP
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx

from tests.contracts.openapi import HERE

TRANSPORT = {
    "host",
    "accept",
    "accept-encoding",
    "connection",
    "user-agent",
    "content-length",
    "content-type",
    "authorization",
}
TYPES = {"String": str, "Boolean": bool, "Integer": int, "Array of String": list}


class MethodsTable:
    def __init__(self, name: str, base: str):
        self.table: dict[str, Any] = json.loads((HERE / name).read_text(encoding="utf-8"))
        self.base = base.rstrip("/")

    @property
    def configuration(self) -> dict[str, Any]:
        return self.table["instance_example_configuration"]

    def endpoint(self, method: str, path: str) -> dict[str, Any] | None:
        for endpoint in self.table["endpoints"]:
            pattern = re.sub(r":\w+", "[^/]+", endpoint["path"])
            if endpoint["method"] == method and re.fullmatch(pattern, path):
                return endpoint
        return None

    def serves(self, url: str) -> bool:
        return url.startswith(self.base + "/api/")

    def problems(self, request: httpx.Request, granted: set[str]) -> list[str]:
        request.read()
        path = urlsplit(str(request.url)).path
        where = f"{request.method} {path}"
        endpoint = self.endpoint(request.method, path)
        if endpoint is None:
            return [f"{where}: no such method in Mastodon's documentation"]
        documented = endpoint["parameters"]
        found = [
            f"query parameter {name!r} is not documented"
            for name, _ in parse_qsl(request.url.query.decode())
            if name not in documented.get("query", {})
        ]
        headers = {name.lower() for name in documented.get("headers", {})}
        found += [
            f"header {name!r} is not documented"
            for name in request.headers
            if name.lower() not in TRANSPORT | headers
        ]
        found += self._body_problems(request, documented.get("form", {}))
        scopes = endpoint["scopes"]
        if scopes and not any(_covered(scope, granted) for scope in scopes):
            found.append(f"needs one of {scopes}, which the token is not asked to have")
        return [f"{where}: {problem}" for problem in found]

    def _body_problems(self, request: httpx.Request, form: dict[str, Any]) -> list[str]:
        if not request.content:
            return ["sends no parameters, but the page requires some"] if _required(form) else []
        if not form:
            return ["sends a body the method does not take"]
        media_type = request.headers.get("content-type", "").split(";")[0].strip()
        if media_type == "application/json":
            fields = {
                _form_name(name, value): value
                for name, value in json.loads(request.content).items()
            }
        elif media_type == "multipart/form-data":
            head = f"Content-Type: {request.headers['content-type']}\r\n\r\n".encode()
            message = BytesParser(policy=HTTP).parsebytes(head + request.content)
            fields = {
                part.get_param("name", header="content-disposition"): (
                    part
                    if part.get_filename() is not None
                    else part.get_payload(decode=True).decode()
                )
                for part in message.iter_parts()
            }
        else:
            return [f"body type {media_type!r}: Mastodon takes form data or JSON"]
        problems = []
        required = _required(form)
        if required and not required & set(fields):
            problems.append(f"sends none of the required {sorted(required)}")
        for name, value in fields.items():
            if name not in form:
                problems.append(f"parameter {name!r} is not documented")
                continue
            problems += _value_problems(name, value, form[name], media_type)
        return problems


def _covered(scope: str, granted: set[str]) -> bool:
    """`write` grants every `write:…` scope, `read` every `read:…`."""
    return scope in granted or scope.split(":", 1)[0] in granted


def _required(form: dict[str, Any]) -> set[str]:
    return {name for name, entry in form.items() if entry["required"]}


def _form_name(name: str, value: Any) -> str:
    return f"{name}[]" if isinstance(value, list) else name


def _value_problems(name: str, value: Any, entry: dict[str, Any], media_type: str) -> list[str]:
    kind = entry["type"].split(" (", 1)[0]
    if kind == "Object":
        return [] if not isinstance(value, str) else [f"{name!r} must be a file part"]
    if media_type == "application/json":
        expected = TYPES.get(kind)
        if expected is None:
            return [f"{name!r}: the page's type {entry['type']!r} is not known to this check"]
        if not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
            return [f"{name!r}: {value!r} is not {kind}"]
        if kind == "Array of String" and not all(isinstance(item, str) for item in value):
            return [f"{name!r}: {value!r} is not {kind}"]
    if "enum" in entry and value not in entry["enum"]:
        return [f"{name!r}: {value!r} is not one of {entry['enum']}"]
    return []
