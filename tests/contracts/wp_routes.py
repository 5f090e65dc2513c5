"""Check captured requests against the routes a running WordPress describes itself.

WordPress's REST API index (`GET /wp-json/`, or `?rest_route=/`) lists every route as a
regular expression with its endpoints: the methods each takes and its arguments, each a
small schema in WordPress's own dialect (`type`, possibly a list; `enum`, `items`,
`properties`, `format`, `minimum`/`maximum`; `required` as a boolean on the argument or
property). The index is read from the real server under test, never from a copy of ours.

A request must go to a route of the index with one of its endpoint's methods; every query
parameter, path parameter and body field must be an argument of that endpoint and valid
against its schema, and every required argument must be sent. Query strings arrive as
text, so they are read as the argument's type first, as WordPress does. API requests must
carry Basic credentials, which the index must say the site takes (application passwords).
"""

from __future__ import annotations

import json
import re
from email.parser import BytesParser
from email.policy import HTTP
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx
from jsonschema import Draft4Validator, FormatChecker

# WordPress's rest_parse_date: an offset is optional (a time without one is the site's or,
# for `*_gmt` fields, GMT), unlike RFC 3339's date-time.
WORDPRESS_DATE_TIME = re.compile(
    r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}(:?\d{2})?)?$"
)
FORMATS = FormatChecker(formats=())
FORMATS.checks("date-time")(
    lambda value: not isinstance(value, str) or bool(WORDPRESS_DATE_TIME.match(value))
)


class RouteIndex:
    def __init__(self, index: dict[str, Any], site: str):
        self.index = index
        self.site = site.rstrip("/")
        self._routes = [
            (re.compile(f"^{route}$"), route, spec) for route, spec in index["routes"].items()
        ]

    def serves(self, url: str) -> bool:
        return self._route_of(url) is not None

    def _route_of(self, url: str) -> str | None:
        """The API route a URL asks for, in either form: `/wp-json/<route>` or
        `/?rest_route=/<route>` (sites without pretty permalinks)."""
        if not url.startswith(self.site + "/"):
            return None
        parts = urlsplit(url)
        query = dict(parse_qsl(parts.query))
        if "rest_route" in query:
            return query["rest_route"]
        if parts.path == "/wp-json" or parts.path.startswith("/wp-json/"):
            return parts.path.removeprefix("/wp-json") or "/"
        return None

    def endpoint(self, method: str, route: str) -> tuple[dict[str, Any], dict[str, str]] | None:
        """The endpoint serving `method` on `route`, with the path's named parameters."""
        for pattern, _, spec in self._routes:
            found = pattern.match(route)
            if found:
                for endpoint in spec["endpoints"]:
                    if method in endpoint["methods"]:
                        return endpoint, found.groupdict()
        return None

    def problems(self, request: httpx.Request, granted: set[str] | None = None) -> list[str]:
        """What the index does not allow in one request. `granted` is unused: WordPress
        gives rights by the user's role, not by token scopes (connect checks the role)."""
        request.read()
        route = self._route_of(str(request.url))
        where = f"{request.method} {route}"
        found = self.endpoint(request.method, route or "")
        if found is None:
            return [f"{where}: no such route and method in the site's index"]
        endpoint, path_params = found
        args: dict[str, Any] = endpoint["args"]
        sent: dict[str, Any] = {}
        for name, value in path_params.items():
            sent[name] = _read(value, args.get(name, {}))
        for name, value in parse_qsl(request.url.query.decode()):
            if name != "rest_route":
                sent[name] = _read(value, args.get(name, {}))
        problems, files = [], []
        body, media_type = self._body(request)
        if isinstance(body, str):
            problems.append(body)
        else:
            for name, value in body.items():
                if isinstance(value, _File):
                    files.append(name)
                else:
                    sent[name] = (
                        value
                        if media_type == "application/json"
                        else _read(value, args.get(name, {}))
                    )
        problems += [f"file part {name!r}: no argument of the route is a file" for name in files]
        for name, value in sent.items():
            if name not in args:
                problems.append(f"{name!r} is not an argument of the route")
                continue
            problems += [
                f"{name!r} at {'/'.join(map(str, error.absolute_path)) or '.'}: {error.message}"
                for error in _validator(args[name]).iter_errors(value)
            ]
        problems += [
            f"required argument {name!r} missing"
            for name, arg in args.items()
            if arg.get("required") and name not in sent
        ]
        problems += self._auth_problems(request, route or "")
        return [f"{where}: {problem}" for problem in problems]

    def _body(self, request: httpx.Request) -> tuple[dict[str, Any] | str, str]:
        media_type = request.headers.get("content-type", "").split(";")[0].strip()
        if not request.content:
            return {}, media_type
        if media_type == "application/json":
            return json.loads(request.content), media_type
        if media_type == "application/x-www-form-urlencoded":
            return dict(parse_qsl(request.content.decode())), media_type
        if media_type == "multipart/form-data":
            head = f"Content-Type: {request.headers['content-type']}\r\n\r\n".encode()
            message = BytesParser(policy=HTTP).parsebytes(head + request.content)
            return {
                part.get_param("name", header="content-disposition"): (
                    _File()
                    if part.get_filename() is not None
                    else part.get_payload(decode=True).decode()
                )
                for part in message.iter_parts()
            }, media_type
        return f"body type {media_type!r}: WordPress reads JSON or form data", media_type

    def _auth_problems(self, request: httpx.Request, route: str) -> list[str]:
        if route == "/":
            return []  # the index itself is public: connect reads it before signing in
        if not request.headers.get("authorization", "").lower().startswith("basic "):
            return ["sent without Basic credentials"]
        if "application-passwords" not in (self.index.get("authentication") or {}):
            return ["sent Basic credentials, but the index offers no application passwords"]
        return []


class _File:
    """A file part of a multipart body."""


def _read(raw: str, arg: dict[str, Any]) -> Any:
    """A value off the wire as the argument's type, as WordPress reads query strings."""
    types = arg.get("type", [])
    types = [types] if isinstance(types, str) else types
    if "array" in types:
        items = arg.get("items", {})
        return [_read(item, items) for item in raw.split(",")] if raw else []
    if "integer" in types and re.fullmatch(r"-?\d+", raw):
        return int(raw)
    if "number" in types and re.fullmatch(r"-?\d+(\.\d+)?", raw):
        return float(raw)
    if "boolean" in types and raw in ("true", "false", "1", "0"):
        return raw in ("true", "1")
    return raw


def json_schema(arg: Any) -> Any:
    """WordPress's argument schema as JSON Schema draft 4: `required` booleans on
    properties become the object's `required` list; PHP's empty `properties` array (`[]`
    in JSON) an empty object; descriptive keys (context, readonly, default) are dropped."""
    if not isinstance(arg, dict):
        return arg
    schema = {
        key: value
        for key, value in arg.items()
        if key not in ("required", "context", "readonly", "default", "description")
    }
    if "properties" in arg:
        properties = arg["properties"] or {}
        schema["properties"] = {name: json_schema(value) for name, value in properties.items()}
        required = [
            name
            for name, value in properties.items()
            if isinstance(value, dict) and value.get("required") is True
        ]
        if required:
            schema["required"] = required
    if "items" in arg:
        schema["items"] = json_schema(arg["items"])
    for key in ("oneOf", "anyOf"):
        if key in arg:
            schema[key] = [json_schema(option) for option in arg[key]]
    return schema


def _validator(arg: dict[str, Any]) -> Draft4Validator:
    return Draft4Validator(json_schema(arg), format_checker=FORMATS)
