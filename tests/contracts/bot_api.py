"""Check captured requests against the Telegram Bot API as the npm package `@grammyjs/types`
declares it (TypeScript declarations, one per Bot API method and type, with Telegram's own
field descriptions as doc comments).

Only the part of TypeScript those files use for method arguments is read: each method of
`ApiMethods<F>` takes one object whose members are `name: Type` or `name?: Type`; types are
`number`, `string`, `boolean`, `true`, string literals, unions (`|`), arrays (`T[]`,
`Array<T>`, `ReadonlyArray<T>`), `F` (an uploaded file) and names of the package's
`export type` aliases and `export interface`s, which are read the same way.

A request must be `POST <api>/bot<token>/<method>` for a method the package declares; its
fields (a JSON body, or form fields, urlencoded or multipart, where Telegram reads numbers
and booleans as text and objects and arrays as JSON) must be members of the method's
argument, of the declared types, with every required member sent. A file goes as a form
part: either the member's own name, where the type takes `F`, or `attach://<part>` named
in a field whose type takes `F`; every file part must be used so.
"""

from __future__ import annotations

import contextlib
import json
import re
from email.parser import BytesParser
from email.policy import HTTP
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx

MEMBER = re.compile(r"^\s*(?P<name>\w+)(?P<optional>\??):\s*(?P<type>.+);\s*$")
# `/** ... */` doc comments, one line or many.
COMMENT = re.compile(r"/\*\*.*?\*/", re.DOTALL)
SIMPLE: dict[str, type | tuple[type, ...]] = {
    "string": str,
    "number": (int, float),
    "boolean": bool,
    "true": bool,
}
TOKEN_PATH = re.compile(r"^/bot[^/]+/(?P<method>\w+)$")


