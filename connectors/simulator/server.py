"""HTTP front of the simulator: routes JSON requests to `Simulator`, one thread each.

Platform API (what connectors call):
    POST /accounts/{account}/posts        Bearer token, Idempotency-Key; 201, 202 or 200
    GET  /accounts/{account}/posts[?limit=]  the account's posts, newest first (20)
    GET  /accounts/{account}/posts/{id}   the post and its state
    GET  /oauth/authorize                 consent, already given: 302 back with a code
    POST /oauth/token                     authorization_code (PKCE S256) or refresh_token
    GET  /me                              whose token this is
Admin API (what tests, demos and benchmarks call):
    GET  /_admin/health                   {"ok": true}
    GET  /_admin/faults                   settings per account and `*`
    POST /_admin/faults                   {"account": "*" | id, <settings>}, see faults.py
    GET  /_admin/feed[?account=]          created posts, oldest first
    GET  /_admin/stats                    counters, duplicates
    GET  /_admin/requests                 recent platform requests, oldest first
    POST /_admin/reset                    forget everything set at runtime
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable, Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Self, cast
from urllib.parse import parse_qs, unquote, urlsplit

from connectors.simulator.faults import FaultError
from connectors.simulator.state import ALL, Reply, Simulator

_Route = Callable[["_Handler", Any, Mapping[str, list[str]], tuple[str, ...]], Reply]


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True  # a hanging answer must never keep the process alive
    request_queue_size = 512  # bursts of benchmark connections wait instead of failing

    def __init__(
        self, address: tuple[str, int], simulator: Simulator, *, log_requests: bool
    ) -> None:
        super().__init__(address, _Handler)
        self.simulator = simulator
        self.log_requests = log_requests
        self.stopping = threading.Event()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as httpx pools connections
    disable_nagle_algorithm = True  # headers and body go out in two writes: no 40 ms stall
    server_version = "CrierSimulator/1"
    timeout = 120  # idle keep-alive connections close after this many seconds
    server: _HTTPServer

    def do_GET(self) -> None:
        self._handle("GET")

    def do_POST(self) -> None:
        self._handle("POST")

    def log_message(self, format: str, *args: Any) -> None:
        if self.server.log_requests:
            super().log_message(format, *args)

    def _handle(self, method: str) -> None:
        url = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        route, arguments = _match(method, url.path)
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            reply = Reply(400, {"error": "invalid_json", "message": "The body is not JSON."})
        else:
            if route is None:
                reply = Reply(404, {"error": "not_found", "message": f"No {method} {url.path}."})
            else:
                reply = route(self, body, parse_qs(url.query), arguments)
        if not url.path.startswith("/_admin/"):
            self.server.simulator.record(
                method,
                url.path,
                reply.status,
                account=arguments[0] if arguments else None,
                idempotency_key=self.headers.get("Idempotency-Key"),
            )
        self._send(reply)

    def _send(self, reply: Reply) -> None:
        if reply.delay and self.server.stopping.wait(reply.delay):
            self.close_connection = True  # shutting down: drop the held answer
            return
        payload = json.dumps(reply.body).encode()
        try:
            self.send_response(reply.status)
            for name, value in reply.headers.items():
                self.send_header(name, value)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the client gave up waiting (a timeout fault)

    def _bearer(self) -> str | None:
        scheme, _, token = (self.headers.get("Authorization") or "").partition(" ")
        if scheme.lower() != "bearer":
            return None
        return token.strip() or None

    def _base_url(self) -> str:
        # An internet server's address: the host is text (bytes are for other families).
        host, port = cast("tuple[str, int]", self.server.server_address[:2])
        return f"http://{self.headers.get('Host') or f'{host}:{port}'}"

    # -- routes ----------------------------------------------------------------------------

    def publish(self, body: Any, query: Mapping[str, list[str]], args: tuple[str, ...]) -> Reply:
        return self.server.simulator.publish(
            account=args[0],
            token=self._bearer(),
            idempotency_key=self.headers.get("Idempotency-Key") or None,
            body=body,
            base_url=self._base_url(),
        )

    def list_posts(self, body: Any, query: Mapping[str, list[str]], args: tuple[str, ...]) -> Reply:
        return self.server.simulator.list_posts(
            account=args[0], token=self._bearer(), limit=query.get("limit", [""])[0]
        )

    def get_post(self, body: Any, query: Mapping[str, list[str]], args: tuple[str, ...]) -> Reply:
        return self.server.simulator.get_post(
            account=args[0], token=self._bearer(), post_id=args[1]
        )

    def token(self, body: Any, query: Mapping[str, list[str]], args: tuple[str, ...]) -> Reply:
        return self.server.simulator.token(body)

    def authorize(self, body: Any, query: Mapping[str, list[str]], args: tuple[str, ...]) -> Reply:
        return self.server.simulator.authorize({name: values[0] for name, values in query.items()})

    def me(self, body: Any, query: Mapping[str, list[str]], args: tuple[str, ...]) -> Reply:
        return self.server.simulator.me(self._bearer())

    def health(self, body: Any, query: Mapping[str, list[str]], args: tuple[str, ...]) -> Reply:
        return Reply(200, {"ok": True})

    def faults(self, body: Any, query: Mapping[str, list[str]], args: tuple[str, ...]) -> Reply:
        return Reply(200, self.server.simulator.settings())

    def configure(self, body: Any, query: Mapping[str, list[str]], args: tuple[str, ...]) -> Reply:
        settings = dict(body) if isinstance(body, dict) else {}
        account = settings.pop("account", ALL)
        try:
            return Reply(200, self.server.simulator.configure(str(account), settings))
        except FaultError as exc:
            return Reply(400, {"error": "invalid_faults", "message": str(exc)})

    def feed(self, body: Any, query: Mapping[str, list[str]], args: tuple[str, ...]) -> Reply:
        account = query.get("account", [None])[0]
        return Reply(200, self.server.simulator.feed(account))

    def stats(self, body: Any, query: Mapping[str, list[str]], args: tuple[str, ...]) -> Reply:
        return Reply(200, self.server.simulator.stats())

    def requests(self, body: Any, query: Mapping[str, list[str]], args: tuple[str, ...]) -> Reply:
        return Reply(200, self.server.simulator.requests())

    def reset(self, body: Any, query: Mapping[str, list[str]], args: tuple[str, ...]) -> Reply:
        self.server.simulator.reset()
        return Reply(200, {"ok": True})


_ROUTES: tuple[tuple[str, re.Pattern[str], _Route], ...] = tuple(
    (method, re.compile(f"^{pattern}$"), route)
    for method, pattern, route in (
        ("POST", r"/accounts/([^/]+)/posts", _Handler.publish),
        ("GET", r"/accounts/([^/]+)/posts", _Handler.list_posts),
        ("GET", r"/accounts/([^/]+)/posts/([^/]+)", _Handler.get_post),
        ("GET", r"/oauth/authorize", _Handler.authorize),
        ("POST", r"/oauth/token", _Handler.token),
        ("GET", r"/me", _Handler.me),
        ("GET", r"/_admin/health", _Handler.health),
        ("GET", r"/_admin/faults", _Handler.faults),
        ("POST", r"/_admin/faults", _Handler.configure),
        ("GET", r"/_admin/feed", _Handler.feed),
        ("GET", r"/_admin/stats", _Handler.stats),
        ("GET", r"/_admin/requests", _Handler.requests),
        ("POST", r"/_admin/reset", _Handler.reset),
    )
)


def _match(method: str, path: str) -> tuple[_Route | None, tuple[str, ...]]:
    for route_method, pattern, route in _ROUTES:
        found = pattern.match(path)
        if found and route_method == method:
            return route, tuple(unquote(part) for part in found.groups())
    return None, ()


class SimulatorServer:
    """The simulator on a real socket; port 0 picks a free one.

    In tests: `with SimulatorServer() as server: ... server.url ... server.simulator`.
    """

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        defaults: Mapping[str, Any] | None = None,
        seed: int | None = None,
        log_requests: bool = False,
    ) -> None:
        self.simulator = Simulator(defaults, seed=seed)
        self._httpd = _HTTPServer((host, port), self.simulator, log_requests=log_requests)
        self._thread: threading.Thread | None = None
        self._serving = False

    @property
    def url(self) -> str:
        host, port = cast("tuple[str, int]", self._httpd.server_address[:2])
        if host in ("0.0.0.0", "::", ""):  # noqa: S104 (display only: reach it locally)
            host = "127.0.0.1"
        return f"http://{host}:{port}"

    def start(self) -> Self:
        """Serve from a background daemon thread."""
        self._serving = True
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="crier-simulator",
            daemon=True,
        )
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        """Serve from the calling thread until interrupted."""
        self._serving = True
        self._httpd.serve_forever()

    def stop(self) -> None:
        """Stop serving, release held answers and close the socket."""
        self._httpd.stopping.set()
        if self._serving:
            self._httpd.shutdown()
            self._serving = False
        self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()
