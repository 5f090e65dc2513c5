"""The API describes itself: valid OpenAPI 3 at /api/schema/, Swagger UI at /api/docs/."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator
from openapi_spec_validator import validate

REPO = Path(__file__).resolve().parent.parent
HTTP_METHODS = ("get", "post", "put", "patch", "delete")
# The native API and the dialects under /api/v1/, and Postiz's /public/v1/.
API_PREFIXES = ("api/v1/", "public/v1/")
# Every warning left, by file: fix it there, then remove it here.


def routed_api_views(patterns: list | None = None, prefix: str = "") -> dict[str, set[str]]:
    """Every /api/v1 and /public/v1 route, in OpenAPI's `{param}` form, with the methods its
    view implements."""
    found: dict[str, set[str]] = {}
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            found.update(routed_api_views(entry.url_patterns, route))
        elif isinstance(entry, URLPattern) and route.startswith(API_PREFIXES):
            view_class = entry.callback.view_class
            path = "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route)
            found[path] = {method for method in HTTP_METHODS if hasattr(view_class, method)}
    return found


@pytest.fixture(scope="module")
def schema() -> dict:
    response = Client().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    return response.json()


def test_schema_is_a_valid_openapi_3_document(schema):
    assert schema["openapi"].startswith("3.")
    validate(schema)  # raises OpenAPIValidationError with the offending path


def test_schema_is_served_without_credentials_as_yaml_by_default():
    response = Client().get("/api/schema/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.oai.openapi")
    assert response.content.startswith(b"openapi: 3.")


def test_schema_documents_the_api_key_scheme_on_the_authorization_header(schema):
    scheme = schema["components"]["securitySchemes"]["ApiKey"]
    assert scheme["type"] == "apiKey"
    assert scheme["in"] == "header"
    assert scheme["name"] == "Authorization"
    assert "Bearer-API <key>" in scheme["description"]


def dialect_of(operation: dict) -> str | None:
    tags = [tag for tag in operation.get("tags", []) if tag.startswith("dialect: ")]
    return tags[0] if tags else None


DIALECT_SCHEMES = {
    "dialect: Publora / PostPost": "PubloraKey",
    "dialect: Postiz": "PostizKey",
    "dialect: Repostra": "RepostraKey",
}


def test_every_api_operation_requires_the_api_key(schema):
    unsecured = [
        f"{method.upper()} {path}"
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
        if path.startswith(tuple(f"/{prefix}" for prefix in API_PREFIXES))
        and operation.get("security")
        != [{DIALECT_SCHEMES.get(dialect_of(operation), "ApiKey"): []}]
    ]
    # The platform redirects the user's browser there: the single-use OAuth state is the proof.
    assert unsecured == ["GET /api/v1/accounts/callback/{platform}"]


def test_every_routed_api_v1_path_and_method_is_documented(schema):
    routed = routed_api_views()
    assert "/api/v1/posts/schedule/publish" in routed  # the walk found the routes at all
    assert "/public/v1/integrations" in routed
    documented = {
        path: {method for method in operations if method in HTTP_METHODS}
        for path, operations in schema["paths"].items()
        if path.startswith(tuple(f"/{prefix}" for prefix in API_PREFIXES))
    }
    assert documented == routed


def test_swagger_ui_is_served_as_html_pointing_at_the_schema():
    response = Client().get("/api/docs/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert 'id="swagger-ui"' in page
    assert "/api/schema/" in page


def test_accounts_and_config_views_generate_no_schema_warnings():
    SchemaGenerator().get_schema(request=None, public=True)
    ours = [
        message
        for message in GENERATOR_STATS._warn_cache
        if f"{REPO / 'accounts'}/" in message or f"{REPO / 'config'}/" in message
    ]
    assert ours == []


def test_spectacular_validate_fail_on_warn_passes(tmp_path):
    call_command(
        "spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml")
    )


DIALECT_ERRORS = {"dialect: Publora / PostPost": "PubloraError", "dialect: Postiz": "PostizError"}


def test_dialect_operations_document_their_error_envelope(schema):
    """So the fuzzers' conformance check reads the dialects' 4xx answers too."""
    operations = [
        (f"{method.upper()} {path}", operation)
        for path, by_method in schema["paths"].items()
        for method, operation in by_method.items()
        if dialect_of(operation) in DIALECT_ERRORS
    ]
    undocumented = [
        f"{label} {status}"
        for label, operation in operations
        for status in ("400", "401", "403", "404", "413", "415", "429")
        if operation["responses"].get(status, {}).get("content", {}).get("application/json")
        != {"schema": {"$ref": f"#/components/schemas/{DIALECT_ERRORS[dialect_of(operation)]}"}}
    ]
    assert len(operations) >= 29  # Publora/PostPost 9, Postiz 20 at this writing
    assert undocumented == []
