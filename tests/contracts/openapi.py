"""Check captured connector requests against a platform's own OpenAPI description.

`Contract(path, scheme)` loads a description vendored beside this file;
`contract.problems(request, granted)` says what in one request the description does not
allow: a method and path it lacks, an undeclared or missing query parameter, a parameter
or body that fails the schema (types, enums, lengths, patterns, required fields), a
content type the operation does not take, or a call whose OAuth scopes (per the
operation's `security`) are not all among those the connector asks for. An empty list
means the request is one the description documents.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from email.parser import BytesParser
from email.policy import HTTP
from pathlib import Path
from typing import Any, NoReturn, Protocol
from urllib.parse import parse_qsl, urlsplit

import httpx
import pytest
from jsonschema import Draft4Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

HERE = Path(__file__).parent
# Descriptions taken from public repositories are not committed here: they live in the
# shared folder beside the repository (shared/contracts/, see README.md), or wherever
# CRIER_CONTRACTS_DIR points.
SHARED = Path(os.environ.get("CRIER_CONTRACTS_DIR") or HERE.parents[2] / "shared" / "contracts")
# Descriptions that registry packages carry: package.json and package-lock.json here, which
# .ci/run installs with `npm ci` (never committed: node_modules/).
NPM = HERE / "npm"
BASE = "urn:crier:contract"
METHODS = ("get", "put", "post", "delete", "patch", "head", "options")


@dataclass(frozen=True)
class Operation:
    method: str
    template: str
    pointer: str  # JSON pointer of the operation in the description
    spec: dict[str, Any]
    path_params: dict[str, str]


def _pattern(template: str) -> re.Pattern[str]:
    """/2/tweets/{id} as a regular expression, one segment per parameter."""
    return re.compile("^" + re.sub(r"\\\{[^}]+\\\}", "([^/]+)", re.escape(template)) + "$")


def _escape(part: str) -> str:
    return part.replace("~", "~0").replace("/", "~1")


class Contract:
    """One vendored description. `scheme`: the OAuth 2.0 security scheme the connector
    authenticates with (its scopes are the ones checked)."""

    def __init__(self, name: str, scheme: str):
        self.document: dict[str, Any] = json.loads((HERE / name).read_text(encoding="utf-8"))
        self.scheme = scheme
        self.servers = [server["url"].rstrip("/") for server in self.document["servers"]]
        resource = Resource(contents=self.document, specification=DRAFT4)
        self._registry = Registry().with_resource(BASE, resource)
        self._paths = [(template, _pattern(template)) for template in self.document["paths"]]
        # Literal paths before templated ones: /media/upload beats /media/{id}.
        self._paths.sort(key=lambda pair: pair[0].count("{"))

    # --- description look-ups ----------------------------------------------------------

    @property
    def flow(self) -> dict[str, Any]:
        scheme = self.document["components"]["securitySchemes"][self.scheme]
        return scheme["flows"]["authorizationCode"]

    @property
    def token_url(self) -> str:
        return self.flow["tokenUrl"]

    @property
    def scopes(self) -> set[str]:
        """Every scope the description's OAuth 2.0 scheme declares."""
        return set(self.flow["scopes"])

    def resolve(self, node: dict[str, Any]) -> dict[str, Any]:
        while "$ref" in node:
            node = self.at(node["$ref"])
        return node

    def at(self, pointer: str) -> Any:
        node: Any = self.document
        for part in pointer.removeprefix("#/").split("/"):
            key = part.replace("~1", "/").replace("~0", "~")
            node = node[int(key)] if isinstance(node, list) else node[key]
        return node

    def schema(self, pointer: str) -> dict[str, Any]:
        """The (resolved) schema at `pointer`; e.g. a request body's property."""
        return self.resolve(self.at(pointer))

    def match(self, method: str, url: str) -> Operation | None:
        path = self._relative(url)
        if path is None:
            return None
        for template, pattern in self._paths:
            found = pattern.match(path)
            operation = self.document["paths"][template].get(method.lower())
            if found and operation is not None:
                names = re.findall(r"\{([^}]+)\}", template)
                return Operation(
                    method=method.lower(),
                    template=template,
                    pointer=f"#/paths/{_escape(template)}/{method.lower()}",
                    spec=operation,
                    path_params=dict(zip(names, found.groups(), strict=True)),
                )
        return None

    def _relative(self, url: str) -> str | None:
        parts = urlsplit(url)
        bare = f"{parts.scheme}://{parts.netloc}{parts.path}"
        for server in self.servers:
            if bare.startswith(server + "/"):
                return bare[len(server) :]
        return None

    def serves(self, url: str) -> bool:
        return self._relative(url) is not None

    # --- checks --------------------------------------------------------------------------

    def problems(self, request: httpx.Request, granted: set[str]) -> list[str]:
        request.read()  # a multipart body built here is a stream until read
        where = f"{request.method} {request.url.copy_with(query=None)}"
        operation = self.match(request.method, str(request.url))
        if operation is None and request.method == "POST" and where.endswith(self.token_url):
            return []  # the OAuth scheme's token endpoint (RFC 6749), not an operation
        if operation is None:
            return [f"{where}: no such operation in the description"]
        found = self._parameter_problems(operation, request)
        found += self._body_problems(operation, request)
        found += self._auth_problems(operation, request, granted)
        return [f"{where}: {problem}" for problem in found]

    def parameters(self, operation: Operation) -> list[tuple[dict[str, Any], str]]:
        """(parameter, its pointer): path-level ones first, the operation's override."""
        path_pointer = operation.pointer.rsplit("/", 1)[0]
        found: dict[tuple[str, str], tuple[dict[str, Any], str]] = {}
        for owner in (path_pointer, operation.pointer):
            for index, raw in enumerate(self.at(owner).get("parameters", [])):
                pointer = raw.get("$ref", f"{owner}/parameters/{index}")
                parameter = self.resolve(raw)
                found[(parameter["in"], parameter["name"])] = (parameter, pointer)
        return list(found.values())

    def _parameter_problems(self, operation: Operation, request: httpx.Request) -> list[str]:
        sent = {"query": dict(parse_qsl(request.url.query.decode())), "path": operation.path_params}
        problems = []
        declared = set()
        for parameter, pointer in self.parameters(operation):
            place, name = parameter["in"], parameter["name"]
            declared.add((place, name))
            if place not in sent:
                continue  # headers and cookies: the connectors' auth headers only
            if name not in sent[place]:
                if parameter.get("required"):
                    problems.append(f"required {place} parameter {name!r} missing")
                continue
            value = self._coerce(sent[place][name], parameter.get("schema", {}), parameter)
            problems += self._schema_problems(f"{pointer}/schema", value, f"{place} {name!r}")
        problems += [
            f"query parameter {name!r} is not in the description"
            for name in sent["query"]
            if ("query", name) not in declared
        ]
        return problems

    def _coerce(self, raw: str, schema: dict[str, Any], parameter: dict | None = None) -> Any:
        """A string off the wire as the value the schema describes."""
        schema = self.resolve(schema)
        kind = schema.get("type")
        if kind == "array":
            items = raw.split(",") if parameter is None or not parameter.get("explode") else [raw]
            return [self._coerce(item, schema.get("items", {})) for item in items]
        try:
            if kind == "integer":
                return int(raw)
            if kind == "number":
                return float(raw)
        except ValueError:
            return raw  # the schema check reports it
        if kind == "boolean" and raw in ("true", "false"):
            return raw == "true"
        return raw

    def _body_problems(self, operation: Operation, request: httpx.Request) -> list[str]:
        body = operation.spec.get("requestBody")
        media_type = request.headers.get("content-type", "").split(";")[0].strip()
        if not request.content:
            required = body is not None and self.resolve(body).get("required")
            return ["the description requires a request body"] if required else []
        if body is None:
            return [f"sent a {media_type or 'body'} the operation does not take"]
        content = self.resolve(body)["content"]
        if media_type not in content:
            return [f"body type {media_type!r} not among {sorted(content)}"]
        pointer = f"{operation.pointer}/requestBody/content/{_escape(media_type)}/schema"
        if "$ref" in body:
            pointer = f"{body['$ref']}/content/{_escape(media_type)}/schema"
        value = self._decode(request, media_type, self.schema(pointer))
        return self._schema_problems(pointer, value, "body")

    def _decode(self, request: httpx.Request, media_type: str, schema: dict[str, Any]) -> Any:
        if media_type == "application/json":
            return json.loads(request.content)
        properties = self._properties(schema)
        if media_type == "application/x-www-form-urlencoded":
            fields = dict(parse_qsl(request.content.decode()))
        elif media_type == "multipart/form-data":
            head = f"Content-Type: {request.headers['content-type']}\r\n\r\n".encode()
            message = BytesParser(policy=HTTP).parsebytes(head + request.content)
            fields = {}
            for part in message.iter_parts():
                name = part.get_param("name", header="content-disposition")
                payload = part.get_payload(decode=True)
                # A file part stands as a string: OpenAPI 3.0 calls it format: binary.
                fields[name] = payload.decode("latin-1")
                if part.get_filename() is None:
                    fields[name] = self._coerce(payload.decode(), properties.get(name, {}))
            return fields
        else:
            return request.content.decode("latin-1")
        return {
            name: self._coerce(value, properties.get(name, {})) for name, value in fields.items()
        }

    def _properties(self, schema: dict[str, Any]) -> dict[str, Any]:
        """Properties of an object schema, through allOf/oneOf/anyOf."""
        schema = self.resolve(schema)
        found = dict(schema.get("properties", {}))
        for key in ("allOf", "oneOf", "anyOf"):
            for part in schema.get(key, []):
                found.update(self._properties(part))
        return found

    def _schema_problems(self, pointer: str, value: Any, what: str) -> list[str]:
        problems = [
            f"{what} at {'/'.join(map(str, error.absolute_path)) or '.'}: {error.message}"
            for error in self._validator(pointer).iter_errors(value)
        ]
        # A discriminator without oneOf (Pinterest's token request) is OpenAPI's own: JSON
        # Schema ignores it, so the schema it maps the value to is checked here.
        schema = self.schema(pointer)
        discriminator = schema.get("discriminator", {})
        if isinstance(value, dict) and "mapping" in discriminator and "oneOf" not in schema:
            chosen = discriminator["mapping"].get(value.get(discriminator["propertyName"]))
            if chosen is not None:
                problems += self._schema_problems(chosen, value, what)
        return problems

    def _validator(self, pointer: str) -> Draft4Validator:
        return Draft4Validator(
            {"$ref": f"{BASE}{pointer}"},
            registry=self._registry,
            format_checker=FormatChecker(),  # every format jsonschema knows: date too
        )

    def _auth_problems(
        self, operation: Operation, request: httpx.Request, granted: set[str]
    ) -> list[str]:
        """The credentials sent are of a kind the operation's `security` takes, and a
        bearer token's scopes (those the connector asks for) cover one of its options."""
        security = operation.spec.get("security", self.document.get("security"))
        if not security:
            return []
        kind = request.headers.get("authorization", "").split(" ", 1)[0].lower()
        schemes = self.document["components"]["securitySchemes"]
        if kind == "basic":
            basic = any(
                schemes[name].get("type") == "http" and schemes[name].get("scheme") == "basic"
                for option in security
                for name in option
            )
            return [] if basic else ["sent Basic credentials; the operation takes none"]
        if kind != "bearer":
            return ["sent no credentials the operation takes"]
        options = [option[self.scheme] for option in security if self.scheme in option]
        if not options:
            return [f"the operation takes no {self.scheme} token"]
        if any(set(needed) <= granted for needed in options):
            return []
        missing = min((set(needed) - granted for needed in options), key=len)
        return [f"needs scopes {sorted(missing)} the connector does not ask for"]


