"""Updates as Telegram sends them, and a runner that feeds them to the real Application."""

from __future__ import annotations

import asyncio
import itertools
from typing import Any

from telegram import Update

from hoidap.bot.core import Dialogue
from hoidap.bot.telegram import build_application
from hoidap.settings import Settings
from tests.bot.fakes import BOT_USER

_ids = itertools.count(1)


def text_update(
    text: str, chat_id: int = 1001, chat_type: str = "private", reply_to_bot: bool = False
) -> dict[str, Any]:
    message: dict[str, Any] = {
        "message_id": next(_ids),
        "date": 0,
        "chat": {"id": chat_id, "type": chat_type},
        "from": {"id": chat_id if chat_type == "private" else 555, "is_bot": False, "first_name": "Lan"},
        "text": text,
    }
    if text.startswith("/"):
        command = text.split()[0]
        message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
    if reply_to_bot:
        message["reply_to_message"] = {
            "message_id": 1,
            "date": 0,
            "chat": message["chat"],
            "from": BOT_USER,
            "text": "trước",
        }
    return {"update_id": next(_ids), "message": message}


def button_update(data: str, chat_id: int = 1001) -> dict[str, Any]:
    return {
        "update_id": next(_ids),
        "callback_query": {
            "id": str(next(_ids)),
            "from": {"id": chat_id, "is_bot": False, "first_name": "Lan"},
            "chat_instance": "ci",
            "data": data,
            "message": {"message_id": 7, "date": 0, "chat": {"id": chat_id, "type": "private"}, "text": "…"},
        },
    }


def run_updates(settings: Settings, dialogue: Dialogue, updates: list[dict[str, Any]]) -> None:
    """Initialise the real Application against the fake Bot API, process the updates, shut down."""

    async def run() -> None:
        application = build_application(settings, dialogue, updater=False)
        async with application:
            for data in updates:
                await application.process_update(Update.de_json(data, application.bot))

    asyncio.run(run())
