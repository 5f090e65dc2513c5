"""A local HTTP endpoint that records what it is sent: the other side of a webhook."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        with self.server.lock:
            self.server.received.append({"headers": dict(self.headers), "body": body})
        self.send_response(self.server.status)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, format: str, *args: Any) -> None:
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, status: int) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.status = status
        self.received: list[dict[str, Any]] = []
        self.lock = threading.Lock()


class Receiver:
    """`with Receiver(status=200) as r: ... r.url ... r.events()`."""

    def __init__(self, status: int = 200) -> None:
        self.server = _Server(status)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    @property
    def received(self) -> list[dict[str, Any]]:
        with self.server.lock:
            return list(self.server.received)

    def events(self, event: str | None = None) -> list[dict[str, Any]]:
        parsed = [json.loads(item["body"]) for item in self.received]
        return [item for item in parsed if event is None or item["type"] == event]

    def __enter__(self) -> Receiver:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