class BotApi:
    def __init__(self, package: Path, base: str):
        self.base = base.rstrip("/")
        self.texts = {
            path.name: path.read_text(encoding="utf-8") for path in package.glob("*.d.ts")
        }
        self.methods = self._methods(self.texts["methods.d.ts"])
        self.version = json.loads((package / "package.json").read_text())["version"]

    # --- reading the declarations -------------------------------------------------------

    @staticmethod
    def _methods(text: str) -> dict[str, dict[str, tuple[str, bool]]]:
        """method -> member -> (type, required), from the `ApiMethods<F>` block."""
        block = text[text.index("export type ApiMethods<F> = {") :]
        block = block[: block.index("\n};")]
        methods: dict[str, dict[str, tuple[str, bool]]] = {}
        for found in re.finditer(
            r"^    (\w+)\((?:args\??: \{(.*?)^    \})?\): ", COMMENT.sub("", block), re.M | re.S
        ):
            methods[found.group(1)] = _members(found.group(2) or "")
        return methods

    def comment(self, method: str, member: str) -> str:
        """The doc comment on a method's member: Telegram's own words on the field."""
        text = self.texts["methods.d.ts"]
        start = text.index(f"\n    {method}(")
        found = re.search(rf"/\*\*(.*?)\*/\s*\n\s*{member}\??:", text[start:], re.S)
        assert found is not None, f"{method}.{member} has no comment"
        return found.group(1).strip()

    def declaration(self, name: str) -> str | dict[str, tuple[str, bool]]:
        """An alias's type, or an interface's members."""
        for text in self.texts.values():
            alias = re.search(rf"^export type {name}(?:<F>)? = (.+?);$", text, re.M)
            if alias:
                return alias.group(1)
            interface = re.search(
                rf"^export interface {name}(?:<F>)? \{{(.*?)^\}}",
                COMMENT.sub("", text),
                re.M | re.S,
            )
            if interface:
                return _members(interface.group(1))
        raise KeyError(f"{name} is not declared in the package")

    # --- checks --------------------------------------------------------------------------

    def serves(self, url: str) -> bool:
        return url.startswith(self.base + "/bot")

    def problems(self, request: httpx.Request, granted: set[str] | None = None) -> list[str]:
        """What the declarations do not allow in one request. `granted` is unused: a bot
        token carries no scopes (the bot's rights are the chat's admin settings)."""
        request.read()
        path = urlsplit(str(request.url)).path
        found = TOKEN_PATH.match(path)
        method = found.group("method") if found else path
        where = f"{request.method} {method}"
        if request.method != "POST" or found is None or method not in self.methods:
            return [f"{where}: no such Bot API method"]
        fields, files = self._fields(request)
        if isinstance(fields, str):
            return [f"{where}: {fields}"]
        members = self.methods[method]
        problems = []
        attached: set[str] = set()
        for name, value in fields.items():
            if name not in members:
                problems.append(f"{name!r} is not a parameter of {method}")
                continue
            problems += self._value_problems(name, value, members[name][0], files, attached)
        for name in files:
            if name in members and "F" in _alternatives(members[name][0]):
                attached.add(name)
            elif name in members:
                problems.append(f"file part {name!r}: {members[name][0]} takes no file")
        problems += [f"file part {name!r} is not used" for name in sorted(set(files) - attached)]
        problems += [
            f"required parameter {name!r} missing"
            for name, (_, required) in members.items()
            if required and name not in fields and name not in files
        ]
        return [f"{where}: {problem}" for problem in problems]

    def _fields(self, request: httpx.Request) -> tuple[dict[str, Any] | str, set[str]]:
        media_type = request.headers.get("content-type", "").split(";")[0].strip()
        if not request.content:
            return {}, set()
        if media_type == "application/json":
            return json.loads(request.content), set()
        if media_type == "application/x-www-form-urlencoded":
            return {
                name: _FormText(value) for name, value in parse_qsl(request.content.decode())
            }, set()
        if media_type != "multipart/form-data":
            return f"body type {media_type!r}: the Bot API reads JSON or form data", set()
        head = f"Content-Type: {request.headers['content-type']}\r\n\r\n".encode()
        message = BytesParser(policy=HTTP).parsebytes(head + request.content)
        fields: dict[str, Any] = {}
        files: set[str] = set()
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            if part.get_filename() is not None:
                files.add(name)
            else:
                fields[name] = _FormText(part.get_payload(decode=True).decode())
        return fields, files

    def _value_problems(
        self, name: str, value: Any, declared: str, files: set[str], attached: set[str]
    ) -> list[str]:
        if isinstance(value, _FormText):
            # Telegram reads a form field as text, or as JSON where the type is not a string.
            candidates = [str(value)]
            with contextlib.suppress(ValueError):
                candidates.append(json.loads(value))
        else:
            candidates = [value]
        complaints: list[str] = []
        for candidate in candidates:
            found = self._type_problems(name, candidate, declared, files, attached)
            if not found:
                return []
            complaints = found  # the JSON reading's, where there is one: it went deeper
        return complaints

    def _type_problems(
        self, where: str, value: Any, declared: str, files: set[str], attached: set[str]
    ) -> list[str]:
        """An empty list when `value` is of one of the union's types."""
        deeper: list[str] | None = None
        # An upload first: `attach://...` is a string too, but one that names a file part.
        for alternative in sorted(_alternatives(declared), key=lambda kind: kind != "F"):
            found = self._one_type_problems(where, value, alternative, files, attached)
            if not found:
                return []
            if found != [f"{where}: {value!r} is not {alternative}"]:
                # Of the right shape, wrong inside: the closest alternative says what.
                deeper = found if deeper is None or len(found) < len(deeper) else deeper
        if deeper is not None:
            return deeper
        return [f"{where}: {value!r} is not {declared}"]

    def _one_type_problems(
        self, where: str, value: Any, kind: str, files: set[str], attached: set[str]
    ) -> list[str]:
        wrong = [f"{where}: {value!r} is not {kind}"]
        array = re.fullmatch(r"(?:Readonly)?Array<(.+)>|(.+)\[\]", kind)
        if array:
            item = array.group(1) or array.group(2)
            if not isinstance(value, list):
                return wrong
            return [
                problem
                for index, entry in enumerate(value)
                for problem in self._type_problems(
                    f"{where}[{index}]", entry, item, files, attached
                )
            ]
        if kind == "F":
            # An upload given by reference: `attach://<part>` names a file part of the form.
            if isinstance(value, str) and value.startswith("attach://"):
                part = value.removeprefix("attach://")
                if part in files:
                    attached.add(part)
                    return []
                return [f"{where}: {value!r} names no file part"]
            return wrong
        if kind.startswith('"'):
            return [] if value == json.loads(kind) else wrong
        if kind in SIMPLE:
            if isinstance(value, bool) and kind == "number":
                return wrong
            if not isinstance(value, SIMPLE[kind]) or (kind == "true" and value is not True):
                return wrong
            return []
        declaration = self.declaration(re.sub(r"<F>$", "", kind))
        if isinstance(declaration, str):
            return self._type_problems(where, value, declaration, files, attached)
        if not isinstance(value, dict):
            return wrong
        problems = [
            f"{where}.{name}: not a member of {kind}" for name in value if name not in declaration
        ]
        for name, entry in value.items():
            if name in declaration:
                problems += self._type_problems(
                    f"{where}.{name}", entry, declaration[name][0], files, attached
                )
        problems += [
            f"{where}.{name}: required by {kind}, missing"
            for name, (_, required) in declaration.items()
            if required and name not in value
        ]
        return problems


class _FormText(str):
    """A multipart form field: text that Telegram may read as JSON."""


def _members(block: str) -> dict[str, tuple[str, bool]]:
    members = {}
    for line in COMMENT.sub("", block).splitlines():
        found = MEMBER.match(line)
        if found:
            members[found.group("name")] = (found.group("type"), not found.group("optional"))
    return members


def _alternatives(declared: str) -> list[str]:
    """The members of a union, split at the `|`s outside angle brackets."""
    parts, depth, current = [], 0, ""
    for character in declared:
        depth += character == "<"
        depth -= character == ">"
        if character == "|" and depth == 0:
            parts.append(current.strip())
            current = ""
        else:
            current += character
    parts.append(current.strip())
    return parts
