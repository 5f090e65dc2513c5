"""Check captured requests against a Google API discovery document (YouTube Data API v3).

The same questions as openapi.py, in the discovery format: the method and path are a
method's `path` (or its `mediaUpload` path), its query parameters are the method's or the
document's global ones with their types and enums, the body validates against the
method's `request` schema (read as JSON Schema, no fields beyond the schema's), and at
least one of the method's `scopes` (any one grants it) is among those the connector asks
for.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx
from jsonschema import Draft4Validator

from tests.contracts.openapi import HERE

# Discovery documents name youtube.googleapis.com; Google's guides and the connector use
# www.googleapis.com, which serves the same paths.
HOSTS = ("youtube.googleapis.com", "www.googleapis.com")


@dataclass(frozen=True)
class Method:
    name: str
    spec: dict[str, Any]
    path_params: dict[str, str]


def _json_schema(node: Any) -> Any:
    """A discovery schema as JSON Schema: refs by name become pointers, objects take no
    undeclared properties, "any" is anything."""
    if isinstance(node, list):
        return [_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        return {"$ref": f"#/schemas/{node['$ref']}"}
    schema = {
        key: _json_schema(value)
        for key, value in node.items()
        if key not in ("description", "enumDescriptions", "annotations", "id", "required")
    }
    if schema.get("type") == "any":
        schema.pop("type")
    if "properties" in schema:
        schema["properties"] = {k: _json_schema(v) for k, v in node["properties"].items()}
        schema.setdefault("additionalProperties", False)
    return schema


class Discovery:
    def __init__(self, name: str):
        self.document: dict[str, Any] = json.loads((HERE / name).read_text(encoding="utf-8"))
        self._schemas = {"schemas": _json_schema(self.document["schemas"])}
        self._methods = [
            (f"{resource}.{name}", method)
            for resource, body in self.document["resources"].items()
            for name, method in body["methods"].items()
        ]

    @property
    def scopes(self) -> set[str]:
        return set(self.document["auth"]["oauth2"]["scopes"])

    def method(self, name: str) -> dict[str, Any]:
        resource, method = name.split(".")
        return self.document["resources"][resource]["methods"][method]

    def serves(self, url: str) -> bool:
        return urlsplit(url).hostname in HOSTS

    def match(self, method: str, url: str) -> Method | None:
        path = urlsplit(url).path
        for name, spec in self._methods:
            if spec["httpMethod"] != method:
                continue
            paths = [spec["path"]]
            for protocol in spec.get("mediaUpload", {}).get("protocols", {}).values():
                paths.append(protocol["path"].lstrip("/"))
            for template in paths:
                names = re.findall(r"\{\+?([^}]+)\}", template)
                pattern = re.sub(r"\\\{\\?\+?[^}]+\\\}", "([^/]+)", re.escape(template))
                found = re.fullmatch("/" + pattern, path)
                if found:
                    return Method(name, spec, dict(zip(names, found.groups(), strict=True)))
        return None

    def problems(self, request: httpx.Request, granted: set[str]) -> list[str]:
        request.read()
        where = f"{request.method} {request.url.copy_with(query=None)}"
        query = dict(parse_qsl(request.url.query.decode()))
        if request.method == "PUT" and "upload_id" in query:
            return []  # the resumable upload's session URI: the protocol's, not a method
        method = self.match(request.method, str(request.url))
        if method is None:
            return [f"{where}: no such method in the discovery document"]
        found = self._parameter_problems(method, query)
        found += self._body_problems(method, request)
        if not set(method.spec.get("scopes", [])) & granted:
            found.append(f"{method.name} takes none of the scopes the connector asks for")
        return [f"{where}: {problem}" for problem in found]

    def _parameter_problems(self, method: Method, query: dict[str, str]) -> list[str]:
        declared = {**self.document["parameters"], **method.spec.get("parameters", {})}
        sent = {**query, **method.path_params}
        problems = [
            f"required parameter {name!r} missing"
            for name, parameter in declared.items()
            if parameter.get("required") and name not in sent
        ]
        for name, raw in sent.items():
            parameter = declared.get(name)
            if parameter is None:
                problems.append(f"parameter {name!r} is not in the discovery document")
                continue
            # A repeated parameter: YouTube documents `part` as one comma-separated value.
            values = raw.split(",") if parameter.get("repeated") else [raw]
            for value in values:
                problems += self._value_problems(name, value, parameter)
        return problems

    def _value_problems(self, name: str, value: str, parameter: dict[str, Any]) -> list[str]:
        kind = parameter.get("type")
        if kind == "boolean" and value not in ("true", "false"):
            return [f"parameter {name!r}: {value!r} is not a boolean"]
        if kind == "integer" and not re.fullmatch(r"-?\d+", value):
            return [f"parameter {name!r}: {value!r} is not an integer"]
        if "enum" in parameter and value not in parameter["enum"]:
            return [f"parameter {name!r}: {value!r} is not one of {parameter['enum']}"]
        if "pattern" in parameter and not re.fullmatch(parameter["pattern"], value):
            return [f"parameter {name!r}: {value!r} does not match {parameter['pattern']}"]
        return []

    def _body_problems(self, method: Method, request: httpx.Request) -> list[str]:
        if not request.content:
            return []
        if "request" not in method.spec:
            return ["sent a body the method does not take"]
        media_type = request.headers.get("content-type", "").split(";")[0].strip()
        if media_type != "application/json":
            return [f"body type {media_type!r} is not the method's JSON resource"]
        schema = {**self._schemas, "$ref": f"#/schemas/{method.spec['request']['$ref']}"}
        validator = Draft4Validator(schema)
        return [
            f"body at {'/'.join(map(str, error.absolute_path)) or '.'}: {error.message}"
            for error in validator.iter_errors(json.loads(request.content))
        ]
