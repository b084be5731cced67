"""Zalo Official Account adapter: webhook events in, OA customer-service messages out.

The webhook is verified by :func:`zalo_signature` (the only place that knows the formula, so it is
easy to correct against the real platform), refused when stale, deduplicated by ``msg_id`` (Zalo
retries), and the answer is sent later through the OA message API with httpx.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import threading
import time
from collections import OrderedDict
from pathlib import Path

import httpx
from pydantic import BaseModel, ConfigDict

from hoidap.bot.core import INTERNAL_ERROR_TEXT, Dialogue, Reply
from hoidap.records.private import make_private, write_private_text
from hoidap.settings import Settings

logger = logging.getLogger("hoidap.bot.zalo")

CHANNEL = "zalo"
MAX_MESSAGE = 2000
TOKEN_EXPIRED = -216
FOLLOW_GREETING = (
    "Cảm ơn bạn đã quan tâm trang Zalo phường! Bạn sẽ nhận bản tin; hãy gửi câu hỏi về chính sách y tế."
)


def zalo_signature(app_id: str, raw_body: bytes, timestamp: str, oa_secret: str) -> str:
    """``mac=`` + hex SHA-256 of app_id + raw body + timestamp + OA secret key.

    This is the formula of the community implementations; it could not be checked against the real
    platform here (see README). If Zalo's documentation differs, this function is the one to change.
    """
    payload = app_id.encode() + raw_body + timestamp.encode() + oa_secret.encode()
    return "mac=" + hashlib.sha256(payload).hexdigest()


class ZaloSender(BaseModel):
    id: str


class ZaloMessage(BaseModel):
    msg_id: str | None = None
    text: str | None = None


class ZaloEvent(BaseModel):
    """The fields we use of a webhook event; anything else Zalo sends is ignored."""

    model_config = ConfigDict(extra="ignore")

    event_name: str
    app_id: str | None = None
    timestamp: str
    sender: ZaloSender | None = None
    follower: ZaloSender | None = None
    message: ZaloMessage | None = None


class WebhookRejected(Exception):
    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status


class RecentIds:
    """The last ``size`` message ids seen, to drop Zalo's retries of an event already taken."""

    def __init__(self, size: int = 10_000) -> None:
        self.size = size
        self._ids: OrderedDict[str, None] = OrderedDict()
        self._lock = threading.Lock()

    def first_time(self, msg_id: str) -> bool:
        with self._lock:
            if msg_id in self._ids:
                return False
            self._ids[msg_id] = None
            if len(self._ids) > self.size:
                self._ids.popitem(last=False)
            return True


def verify_event(
    settings: Settings, raw_body: bytes, signature: str | None, now: float | None = None
) -> ZaloEvent:
    """The parsed event if the signature is right and the timestamp fresh; else :class:`WebhookRejected`."""
    if not settings.zalo_app_id or settings.zalo_oa_secret is None:
        raise WebhookRejected(403, "zalo webhook not configured")
    if not signature:
        raise WebhookRejected(401, "missing signature")
    try:
        event = ZaloEvent.model_validate_json(raw_body)
    except ValueError as error:
        raise WebhookRejected(400, "malformed event") from error
    expected = zalo_signature(
        settings.zalo_app_id, raw_body, event.timestamp, settings.zalo_oa_secret.get_secret_value()
    )
    if not hmac.compare_digest(signature.strip().encode(), expected.encode()):
        raise WebhookRejected(401, "bad signature")
    try:
        sent_at = int(event.timestamp) / 1000  # milliseconds since the epoch
    except ValueError as error:
        raise WebhookRejected(400, "bad timestamp") from error
    now = time.time() if now is None else now
    if abs(now - sent_at) > settings.zalo_max_event_age_seconds:
        raise WebhookRejected(401, "stale event")
    return event


def format_reply(reply: Reply) -> str:
    """Plain text: the answer, then a compact numbered source list (Zalo shows no markup)."""
    lines = [reply.text]
    if reply.citations:
        lines.append("")
        lines.append("Nguồn:" if reply.answerable else "Đoạn gần nhất (tham khảo):")
        for c in reply.citations:
            number = f" (số {c.doc_number})" if c.doc_number else ""
            quote = c.quote if len(c.quote) <= 300 else c.quote[:300] + " …"
            lines.append(f"[{c.n}] {c.title or ''}{number} — {c.section}\n“{quote}”")
    return "\n".join(lines)


