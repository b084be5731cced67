"""Telegram adapter (python-telegram-bot 22): updates → :class:`~hoidap.bot.core.Dialogue` → HTML messages.

Every piece of document or user text is escaped (``html.escape``); our own markup is only ``<b>``,
``<i>`` and ``<blockquote expandable>``. A reply is a list of blocks, each a complete fragment, and
messages are cut between blocks (or inside a block's escaped-before-cut plain text), so a cut never
falls inside a tag or an entity.
"""

from __future__ import annotations

import asyncio
import html
import logging
import re
import warnings
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta

from pydantic import BaseModel
from telegram import BotCommand, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ChatAction, ChatType, MessageLimit, ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)
from telegram.warnings import PTBDeprecationWarning

from hoidap.bot.core import ASK_USAGE, INTERNAL_ERROR_TEXT, Dialogue, Reply
from hoidap.settings import Settings

logger = logging.getLogger("hoidap.bot.telegram")

CHANNEL = "telegram"
MAX_MESSAGE = MessageLimit.MAX_TEXT_LENGTH  # 4096
# callback_data is limited to 64 bytes: "fb:1:" + a 32-hex answer id = 37.
_FEEDBACK_DATA = re.compile(r"^fb:([01]):([0-9a-zA-Z_-]{1,58})$")
_QUOTE_CHARS = 900  # a quote longer than this is shortened: the reader can open the document


@dataclass(frozen=True)
class Block:
    """``opening`` + escaped ``text`` + ``closing``: a fragment that is valid HTML on its own."""

    text: str
    opening: str = ""
    closing: str = ""

    def render(self) -> str:
        return f"{self.opening}{html.escape(self.text, quote=False)}{self.closing}"


def reply_blocks(reply: Reply) -> list[Block]:
    """The answer first, then numbered sources with their quotes in expandable blockquotes."""
    blocks = [Block(line) for line in reply.text.split("\n") if line.strip()]
    if reply.citations:
        heading = "Nguồn:" if reply.answerable else "Đoạn gần nhất (tham khảo):"
        blocks.append(Block(heading, "\n<b>", "</b>"))
    for citation in reply.citations:
        number = f" — số {citation.doc_number}" if citation.doc_number else ""
        blocks.append(Block(f"{citation.title or ''}{number}", f"<b>[{citation.n}]</b> ", ""))
        blocks.append(Block(f"Mục: {citation.section}", "<i>", "</i>"))
        quote = (
            citation.quote if len(citation.quote) <= _QUOTE_CHARS else citation.quote[:_QUOTE_CHARS] + " …"
        )
        blocks.append(Block(quote, "<blockquote expandable>", "</blockquote>"))
    return blocks


def _cut_text(block: Block, limit: int) -> list[Block]:
    """Split one oversized block's plain text at line, then word boundaries; each piece keeps the tags."""
    room = limit - len(block.opening) - len(block.closing)
    pieces: list[Block] = []
    rest = block.text
    while rest:
        take = len(rest)
        while len(html.escape(rest[:take], quote=False)) > room:
            window = rest[: min(take, room)]
            cut = max(window.rfind("\n"), window.rfind(" "))
            take = (
                cut if cut > room // 2 else len(window) - 1
            )  # no good boundary: cut hard (escaping shrinks it)
        pieces.append(Block(rest[:take].strip(), block.opening, block.closing))
        rest = rest[take:].lstrip()
    return pieces


def split_messages(blocks: list[Block], limit: int = MAX_MESSAGE) -> list[str]:
    """Join blocks with newlines into messages of at most ``limit`` characters, cutting only between blocks."""
    messages: list[str] = []
    current = ""
    for block in blocks:
        for piece in [block] if len(block.render()) <= limit else _cut_text(block, limit):
            rendered = piece.render()
            if current and len(current) + 1 + len(rendered) > limit:
                messages.append(current)
                current = ""
            current = f"{current}\n{rendered}" if current else rendered
    if current:
        messages.append(current)
    return messages


def feedback_keyboard(reply: Reply) -> InlineKeyboardMarkup | None:
    if not reply.buttons:
        return None
    row = [
        InlineKeyboardButton(b.label, callback_data=f"fb:{1 if b.action == 'helpful' else 0}:{b.answer_id}")
        for b in reply.buttons
    ]
    return InlineKeyboardMarkup([row])


# Sends that fail because the Bot API cannot be reached are tried again after these pauses (seconds);
# replies are sent from background tasks, so waiting does not hold up the webhook's answer.
SEND_RETRY_DELAYS = (1.0, 2.0, 4.0, 8.0, 16.0)


def send_retry_delays(retries: int) -> tuple[float, ...]:
    """``retries`` pauses doubling from one second, at most 30 s each."""
    return tuple(float(min(2**n, 30)) for n in range(retries))


