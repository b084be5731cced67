"""The channel-agnostic dialogue: a chat message in, a channel-neutral reply out.

Adapters (``telegram.py``, ``zalo.py``) only translate platform updates into calls here and the
:class:`Reply` into platform messages. The QA side is a :class:`QABackend`: in-process
(:class:`LocalQA`, the default) or the HTTP API (:class:`HttpQA`, when ``HOIDAP_API_URL`` is set, so
bots can run as their own containers).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Literal, Protocol

import httpx
from pydantic import BaseModel

from hoidap.api.limits import TokenBucketLimiter
from hoidap.qa.conversation import record_turn, resolve_followup
from hoidap.qa.schemas import AskResponse
from hoidap.qa.service import QAService, QuestionRejected
from hoidap.records import Feedback, Records, open_records
from hoidap.records.subscriptions import SubscriptionStore
from hoidap.settings import Settings

logger = logging.getLogger("hoidap.bot")

GREETING = (
    "Xin chào! Tôi trả lời câu hỏi về các văn bản chính sách y tế, kèm trích dẫn nguyên văn. "
    "Hãy gửi câu hỏi, ví dụ:"
)
EXAMPLE_QUESTIONS = (
    "Đến năm 2030 tỷ lệ bao phủ BHYT đạt bao nhiêu?",
    "Ai ký công văn 307-CV/ĐU?",
    "Y học cổ truyền được phát triển thế nào?",
)
HELP_TEXT = (
    "Gửi câu hỏi bằng tiếng Việt (có dấu hoặc không dấu). Trong nhóm, gọi tôi bằng /hoi <câu hỏi>, "
    "nhắc tên tôi hoặc trả lời tin nhắn của tôi.\n"
    "/nguon — danh sách văn bản\n/dangky — nhận bản tin tóm tắt\n/huy — hủy nhận bản tin"
)
RATE_LIMITED_TEXT = "Bạn hỏi hơi nhanh, xin chờ khoảng {seconds} giây rồi hỏi tiếp nhé."
INTERNAL_ERROR_TEXT = (
    "Xin lỗi, hệ thống đang gặp sự cố nên chưa trả lời được. Bạn vui lòng thử lại sau ít phút."
)
FEEDBACK_THANKS = {
    True: "Cảm ơn bạn đã đánh giá 👍",
    False: "Cảm ơn bạn, chúng tôi sẽ cải thiện câu trả lời 👎",
}
FEEDBACK_MISSING = "Câu trả lời này đã quá hạn lưu, không ghi nhận được đánh giá."


class ReplyCitation(BaseModel):
    n: int
    title: str | None = None
    doc_number: str | None = None
    section: str
    quote: str


class Button(BaseModel):
    """A choice under a reply; ``action`` + ``answer_id`` is all an adapter needs to route it back."""

    label: str
    action: Literal["helpful", "unhelpful"]
    answer_id: str


class Reply(BaseModel):
    """What to say, independent of any platform; adapters decide markup and length limits."""

    text: str
    answerable: bool = True
    citations: list[ReplyCitation] = []
    answer_id: str | None = None
    buttons: list[Button] = []


class SourceDocument(BaseModel):
    title: str | None = None
    number: str | None = None
    date: str | None = None


class QABackend(Protocol):
    def ask(self, question: str, conversation_id: str) -> AskResponse:
        """Raises :class:`QuestionRejected` for a question the contract refuses."""
        ...

    def feedback(self, answer_id: str, helpful: bool) -> bool:
        """False when the answer is unknown (expired)."""
        ...

    def documents(self) -> list[SourceDocument]: ...


class LocalQA:
    """The QA core in this process, with follow-ups and feedback in the shared records store."""

    def __init__(
        self, service: QAService | Callable[[], QAService], records: Records, settings: Settings
    ) -> None:
        # A callable lets the API's webhooks follow index swaps (it reads the current service per call).
        self._service = service if callable(service) else (lambda: service)
        self.records = records
        self.settings = settings

    @property
    def service(self) -> QAService:
        return self._service()

    def ask(self, question: str, conversation_id: str) -> AskResponse:
        question = self.service.validate_question(question)
        rewrite = resolve_followup(
            question,
            self.records,
            conversation_id,
            history_turns=self.settings.followup_turns,
            max_chars=self.settings.max_question_chars,
        )
        response = self.service.ask(rewrite.question, top_k=3, conversation_id=conversation_id)
        record_turn(self.records, conversation_id, question, rewrite.question, response)
        return response

    def feedback(self, answer_id: str, helpful: bool) -> bool:
        turn = self.records.find_turn(answer_id)
        if turn is None:
            return False
        self.records.add_feedback(
            Feedback(
                answer_id=answer_id,
                helpful=helpful,
                question=turn.question,
                answer=turn.answer,
                created_at=datetime.now(UTC),
            )
        )
        return True

    def documents(self) -> list[SourceDocument]:
        return [
            SourceDocument(title=d.metadata.title or d.source, number=d.metadata.number, date=d.metadata.date)
            for d in self.service.index.documents.values()
        ]


class HttpQA:
    """The same calls over the HTTP API (``/v1/ask``, ``/v1/feedback``, ``/v1/documents``)."""

    def __init__(
        self, base_url: str, timeout: float = 30.0, transport: httpx.BaseTransport | None = None
    ) -> None:
        self.client = httpx.Client(base_url=base_url.rstrip("/"), timeout=timeout, transport=transport)

    def ask(self, question: str, conversation_id: str) -> AskResponse:
        response = self.client.post(
            "/v1/ask", json={"question": question, "conversation_id": conversation_id, "top_k": 3}
        )
        if response.status_code == 422:
            error = response.json().get("error", {})
            raise QuestionRejected(
                error.get("code", "question_invalid"), error.get("message", "Câu hỏi không hợp lệ.")
            )
        response.raise_for_status()
        return AskResponse.model_validate(response.json())

    def feedback(self, answer_id: str, helpful: bool) -> bool:
        response = self.client.post("/v1/feedback", json={"answer_id": answer_id, "helpful": helpful})
        if response.status_code == 404:
            return False
        response.raise_for_status()
        return True

    def documents(self) -> list[SourceDocument]:
        response = self.client.get("/v1/documents")
        response.raise_for_status()
        return [SourceDocument.model_validate(d) for d in response.json()["documents"]]


def reply_from_answer(response: AskResponse, max_citations: int = 3) -> Reply:
    """The neutral reply for an answer: text, the first citations, and 👍/👎 buttons."""
    citations = [
        ReplyCitation(n=c.n, title=c.title, doc_number=c.doc_number, section=c.section, quote=c.quote)
        for c in response.citations[:max_citations]
    ]
    buttons = [
        Button(label="👍 Hữu ích", action="helpful", answer_id=response.answer_id),
        Button(label="👎 Chưa đúng", action="unhelpful", answer_id=response.answer_id),
    ]
    return Reply(
        text=response.answer,
        answerable=response.answerable,
        citations=citations,
        answer_id=response.answer_id,
        buttons=buttons,
    )


class Dialogue:
    """One conversation step per call; shared by every channel (thread-safe: the backends are)."""

    def __init__(self, backend: QABackend, subscriptions: SubscriptionStore, settings: Settings) -> None:
        self.backend = backend
        self.subscriptions = subscriptions
        self.limiter = (
            TokenBucketLimiter(settings.bot_rate_limit_per_minute, settings.bot_rate_limit_burst)
            if settings.bot_rate_limit_per_minute > 0
            else None
        )

    def answer(self, channel: str, chat_id: str, user_id: str, text: str) -> Reply:
        """Answer one question. The conversation is the chat (group follow-ups work), the limit is per user."""
        if self.limiter is not None:
            wait = self.limiter.take(f"{channel}:{user_id}")
            if wait > 0:
                return Reply(text=RATE_LIMITED_TEXT.format(seconds=max(1, round(wait))), answerable=False)
        try:
            response = self.backend.ask(text, conversation_id=f"{channel}:{chat_id}")
        except QuestionRejected as error:
            return Reply(text=error.message, answerable=False)
        return reply_from_answer(response)

    def feedback(self, answer_id: str, helpful: bool) -> str:
        """The acknowledgement to show for a 👍/👎 press."""
        return FEEDBACK_THANKS[helpful] if self.backend.feedback(answer_id, helpful) else FEEDBACK_MISSING

    def start(self) -> Reply:
        return Reply(text=GREETING + "\n" + "\n".join(f"• {q}" for q in EXAMPLE_QUESTIONS))

    def help(self) -> Reply:
        return Reply(text=HELP_TEXT)

    def sources(self) -> Reply:
        lines = []
        for i, doc in enumerate(self.backend.documents(), start=1):
            details = ", ".join(x for x in (f"số {doc.number}" if doc.number else "", doc.date or "") if x)
            lines.append(f"{i}. {doc.title}" + (f" ({details})" if details else ""))
        return Reply(text="Các văn bản đang dùng để trả lời:\n" + "\n".join(lines))

    def subscribe(self, channel: str, chat_id: str) -> Reply:
        new = self.subscriptions.subscribe(channel, chat_id)
        return Reply(
            text="Đã đăng ký nhận bản tin. Gửi /huy để hủy."
            if new
            else "Bạn đã đăng ký nhận bản tin từ trước."
        )

    def unsubscribe(self, channel: str, chat_id: str) -> Reply:
        gone = self.subscriptions.unsubscribe(channel, chat_id)
        return Reply(text="Đã hủy nhận bản tin." if gone else "Bạn chưa đăng ký nhận bản tin.")

    def digest(self, topic: str) -> Reply:
        """A short, cited digest on ``topic`` for broadcasting (no feedback buttons: nobody asked)."""
        response = self.backend.ask(topic, conversation_id=f"broadcast:{topic}")
        reply = reply_from_answer(response, max_citations=2)
        return reply.model_copy(update={"text": f"📢 Bản tin: {topic}\n\n{reply.text}", "buttons": []})


def make_backend(
    settings: Settings, service: QAService | None = None, records: Records | None = None
) -> QABackend:
    """HTTP when ``HOIDAP_API_URL`` is set, else the in-process core (loaded from settings when not given)."""
    if settings.api_url:
        return HttpQA(settings.api_url)
    return LocalQA(service or QAService.from_settings(settings), records or open_records(settings), settings)
