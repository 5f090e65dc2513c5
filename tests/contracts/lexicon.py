"""Check captured XRPC requests against the Bluesky lexicons (see `bluesky_lexicons`).

A request to `/xrpc/<nsid>` must name a lexicon of that NSID whose main def is a query
(GET) or a procedure (POST); its query parameters must be the def's, with their types and
limits; a procedure's JSON input must validate against its schema; and
`com.atproto.repo.createRecord`'s `record` must validate against its collection's record
lexicon, as the PDS does. Lexicon types are read as JSON Schema with the lexicon's own
limits (string `maxLength` in UTF-8 bytes, `maxGraphemes`, blob `accept` and `maxSize`)
as extra keywords; objects take no fields the lexicon lacks besides `$type`.
"""

from __future__ import annotations

import fnmatch
import json
import re
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx
import regex
from jsonschema import Draft202012Validator, FormatChecker, ValidationError, validators
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from tests.contracts.openapi import NPM, SHARED, description_missing, npm_export

FORMATS = {
    "did": r"^did:[a-z]+:[a-zA-Z0-9._:%-]*[a-zA-Z0-9._-]$",
    "handle": (
        r"^([a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\.)+"
        r"[a-zA-Z]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?$"
    ),
    "nsid": r"^[a-zA-Z]([a-zA-Z0-9-]*)(\.[a-zA-Z0-9-]+)+(\.[a-zA-Z][a-zA-Z0-9]*)$",
    "at-uri": r"^at://[^/\s]+(/[a-zA-Z0-9.-]+(/[a-zA-Z0-9._~:@!$&')(*+,;=-]+)?)?$",
    "cid": r"^[a-zA-Z0-9+=]{8,256}$",
    # RFC 5646 in outline, as atproto's isValidLanguage (a 4 to 8 letter primary is legal).
    "language": r"^(i|[a-zA-Z]{2,8})(-[a-zA-Z0-9]{1,8})*$",
    "uri": r"^[a-z][a-z.+-]*:\S+$",
    "record-key": r"^[a-zA-Z0-9_~.:-]{1,512}$",
}


def _checker() -> FormatChecker:
    checker = FormatChecker()
    for name, pattern in FORMATS.items():
        checker.checks(name)(lambda value, pattern=pattern: re.match(pattern, value) is not None)
    checker.checks("at-identifier")(
        lambda value: any(re.match(FORMATS[f], value) for f in ("did", "handle"))
    )
    checker.checks("datetime", raises=ValueError)(
        # RFC 3339 with a timezone, as the lexicon spec requires.
        lambda value: datetime.fromisoformat(value.replace("Z", "+00:00")).tzinfo is not None
    )
    return checker


def _graphemes(text: str) -> int:
    return len(regex.findall(r"\X", text))


def _keyword(check):
    def validate(validator, limit, instance, schema) -> Iterator[ValidationError]:
        message = check(limit, instance)
        if message:
            yield ValidationError(message)

    return validate


LexiconValidator = validators.extend(
    Draft202012Validator,
    {
        "maxBytes": _keyword(
            lambda limit, value: (
                isinstance(value, str)
                and len(value.encode()) > limit
                and f"{len(value.encode())} bytes is more than {limit}"
            )
        ),
        "maxGraphemes": _keyword(
            lambda limit, value: (
                isinstance(value, str)
                and _graphemes(value) > limit
                and f"{_graphemes(value)} graphemes is more than {limit}"
            )
        ),
        "minGraphemes": _keyword(
            lambda limit, value: (
                isinstance(value, str)
                and _graphemes(value) < limit
                and f"{_graphemes(value)} graphemes is fewer than {limit}"
            )
        ),
        "blobAccept": _keyword(
            lambda accept, value: (
                isinstance(value, dict)
                and not any(fnmatch.fnmatch(str(value.get("mimeType")), a) for a in accept)
                and f"blob type {value.get('mimeType')!r} is not among {accept}"
            )
        ),
        "blobMaxSize": _keyword(
            lambda limit, value: (
                isinstance(value, dict)
                and int(value.get("size", 0)) > limit
                and f"blob of {value.get('size')} bytes is more than {limit}"
            )
        ),
    },
)


