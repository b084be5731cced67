"""The webhook routes in the real FastAPI app: secrets and signatures first, then the bots' real code."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from hoidap.api.app import create_app
from hoidap.bot.zalo import zalo_signature
from hoidap.qa.service import QAService
from hoidap.settings import Settings
from tests.bot.conftest import WEBHOOK_SECRET, ZALO_APP_ID, ZALO_SECRET
from tests.bot.fakes import FakeTelegram, FakeZalo
from tests.bot.telegram_helpers import text_update


@pytest.fixture
def client(
    settings: Settings, shared_service: QAService, fake_telegram: FakeTelegram, fake_zalo: FakeZalo
) -> Iterator[TestClient]:
    s = settings.model_copy(
        update={
            "telegram_api_base": fake_telegram.base_url,
            "zalo_api_base": fake_zalo.base_url,
            "zalo_oauth_base": fake_zalo.base_url,
        }
    )
    with TestClient(create_app(s, service=shared_service)) as test_client:
        yield test_client


def test_telegram_webhook_with_secret_answers(client: TestClient, fake_telegram: FakeTelegram) -> None:
    response = client.post(
        "/webhooks/telegram",
        json=text_update("Đến năm 2030 tỷ lệ bao phủ BHYT đạt bao nhiêu?"),
        headers={"X-Telegram-Bot-Api-Secret-Token": WEBHOOK_SECRET},
    )
    assert response.status_code == 200
    (message,) = fake_telegram.sent()
    assert "98%" in message["text"] and message["parse_mode"] == "HTML"


@pytest.mark.parametrize("headers", [{}, {"X-Telegram-Bot-Api-Secret-Token": "wrong"}])
def test_telegram_webhook_wrong_or_missing_secret(
    client: TestClient, fake_telegram: FakeTelegram, headers: dict[str, str]
) -> None:
    response = client.post("/webhooks/telegram", json=text_update("/start"), headers=headers)
    assert response.status_code in (401, 403)
    assert response.json()["error"]["message"]
    assert fake_telegram.calls == []  # nothing processed, not even getMe


def _zalo_event(
    text: str = "bhyt 2030 dat bao nhieu", msg_id: str = "msg-1", age: float = 0.0, **extra: object
) -> dict:
    event = {
        "app_id": ZALO_APP_ID,
        "event_name": "user_send_text",
        "timestamp": str(int((time.time() - age) * 1000)),
        "sender": {"id": "zalo-user-1"},
        "recipient": {"id": "oa-1"},
        "message": {"msg_id": msg_id, "text": text},
    }
    event.update(extra)
    return event


def _post_zalo(client: TestClient, event: dict, signature: str | None = "good"):  # type: ignore[no-untyped-def]
    raw = json.dumps(event, ensure_ascii=False).encode("utf-8")
    headers = {"Content-Type": "application/json"}
    if signature == "good":
        headers["X-ZEvent-Signature"] = zalo_signature(ZALO_APP_ID, raw, event["timestamp"], ZALO_SECRET)
    elif signature is not None:
        headers["X-ZEvent-Signature"] = signature
    return client.post("/webhooks/zalo", content=raw, headers=headers)


def test_zalo_signed_text_is_answered_in_plain_text(client: TestClient, fake_zalo: FakeZalo) -> None:
    response = _post_zalo(client, _zalo_event())
    assert response.status_code == 200 and response.json() == {"status": "accepted"}
    messages = fake_zalo.messages()
    assert messages and messages[0]["recipient"] == {"user_id": "zalo-user-1"}
    assert "98%" in messages[0]["message"]["text"] and "Nguồn:" in messages[0]["message"]["text"]
    assert all(len(m["message"]["text"]) <= 2000 for m in messages)
    assert fake_zalo.calls[0].headers.get("access_token") == "good-token"


@pytest.mark.parametrize("signature", [None, "mac=" + "0" * 64, "forged"])
def test_zalo_bad_or_missing_signature_rejected(
    client: TestClient, fake_zalo: FakeZalo, signature: str | None
) -> None:
    response = _post_zalo(client, _zalo_event(), signature=signature)
    assert response.status_code == 401
    assert fake_zalo.calls == []


def test_zalo_stale_event_rejected(client: TestClient, fake_zalo: FakeZalo) -> None:
    assert _post_zalo(client, _zalo_event(age=3600)).status_code == 401
    assert fake_zalo.calls == []


def test_zalo_duplicate_msg_id_ignored(client: TestClient, fake_zalo: FakeZalo) -> None:
    event = _zalo_event(msg_id="retry-me")
    assert _post_zalo(client, event).json() == {"status": "accepted"}
    assert _post_zalo(client, event).json() == {"status": "duplicate"}
    assert len(fake_zalo.messages()) == 1


def test_zalo_follow_unfollow_manage_subscription(
    client: TestClient, fake_zalo: FakeZalo, settings: Settings
) -> None:
    follow = {
        "app_id": ZALO_APP_ID,
        "event_name": "follow",
        "timestamp": str(int(time.time() * 1000)),
        "follower": {"id": "fan-1"},
        "source": "oa_profile",
    }
    assert _post_zalo(client, follow).status_code == 200
    assert fake_zalo.messages()[0]["recipient"] == {"user_id": "fan-1"}
    bots = client.app.state.bots  # type: ignore[attr-defined]
    assert bots.dialogue.subscriptions.subscribers("zalo") == ["fan-1"]
    unfollow = {**follow, "event_name": "unfollow", "timestamp": str(int(time.time() * 1000))}
    assert _post_zalo(client, unfollow).status_code == 200
    assert bots.dialogue.subscriptions.subscribers("zalo") == []


def test_zalo_expired_token_refreshed_and_persisted(
    client: TestClient, fake_zalo: FakeZalo, settings: Settings
) -> None:
    _post_zalo(client, _zalo_event(msg_id="warm-up"))
    zalo = client.app.state.bots.zalo  # type: ignore[attr-defined]
    zalo.client.access_token = "old-token"  # as if the stored token had expired since
    _post_zalo(client, _zalo_event(msg_id="after-expiry"))
    refreshes = [c for c in fake_zalo.calls if c.method == "refresh"]
    assert refreshes and refreshes[0].params["refresh_token"] == "refresh-1"
    assert fake_zalo.calls[-1].headers.get("access_token") == "fresh-token"
    saved = json.loads((settings.data_dir / "zalo_tokens.json").read_text())
    assert saved == {"access_token": "fresh-token", "refresh_token": "fresh-refresh"}
    assert (settings.data_dir / "zalo_tokens.json").stat().st_mode & 0o777 == 0o600


def test_zalo_webhook_claim_check_command(client: TestClient, fake_zalo: FakeZalo) -> None:
    event = _zalo_event("/kiemtra Đến năm 2030 tỷ lệ bao phủ bảo hiểm y tế đạt 90%", msg_id="check-1")
    assert _post_zalo(client, event).json() == {"status": "accepted"}
    text = fake_zalo.messages()[0]["message"]["text"]
    assert text.startswith("❌ Không đúng với văn bản") and "98%" in text and "Nguồn:" in text


def test_telegram_webhook_talking_points_command(client: TestClient, fake_telegram: FakeTelegram) -> None:
    response = client.post(
        "/webhooks/telegram",
        json=text_update("/diem bảo hiểm y tế"),
        headers={"X-Telegram-Bot-Api-Secret-Token": WEBHOOK_SECRET},
    )
    assert response.status_code == 200
    (message,) = fake_telegram.sent()
    assert "Điểm tuyên truyền" in message["text"] and "98%" in message["text"]
