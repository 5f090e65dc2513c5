"""Each thread's requests ride on a connection pool of its own (core.netguard.PoolPerThread):
kept alive between its requests, never shared with another thread's, closed when the thread
is gone or the client closes. Against a real HTTP/1.1 server on loopback that reports, per
client connection (its port), the requests it carried and when the client closed it."""

from __future__ import annotations

import gc
import threading
from collections import Counter
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from core import netguard

CLOSE_WAIT = 10  # seconds; an upper bound for the server to see a close, never a timing


class _KeepAliveServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.requests_by_port: Counter[int] = Counter()
        self.closed: dict[int, threading.Event] = {}
        self.lock = threading.Lock()

    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/ping"

    def wait_closed(self, ports: set[int]) -> bool:
        return all(self.closed[port].wait(CLOSE_WAIT) for port in ports)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive: one connection carries many requests
    server: _KeepAliveServer

    def setup(self) -> None:
        super().setup()
        with self.server.lock:
            self.server.closed[self.client_address[1]] = threading.Event()

    def do_GET(self) -> None:
        with self.server.lock:
            self.server.requests_by_port[self.client_address[1]] += 1
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def finish(self) -> None:  # the client closed the connection (or the server stops)
        super().finish()
        self.server.closed[self.client_address[1]].set()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[_KeepAliveServer]:
    server = _KeepAliveServer()
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    with netguard.client(guarded=False, timeout=httpx.Timeout(5.0)) as client:
        yield client


def _requests_in_a_thread(client: httpx.Client, url: str, count: int) -> None:
    def run() -> None:
        for _ in range(count):
            client.get(url).raise_for_status()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()


def test_a_thread_keeps_its_connection_and_no_two_threads_share_one(client, server):
    for _ in range(3):
        client.get(server.url()).raise_for_status()
    _requests_in_a_thread(client, server.url(), 3)
    _requests_in_a_thread(client, server.url(), 3)

    # Three connections (this thread's and the two others'), each carrying its thread's
    # three requests: one shared pool would have carried all nine on the first.
    assert sorted(server.requests_by_port.values()) == [3, 3, 3]


def test_a_threads_connections_close_once_the_thread_is_gone(client, server):
    client.get(server.url()).raise_for_status()
    _requests_in_a_thread(client, server.url(), 2)
    gc.collect()  # the finished thread's object, whose end closes its pool

    ports = {port for port, count in server.requests_by_port.items() if count == 2}
    assert len(ports) == 1 and server.wait_closed(ports)
    mine = set(server.requests_by_port) - ports
    assert not any(server.closed[port].is_set() for port in mine)  # still kept alive


def test_closing_the_client_closes_every_threads_connections(server):
    client = netguard.client(guarded=False, timeout=httpx.Timeout(5.0))
    ready, done = threading.Barrier(3), threading.Event()

    def kept_alive() -> None:
        client.get(server.url()).raise_for_status()
        ready.wait()
        done.wait(CLOSE_WAIT)

    threads = [threading.Thread(target=kept_alive) for _ in range(2)]
    for thread in threads:
        thread.start()
    ready.wait()
    try:
        assert len(server.requests_by_port) == 2
        assert not any(event.is_set() for event in server.closed.values())
        client.close()  # while both threads are alive, their pools in use
        assert server.wait_closed(set(server.requests_by_port))
    finally:
        done.set()
        for thread in threads:
            thread.join()


def test_a_client_let_go_closes_its_connections_though_its_thread_lives_on(server):
    # Per-call clients (a webhook delivery, a media fetch) on the long-lived threads of a
    # worker or web process: dropping one must not leave its pool, or its sockets, behind.
    client = netguard.client(guarded=False, timeout=httpx.Timeout(5.0))
    client.get(server.url()).raise_for_status()
    (port,) = server.requests_by_port
    del client
    gc.collect()

    assert server.wait_closed({port})
