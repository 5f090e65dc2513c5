"""The egress guard: which addresses pass, and a guarded client that connects only to an
address it has just checked (one lookup per connection, the next address only when one
cannot be connected to).

Fake DNS and loopback only (tests.dns.FakeNetwork): no packet leaves 127.0.0.1.
"""

from __future__ import annotations

import ipaddress

import httpx
import pytest

from core import netguard
from core.netguard import BlockedURL, PrivateAddress, UnresolvableHost, check_url
from tests.dns import FakeNetwork
from tests.fileserver import serving

# Two public addresses (documentation ranges such as 203.0.113.0/24 are refused).
FIRST, SECOND = "93.184.216.34", "151.101.1.140"

# The IANA special-purpose registries, transcribed 2026-12 (by hand: this machine reaches
# no network) from iana-ipv4-special-registry (entries through RFC 8880's 192.0.0.170/31)
# and iana-ipv6-special-registry (last updated 2024-10-22, with RFC 9637's 3fff::/20 and
# RFC 9602's 5f00::/16). One row per entry: an address inside it and whether Crier admits
# it. "Globally Reachable: False" and "N/A" are refused; the True entries are admitted
# unless a refused block holds them (192.0.0.9 and 192.0.0.10 in 192.0.0.0/24, "not usable
# unless by virtue of a more specific reservation", and nothing a user's URL needs).
IPV4_SPECIAL_PURPOSE = [
    ("0.0.0.0/8", "0.1.2.3", False),
    ("0.0.0.0/32", "0.0.0.0", False),
    ("10.0.0.0/8", "10.0.0.1", False),
    ("100.64.0.0/10", "100.100.100.200", False),  # CGNAT; Alibaba Cloud's metadata service
    ("127.0.0.0/8", "127.0.0.1", False),
    ("169.254.0.0/16", "169.254.169.254", False),
    ("172.16.0.0/12", "172.31.255.254", False),
    ("192.0.0.0/24", "192.0.0.200", False),
    ("192.0.0.0/29", "192.0.0.1", False),
    ("192.0.0.8/32", "192.0.0.8", False),
    ("192.0.0.9/32", "192.0.0.9", False),  # PCP anycast, True, inside 192.0.0.0/24
    ("192.0.0.10/32", "192.0.0.10", False),  # TURN anycast, True, inside 192.0.0.0/24
    ("192.0.0.170/32", "192.0.0.170", False),
    ("192.0.0.171/32", "192.0.0.171", False),
    ("192.0.2.0/24", "192.0.2.1", False),
    ("192.31.196.0/24", "192.31.196.1", True),
    ("192.52.193.0/24", "192.52.193.1", True),
    ("192.88.99.0/24", "192.88.99.1", False),
    ("192.168.0.0/16", "192.168.1.1", False),
    ("192.175.48.0/24", "192.175.48.1", True),
    ("198.18.0.0/15", "198.19.255.1", False),
    ("198.51.100.0/24", "198.51.100.1", False),
    ("203.0.113.0/24", "203.0.113.1", False),
    ("240.0.0.0/4", "250.1.2.3", False),
    ("255.255.255.255/32", "255.255.255.255", False),
    ("multicast 224.0.0.0/4 (its own registry)", "239.255.255.250", False),
]
IPV6_SPECIAL_PURPOSE = [
    ("::1/128", "::1", False),
    ("::/128", "::", False),
    ("::ffff:0:0/96", "::ffff:10.0.0.1", False),
    ("64:ff9b::/96", "64:ff9b::a9fe:a9fe", False),  # True, but carries 169.254.169.254
    ("64:ff9b:1::/48", "64:ff9b:1::808:808", False),
    ("100::/64", "100::1", False),
    ("2001::/23", "2001:1ff::1", False),
    ("2001::/32", "2001:0:4136:e378:8000:63bf:3fff:fdd2", False),  # Teredo to 192.0.2.45
    ("2001:1::1/128", "2001:1::1", True),
    ("2001:1::2/128", "2001:1::2", True),
    ("2001:1::3/128", "2001:1::3", True),
    ("2001:2::/48", "2001:2::1", False),
    ("2001:3::/32", "2001:3::1", True),
    ("2001:4:112::/48", "2001:4:112::1", True),
    ("2001:10::/28", "2001:10::1", False),
    ("2001:20::/28", "2001:20::1", True),
    ("2001:30::/28", "2001:30::1", True),
    ("2001:db8::/32", "2001:db8::1", False),
    ("2002::/16", "2002:a9fe:a9fe::", False),  # 6to4 carrying 169.254.169.254
    ("2620:4f:8000::/48", "2620:4f:8000::1", True),
    ("3fff::/20", "3fff::1", False),
    ("5f00::/16", "5f00::1", False),
    ("fc00::/7", "fd00::1", False),
    ("fe80::/10", "fe80::1", False),
    ("fec0::/10 (deprecated site-local)", "fec0::1", False),
    ("multicast ff00::/8", "ff02::1", False),
    ("outside 2000::/3 (reserved by IETF)", "4000::1", False),
]
EMBEDDED = [
    ("2002:a9fe:a9fe::", False),  # 6to4 of the metadata service
    ("2002:0808:0808::", True),  # 6to4 of 8.8.8.8
    ("2002:0a00:0001::", False),
    ("::ffff:127.0.0.1", False),
    ("::ffff:8.8.8.8", True),
    ("::127.0.0.1", False),  # IPv4-compatible (deprecated)
    ("::8.8.8.8", True),
    ("64:ff9b::808:808", True),  # NAT64 of 8.8.8.8
    ("64:ff9b::7f00:1", False),  # NAT64 of 127.0.0.1
    ("64:ff9b::6464:64c8", False),  # NAT64 of 100.100.100.200
    ("2001:0:4136:e378:8000:63bf:f7f7:f7f7", True),  # Teredo: 65.54.227.120, 8.8.8.8
    ("2001:0:a00:1:8000:63bf:f7f7:f7f7", False),  # Teredo server 10.0.0.1
    ("2001:0:4136:e378:8000:63bf:80ff:fffe", False),  # Teredo client 127.0.0.1
]
PUBLIC = ["8.8.8.8", "1.1.1.1", FIRST, "2606:4700:4700::1111", "2a00:1450:4001:82a::200e"]


