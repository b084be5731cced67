"""The Telegram bot end to end: an update in → real handlers → what the fake Bot API received."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

from hoidap.bot.core import Dialogue, Reply, ReplyCitation
from hoidap.bot.telegram import reply_blocks, split_messages
from hoidap.records import SQLiteRecords
from hoidap.settings import Settings
from tests.bot.conftest import bot_settings
from tests.bot.fakes import FakeTelegram
from tests.bot.telegram_helpers import button_update, run_updates, text_update


def _settings(settings: Settings, fake: FakeTelegram) -> Settings:
    return settings.model_copy(
        update={"telegram_api_base": fake.base_url, "telegram_file_base": fake.base_url}
    )


def _balanced(message: str) -> bool:
    """Every tag closed in order, and no '<' that is not one of our tags."""
    stack: list[str] = []
    for match in re.finditer(r"<(/?)(\w+)[^>]*>", message):
        closing, name = match.group(1), match.group(2)
        if closing:
            if not stack or stack.pop() != name:
                return False
        else:
            stack.append(name)
    stripped = re.sub(r"</?(b|i|blockquote)( expandable)?>", "", message)
    return not stack and "<" not in stripped and ">" not in stripped


def test_question_answered_with_html_citations_and_buttons(
    settings: Settings, dialogue: Dialogue, fake_telegram: FakeTelegram
) -> None:
    run_updates(
        _settings(settings, fake_telegram),
        dialogue,
        [text_update("Đến năm 2030 tỷ lệ bao phủ BHYT đạt bao nhiêu?")],
    )
    assert fake_telegram.sent("sendChatAction")[0]["action"] == "typing"
    (message,) = fake_telegram.sent()
    assert message["parse_mode"] == "HTML" and message["chat_id"] == "1001"
    text = message["text"]
    assert "98%" in text and "[1]" in text and "<b>Nguồn:</b>" in text
    assert "<blockquote expandable>" in text and _balanced(text)
    keyboard = json.loads(message["reply_markup"])["inline_keyboard"][0]
    assert [b["text"] for b in keyboard] == ["👍 Hữu ích", "👎 Chưa đúng"]
    assert all(len(b["callback_data"].encode()) <= 64 for b in keyboard)


def test_unaccented_question_and_refusal(
    settings: Settings, dialogue: Dialogue, fake_telegram: FakeTelegram
) -> None:
    updates = [
        text_update("den nam 2030 ty le bao phu bhyt dat bao nhieu"),
        text_update("Giá vé xe buýt Hà Nội là bao nhiêu?"),
    ]
    run_updates(_settings(settings, fake_telegram), dialogue, updates)
    answered, refused = (m["text"] for m in fake_telegram.sent())
    assert "98%" in answered
    assert "không đề cập" in refused


def test_markup_in_question_comes_back_escaped(
    settings: Settings, dialogue: Dialogue, fake_telegram: FakeTelegram
) -> None:
    run_updates(
        _settings(settings, fake_telegram),
        dialogue,
        [text_update("/hoi <script>alert(1)</script> <b>BHYT</b>")],
    )
    for message in fake_telegram.sent():
        assert "<script>" not in message["text"] and "<b>BHYT" not in message["text"]
        assert _balanced(message["text"])


def test_long_answer_split_on_block_boundaries_never_inside_a_tag() -> None:
    long_answer = "\n".join(f"Câu {i}: <quy định> & mục tiêu " + "bảo hiểm y tế " * 20 for i in range(20))
    quote = "Trích dẫn <nguyên văn> & " * 300
    reply = Reply(
        text=long_answer,
        citations=[ReplyCitation(n=1, title="Kế hoạch <72>", section="II › 1", quote=quote)],
    )
    messages = split_messages(reply_blocks(reply))
    assert len(long_answer) > 5000 and len(messages) >= 2
    assert all(len(m) <= 4096 and _balanced(m) for m in messages)
    visible = html.unescape(re.sub(r"<[^>]+>", "", "\n".join(messages)))
    assert visible.count("<quy định>") == 20  # nothing lost


def test_oversized_single_paragraph_cut_at_words() -> None:
    reply = Reply(text="chữ&lt; " * 1500)  # one 12 000-character line, entities grow when escaped
    messages = split_messages(reply_blocks(reply))
    assert len(messages) >= 3 and all(len(m) <= 4096 and _balanced(m) for m in messages)
    assert all(not re.search(r"&[a-z]*$", m) for m in messages)  # no entity cut in half


def test_start_help_sources_subscribe_unsubscribe(
    settings: Settings, dialogue: Dialogue, fake_telegram: FakeTelegram
) -> None:
    updates = [text_update(c) for c in ("/start", "/help", "/nguon", "/dangky", "/dangky", "/huy", "/huy")]
    run_updates(_settings(settings, fake_telegram), dialogue, updates)
    start, help_, sources, sub, sub_again, unsub, unsub_again = (m["text"] for m in fake_telegram.sent())
    assert "Xin chào" in start and start.count("•") == 3
    assert "/dangky" in help_
    assert "72-NQ/TW" in sources and sources.count("\n") >= 5
    assert "Đã đăng ký" in sub and "từ trước" in sub_again
    assert "Đã hủy" in unsub and "chưa đăng ký" in unsub_again
    assert dialogue.subscriptions.subscribers("telegram") == []


def test_feedback_button_stored_and_acknowledged(
    settings: Settings, dialogue: Dialogue, records: SQLiteRecords, fake_telegram: FakeTelegram
) -> None:
    s = _settings(settings, fake_telegram)
    run_updates(s, dialogue, [text_update("Ai ký công văn 307-CV/ĐU?")])
    keyboard = json.loads(fake_telegram.sent()[0]["reply_markup"])["inline_keyboard"][0]
    run_updates(
        s, dialogue, [button_update(keyboard[1]["callback_data"]), button_update("fb:1:unknownanswer")]
    )
    stored = records.get_feedback(keyboard[1]["callback_data"].split(":")[2])
    assert stored is not None and stored.helpful is False and "307" in (stored.question or "")
    acks = fake_telegram.sent("answerCallbackQuery")
    assert "Cảm ơn" in acks[0]["text"] and "quá hạn" in acks[1]["text"]


def test_group_message_answered_only_when_addressed(
    settings: Settings, dialogue: Dialogue, fake_telegram: FakeTelegram
) -> None:
    updates = [
        text_update("BHYT năm 2030 đạt bao nhiêu?", chat_id=-500, chat_type="group"),
        text_update("@hoidap_test_bot BHYT năm 2030 đạt bao nhiêu?", chat_id=-500, chat_type="group"),
        text_update("còn năm 2045 thì sao?", chat_id=-500, chat_type="group", reply_to_bot=True),
    ]
    run_updates(_settings(settings, fake_telegram), dialogue, updates)
    assert len(fake_telegram.sent()) == 2


def test_rate_limit_answers_politely(tmp_path: Path, dialogue: Dialogue, fake_telegram: FakeTelegram) -> None:
    limited = bot_settings(tmp_path, bot_rate_limit_per_minute=1, bot_rate_limit_burst=1)
    limited_dialogue = Dialogue(dialogue.backend, dialogue.subscriptions, limited)
    run_updates(
        _settings(limited, fake_telegram),
        limited_dialogue,
        [text_update("BHYT 2030?"), text_update("BHYT 2045?")],
    )
    assert "chờ khoảng" in fake_telegram.sent()[1]["text"]


def test_internal_error_gives_polite_message_and_keeps_running(
    settings: Settings, dialogue: Dialogue, fake_telegram: FakeTelegram
) -> None:
    class BrokenBackend:
        def ask(self, question: str, conversation_id: str):  # type: ignore[no-untyped-def]
            raise RuntimeError("index exploded")

    broken = Dialogue(BrokenBackend(), dialogue.subscriptions, settings)  # type: ignore[arg-type]
    run_updates(_settings(settings, fake_telegram), broken, [text_update("BHYT?"), text_update("/start")])
    texts = [m["text"] for m in fake_telegram.sent()]
    assert "Xin lỗi" in texts[0] and "Xin chào" in texts[1]


def test_bot_api_outage_does_not_stop_the_bot(
    settings: Settings, dialogue: Dialogue, fake_telegram: FakeTelegram
) -> None:
    run_updates(
        _settings(settings, fake_telegram).model_copy(update={"telegram_send_retries": 1}),
        dialogue,
        [text_update("BHYT 2030?", chat_id=888), text_update("/start")],
    )
    delivered = [m for m in fake_telegram.sent() if m["chat_id"] == "1001"]
    assert len(delivered) == 1 and "Xin chào" in delivered[0]["text"]
    # The answer to 888 was tried twice (once more after a second), then given up.
    assert len([m for m in fake_telegram.sent() if m["chat_id"] == "888" and "98%" in m["text"]]) == 2


def test_long_polling_answers_queued_updates(
    settings: Settings, dialogue: Dialogue, fake_telegram: FakeTelegram
) -> None:
    """What `hoidap bot telegram` runs: the updater polls getUpdates and the handlers answer."""
    import asyncio

    from hoidap.bot.telegram import build_application

    fake_telegram.pending_updates.append(text_update("/start", chat_id=2024))

    async def run() -> None:
        application = build_application(_settings(settings, fake_telegram), dialogue)
        async with application:
            await application.start()
            assert application.updater is not None
            await application.updater.start_polling(poll_interval=0.05)
            for _ in range(100):
                if fake_telegram.sent():
                    break
                await asyncio.sleep(0.05)
            await application.updater.stop()
            await application.stop()

    asyncio.run(run())
    (message,) = fake_telegram.sent()
    assert message["chat_id"] == "2024" and "Xin chào" in message["text"]


def test_the_command_menu_is_published_when_the_bot_starts(
    settings: Settings, dialogue: Dialogue, fake_telegram: FakeTelegram
) -> None:
    import asyncio
    import json

    from hoidap.bot.telegram import build_application

    async def run() -> None:
        application = build_application(_settings(settings, fake_telegram), dialogue)
        async with application:
            assert application.post_init is not None  # run_polling calls it after initialize()
            await application.post_init(application)

    asyncio.run(run())
    (call,) = [c for c in fake_telegram.calls if c.method == "setMyCommands"]
    commands = [c["command"] for c in json.loads(call.params["commands"])]
    assert {"hoi", "diem", "kiemtra", "nguon", "dangky", "huy", "help"} == set(commands)