def split_text(text: str, limit: int = MAX_MESSAGE) -> list[str]:
    """Pieces of at most ``limit`` characters, cut at paragraph, line or word boundaries when possible."""
    pieces: list[str] = []
    rest = text.strip()
    while len(rest) > limit:
        window = rest[:limit]
        cut = next(
            (i for i in (window.rfind("\n\n"), window.rfind("\n"), window.rfind(" ")) if i > limit // 2),
            limit,
        )
        pieces.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:
        pieces.append(rest)
    return pieces


class ZaloApiError(RuntimeError):
    def __init__(self, code: int, message: str) -> None:
        super().__init__(f"Zalo API error {code}: {message}")
        self.code = code


class ZaloClient:
    """The OA message API over httpx, refreshing the access token once when Zalo reports it expired."""

    def __init__(self, settings: Settings, transport: httpx.BaseTransport | None = None) -> None:
        self.settings = settings
        self.http = httpx.Client(timeout=15.0, transport=transport)
        self._tokens_path: Path = settings.data_dir / "zalo_tokens.json"
        saved: dict[str, str] = {}
        if self._tokens_path.exists():
            make_private(self._tokens_path)
            saved = json.loads(self._tokens_path.read_text())
        self.access_token = saved.get("access_token") or (
            settings.zalo_access_token.get_secret_value() if settings.zalo_access_token else ""
        )
        self.refresh_token = saved.get("refresh_token") or (
            settings.zalo_refresh_token.get_secret_value() if settings.zalo_refresh_token else ""
        )

    def send_text(self, user_id: str, text: str) -> None:
        for piece in split_text(text):
            self._post_message(user_id, piece)

    def _post_message(self, user_id: str, text: str, retried: bool = False) -> None:
        response = self.http.post(
            f"{self.settings.zalo_api_base}/v3.0/oa/message/cs",
            headers={"access_token": self.access_token},
            json={"recipient": {"user_id": user_id}, "message": {"text": text}},
        )
        response.raise_for_status()
        body = response.json()
        code = int(body.get("error", 0))
        if code == TOKEN_EXPIRED and not retried and self.refresh_token:
            self.refresh()
            self._post_message(user_id, text, retried=True)
            return
        if code != 0:
            raise ZaloApiError(code, str(body.get("message", "")))

    def refresh(self) -> None:
        """Exchange the refresh token (Zalo rotates both) and persist them so a restart keeps working."""
        secret = self.settings.zalo_oa_secret.get_secret_value() if self.settings.zalo_oa_secret else ""
        response = self.http.post(
            f"{self.settings.zalo_oauth_base}/v4/oa/access_token",
            headers={"secret_key": secret},
            data={
                "app_id": self.settings.zalo_app_id or "",
                "refresh_token": self.refresh_token,
                "grant_type": "refresh_token",
            },
        )
        response.raise_for_status()
        body = response.json()
        if "access_token" not in body:
            raise ZaloApiError(int(body.get("error", -1)), str(body.get("message", "token refresh failed")))
        self.access_token = body["access_token"]
        self.refresh_token = body.get("refresh_token", self.refresh_token)
        write_private_text(
            self._tokens_path, json.dumps({"access_token": self.access_token, "refresh_token": self.refresh_token})
        )


class ZaloBot:
    """Handles verified events (called from a background task after the webhook answered 200)."""

    def __init__(self, dialogue: Dialogue, client: ZaloClient) -> None:
        self.dialogue = dialogue
        self.client = client
        self.seen = RecentIds()

    def accept(self, event: ZaloEvent) -> bool:
        """False for a retried message already taken (nothing more to do)."""
        if event.message is not None and event.message.msg_id:
            return self.seen.first_time(event.message.msg_id)
        return True

    def handle(self, event: ZaloEvent) -> None:
        try:
            self._handle(event)
        except Exception:  # a background task: log it, tell the person, keep serving
            logger.exception("zalo event failed")
            user = event.sender.id if event.sender else None
            if user:
                try:
                    self.client.send_text(user, INTERNAL_ERROR_TEXT)
                except Exception:
                    logger.warning("could not send the error message either", exc_info=True)

    def _handle(self, event: ZaloEvent) -> None:
        if event.event_name == "user_send_text" and event.sender and event.message and event.message.text:
            # "/diem …", "/kiemtra …", "/nguon"… are routed by the dialogue; other text is a question
            reply = self.dialogue.handle_text(CHANNEL, event.sender.id, event.sender.id, event.message.text)
            self.client.send_text(event.sender.id, format_reply(reply))
        elif event.event_name == "follow":
            user = event.follower or event.sender
            if user:
                self.dialogue.subscribe(CHANNEL, user.id)
                self.client.send_text(user.id, FOLLOW_GREETING)
        elif event.event_name == "unfollow":
            user = event.follower or event.sender
            if user:
                self.dialogue.unsubscribe(CHANNEL, user.id)


def broadcast(bot: ZaloBot, topic: str, per_second: float = 5.0) -> tuple[int, int]:
    """The digest to every follower that subscribed; returns (sent, failed)."""
    text = format_reply(bot.dialogue.digest(topic))
    sent = failed = 0
    for user_id in bot.dialogue.subscriptions.subscribers(CHANNEL):
        try:
            bot.client.send_text(user_id, text)
            sent += 1
        except (httpx.HTTPError, ZaloApiError):
            logger.warning("zalo broadcast to a follower failed", exc_info=True)
            failed += 1
        time.sleep(1 / per_second if per_second > 0 else 0)
    return sent, failed
