"""Check captured requests against a table written from a platform's documentation pages.

For platforms that publish no machine-readable description (LinkedIn, Facebook, Instagram,
Threads, TikTok), and for those whose description may not be committed, so that CI checks
them too (X, Pinterest, Mastodon), `tests/contracts/tables/<platform>.py` holds one
`Endpoint` per documented call the connector may make, in our own words and structure:
method and URL template, the page it was read from and when (and the description some
facts come from, where one was read), the permissions it needs, and its query, body and
header parameters as JSON Schema (types, enums, lengths, required). The facts come from
the pages; no text of theirs is kept.

A request must match an endpoint's method and URL; its query parameters must be ones the
table lists (no others), valid and with the required ones present; its body must be of the
endpoint's content type and valid against the body schema; required headers must be sent
with valid values; and one of the endpoint's permission sets must be among the scopes the
connector asks for (`granted`).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx
from jsonschema import Draft7Validator, FormatChecker

from connectors.base import Connector, OAuthApp
from tests.contracts.openapi import Contract


@dataclass(frozen=True)
class Endpoint:
    method: str
    url: str  # a template: `{name}` stands for one path segment
    doc: str  # the documentation page the row was read from
    read: str  # when (YYYY-MM-DD)
    # The platform's machine-readable description some of the row's facts come from, where
    # one was read too (ids' patterns, enums, scopes): "" when the page is the only source.
    spec: str = ""
    # Each entry is one set of permissions that suffices; empty: none needed (a token call).
    scopes: tuple[frozenset[str], ...] = ()
    query: dict[str, Any] = field(default_factory=dict)  # name -> JSON Schema
    required_query: tuple[str, ...] = ()
    body: dict[str, Any] | None = None  # JSON Schema of the body; None: the call takes none
    body_type: str = "application/json"
    headers: dict[str, Any] = field(default_factory=dict)  # required header -> JSON Schema

    def pattern(self) -> re.Pattern[str]:
        return re.compile("^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(self.url)) + "$")


def scopes(*alternatives: str) -> tuple[frozenset[str], ...]:
    """`scopes("a b", "c")`: the call needs both a and b, or c."""
    return tuple(frozenset(option.split()) for option in alternatives)


def obj(required: tuple[str, ...] = (), **properties: Any) -> dict[str, Any]:
    """A closed object schema: the listed properties only, `required` among them."""
    return {
        "type": "object",
        "properties": properties,
        "required": list(required),
        "additionalProperties": False,
    }


def crier_app(platform: str) -> OAuthApp:
    """Crier's app on the platform, as settings hand it in."""
    return OAuthApp(
        client_id=f"{platform}-client",
        client_secret=f"{platform}-secret",
        redirect_uri=f"https://crier.test/api/v1/accounts/callback/{platform}",
    )


def asked_scopes(connector: Connector, app: OAuthApp) -> set[str]:
    """The scopes the connector's authorization URL asks for (comma- or space-separated)."""
    url = connector.authorization_url(app, state="s", code_challenge="c" * 43)
    scope = dict(parse_qsl(urlsplit(url).query))["scope"]
    return set(re.split(r"[ ,]", scope))


def authorize_problems(endpoint: Endpoint, connector: Connector, app: OAuthApp) -> list[str]:
    """What the documented authorization page does not take in the connector's URL."""
    url = connector.authorization_url(app, state="s", code_challenge="c" * 43)
    host = urlsplit(endpoint.url).netloc
    return DocTable("authorization", [endpoint], (f"https://{host}/",)).problems(
        httpx.Request("GET", url), set()
    )