# The npm package that carries the lexicons (tests/contracts/npm/): @atproto/api exports
# them as `schemas`, one document per NSID, generated from the repository's lexicons/.
PACKAGE = "@atproto/api"


def bluesky_lexicons() -> Lexicons:
    """The lexicons of the installed @atproto/api, or else those copied into the shared
    folder; the calling module skips without either, and fails in CI."""
    documents = npm_export(PACKAGE, "schemas")
    if documents is not None:
        return Lexicons(documents)
    folder = SHARED / "bluesky" / "lexicons"
    if folder.is_dir():
        return Lexicons(
            json.loads(path.read_text(encoding="utf-8")) for path in folder.glob("*.json")
        )
    description_missing(
        f"neither {PACKAGE} (npm ci in {NPM}) nor {folder} is here", installed_in_ci=True
    )


def _absolute(nsid: str, ref: str) -> tuple[str, str]:
    """(nsid, def name) of a lexicon reference: "#image" (local), "app.bsky.embed.images"
    (main), or "lex:app.bsky.embed.images#image" as the npm package writes them all."""
    target, _, name = ref.removeprefix("lex:").partition("#")
    return target or nsid, name or "main"


class Lexicons:
    def __init__(self, documents: Iterable[dict[str, Any]]):
        self.lexicons: dict[str, dict[str, Any]] = {lexicon["id"]: lexicon for lexicon in documents}
        resources = []
        for nsid, lexicon in self.lexicons.items():
            defs = {name: self._schema(nsid, body) for name, body in lexicon["defs"].items()}
            contents = {"$id": f"lex:{nsid}", "defs": defs}
            resources.append((f"lex:{nsid}", Resource(contents, specification=DRAFT202012)))
        self._registry = Registry().with_resources(resources)
        self._formats = _checker()

    def definition(self, ref: str) -> dict[str, Any]:
        """A def as the lexicon writes it: "nsid" (main) or "nsid#name"."""
        nsid, _, name = ref.partition("#")
        return self.lexicons[nsid]["defs"][name or "main"]

    # --- lexicon types as JSON Schema -----------------------------------------------------

    def _ref(self, nsid: str, ref: str) -> dict[str, Any]:
        target, name = _absolute(nsid, ref)
        return {"$ref": f"lex:{target}#/defs/{name}"}

    def _schema(self, nsid: str, node: dict[str, Any]) -> dict[str, Any]:
        kind = node.get("type")
        if kind == "record":
            return self._schema(nsid, node["record"])
        if kind in ("object", "params"):
            properties = {
                name: self._schema(nsid, body) for name, body in node.get("properties", {}).items()
            }
            for name in node.get("nullable", []):
                properties[name] = {"anyOf": [properties[name], {"type": "null"}]}
            properties["$type"] = {"type": "string"}
            return {
                "type": "object",
                "properties": properties,
                "required": node.get("required", []),
                "additionalProperties": False,
            }
        if kind == "ref":
            return self._ref(nsid, node["ref"])
        if kind == "union":
            # The `$type` a branch's value carries: "nsid" for a main def, else "nsid#name".
            names = ["#".join(_absolute(nsid, ref)).removesuffix("#main") for ref in node["refs"]]
            branches = [
                {
                    "allOf": [
                        self._ref(nsid, ref),
                        {"properties": {"$type": {"const": name}}, "required": ["$type"]},
                    ]
                }
                for ref, name in zip(node["refs"], names, strict=True)
            ]
            if not node.get("closed"):
                branches.append({"properties": {"$type": {"not": {"enum": names}}}})
            return {"type": "object", "required": ["$type"], "anyOf": branches}
        if kind == "array":
            schema = {"type": "array", "items": self._schema(nsid, node["items"])}
            schema.update(_renamed(node, {"minLength": "minItems", "maxLength": "maxItems"}))
            return schema
        if kind == "string":
            schema = {"type": "string"}
            schema.update(
                _renamed(
                    node,
                    {
                        "maxLength": "maxBytes",
                        "maxGraphemes": "maxGraphemes",
                        "minGraphemes": "minGraphemes",
                        "format": "format",
                        "enum": "enum",
                        "const": "const",
                    },
                )
            )
            return schema
        if kind in ("integer", "boolean"):
            keys = ("minimum", "maximum", "enum", "const")
            return {"type": kind, **{key: node[key] for key in keys if key in node}}
        if kind == "blob":
            schema = {
                "type": "object",
                "properties": {"$type": {"const": "blob"}, "size": {"type": "integer"}},
                "required": ["$type", "ref", "mimeType", "size"],
            }
            schema.update(_renamed(node, {"accept": "blobAccept", "maxSize": "blobMaxSize"}))
            return schema
        if kind == "cid-link":
            return {"type": "object", "required": ["$link"]}
        return {}  # unknown, bytes, token, query, procedure, subscription: not a value

    # --- checks ---------------------------------------------------------------------------

    def serves(self, url: str) -> bool:
        return urlsplit(url).path.startswith("/xrpc/")

    def problems(self, request: httpx.Request, granted: set[str]) -> list[str]:
        """`granted` is unused: XRPC with an app password has no scopes."""
        request.read()
        nsid = urlsplit(str(request.url)).path.removeprefix("/xrpc/")
        where = f"{request.method} {nsid}"
        main = self.lexicons.get(nsid, {}).get("defs", {}).get("main", {})
        expected = {"query": "GET", "procedure": "POST"}.get(main.get("type"))
        if expected is None:
            return [f"{where}: no query or procedure of that NSID in the lexicons"]
        if request.method != expected:
            return [f"{where}: a {main['type']} is called with {expected}"]
        found = self._parameter_problems(nsid, main, request)
        found += self._input_problems(nsid, main, request)
        return [f"{where}: {problem}" for problem in found]

    def _parameter_problems(self, nsid: str, main: dict, request: httpx.Request) -> list[str]:
        declared = main.get("parameters", {}).get("properties", {})
        values: dict[str, Any] = {}
        for name, raw in parse_qsl(request.url.query.decode()):
            kind = declared.get(name, {}).get("type")
            value: Any = raw
            if kind == "integer" and raw.lstrip("-").isdigit():
                value = int(raw)
            elif kind == "boolean" and raw in ("true", "false"):
                value = raw == "true"
            if kind == "array":
                values.setdefault(name, []).append(value)
            else:
                values[name] = value
        if not declared:
            extra = sorted(values)
            return [f"query parameters {extra} the lexicon lacks"] if extra else []
        return self._validate(self._schema(nsid, main["parameters"]), values, "parameters")

    def _input_problems(self, nsid: str, main: dict, request: httpx.Request) -> list[str]:
        described = main.get("input")
        if not request.content:
            return ["the lexicon requires an input"] if described else []
        if described is None:
            return ["sent an input the lexicon does not take"]
        media_type = request.headers.get("content-type", "").split(";")[0].strip()
        encoding = described["encoding"]
        if not fnmatch.fnmatch(media_type, encoding):
            return [f"input type {media_type!r} is not {encoding!r}"]
        if "schema" not in described:
            return []
        body = json.loads(request.content)
        found = self._validate(self._schema(nsid, described["schema"]), body, "input")
        if nsid == "com.atproto.repo.createRecord" and isinstance(body, dict):
            collection = str(body.get("collection"))
            if self.definition(collection).get("type") != "record":
                return [*found, f"no record lexicon for collection {collection!r}"]
            record = {"$ref": f"lex:{collection}#/defs/main"}
            found += self._validate(record, body.get("record"), "record")
        return found

    def _validate(self, schema: dict[str, Any], value: Any, what: str) -> list[str]:
        validator = LexiconValidator(schema, registry=self._registry, format_checker=self._formats)
        return [
            f"{what} at {'/'.join(map(str, error.absolute_path)) or '.'}: {error.message}"
            for error in validator.iter_errors(value)
        ]


def _renamed(node: dict[str, Any], names: dict[str, str]) -> dict[str, Any]:
    return {new: node[old] for old, new in names.items() if old in node}
