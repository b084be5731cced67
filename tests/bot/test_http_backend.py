"""HOIDAP_API_URL mode: the dialogue asks the real API app over HTTP (uvicorn on 127.0.0.1)."""

from __future__ import annotations

import re
import socket
import threading
import time
from collections.abc import Iterator

import pytest
import uvicorn

from hoidap.api.app import create_app
from hoidap.bot.core import Dialogue, HttpQA
from hoidap.qa.service import QAService
from hoidap.records.subscriptions import SQLiteSubscriptions
from hoidap.settings import Settings


@pytest.fixture
def api_url(settings: Settings, shared_service: QAService) -> Iterator[str]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(create_app(settings, service=shared_service), port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(5)


def test_dialogue_over_http_answers_rejects_and_takes_feedback(
    api_url: str, settings: Settings, subscriptions: SQLiteSubscriptions
) -> None:
    dialogue = Dialogue(HttpQA(api_url), subscriptions, settings)
    reply = dialogue.answer("telegram", "42", "42", "den nam 2030 ty le bao phu bhyt dat bao nhieu")
    assert reply.answerable and "98%" in reply.text and reply.citations and reply.answer_id
    assert "Cảm ơn" in dialogue.feedback(reply.answer_id, True)
    assert "quá hạn" in dialogue.feedback("no-such-answer", True)
    assert "chữ" in dialogue.answer("telegram", "42", "42", "???").text
    assert "72-NQ/TW" in dialogue.sources().text


def test_points_and_claim_check_over_http(
    api_url: str, settings: Settings, subscriptions: SQLiteSubscriptions
) -> None:
    """/diem and /kiemtra in HOIDAP_API_URL mode: /v1/talking-points and /v1/check of the real app."""
    dialogue = Dialogue(HttpQA(api_url), subscriptions, settings)
    points = dialogue.handle_text("zalo", "42", "42", "/diem bảo hiểm y tế")
    assert points.text.startswith("📌 Điểm tuyên truyền: bảo hiểm y tế")
    assert re.search(r"^1\. “.*98%.*”$", points.text, re.MULTILINE)
    assert re.search(r"^\s+Nguồn: \[1\] mục ", points.text, re.MULTILINE) and "307-CV/ĐU" in points.text

    contradicted = dialogue.check_claim(
        "telegram", "42", "42", "Đến năm 2030 tỷ lệ bao phủ bảo hiểm y tế đạt 90%"
    )
    assert contradicted.text.startswith("❌ Không đúng với văn bản") and "98%" in contradicted.text
    assert contradicted.citations and any("98%" in c.quote for c in contradicted.citations)

    absent = dialogue.check_claim("telegram", "42", "42", "Giá vé xe buýt Hà Nội tăng lên 10.000 đồng")
    assert absent.text.startswith("❔ Văn bản không đề cập") and not absent.answerable

    # refused by the API (422): its message, not an error
    assert "không có chữ" in dialogue.check_claim("telegram", "42", "42", "???").text
    assert "không có chữ" in dialogue.talking_points("telegram", "42", "42", "!!!").text
    assert "không đề cập" in dialogue.talking_points("telegram", "42", "42", "giá vé xe buýt").text
