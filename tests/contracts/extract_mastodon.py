"""Make tests/contracts/mastodon/methods.json, the table the Mastodon contract test reads,
from a checkout of mastodon/documentation:

    python -m tests.contracts.extract_mastodon DOCS_CHECKOUT OUT.json COMMIT

For each endpoint Crier calls, from content/en/methods/*.md: the method and path of the
```http block, the scopes the **OAuth:** line names (any one suffices; Public when it
says so) and the parameters and headers under "##### Form data / Query / Path parameters"
and "##### Headers" with their type word, {{<required>}} marker and, for strings, the
values the text lists in backticks.
From content/en/entities/Instance.md: the example's `configuration` (mastodon.social's,
Mastodon's defaults for the limits Crier uses).
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

ENDPOINTS = {
    "statuses.md": ["POST /api/v1/statuses", "GET /api/v1/statuses/:id"],
    "media.md": ["POST /api/v2/media", "GET /api/v1/media/:id"],
    "accounts.md": ["GET /api/v1/accounts/verify_credentials"],
    "instance.md": ["GET /api/v2/instance", "GET /api/v1/instance"],
}
PLACES = {
    "Form data parameters": "form",
    "Query parameters": "query",
    "Path parameters": "path",
    "Headers": "headers",
}
SCOPE = re.compile(r"`((?:read|write|admin|follow|push|profile)(?::[a-z_:]+)?)`")


def _sections(text: str) -> list[str]:
    return re.split(r"\n(?=## )", text)


def _parameters(section: str) -> dict[str, dict]:
    found: dict[str, dict] = {}
    for block in re.split(r"\n(?=#{4,5} )", section):
        heading = block.split("\n", 1)[0].lstrip("# ").strip()
        place = PLACES.get(heading)
        if place is None:
            continue
        for name, body in re.findall(r"\n((?!: )\S[^\n]*)\n: ([^\n]*(?:\n(?!\n)[^\n]*)*)", block):
            required = "{{<required>}}" in body
            body = body.replace("{{<required>}}", "").strip()
            kind = body.split(".", 1)[0].strip()
            entry = {"type": kind, "required": required, "text": body}
            # Values as "`a` = meaning" lines, or listed as "to `a`, `b`, `c`."
            listed = re.search(r"to (`[a-z_]+`(?:, `[a-z_]+`)+)\.", body)
            values = re.findall(r"^`([a-z_]+)` =", body, re.M) or (
                re.findall(r"`([a-z_]+)`", listed[1]) if listed else []
            )
            if kind.startswith("String") and values:
                entry["enum"] = values
            found.setdefault(place, {})[name.strip().lstrip(":")] = entry
    return found


def extract(docs: Path) -> list[dict]:
    table = []
    for file, wanted in ENDPOINTS.items():
        text = (docs / "content/en/methods" / file).read_text(encoding="utf-8")
        for section in _sections(text):
            match = re.search(r"```http\n(GET|POST|PUT|PATCH|DELETE) (\S+)", section)
            if not match or f"{match[1]} {match[2]}" not in wanted:
                continue
            oauth = re.search(r"\*\*OAuth:\*\* ([^\n]*)", section)[1].rstrip("\\")
            table.append(
                {
                    "method": match[1],
                    "path": match[2],
                    "source": f"content/en/methods/{file}#{section.split(chr(10), 1)[0][3:]}",
                    "oauth": oauth,
                    "scopes": SCOPE.findall(oauth),
                    "public": oauth.lower().startswith("public"),
                    "parameters": _parameters(section),
                }
            )
    return table


def instance_configuration(docs: Path) -> dict:
    text = (docs / "content/en/entities/Instance.md").read_text(encoding="utf-8")
    example = re.search(r"## Example\n+```json\n(.*?)\n```", text, re.S)[1]
    return json.loads(example)["configuration"]


if __name__ == "__main__":
    docs, target, commit = Path(sys.argv[1]), sys.argv[2], sys.argv[3]
    table = {
        "source": f"github.com/mastodon/documentation at {commit}",
        "licence": "GNU Free Documentation License 1.3 (mastodon/documentation LICENSE)",
        "endpoints": extract(docs),
        "instance_example_configuration": instance_configuration(docs),
    }
    Path(target).write_text(json.dumps(table, indent=1) + "\n", encoding="utf-8")