def _retry_wait(error: TelegramError) -> float | None:
    """Seconds Telegram asks us to wait (429), 0 for a transient network failure, None: do not retry."""
    if isinstance(error, RetryAfter):
        with warnings.catch_warnings():  # PTB 22 warns that retry_after becomes a timedelta later
            warnings.simplefilter("ignore", PTBDeprecationWarning)
            wait = error.retry_after
        return wait.total_seconds() if isinstance(wait, timedelta) else float(wait)
    if isinstance(error, NetworkError) and not isinstance(error, BadRequest):
        return 0.0  # connection refused, timeout, 5xx from the Bot API
    return None


async def send_with_retry(send: Callable[[], Awaitable[object]], delays: tuple[float, ...] = SEND_RETRY_DELAYS) -> None:
    """Run ``send``; when the Bot API is unreachable (or asks to slow down) wait and try again."""
    for attempt in range(len(delays) + 1):
        try:
            await send()
            return
        except TelegramError as error:
            wait = _retry_wait(error)
            if wait is None or attempt == len(delays):
                raise
            logger.warning("telegram send failed (%s); retrying", error)
            await asyncio.sleep(max(wait, delays[attempt]))


class BroadcastReport(BaseModel):
    sent: int = 0
    failed: int = 0
    unsubscribed: int = 0