@pytest.mark.parametrize(
    ("entry", "address", "admitted"), IPV4_SPECIAL_PURPOSE + IPV6_SPECIAL_PURPOSE
)
def test_each_special_purpose_registry_entry_gets_its_verdict(entry, address, admitted):
    assert netguard.is_global_address(ipaddress.ip_address(address)) is admitted, entry


@pytest.mark.parametrize(("address", "admitted"), EMBEDDED)
def test_an_ipv4_address_carried_in_ipv6_is_judged_itself(address, admitted):
    assert netguard.is_global_address(ipaddress.ip_address(address)) is admitted


@pytest.mark.parametrize("address", PUBLIC)
def test_public_addresses_are_admitted(address):
    assert netguard.is_global_address(ipaddress.ip_address(address))


@pytest.fixture
def network(monkeypatch) -> FakeNetwork:
    monkeypatch.setattr(netguard, "_policy", netguard.Policy())
    return FakeNetwork(monkeypatch)


@pytest.fixture
def server():
    with serving({"/hook": b"caught"}) as server:
        yield server


@pytest.fixture
def client():
    with netguard.client(guarded=True, timeout=httpx.Timeout(5.0)) as client:
        yield client


@pytest.mark.parametrize(
    "private", ["127.0.0.1", "10.0.0.8", "100.100.100.200", "::1", "2002:a9fe:a9fe::"]
)
def test_one_private_address_among_public_ones_refuses_the_host_before_any_connection(
    network, client, private
):
    network.answer("hooks.example.com", FIRST, private)

    with pytest.raises(PrivateAddress) as caught:
        client.get("http://hooks.example.com/hook")

    assert str(caught.value) == (
        f"The host hooks.example.com resolves to {private}, a private or reserved address; "
        "Crier does not call those."
    )
    assert network.connected == []


def test_it_connects_to_the_address_it_checked_and_keeps_the_name_for_the_host_header(
    network, client, server
):
    network.answer("hooks.example.com", FIRST)
    network.route(FIRST, server.port)

    response = client.get(f"http://hooks.example.com:{server.port}/hook")

    assert response.content == b"caught"
    assert network.connected == [FIRST]
    assert server.hosts == [f"hooks.example.com:{server.port}"]


