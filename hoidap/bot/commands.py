"""`hoidap bot telegram` (long polling) and `hoidap bot broadcast --topic …` (digest to subscribers)."""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Annotated

import typer

from hoidap.optional import MissingExtra, ensure_installed
from hoidap.settings import Settings

if TYPE_CHECKING:
    from hoidap.bot.core import Dialogue

bot_app = typer.Typer(help="Bot Telegram/Zalo: trả lời câu hỏi và gửi bản tin.", no_args_is_help=True)


def _needs_bot_libraries() -> None:
    try:
        ensure_installed("Bot Telegram/Zalo", "telegram", "httpx")
    except MissingExtra as error:
        typer.echo(f"Lỗi: {error}", err=True)
        raise typer.Exit(2) from error


def _dialogue(settings: Settings) -> Dialogue:
    # Imported here so `hoidap --help` does not load telegram, httpx and the QA core.
    from hoidap.bot.core import Dialogue, make_backend
    from hoidap.records.subscriptions import open_subscriptions

    return Dialogue(make_backend(settings), open_subscriptions(settings), settings)


@bot_app.command("telegram")
def run_telegram() -> None:
    """Run the Telegram bot with long polling (HOIDAP_TELEGRAM_TOKEN)."""
    _needs_bot_libraries()
    from hoidap.bot.telegram import build_application

    settings = Settings()
    if settings.telegram_token is None:
        typer.echo("Lỗi: chưa đặt HOIDAP_TELEGRAM_TOKEN (mã bot lấy từ @BotFather).", err=True)
        raise typer.Exit(2)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    logging.getLogger("httpx").setLevel(
        logging.WARNING
    )  # every poll would be logged with the token in the URL
    build_application(settings, _dialogue(settings)).run_polling(drop_pending_updates=False)


@bot_app.command("broadcast")
def run_broadcast(
    topic: Annotated[str, typer.Option("--topic", help='Chủ đề bản tin, ví dụ "bảo hiểm y tế"')],
    channel: Annotated[str, typer.Option(help="telegram hoặc zalo")] = "telegram",
) -> None:
    """Send a short, cited digest on a topic to every subscribed chat; prints sent/failed counts."""
    _needs_bot_libraries()
    settings = Settings()
    dialogue = _dialogue(settings)
    if channel == "zalo":
        from hoidap.bot.zalo import ZaloBot, ZaloClient, broadcast

        sent, failed = broadcast(ZaloBot(dialogue, ZaloClient(settings)), topic)
        typer.echo(f"Đã gửi {sent}, lỗi {failed}.")
        return
    from hoidap.bot.telegram import broadcast as telegram_broadcast
    from hoidap.bot.telegram import build_application

    async def run() -> None:
        application = build_application(settings, dialogue, updater=False)
        async with application:
            report = await telegram_broadcast(application, dialogue, topic, settings.broadcast_per_second)
        typer.echo(
            f"Đã gửi {report.sent}, lỗi {report.failed}, tự hủy đăng ký {report.unsubscribed} (đã chặn bot)."
        )

    asyncio.run(run())