class DocTable:
    def __init__(self, name: str, endpoints: list[Endpoint], hosts: tuple[str, ...]):
        self.name = name
        self.endpoints = endpoints
        self.hosts = hosts

    def serves(self, url: str) -> bool:
        return any(url.startswith(host) for host in self.hosts)

    def endpoint(self, method: str, url: str) -> Endpoint | None:
        bare = str(httpx.URL(url).copy_with(query=None))
        for endpoint in self.endpoints:
            if endpoint.method == method and endpoint.pattern().match(bare):
                return endpoint
        return None

    def problems(self, request: httpx.Request, granted: set[str]) -> list[str]:
        request.read()
        url = str(request.url)
        where = f"{request.method} {urlsplit(url).path}"
        endpoint = self.endpoint(request.method, url)
        if endpoint is None:
            return [f"{where}: no such endpoint in the {self.name} table"]
        found = self._query_problems(endpoint, request)
        found += self._header_problems(endpoint, request)
        found += self._body_problems(endpoint, request)
        if endpoint.scopes and not any(option <= granted for option in endpoint.scopes):
            wanted = " or ".join(sorted(" + ".join(sorted(o)) for o in endpoint.scopes))
            found.append(f"needs {wanted}, which the connector does not ask for")
        return [f"{where}: {problem}" for problem in found]

    def _query_problems(self, endpoint: Endpoint, request: httpx.Request) -> list[str]:
        sent = dict(parse_qsl(request.url.query.decode(), keep_blank_values=True))
        problems = [
            f"required query parameter {name!r} missing"
            for name in endpoint.required_query
            if name not in sent
        ]
        for name, raw in sent.items():
            schema = endpoint.query.get(name)
            if schema is None:
                problems.append(f"query parameter {name!r} is not documented")
                continue
            problems += _schema_problems(f"query {name!r}", _coerce(raw, schema), schema)
        return problems

    def _header_problems(self, endpoint: Endpoint, request: httpx.Request) -> list[str]:
        problems = []
        for name, schema in endpoint.headers.items():
            if name not in request.headers:
                problems.append(f"required header {name!r} missing")
            else:
                problems += _schema_problems(f"header {name!r}", request.headers[name], schema)
        return problems

    def _body_problems(self, endpoint: Endpoint, request: httpx.Request) -> list[str]:
        media_type = request.headers.get("content-type", "").split(";")[0].strip()
        if not request.content:
            required = endpoint.body is not None and endpoint.body.get("required")
            return ["sends no body, but the call needs one"] if required else []
        if endpoint.body is None:
            return [f"sends a body ({media_type or 'no type'}) the call does not take"]
        if media_type != endpoint.body_type:
            return [f"body type {media_type!r}, documented {endpoint.body_type!r}"]
        if media_type == "application/json":
            value: Any = json.loads(request.content)
        elif media_type == "application/x-www-form-urlencoded":
            value = {
                name: _coerce(raw, endpoint.body.get("properties", {}).get(name, {}))
                for name, raw in parse_qsl(request.content.decode(), keep_blank_values=True)
            }
        elif media_type == "multipart/form-data":
            value = _multipart(request)
        else:
            value = len(request.content)  # raw bytes: the schema may bound their size
        return _schema_problems("body", value, endpoint.body)


def _multipart(request: httpx.Request) -> dict[str, Any]:
    head = f"Content-Type: {request.headers['content-type']}\r\n\r\n".encode()
    message = BytesParser(policy=HTTP).parsebytes(head + request.content)
    return {
        part.get_param("name", header="content-disposition"): (
            {"file": part.get_filename(), "bytes": len(part.get_payload(decode=True))}
            if part.get_filename() is not None
            else part.get_payload(decode=True).decode()
        )
        for part in message.iter_parts()
    }


def _coerce(raw: str, schema: dict[str, Any]) -> Any:
    """A string off the wire as the value its schema describes."""
    kind = schema.get("type")
    if kind == "integer" and re.fullmatch(r"-?\d+", raw):
        return int(raw)
    if kind == "number" and re.fullmatch(r"-?\d+(\.\d+)?", raw):
        return float(raw)
    if kind == "boolean" and raw in ("true", "false"):
        return raw == "true"
    if kind == "array" and not raw.startswith("["):
        return [_coerce(item, schema.get("items", {})) for item in raw.split(",")]
    if kind in ("object", "array") or (kind is None and raw[:1] in "[{"):
        try:
            return json.loads(raw)
        except ValueError:
            return raw
    return raw


def _schema_problems(what: str, value: Any, schema: dict[str, Any]) -> list[str]:
    validator = Draft7Validator(schema, format_checker=FormatChecker())
    return [
        f"{what} at {'/'.join(map(str, error.absolute_path)) or '.'}: {error.message}"
        for error in validator.iter_errors(value)
    ]


def disagreements(rows: list[Endpoint], contract: Contract) -> list[str]:
    """Where a table's rows differ from the OpenAPI description they were written beside:
    a call the description lacks, other scopes, a query parameter it does not declare.
    The token endpoint (the scheme's `tokenUrl`, no operation in some descriptions) and
    rows of other hosts are left out."""
    found = []
    for row in rows:
        if not contract.serves(row.url) or row.url == contract.token_url:
            continue
        where = f"{row.method} {urlsplit(row.url).path}"
        operation = contract.match(row.method, row.url)
        if operation is None:
            found.append(f"{where}: no such operation in the description")
            continue
        security = operation.spec.get("security", contract.document.get("security")) or []
        described = {frozenset(o[contract.scheme]) for o in security if contract.scheme in o}
        if set(row.scopes) != described:
            found.append(
                f"{where}: scopes {sorted(map(sorted, row.scopes))}, described "
                f"{sorted(map(sorted, described))}"
            )
        declared = {p["name"] for p, _ in contract.parameters(operation) if p["in"] == "query"}
        found += [
            f"{where}: query parameter {name!r} is not in the description"
            for name in sorted(set(row.query) - declared)
        ]
    return found
