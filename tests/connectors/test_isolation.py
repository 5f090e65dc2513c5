"""Connectors are configured, not environment readers: importing one, in a fresh interpreter,
loads no Django, no Celery and no Crier app, and reads or writes no environment variable;
what a deployment sets reaches them through settings (accounts.platforms)."""

from __future__ import annotations

import ast
import json
import os
import pkgutil
import re
import subprocess
import sys
from pathlib import Path

import pytest

import connectors

ROOT = Path(__file__).resolve().parents[2]
SOURCES = sorted((ROOT / "connectors").rglob("*.py"))
MODULES = sorted(
    module.name
    for module in pkgutil.walk_packages(connectors.__path__, "connectors.")
    if not module.name.endswith("__main__")  # `python -m connectors.simulator` serves
)

# Runs in the fresh interpreter: os.environ is swapped for a mapping that notes each key
# Crier's own code (connectors/, config/) reads or writes, then the module is imported.
PROBE = r"""
import json, os, sys, traceback
from collections.abc import MutableMapping

module, watched_dirs = sys.argv[1], tuple(sys.argv[2:])
passing = {os.__file__, MutableMapping.get.__code__.co_filename}
touched = []


class Watched(MutableMapping):
    def __init__(self, real):
        self._real = real

    def _note(self, key):
        # The reader is the innermost caller outside os and the mapping machinery: a
        # library that reads the environment while a connector imports it is not one.
        for frame in reversed(traceback.extract_stack()[:-2]):
            if frame.filename not in passing:
                if frame.filename.startswith(watched_dirs):
                    touched.append(f"{key} at {frame.filename}:{frame.lineno}")
                return

    def __getitem__(self, key):
        self._note(key)
        return self._real[key]

    def __setitem__(self, key, value):
        self._note(key)
        self._real[key] = value

    def __delitem__(self, key):
        self._note(key)
        del self._real[key]

    def __contains__(self, key):
        self._note(key)
        return key in self._real

    def __iter__(self):
        self._note("(every variable)")
        return iter(self._real)

    def __len__(self):
        return len(self._real)

    def copy(self):
        self._note("(every variable)")
        return dict(self._real)


before = dict(os.environ)
os.environ = Watched(os.environ)
__import__(module)
print(json.dumps({
    "touched": touched,
    "changed": dict(os.environ._real) != before,
    "modules": sorted(sys.modules),
}))
"""

# What a connector may load of Crier beyond `connectors`: config's framework-free modules.
SHARED = {"config", "core.netguard", "core.redaction"}
APPS = {"accounts", "posts", "media", "webhooks", "planning", "analytics", "compat"}
FRAMEWORKS = {"django", "rest_framework", "celery", "kombu", "redis"}


def loaded_in_a_fresh_interpreter(module: str) -> dict:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    watched = [str(ROOT / "connectors") + os.sep, str(ROOT / "config") + os.sep]
    result = subprocess.run(
        [sys.executable, "-c", PROBE, module, *watched],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.splitlines()[-1])


def test_every_connector_module_is_probed():
    assert {"connectors.http", "connectors.registry", "connectors.x", "connectors.tiktok"} <= set(
        MODULES
    )


@pytest.mark.parametrize("module", MODULES)
def test_importing_loads_no_framework_and_no_app_and_touches_no_environment(module):
    probe = loaded_in_a_fresh_interpreter(module)

    assert probe["touched"] == []
    assert probe["changed"] is False
    assert module in probe["modules"]
    unwanted = [
        name
        for name in probe["modules"]
        if name.partition(".")[0] in FRAMEWORKS | APPS
        or (name.partition(".")[0] == "config" and name not in SHARED)
    ]
    assert unwanted == []


def environment_reads(source: Path) -> list[str]:
    """Where the source names os.environ, os.getenv and kin (`from os import environ`
    included), as file:line."""
    names = {"environ", "environb", "getenv", "getenvb", "putenv", "unsetenv"}
    found = []
    for node in ast.walk(ast.parse(source.read_text(), str(source))):
        if (
            isinstance(node, ast.Attribute)
            and node.attr in names
            and isinstance(node.value, ast.Name)
            and node.value.id == "os"
        ) or (
            isinstance(node, ast.ImportFrom)
            and node.module == "os"
            and any(alias.name in names for alias in node.names)
        ):
            found.append(f"{source}:{node.lineno}")
    return found