def test_an_address_that_cannot_be_connected_to_is_skipped_for_the_next_one(
    network, client, server
):
    network.answer("hooks.example.com", FIRST, SECOND, "8.8.8.8")
    network.route(SECOND, server.port)

    assert client.get("http://hooks.example.com/hook").content == b"caught"
    assert network.connected == [FIRST, SECOND]


def test_at_most_two_addresses_are_tried_and_the_last_error_is_raised(network, client):
    network.answer("hooks.example.com", FIRST, SECOND, "8.8.8.8")

    with pytest.raises(httpx.ConnectError, match=SECOND):
        client.get("http://hooks.example.com/hook")

    assert network.connected == [FIRST, SECOND]


def test_every_connection_is_checked_so_a_redirect_to_a_private_host_is_refused(
    network, client, server
):
    server.redirects["/hook"] = "http://metadata.example/latest/meta-data/"
    network.answer("hooks.example.com", FIRST)
    network.answer("metadata.example", "169.254.169.254")
    network.route(FIRST, server.port)

    with pytest.raises(PrivateAddress):
        client.get(f"http://hooks.example.com:{server.port}/hook", follow_redirects=True)

    assert network.connected == [FIRST]


def test_each_connection_resolves_again_so_rebinding_leads_nowhere(network, client, server):
    network.answer("hooks.example.com", FIRST)
    network.route(FIRST, server.port)
    url = f"http://hooks.example.com:{server.port}/hook"
    client.get(url, headers={"Connection": "close"})
    network.answer("hooks.example.com", "127.0.0.1")

    with pytest.raises(PrivateAddress):
        client.get(url)

    assert network.connected == [FIRST]


def test_a_name_dns_cannot_resolve_is_told_apart_from_a_private_one(network, client):
    with pytest.raises(UnresolvableHost) as caught:
        client.get("https://nowhere.example/x")

    assert isinstance(caught.value, BlockedURL)
    assert str(caught.value) == "The host nowhere.example cannot be resolved."


def test_an_unguarded_client_connects_as_named(network, server):
    with netguard.client(guarded=False, timeout=httpx.Timeout(5.0)) as client:
        response = client.get(f"http://127.0.0.1:{server.port}/hook")

    assert response.content == b"caught"


def test_with_private_addresses_allowed_a_guarded_client_connects_as_named(network, client, server):
    netguard.configure(allow_private=True)

    assert client.get(f"http://127.0.0.1:{server.port}/hook").content == b"caught"


def test_crier_own_media_origin_is_reached_as_named_only_when_fetching_own_media(
    network, client, server
):
    netguard.configure(allow_private=False, media_urls=[f"http://127.0.0.1:{server.port}/media/"])

    with netguard.own_media():
        assert client.get(f"http://127.0.0.1:{server.port}/hook").content == b"caught"
        with pytest.raises(PrivateAddress):
            client.get("http://127.0.0.1:1/hook")  # another port of that host
    with pytest.raises(PrivateAddress):
        client.get(f"http://127.0.0.1:{server.port}/hook")  # a user's URL naming it


def test_the_policy_follows_the_django_setting(settings):
    settings.CRIER_ALLOW_PRIVATE_URLS = True
    assert netguard.policy().allow_private

    settings.CRIER_ALLOW_PRIVATE_URLS = False
    assert not netguard.policy().allow_private


def test_check_url_refuses_what_the_guard_would(network):
    network.answer("hooks.example.com", FIRST)
    assert check_url("https://hooks.example.com/x") is None

    network.answer("hooks.example.com", "100.64.0.1")
    with pytest.raises(PrivateAddress):
        check_url("https://hooks.example.com/x")


@pytest.mark.parametrize("url", ["ftp://example.com/x", "https:///x", "example.com/x", "file:///"])
def test_only_http_and_https_urls_with_a_host_pass_the_check(network, url):
    with pytest.raises(BlockedURL) as caught:
        check_url(url)

    assert str(caught.value) == "Only http and https URLs with a host name are allowed."
    assert type(caught.value) is BlockedURL


def test_a_non_ascii_name_is_looked_up_as_idna(network):
    network.answer("xn--bcher-kva.example", FIRST)

    assert check_url("https://bücher.example/x") is None
