"""Regenerates `src/crier_client/_generated` from Crier's OpenAPI schema (`make client`).

Run with the project's interpreter (it imports Django to build the schema, offline: no server);
the generator itself runs from its own virtualenv, `$(VENV)/codegen`, since
openapi-python-client pins an httpx older than Crier's. The stale-client test
(tests/clients/test_generated.py) runs the same steps into a temporary directory and compares.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
SCHEMA = HERE / "openapi.json"
CONFIG = HERE / "codegen.yaml"
PACKAGE = HERE / "src" / "crier_client" / "_generated"
# The pinned generator (the Makefile installs it): its output changes between versions.
REQUIREMENTS = HERE / "codegen-requirements.txt"


def generator() -> Path:
    """openapi-python-client in the codegen virtualenv inside the running interpreter's
    (`make client` and `make test` install it), checked against the pin."""
    tool = Path(sys.prefix) / "codegen" / "bin" / "openapi-python-client"
    if not tool.exists():
        raise RuntimeError(f"{tool} is missing: `make client` installs it")
    pinned = REQUIREMENTS.read_text().split("==")[1].strip()
    version = subprocess.run(  # noqa: S603 - our own tool
        [str(tool), "--version"], check=True, capture_output=True, text=True
    ).stdout
    if pinned not in version:
        raise RuntimeError(f"{tool} is {version.strip()}, not {pinned}: `make client`")
    return tool


def full_schema() -> dict[str, Any]:
    """What `/api/schema/` serves, asked of Django in this process (no server, no database)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    sys.path.insert(0, str(REPO))
    import django

    django.setup()
    from django.test import Client

    response = Client(HTTP_HOST="localhost").get(
        "/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json"
    )
    if response.status_code != 200:
        raise RuntimeError(f"/api/schema/ answered {response.status_code}")
    return response.json()


def native_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """The native dialect only: the Publora, Postiz and Repostra operations (tagged
    `dialect: ...`) have their own clients, and the components only they use go with them."""
    paths: dict[str, Any] = {}
    for path, operations in schema["paths"].items():
        kept = {
            method: operation
            for method, operation in operations.items()
            if not any(tag.startswith("dialect: ") for tag in operation.get("tags", []))
        }
        if kept:
            paths[path] = kept
    components = schema.get("components", {})
    wanted: set[tuple[str, str]] = set()
    pending: list[Any] = [paths]
    while pending:
        node = pending.pop()
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/components/"):
                kind, name = ref.removeprefix("#/components/").split("/", 1)
                if (kind, name) not in wanted:
                    wanted.add((kind, name))
                    pending.append(components[kind][name])
            pending.extend(node.values())
        elif isinstance(node, list):
            pending.extend(node)
    kept_components = {
        kind: {name: body for name, body in entries.items() if (kind, name) in wanted}
        for kind, entries in components.items()
        if kind != "securitySchemes"
    }
    kept_components = {kind: entries for kind, entries in kept_components.items() if entries}
    kept_components["securitySchemes"] = {
        name: scheme
        for name, scheme in components.get("securitySchemes", {}).items()
        if name == "ApiKey"
    }
    return _without_storage_bounds({**schema, "paths": paths, "components": kept_components})


# The limits of the database's integer columns, which Django's model fields turn into
# validators and drf-spectacular into `maximum`/`minimum` (and `int64`): they differ between
# SQLite and PostgreSQL, so the API's description would depend on where it was generated.
_STORAGE_LIMITS = {2**15 - 1, 2**31 - 1, 2**63 - 1, -(2**15), -(2**31), -(2**63)}


def _without_storage_bounds(node: Any) -> Any:
    """The schema with the bounds that only say which database stores the field removed."""
    if isinstance(node, list):
        return [_without_storage_bounds(item) for item in node]
    if not isinstance(node, dict):
        return node
    cleaned = {key: _without_storage_bounds(value) for key, value in node.items()}
    if cleaned.get("type") == "integer":
        for bound in ("maximum", "minimum"):
            if cleaned.get(bound) in _STORAGE_LIMITS:
                del cleaned[bound]
        if cleaned.get("format") == "int64" and not any(
            abs(cleaned.get(bound, 0)) > 2**31 for bound in ("maximum", "minimum")
        ):
            del cleaned["format"]
    return cleaned


def render(schema: dict[str, Any]) -> str:
    return json.dumps(schema, indent=2, sort_keys=True, default=str) + "\n"


def generate(schema_text: str, package_dir: Path) -> None:
    """openapi-python-client from `schema_text` into `package_dir` (replaced)."""
    with tempfile.TemporaryDirectory() as work:
        source = Path(work) / "openapi.json"
        source.write_text(schema_text)
        output = Path(work) / "out"
        subprocess.run(  # noqa: S603 - a fixed tool with our own arguments
            [
                str(generator()),
                "generate",
                "--path",
                str(source),
                "--config",
                str(CONFIG),
                "--meta",
                "none",
                "--output-path",
                str(output),
            ],
            check=True,
            capture_output=True,
        )
        if package_dir.exists():
            shutil.rmtree(package_dir)
        shutil.copytree(output, package_dir)


def main() -> None:
    schema_text = render(native_schema(full_schema()))
    SCHEMA.write_text(schema_text)
    generate(schema_text, PACKAGE)
    print(f"{PACKAGE.relative_to(REPO)} regenerated from {SCHEMA.relative_to(REPO)}")


if __name__ == "__main__":
    main()