def test_no_connector_source_reads_the_environment():
    assert len(SOURCES) > 20
    assert [read for source in SOURCES for read in environment_reads(source)] == []


def test_the_static_check_sees_an_environment_read(tmp_path):
    source = tmp_path / "reader.py"
    source.write_text("import os\nfrom os import getenv\nURL = os.environ.get('URL')\n")

    assert len(environment_reads(source)) == 2


def settings_handed_to_connectors() -> set[str]:
    """The Django settings connectors are built from: the configuration, OAuth apps and
    timeout accounts/platforms.py reads, the redirect base accounts/connection.py gives
    them, and the egress policy config/apps.py sets on core.netguard for their clients."""
    sources = [ROOT / "accounts" / "platforms.py", ROOT / "accounts" / "connection.py"]
    sources.append(ROOT / "config" / "apps.py")
    return {
        node.attr
        for source in sources
        for node in ast.walk(ast.parse(source.read_text()))
        if isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id == "settings"
        and node.attr.startswith("CRIER_")
    }


def _assignments(tree: ast.Module) -> dict[str, list[ast.expr]]:
    """Each setting's value expressions in config/settings.py, `X["key"] = ...` included."""
    found: dict[str, list[ast.expr]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign | ast.AnnAssign) and node.value is not None:
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if isinstance(target, ast.Subscript):
                    target = target.value
                if isinstance(target, ast.Name):
                    found.setdefault(target.id, []).append(node.value)
    return found


def environment_variables_behind(settings_names: set[str]) -> set[str]:
    """The variables config/settings.py reads (env_str, env_int, ...) to build these
    settings, following the settings each is built from (CRIER_MEDIA_ORIGINS from
    CRIER_PUBLIC_URL ...)."""
    assignments = _assignments(ast.parse((ROOT / "config" / "settings.py").read_text()))
    variables: set[str] = set()
    seen: set[str] = set()
    waiting = list(settings_names)
    while waiting:
        name = waiting.pop()
        if name in seen:
            continue
        seen.add(name)
        for value in assignments.get(name, []):
            for node in ast.walk(value):
                if (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Name)
                    and node.func.id.startswith("env_")
                    and node.args
                    and isinstance(node.args[0], ast.Constant)
                ):
                    variables.add(node.args[0].value)
                elif isinstance(node, ast.Name) and node.id in assignments:
                    waiting.append(node.id)
    return variables


def test_every_connector_variable_is_in_the_readme_configuration_table():
    readme = (ROOT / "README.md").read_text()
    table = readme.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    documented = set(re.findall(r"`(CRIER_[A-Z0-9_]+)`", table))
    handed = settings_handed_to_connectors()

    variables = environment_variables_behind(handed)

    assert {"CRIER_CONNECTORS", "CRIER_OAUTH_APPS", "CRIER_HTTP_TIMEOUT"} <= handed
    assert {"CRIER_ALLOW_PRIVATE_URLS", "CRIER_MEDIA_ORIGINS", "CRIER_PUBLIC_URL"} <= handed
    # Read directly, through CRIER_CONNECTORS, and through a setting built from others.
    assert {"CRIER_HTTP_TIMEOUT", "CRIER_TELEGRAM_API_URL", "CRIER_S3_ENDPOINT_URL"} <= variables
    assert len(variables) >= 24
    assert variables - documented == set()
    assert {"CRIER_OAUTH_<PLATFORM>_CLIENT_ID", "_CLIENT_SECRET"} <= set(
        re.findall(r"`([A-Z_<>]+)`", table)
    )


def test_the_collector_follows_settings_built_from_settings():
    assert environment_variables_behind({"CRIER_MEDIA_ORIGINS"}) >= {
        "CRIER_PUBLIC_URL",
        "CRIER_PUBLIC_MEDIA_URL",
        "CRIER_S3_ENDPOINT_URL",
    }
    assert environment_variables_behind({"CRIER_NOT_A_SETTING"}) == set()
