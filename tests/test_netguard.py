"""The SSRF guard: a URL is checked and pinned to the addresses checked, with one lookup;
a request goes to the first of them that accepts a connection."""

from __future__ import annotations

import socket

import httpx
import pytest

from config import netguard
from config.netguard import (
    BlockedURL,
    Pinned,
    PrivateAddress,
    UnresolvableHost,
    check_url,
    pin,
    send_pinned,
)
from tests.dns import addrinfo

# Two public addresses (documentation ranges such as 203.0.113.0/24 count as private).
FIRST, SECOND = "93.184.216.34", "151.101.1.140"
TIMEOUT = httpx.Timeout(3.0).as_dict()


@pytest.fixture
def dns(monkeypatch):
    """Answer every name with the addresses given (in order); count the lookups."""
    lookups: list[tuple[str, int]] = []

    def answer(*addresses: str) -> list[tuple[str, int]]:
        def getaddrinfo(host, port, *args, **kwargs):
            lookups.append((host, port))
            return addrinfo(port, *addresses)

        monkeypatch.setattr(netguard.socket, "getaddrinfo", getaddrinfo)
        return lookups

    return answer


def test_it_pins_an_https_url_to_its_first_two_addresses_in_dns_order_with_host_and_tls_name(
    dns,
):
    lookups = dns("93.184.215.14", "2606:2800:220:1::1", "93.184.215.14", "93.184.215.15")

    pinned = pin("https://Hooks.Example.com/catch/1?x=2#f", allow_private=False)

    assert pinned == Pinned(
        url="https://93.184.215.14/catch/1?x=2#f",
        headers={"Host": "hooks.example.com", "Connection": "close"},
        extensions={"sni_hostname": "hooks.example.com"},
        # A repeated answer counts once; a third address is not tried (MAX_ADDRESSES).
        fallback_urls=("https://[2606:2800:220:1::1]/catch/1?x=2#f",),
    )
    assert pinned.urls == (pinned.url, *pinned.fallback_urls)
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


@pytest.fixture
def client():
    with httpx.Client() as client:
        yield client


@pytest.mark.parametrize("failure", [httpx.ConnectError, httpx.ConnectTimeout])
def test_an_address_that_cannot_be_connected_to_is_skipped_for_the_next_one(
    dns, respx_mock, client, failure
):
    lookups = dns(FIRST, SECOND)
    down = respx_mock.post(f"https://{FIRST}/hook").mock(side_effect=failure("unreachable"))
    up = respx_mock.post(f"https://{SECOND}/hook").respond(204)
    pinned = pin("https://hooks.example.com/hook", allow_private=False)

    response = send_pinned(
        client,
        "POST",
        pinned,
        content=b"{}",
        headers={"Content-Type": "application/json", "Host": "elsewhere.example"},
        extensions={"sni_hostname": "elsewhere.example", "timeout": TIMEOUT},
    )

    assert response.status_code == 204
    assert (down.call_count, up.call_count) == (1, 1)
    request = up.calls.last.request
    # The pinned name wins over the caller's; the caller's other headers and body go along.
    assert request.headers["host"] == "hooks.example.com"
    assert request.headers["connection"] == "close"
    assert request.headers["content-type"] == "application/json"
    assert request.extensions["sni_hostname"] == "hooks.example.com"
    assert request.extensions["timeout"] == TIMEOUT
    assert request.content == b"{}"
    assert lookups == [("hooks.example.com", 443)]


def test_a_streamed_request_moves_on_too_and_is_read_by_the_caller(dns, respx_mock, client):
    dns(FIRST, SECOND)
    respx_mock.get(f"http://{FIRST}/a.png").mock(side_effect=httpx.ConnectError("refused"))
    respx_mock.get(f"http://{SECOND}/a.png").respond(200, content=b"PNG")
    pinned = pin("http://media.example/a.png", allow_private=False)

    response = send_pinned(client, "GET", pinned, stream=True)
    try:
        assert b"".join(response.iter_bytes()) == b"PNG"
    finally:
        response.close()


@pytest.mark.parametrize("failure", [httpx.ReadTimeout, httpx.ReadError, httpx.WriteTimeout])
def test_an_error_after_connecting_is_raised_without_trying_another_address(
    dns, respx_mock, client, failure
):
    # The server may have received the request: sending it again could act twice.
    dns(FIRST, SECOND)
    respx_mock.post(f"https://{FIRST}/hook").mock(side_effect=failure("no answer"))
    second = respx_mock.post(f"https://{SECOND}/hook").respond(204)

    with pytest.raises(failure):
        send_pinned(client, "POST", pin("https://hooks.example.com/hook", allow_private=False))

    assert not second.called


def test_when_no_address_connects_the_last_connection_error_is_raised(dns, respx_mock, client):
    dns(FIRST, SECOND)
    first = respx_mock.post(f"https://{FIRST}/hook").mock(side_effect=httpx.ConnectError("one"))
    second = respx_mock.post(f"https://{SECOND}/hook").mock(side_effect=httpx.ConnectTimeout("two"))

    with pytest.raises(httpx.ConnectTimeout, match="two"):
        send_pinned(client, "POST", pin("https://hooks.example.com/hook", allow_private=False))

    assert (first.call_count, second.call_count) == (1, 1)


def test_a_private_address_among_them_refuses_the_url_before_anything_is_sent(
    dns, respx_mock, client
):
    dns(FIRST, "10.0.0.8", SECOND)
    respx_mock.route().respond(204)

    with pytest.raises(PrivateAddress):
        send_pinned(client, "POST", pin("https://hooks.example.com/hook", allow_private=False))

    assert not respx_mock.calls


def test_an_unpinned_url_is_sent_as_it_is_once(respx_mock, client):
    route = respx_mock.post("http://n8n:5678/hook").mock(side_effect=httpx.ConnectError("down"))

    with pytest.raises(httpx.ConnectError):
        send_pinned(client, "POST", pin("http://n8n:5678/hook", allow_private=True))

    assert route.call_count == 1