class TelegramBot:
    """The handlers, bound to one Dialogue; ``build_application`` wires them into a PTB Application."""

    def __init__(self, dialogue: Dialogue, retry_delays: tuple[float, ...] = SEND_RETRY_DELAYS) -> None:
        self.dialogue = dialogue
        self.retry_delays = retry_delays

    async def send_reply(self, context: ContextTypes.DEFAULT_TYPE, chat_id: int | str, reply: Reply) -> None:
        messages = split_messages(reply_blocks(reply))
        for i, text in enumerate(messages):
            markup = feedback_keyboard(reply) if i == len(messages) - 1 else None
            await send_with_retry(
                lambda text=text, markup=markup: context.bot.send_message(
                    chat_id, text, parse_mode=ParseMode.HTML, reply_markup=markup, disable_web_page_preview=True
                ),
                self.retry_delays,
            )

    async def _answer(self, update: Update, context: ContextTypes.DEFAULT_TYPE, question: str) -> None:
        await self._run(update, context, self.dialogue.answer, question)

    async def _run(
        self,
        update: Update,
        context: ContextTypes.DEFAULT_TYPE,
        step: Callable[[str, str, str, str], Reply],
        text: str,
    ) -> None:
        """One dialogue step (answer, points, check) for this chat and user, with "typing…" meanwhile."""
        chat, user = update.effective_chat, update.effective_user
        if chat is None:
            return
        try:
            await context.bot.send_chat_action(chat.id, ChatAction.TYPING)
        except TelegramError:  # "typing…" is a courtesy: the answer still goes out (with retries)
            logger.warning("could not send the typing indicator", exc_info=True)
        # QA is CPU work in synchronous code: off the event loop so other chats keep flowing.
        reply = await asyncio.to_thread(step, CHANNEL, str(chat.id), str(user.id if user else chat.id), text)
        await self.send_reply(context, chat.id, reply)

    async def on_text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        if message is None or not message.text:
            return
        text = message.text
        if message.chat.type != ChatType.PRIVATE:
            # Groups: only when addressed (mention or a reply to the bot), never to every message.
            mention = f"@{context.bot.username}"
            replied = (
                message.reply_to_message is not None
                and message.reply_to_message.from_user is not None
                and (message.reply_to_message.from_user.id == context.bot.id)
            )
            if mention.lower() not in text.lower() and not replied:
                return
            text = re.sub(re.escape(mention), " ", text, flags=re.IGNORECASE).strip()
        await self._answer(update, context, text)

    async def on_ask(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        question = " ".join(context.args or [])
        if not question.strip():
            await self._send(update, context, Reply(text=ASK_USAGE))
            return
        await self._answer(update, context, question)

    async def on_points(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/diem <chủ đề> (an empty topic gets the usage hint from the dialogue)."""
        await self._run(update, context, self.dialogue.talking_points, " ".join(context.args or []))

    async def on_check(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/kiemtra <nhận định>."""
        await self._run(update, context, self.dialogue.check_claim, " ".join(context.args or []))

    async def _send(self, update: Update, context: ContextTypes.DEFAULT_TYPE, reply: Reply) -> None:
        if update.effective_chat is not None:
            await self.send_reply(context, update.effective_chat.id, reply)

    async def on_start(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await self._send(update, context, self.dialogue.start())

    async def on_help(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await self._send(update, context, self.dialogue.help())

    async def on_sources(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await self._send(update, context, await asyncio.to_thread(self.dialogue.sources))

    async def on_subscribe(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        if update.effective_chat is not None:
            await self._send(update, context, self.dialogue.subscribe(CHANNEL, str(update.effective_chat.id)))

    async def on_unsubscribe(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        if update.effective_chat is not None:
            await self._send(
                update, context, self.dialogue.unsubscribe(CHANNEL, str(update.effective_chat.id))
            )

    async def on_button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        if query is None:
            return
        match = _FEEDBACK_DATA.match(query.data or "")
        if match is None:
            await query.answer()
            return
        text = await asyncio.to_thread(self.dialogue.feedback, match.group(2), match.group(1) == "1")
        await query.answer(text)

    async def on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Log the traceback, tell the person politely; the application keeps running."""
        logger.error("telegram handler failed", exc_info=context.error)
        if isinstance(update, Update) and update.effective_chat is not None:
            try:
                await context.bot.send_message(update.effective_chat.id, INTERNAL_ERROR_TEXT)
            except TelegramError:
                logger.warning("could not send the error message either", exc_info=True)

    def register(self, application: Application) -> None:
        application.add_handler(CommandHandler("start", self.on_start))
        application.add_handler(CommandHandler("help", self.on_help))
        application.add_handler(CommandHandler("nguon", self.on_sources))
        application.add_handler(CommandHandler("hoi", self.on_ask))
        application.add_handler(CommandHandler("diem", self.on_points))
        application.add_handler(CommandHandler("kiemtra", self.on_check))
        application.add_handler(CommandHandler("dangky", self.on_subscribe))
        application.add_handler(CommandHandler("huy", self.on_unsubscribe))
        application.add_handler(CallbackQueryHandler(self.on_button, pattern=r"^fb:"))
        application.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, self.on_text))
        application.add_error_handler(self.on_error)


# The menu Telegram shows beside the text box: every command, with a Vietnamese description.
BOT_COMMANDS = [
    ("hoi", "Hỏi về văn bản (trong nhóm)"),
    ("diem", "Điểm tuyên truyền theo chủ đề, kèm nguồn"),
    ("kiemtra", "Đối chiếu một thông tin với văn bản"),
    ("nguon", "Danh sách văn bản đang dùng"),
    ("dangky", "Nhận bản tin tóm tắt"),
    ("huy", "Hủy nhận bản tin"),
    ("help", "Hướng dẫn sử dụng"),
]


async def publish_commands(application: Application) -> None:
    """Publish the command menu (setMyCommands); a failure is logged, the bot still runs."""
    try:
        await application.bot.set_my_commands([BotCommand(name, text) for name, text in BOT_COMMANDS])
    except TelegramError:
        logger.warning("could not publish the command menu", exc_info=True)


def build_application(settings: Settings, dialogue: Dialogue, *, updater: bool = True) -> Application:
    """A PTB Application talking to ``settings.telegram_api_base`` (Telegram, or a fake in tests)."""
    if settings.telegram_token is None:
        raise ValueError("Chưa cấu hình HOIDAP_TELEGRAM_TOKEN (lấy từ @BotFather).")
    builder = (
        Application.builder()
        .token(settings.telegram_token.get_secret_value())
        .base_url(settings.telegram_api_base)
        .base_file_url(settings.telegram_file_base)
        .concurrent_updates(True)
        .post_init(publish_commands)  # run by run_polling/run_webhook once the bot is initialised
    )
    if not updater:
        builder = builder.updater(None)  # webhook mode: updates come from the FastAPI route
    application = builder.build()
    TelegramBot(dialogue, send_retry_delays(settings.telegram_send_retries)).register(application)
    return application


async def broadcast(
    application: Application, dialogue: Dialogue, topic: str, per_second: float
) -> BroadcastReport:
    """Send the digest on ``topic`` to every subscribed chat at ``per_second`` messages per second.

    A 429 is waited out and retried once; a chat that blocked the bot (403) is unsubscribed, so the
    next broadcast does not try it again; other errors count as failed.
    """
    reply = await asyncio.to_thread(dialogue.digest, topic)
    messages = split_messages(reply_blocks(reply))
    report = BroadcastReport()
    for chat_id in dialogue.subscriptions.subscribers(CHANNEL):
        try:
            await _send_all(application, chat_id, messages)
            report.sent += 1
        except Forbidden:
            dialogue.subscriptions.unsubscribe(CHANNEL, chat_id)
            report.failed += 1
            report.unsubscribed += 1
        except TelegramError:
            logger.warning("broadcast to a chat failed", exc_info=True)
            report.failed += 1
        await asyncio.sleep(1 / per_second if per_second > 0 else 0)
    return report


async def _send_all(application: Application, chat_id: str, messages: list[str]) -> None:
    for text in messages:
        try:
            await application.bot.send_message(chat_id, text, parse_mode=ParseMode.HTML)
        except RetryAfter as error:
            with warnings.catch_warnings():  # PTB 22 warns that retry_after becomes a timedelta later
                warnings.simplefilter("ignore", PTBDeprecationWarning)
                wait = error.retry_after
            await asyncio.sleep(wait.total_seconds() if isinstance(wait, timedelta) else float(wait))
            await application.bot.send_message(chat_id, text, parse_mode=ParseMode.HTML)