def shared_description(name: str) -> str:
    """The path of a description kept in the shared folder; the calling test module is
    skipped, saying where the file belongs, when it is not there."""
    path = SHARED / name
    if not path.exists():
        description_missing(f"{path} is not here (tests/contracts/README.md says how to make it)")
    return str(path)


def description_missing(reason: str, *, installed_in_ci: bool = False) -> NoReturn:
    """Skips the calling test module; fails it in CI (CRIER_TEST_REAL_SERVERS=1) when CI
    installs the description itself (`installed_in_ci`: from tests/contracts/npm/)."""
    if installed_in_ci and os.environ.get("CRIER_TEST_REAL_SERVERS") == "1":
        pytest.fail(f"{reason}; .ci/run installs it", pytrace=False)
    pytest.skip(reason, allow_module_level=True)


def npm_export(package: str, name: str) -> Any | None:
    """What the npm `package` installed in tests/contracts/npm/ exports as `name`, as JSON;
    None when node or the package is not here (`npm ci` there installs it)."""
    node = shutil.which("node")
    if node is None or not (NPM / "node_modules" / package / "package.json").exists():
        return None
    # import(), not require(): it loads ES modules (as @atproto/api is) on any node version.
    script = (
        "import(process.argv[1])"
        ".then(module => process.stdout.write(JSON.stringify(module[process.argv[2]])))"
    )
    # cwd: node resolves the package from the folder's node_modules, through its exports.
    run = subprocess.run(
        [node, "-e", script, package, name], cwd=NPM, capture_output=True, check=True
    )
    return json.loads(run.stdout)


class Description(Protocol):
    """What call_problems needs: an OpenAPI `Contract` or a discovery.py `Discovery`."""

    def serves(self, url: str) -> bool: ...

    def problems(self, request: httpx.Request, granted: set[str]) -> list[str]: ...


def api_requests(contract: Description, calls: Any) -> list[httpx.Request]:
    """The captured requests that went to the platform's API (not media downloads)."""
    return [call.request for call in calls if contract.serves(str(call.request.url))]


def call_problems(contract: Description, calls: Any, granted: set[str]) -> list[str]:
    """What the description does not allow in the captured API requests."""
    requests = api_requests(contract, calls)
    assert requests, "the operation sent nothing to the API"
    return [problem for request in requests for problem in contract.problems(request, granted)]
