"""The SSRF guard: a URL is checked and pinned to the address checked, with one lookup."""

from __future__ import annotations

import socket

import pytest

from config import netguard
from config.netguard import BlockedURL, Pinned, PrivateAddress, UnresolvableHost, check_url, pin


@pytest.fixture
def dns(monkeypatch):
    """Answer every name with the addresses given (in order); count the lookups."""
    lookups: list[tuple[str, int]] = []

    def answer(*addresses: str) -> list[tuple[str, int]]:
        def getaddrinfo(host, port, *args, **kwargs):
            lookups.append((host, port))
            return [
                (
                    socket.AF_INET6 if ":" in address else socket.AF_INET,
                    socket.SOCK_STREAM,
                    6,
                    "",
                    (address, port),
                )
                for address in addresses
            ]

        monkeypatch.setattr(netguard.socket, "getaddrinfo", getaddrinfo)
        return lookups

    return answer


def test_it_pins_an_https_url_to_the_first_address_with_host_and_tls_name(dns):
    lookups = dns("93.184.215.14", "93.184.215.15")

    pinned = pin("https://Hooks.Example.com/catch/1?x=2#f", allow_private=False)

    assert pinned == Pinned(
        url="https://93.184.215.14/catch/1?x=2#f",
        headers={"Host": "hooks.example.com", "Connection": "close"},
        extensions={"sni_hostname": "hooks.example.com"},
    )
    assert lookups == [("hooks.example.com", 443)]


def test_it_keeps_an_explicit_port_in_the_url_and_the_host_header(dns):
    lookups = dns("2606:2800:220:1::1")

    pinned = pin("http://n8n.example.com:5678/webhook", allow_private=False)

    assert pinned.url == "http://[2606:2800:220:1::1]:5678/webhook"
    # A plain-HTTP connection carries no certificate: it may be reused.
    assert pinned.headers == {"Host": "n8n.example.com:5678"}
    assert lookups == [("n8n.example.com", 5678)]


def test_credentials_stay_in_the_url_for_basic_auth_and_never_reach_the_host_header(dns):
    dns("93.184.215.14")

    pinned = pin("https://user:pa%40ss@hooks.example.com/x", allow_private=False)

    assert pinned.url == "https://user:pa%40ss@93.184.215.14/x"
    assert pinned.headers["Host"] == "hooks.example.com"


def test_a_non_ascii_name_is_sent_as_idna(dns):
    lookups = dns("93.184.215.14")

    pinned = pin("https://bücher.example/x", allow_private=False)

    assert lookups == [("xn--bcher-kva.example", 443)]
    assert pinned.headers["Host"] == "xn--bcher-kva.example"
    assert pinned.extensions == {"sni_hostname": "xn--bcher-kva.example"}


@pytest.mark.parametrize("private", ["127.0.0.1", "10.0.0.8", "169.254.169.254", "::1", "fd00::1"])
def test_one_private_address_among_public_ones_blocks_the_url(dns, private):
    dns("93.184.215.14", private)

    with pytest.raises(PrivateAddress) as caught:
        pin("https://hooks.example.com/x", allow_private=False)

    assert str(caught.value) == (
        f"The host hooks.example.com resolves to {private}, a private or reserved address; "
        "Crier does not call those."
    )
    assert (caught.value.host, str(caught.value.address)) == ("hooks.example.com", private)


def test_an_ipv4_mapped_loopback_is_private(dns):
    dns("::ffff:127.0.0.1")

    with pytest.raises(PrivateAddress):
        pin("https://hooks.example.com/x", allow_private=False)


def test_a_name_dns_cannot_resolve_is_told_apart_from_a_private_one(monkeypatch):
    def fail(*args, **kwargs):
        raise socket.gaierror("Name or service not known")

    monkeypatch.setattr(netguard.socket, "getaddrinfo", fail)

    with pytest.raises(UnresolvableHost) as caught:
        pin("https://nowhere.example/x", allow_private=False)

    assert isinstance(caught.value, BlockedURL)
    assert str(caught.value) == "The host nowhere.example cannot be resolved."
    assert caught.value.host == "nowhere.example"


@pytest.mark.parametrize("url", ["ftp://example.com/x", "https:///x", "example.com/x", "file:///"])
def test_only_http_and_https_urls_with_a_host_pass(dns, url):
    lookups = dns("93.184.215.14")

    with pytest.raises(BlockedURL) as caught:
        pin(url, allow_private=False)

    assert str(caught.value) == "Only http and https URLs with a host name are allowed."
    assert type(caught.value) is BlockedURL
    assert lookups == []


def test_with_private_targets_allowed_nothing_is_resolved_or_rewritten(dns):
    lookups = dns("10.0.0.8")

    assert pin("http://n8n:5678/hook", allow_private=True) == Pinned("http://n8n:5678/hook")
    assert lookups == []
    with pytest.raises(BlockedURL):
        pin("ftp://n8n/hook", allow_private=True)


def test_check_url_is_pin_without_the_result(dns):
    dns("93.184.215.14")
    assert check_url("https://hooks.example.com/x", allow_private=False) is None

    dns("127.0.0.1")
    with pytest.raises(PrivateAddress):
        check_url("https://hooks.example.com/x", allow_private=False)
