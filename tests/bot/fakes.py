"""Fake platform servers on 127.0.0.1: real HTTP, recording what the bots send.

``FakeTelegram`` answers the few Bot API methods the bot calls (``/bot<token>/<method>``, form
encoded, as python-telegram-bot sends them); ``FakeZalo`` answers the OA message and token APIs.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

BOT_USER = {"id": 4242, "is_bot": True, "first_name": "Hỏi đáp", "username": "hoidap_test_bot"}


@dataclass
class Call:
    path: str
    method: str
    params: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)


class _Server:
    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.lock = threading.Lock()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:  # keep test output quiet
                pass

            def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                status, body = outer.handle(self.path, raw, dict(self.headers))
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                try:
                    self.wfile.write(data)
                except BrokenPipeError:  # the client went away mid long-poll (bot shutting down)
                    pass

            do_GET = do_POST  # noqa: N815

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def __enter__(self) -> _Server:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def record(self, call: Call) -> None:
        with self.lock:
            self.calls.append(call)

    def handle(self, path: str, raw: bytes, headers: dict[str, str]) -> tuple[int, Any]:
        raise NotImplementedError


class FakeTelegram(_Server):
    def __init__(
        self,
        blocked: set[str] | None = None,
        throttle_once: set[str] | None = None,
        failing: set[str] | None = None,
    ) -> None:
        super().__init__()
        self.blocked = blocked or set()
        self.failing = failing or set()  # chats whose messages get a 502 (a Bot API outage)
        self.throttle_once = set(throttle_once or ())
        self._message_id = 100
        self.pending_updates: list[dict[str, Any]] = []  # handed out by getUpdates (long polling)
        self.outage_calls = 0  # the next this many calls, whatever the method, get a 502 (API down)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    def sent(self, method: str = "sendMessage") -> list[dict[str, Any]]:
        return [c.params for c in self.calls if c.method == method]

    def handle(self, path: str, raw: bytes, headers: dict[str, str]) -> tuple[int, Any]:
        method = path.rsplit("/", 1)[-1]
        params = {k: v[0] for k, v in parse_qs(raw.decode("utf-8"), keep_blank_values=True).items()}
        self.record(Call(path, method, params, headers))
        with self.lock:
            down = self.outage_calls > 0
            self.outage_calls -= down
        if down:
            return 502, {"ok": False, "error_code": 502, "description": "Bad Gateway"}
        if method == "getMe":
            return 200, {"ok": True, "result": BOT_USER}
        if method == "sendMessage":
            chat = params.get("chat_id", "")
            if chat in self.blocked:
                return 403, {
                    "ok": False,
                    "error_code": 403,
                    "description": "Forbidden: bot was blocked by the user",
                }
            if chat in self.failing:
                return 502, {"ok": False, "error_code": 502, "description": "Bad Gateway"}
            if chat in self.throttle_once:
                self.throttle_once.discard(chat)
                return 429, {
                    "ok": False,
                    "error_code": 429,
                    "description": "Too Many Requests: retry after 1",
                    "parameters": {"retry_after": 1},
                }
            self._message_id += 1
            message = {
                "message_id": self._message_id,
                "date": 0,
                "chat": {"id": int(chat), "type": "private"},
                "from": BOT_USER,
                "text": params.get("text", ""),
            }
            return 200, {"ok": True, "result": message}
        if method in ("sendChatAction", "answerCallbackQuery", "deleteWebhook", "setWebhook", "setMyCommands"):
            return 200, {"ok": True, "result": True}
        if method == "getUpdates":
            with self.lock:
                updates, self.pending_updates = self.pending_updates, []
            if not updates:
                time.sleep(0.2)  # a short "long poll" so an idle bot does not spin
            return 200, {"ok": True, "result": updates}
        return 404, {"ok": False, "error_code": 404, "description": "Not Found"}


class FakeZalo(_Server):
    def __init__(self, expired_token: str | None = None, fail_status: int | None = None) -> None:
        super().__init__()
        self.expired_token = expired_token
        self.fail_status = fail_status  # answer every call with this HTTP status (an OA API outage)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def messages(self) -> list[dict[str, Any]]:
        return [c.params for c in self.calls if c.path.endswith("/v3.0/oa/message/cs")]

    def handle(self, path: str, raw: bytes, headers: dict[str, str]) -> tuple[int, Any]:
        if path.endswith("/v4/oa/access_token"):
            params = {k: v[0] for k, v in parse_qs(raw.decode()).items()}
            self.record(Call(path, "refresh", params, headers))
            return 200, {
                "access_token": "fresh-token",
                "refresh_token": "fresh-refresh",
                "expires_in": "90000",
            }
        params = json.loads(raw or b"{}")
        self.record(Call(path, "message", params, headers))
        if self.fail_status is not None:
            return self.fail_status, {"error": -1, "message": "unavailable"}
        if headers.get("access_token") == self.expired_token:
            return 200, {"error": -216, "message": "Access token is invalid"}
        return 200, {"error": 0, "message": "Success", "data": {"message_id": "m1"}}
