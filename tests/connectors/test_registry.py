from __future__ import annotations

import pytest

from connectors.base import Connector, PlatformLimits
from connectors.registry import (
    CONNECTORS,
    UnknownPlatform,
    connector_class,
    get_connector,
    platform_choices,
)


@pytest.mark.parametrize("slug", sorted(CONNECTORS))
def test_every_registered_connector_imports_with_matching_slug_and_limits(slug):
    cls = connector_class(slug)

    assert issubclass(cls, Connector)
    assert cls.platform == slug
    assert isinstance(cls.limits, PlatformLimits)
    assert cls.display_name


def test_get_connector_passes_options_to_the_constructor():
    with get_connector("sandbox", timeout=1.5) as connector:
        assert connector.platform == "sandbox"
        assert connector.client.timeout.read == 1.5


def test_unknown_slug_raises_unknown_platform():
    with pytest.raises(UnknownPlatform, match="'myspace'"):
        get_connector("myspace")


def test_platform_choices_list_every_slug_with_its_display_name():
    assert platform_choices() == [(slug, connector_class(slug).display_name) for slug in CONNECTORS]
    assert ("sandbox", "Sandbox") in platform_choices()
