"""/diem (talking points) and /kiemtra (claim check) in the bots, through the dialogue core.

Telegram runs against the fake Bot API, Zalo against the fake OA API; both over the tiny real index.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

from hoidap.bot.core import (
    Dialogue,
    reply_from_check,
    reply_from_points,
    short_section,
    split_command,
)
from hoidap.bot.zalo import ZaloBot, ZaloClient, ZaloEvent
from hoidap.propaganda.claims import ClaimCheck, ClaimPassage
from hoidap.propaganda.points import PointCitation, TalkingPoint, TalkingPoints
from hoidap.settings import Settings
from tests.bot.conftest import bot_settings
from tests.bot.fakes import FakeTelegram, FakeZalo
from tests.bot.telegram_helpers import run_updates, text_update
from tests.bot.test_telegram import _balanced, _settings

CONTRADICTED = "Đến năm 2030 tỷ lệ bao phủ bảo hiểm y tế đạt 90%"
SUPPORTED = "Đến năm 2030 tỷ lệ bao phủ bảo hiểm y tế đạt 98%"
ABSENT = "Giá vé xe buýt Hà Nội tăng lên 10.000 đồng"


def _visible(message: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", message))


# ------------------------------------------------------------------------------------- Telegram
def test_telegram_points_numbered_quoted_and_cited(
    settings: Settings, dialogue: Dialogue, fake_telegram: FakeTelegram
) -> None:
    run_updates(_settings(settings, fake_telegram), dialogue, [text_update("/diem bảo hiểm y tế")])
    assert fake_telegram.sent("sendChatAction")[0]["action"] == "typing"
    (message,) = fake_telegram.sent()
    assert message["parse_mode"] == "HTML" and _balanced(message["text"])
    text = _visible(message["text"])
    lines = text.split("\n")
    assert lines[0] == "📌 Điểm tuyên truyền: bảo hiểm y tế"
    numbered = [line for line in lines if re.match(r"^\d+\. “", line)]
    assert 3 <= len(numbered) <= 5 and numbered[0].startswith("1. “")
    assert "98%" in numbered[0]
    # every point is followed by its sources: [n] + a section; the documents are listed once
    for line in numbered:
        source = lines[lines.index(line) + 1]
        assert re.match(r"^\s+Nguồn: \[\d\]( mục .+)?", source), source
    assert "[1] mục II › 1 › e)" in text
    assert "Văn bản:" in text and "307-CV/ĐU" in text.split("Văn bản:")[1]
    assert len(message["text"]) < 2000  # compact enough for a phone, one message
    assert "reply_markup" not in message  # no 👍/👎: there is no answer id to rate


def test_telegram_points_empty_topic_and_topic_not_covered(
    settings: Settings, dialogue: Dialogue, fake_telegram: FakeTelegram
) -> None:
    updates = [text_update("/diem"), text_update("/diem giá vé xe buýt")]
    run_updates(_settings(settings, fake_telegram), dialogue, updates)
    usage, nothing = (_visible(m["text"]) for m in fake_telegram.sent())
    assert "/diem bảo hiểm y tế" in usage and "chủ đề" in usage
    assert "không đề cập" in nothing and "giá vé xe buýt" in nothing
    assert "Nguồn" not in nothing


def test_telegram_check_contradicted_supported_absent_empty(
    settings: Settings, dialogue: Dialogue, fake_telegram: FakeTelegram
) -> None:
    updates = [text_update(f"/kiemtra {c}") for c in (CONTRADICTED, SUPPORTED, ABSENT)]
    updates.append(text_update("/kiemtra"))
    run_updates(_settings(settings, fake_telegram), dialogue, updates)
    contradicted, supported, absent, usage = (m["text"] for m in fake_telegram.sent())

    assert _balanced(contradicted)
    assert contradicted.startswith("❌ Không đúng với văn bản")
    assert "Điểm khác: con số" in contradicted and "98%" in contradicted
    assert "<b>Nguồn:</b>" in contradicted and "<blockquote expandable>" in contradicted
    quoted = re.findall(r"<blockquote expandable>(.*?)</blockquote>", contradicted, re.DOTALL)
    assert any("98%" in q for q in quoted)

    assert supported.startswith("✅ Đúng với văn bản") and "98%" in supported
    assert absent.startswith("❔ Văn bản không đề cập") and "Nguồn" not in absent
    assert "/kiemtra" in _visible(usage) and "nhận định" in _visible(usage)


def test_telegram_check_escapes_markup_in_the_claim(
    settings: Settings, dialogue: Dialogue, fake_telegram: FakeTelegram
) -> None:
    run_updates(
        _settings(settings, fake_telegram), dialogue, [text_update("/kiemtra <b>BHYT</b> 2030 đạt 90%")]
    )
    (message,) = fake_telegram.sent()
    assert "<b>BHYT" not in message["text"] and "&lt;b&gt;BHYT" in message["text"]
    assert _balanced(message["text"])


def test_telegram_commands_in_a_group_addressed_to_the_bot(
    settings: Settings, dialogue: Dialogue, fake_telegram: FakeTelegram
) -> None:
    updates = [text_update("/diem@hoidap_test_bot BHYT", chat_id=-500, chat_type="group")]
    run_updates(_settings(settings, fake_telegram), dialogue, updates)
    (message,) = fake_telegram.sent()
    assert message["chat_id"] == "-500" and "98%" in message["text"]


def test_help_lists_the_new_commands(
    settings: Settings, dialogue: Dialogue, fake_telegram: FakeTelegram
) -> None:
    run_updates(_settings(settings, fake_telegram), dialogue, [text_update("/help")])
    (message,) = fake_telegram.sent()
    assert "/diem" in message["text"] and "/kiemtra" in message["text"]


def test_points_and_checks_share_the_per_user_rate_limit(
    tmp_path: Path, dialogue: Dialogue, fake_telegram: FakeTelegram
) -> None:
    limited = bot_settings(tmp_path, bot_rate_limit_per_minute=1, bot_rate_limit_burst=1)
    limited_dialogue = Dialogue(dialogue.backend, dialogue.subscriptions, limited)
    updates = [
        text_update("/diem"),  # a usage hint costs nothing
        text_update("/diem bảo hiểm y tế"),
        text_update(f"/kiemtra {CONTRADICTED}"),
        text_update("/diem y tế cơ sở"),
        text_update("/diem bảo hiểm y tế", chat_id=1002),  # another person is not held up
    ]
    run_updates(_settings(limited, fake_telegram), limited_dialogue, updates)
    usage, points, check, points_again, other = (m["text"] for m in fake_telegram.sent())
    assert "ví dụ" in usage and "98%" in points
    assert "chờ khoảng" in check and "chờ khoảng" in points_again
    assert "98%" in other


# ----------------------------------------------------------------------------------------- Zalo
def _zalo_text(text: str, msg_id: str) -> ZaloEvent:
    return ZaloEvent.model_validate(
        {
            "event_name": "user_send_text",
            "timestamp": "0",
            "sender": {"id": "zalo-user"},
            "message": {"msg_id": msg_id, "text": text},
        }
    )


def test_zalo_routes_commands_in_text_messages(
    settings: Settings, dialogue: Dialogue, fake_zalo: FakeZalo
) -> None:
    bot = ZaloBot(dialogue, ZaloClient(settings.model_copy(update={"zalo_api_base": fake_zalo.base_url})))
    texts = [
        "/diem bảo hiểm y tế",
        f"/kiemtra {CONTRADICTED}",
        f"/Kiểmtra {ABSENT}",  # typed with accents and a capital: still the command
        "/diem",
        "/nguon",
        "/khongco",
        "den nam 2030 ty le bao phu bhyt dat bao nhieu",  # not a command: a question
    ]
    for i, text in enumerate(texts):
        bot.handle(_zalo_text(text, f"m{i}"))
    points, contradicted, absent, usage, sources, unknown, answer = (
        m["message"]["text"] for m in fake_zalo.messages()
    )
    assert points.startswith("📌 Điểm tuyên truyền: bảo hiểm y tế") and "1. “" in points and "98%" in points
    assert "Nguồn: [1]" in points and "307-CV/ĐU" in points
    assert contradicted.startswith("❌ Không đúng với văn bản") and "98%" in contradicted
    assert "\nNguồn:\n[1] " in contradicted and "“" in contradicted.split("Nguồn:")[1]
    assert absent.startswith("❔ Văn bản không đề cập")
    assert "/diem bảo hiểm y tế" in usage
    assert "72-NQ/TW" in sources and sources.startswith("Các văn bản")
    assert "Không có lệnh /khongco" in unknown and "/kiemtra" in unknown
    assert "98%" in answer and "Điểm tuyên truyền" not in answer
    assert all(len(m["message"]["text"]) <= 2000 for m in fake_zalo.messages())


# ------------------------------------------------------------------------------ formatting units
def _citation(doc: str, title: str, number: str | None, section: str, quote: str) -> PointCitation:
    return PointCitation(
        doc_id=doc,
        source=f"{doc}.txt",
        doc_title=title,
        doc_number=number,
        section=section,
        quote=quote,
        start=0,
        end=len(quote),
    )


def test_points_reply_lists_each_document_once_with_short_sections() -> None:
    long_title = "Kế hoạch của Ban Thường vụ Đảng ủy thực hiện Nghị quyết số 72-NQ/TW " + "về y tế " * 40
    plan = _citation(
        "kh", long_title, None, "II. MỤC TIÊU › 1. Mục tiêu đến năm 2030 › e)", "đạt 98% trở lên"
    )
    letter = _citation("cv", "Công văn về Chỉ thị 25-CT/TW", "307-CV/ĐU", "2. UBND phường", "đạt 98% dân số")
    other = _citation("kh", long_title, None, "II. MỤC TIÊU › 1. Mục tiêu đến năm 2030 › d)", "trên 20%")
    result = TalkingPoints(
        topic="  bảo hiểm   y tế ",
        points=[
            TalkingPoint(text="Đạt 98%\ntrở lên", kind="target", citations=[plan, letter]),
            TalkingPoint(text="Trên 20%", kind="target", citations=[other]),
        ],
    )
    lines = reply_from_points(result).text.split("\n")
    assert lines[:6] == [
        "📌 Điểm tuyên truyền: bảo hiểm y tế",
        "1. “Đạt 98% trở lên”",
        "   Nguồn: [1] mục II › 1 › e); [2] mục 2. UBND phường",
        "2. “Trên 20%”",
        "   Nguồn: [1] mục II › 1 › d)",
        "Văn bản:",
    ]
    assert lines[6].startswith("[1] Kế hoạch của Ban Thường vụ") and lines[6].endswith("…")
    assert len(lines[6]) < 100  # a 350-character title, shortened
    assert lines[7:] == ["[2] Công văn số 307-CV/ĐU"]  # named as answers name it
    empty = reply_from_points(TalkingPoints(topic="xe buýt", points=[], message=None))
    assert empty.text == "Các văn bản hiện có không đề cập đến chủ đề “xe buýt”." and not empty.answerable


def test_check_reply_names_the_verdict_and_what_differs() -> None:
    passage = ClaimPassage(
        doc_id="cv", source="cv.txt", doc_title="Công văn", doc_number="307-CV/ĐU", quote="Q", start=0, end=1
    )
    contradicted = reply_from_check(
        ClaimCheck(
            claim="X ký",
            verdict="contradicted",
            reason="Do Y ký.",
            mismatches=["actor", "year"],
            passages=[passage] * 3,
        )
    )
    assert contradicted.text.split("\n") == [
        "❌ Không đúng với văn bản",
        "Nhận định: “X ký”",
        "Điểm khác: người ký / cơ quan ban hành, năm.",
        "Do Y ký.",
    ]
    assert contradicted.answerable and len(contradicted.citations) == 2
    assert contradicted.citations[0].doc_number == "307-CV/ĐU" and contradicted.citations[0].section == "—"
    absent = reply_from_check(ClaimCheck(claim="Z", verdict="not_found", reason="Không nhắc đến: z."))
    assert (
        absent.text.startswith("❔ Văn bản không đề cập\n") and not absent.answerable and not absent.citations
    )


def test_split_command_and_short_section() -> None:
    assert split_command("/diem bảo hiểm y tế") == ("diem", "bảo hiểm y tế")
    assert split_command("  /Điểm\nBHYT ") == ("diem", "BHYT")
    assert split_command("/kiemtra@hoidap_bot  a b ") == ("kiemtra", "a b")
    assert split_command("BHYT /diem") == (None, "BHYT /diem")
    assert short_section("II. MỤC TIÊU › 1. Mục tiêu đến năm 2030 › e)") == "II › 1 › e)"
    assert short_section("Chữ ký") == "Chữ ký"


def test_every_kind_of_difference_has_a_vietnamese_label() -> None:
    from typing import get_args

    from hoidap.bot.core import MISMATCH_LABELS
    from hoidap.qa.verify import Mismatch

    assert set(get_args(Mismatch)) <= set(MISMATCH_LABELS)
