"""A stand-in for the hoidap API: a real HTTP server on 127.0.0.1 speaking the /v1/ask contract.

Used to test ``hoidap eval --api`` over real HTTP without depending on the API's code. Answers
come from a function of the request body; every request body is kept for assertions.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

Responder = Callable[[dict], tuple[int, dict]]


class StandinApi:
    def __init__(self, respond: Responder, *, healthy: bool = True) -> None:
        self.respond = respond
        self.healthy = healthy
        self.requests: list[dict] = []
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        api = self

        class Handler(BaseHTTPRequestHandler):
            def _send(self, status: int, body: dict) -> None:
                data = json.dumps(body, ensure_ascii=False).encode("utf-8")
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
                if self.path == "/healthz" and api.healthy:
                    self._send(200, {"status": "ok", "documents": 2, "chunks": 10, "index_version": "v-test"})
                elif self.path == "/healthz":
                    self._send(503, {"error": {"code": "index_loading", "message": "Đang nạp chỉ mục."}})
                else:
                    self._send(404, {"error": {"code": "not_found", "message": "Không có."}})

            def do_POST(self) -> None:  # noqa: N802
                length = int(self.headers.get("Content-Length", "0"))
                body = json.loads(self.rfile.read(length) or b"{}")
                api.requests.append(body)
                if self.path != "/v1/ask":
                    self._send(404, {"error": {"code": "not_found", "message": "Không có."}})
                    return
                status, reply = api.respond(body)
                self._send(status, reply)

            def log_message(self, format: str, *args: object) -> None:  # keep test output clean
                pass

        return Handler

    @contextmanager
    def running(self) -> Iterator[StandinApi]:
        thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        thread.start()
        try:
            yield self
        finally:
            self.server.shutdown()
            self.server.server_close()
            thread.join(timeout=5)
