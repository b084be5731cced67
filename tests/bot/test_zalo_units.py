"""Zalo pieces on their own: the signature formula, message splitting, formatting, API failures."""

from __future__ import annotations

import hashlib

from hoidap.bot.core import Dialogue, Reply, ReplyCitation
from hoidap.bot.zalo import ZaloBot, ZaloClient, ZaloEvent, format_reply, split_text, zalo_signature
from hoidap.settings import Settings
from tests.bot.fakes import FakeZalo


def test_signature_is_mac_of_app_id_body_timestamp_secret() -> None:
    body = b'{"event_name":"user_send_text"}'
    expected = hashlib.sha256(b"42" + body + b"1700000000000" + b"s3cret").hexdigest()
    assert zalo_signature("42", body, "1700000000000", "s3cret") == "mac=" + expected


def test_long_text_split_at_2000_on_boundaries() -> None:
    text = "\n\n".join(f"Đoạn {i}: " + "bảo hiểm y tế " * 60 for i in range(8))  # about 6 400 characters
    pieces = split_text(text)
    assert len(pieces) >= 4 and all(len(p) <= 2000 for p in pieces)
    assert " ".join(" ".join(pieces).split()) == " ".join(text.split())  # nothing lost
    assert all(not p.endswith("bả") for p in pieces)  # cut between words


def test_plain_text_reply_lists_citations_compactly() -> None:
    reply = Reply(
        text="Đạt 98% [1].",
        citations=[
            ReplyCitation(
                n=1, title="Kế hoạch 72", doc_number="1-KH/ĐU", section="II › e)", quote="e) đạt 98%"
            )
        ],
    )
    assert (
        format_reply(reply) == "Đạt 98% [1].\n\nNguồn:\n[1] Kế hoạch 72 (số 1-KH/ĐU) — II › e)\n“e) đạt 98%”"
    )


def test_oa_api_failure_is_logged_not_raised(settings: Settings, dialogue: Dialogue) -> None:
    with FakeZalo(fail_status=503) as fake:
        s = settings.model_copy(update={"zalo_api_base": fake.base_url})
        bot = ZaloBot(dialogue, ZaloClient(s))
        event = ZaloEvent.model_validate(
            {
                "event_name": "user_send_text",
                "timestamp": "0",
                "sender": {"id": "u"},
                "message": {"msg_id": "1", "text": "BHYT 2030?"},
            }
        )
        bot.handle(event)  # 503 on the answer and on the apology: both logged, nothing raised
        assert len(fake.messages()) == 2
    closed = ZaloBot(
        dialogue, ZaloClient(settings.model_copy(update={"zalo_api_base": "http://127.0.0.1:9"}))
    )
    closed.handle(event)  # connection refused: the same
