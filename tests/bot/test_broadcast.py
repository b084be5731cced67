"""Broadcast: a cited digest to every subscriber, paced, counting sent/failed, dropping blocked chats."""

from __future__ import annotations

import asyncio

from hoidap.bot.core import Dialogue
from hoidap.bot.telegram import broadcast, build_application
from hoidap.settings import Settings
from tests.bot.fakes import FakeTelegram, FakeZalo


def test_telegram_broadcast_counts_and_unsubscribes_blocked(
    settings: Settings, dialogue: Dialogue, fake_telegram: FakeTelegram
) -> None:
    for chat in ("1001", "666", "777", "1002"):  # 666 blocked the bot; 777 gets one 429 first
        dialogue.subscriptions.subscribe("telegram", chat)
    s = settings.model_copy(update={"telegram_api_base": fake_telegram.base_url})

    async def run():  # type: ignore[no-untyped-def]
        application = build_application(s, dialogue, updater=False)
        async with application:
            return await broadcast(application, dialogue, "bảo hiểm y tế", per_second=0)

    report = asyncio.run(run())
    assert (report.sent, report.failed, report.unsubscribed) == (3, 1, 1)
    assert sorted(dialogue.subscriptions.subscribers("telegram")) == ["1001", "1002", "777"]
    delivered = [m for m in fake_telegram.sent() if m["chat_id"] == "1001"]
    assert "Bản tin: bảo hiểm y tế" in delivered[0]["text"] and "[1]" in delivered[0]["text"]
    assert (
        len([m for m in fake_telegram.sent() if m["chat_id"] == "777"]) == 2
    )  # 429 waited out, retried once


def test_zalo_broadcast_to_followers(settings: Settings, dialogue: Dialogue, fake_zalo: FakeZalo) -> None:
    from hoidap.bot.zalo import ZaloBot, ZaloClient
    from hoidap.bot.zalo import broadcast as zalo_broadcast

    s = settings.model_copy(update={"zalo_api_base": fake_zalo.base_url})
    for user in ("u1", "u2"):
        dialogue.subscriptions.subscribe("zalo", user)
    sent, failed = zalo_broadcast(ZaloBot(dialogue, ZaloClient(s)), "bảo hiểm y tế", per_second=0)
    assert (sent, failed) == (2, 0)
    assert {m["recipient"]["user_id"] for m in fake_zalo.messages()} == {"u1", "u2"}
