"""The channel-agnostic dialogue: a chat message in, a channel-neutral reply out.

Adapters (``telegram.py``, ``zalo.py``) only translate platform updates into calls here and the
:class:`Reply` into platform messages. The QA side is a :class:`QABackend`: in-process
(:class:`LocalQA`, the default) or the HTTP API (:class:`HttpQA`, when ``HOIDAP_API_URL`` is set, so
bots can run as their own containers).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Literal, Protocol

import httpx
from pydantic import BaseModel

from hoidap.propaganda.claims import ClaimCheck
from hoidap.propaganda.points import PointCitation, TalkingPoints
from hoidap.propaganda.service import propaganda_for
from hoidap.qa.labels import label_from_fields
from hoidap.qa.schemas import AskResponse
from hoidap.qa.service import DirectServing, QAService, QuestionRejected, Serving
from hoidap.ratelimit import make_limiter
from hoidap.records import Feedback, Records, open_records
from hoidap.records.subscriptions import SubscriptionStore
from hoidap.replicas import connect_redis
from hoidap.settings import Settings
from hoidap.vntext import fold_diacritics

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
    "/diem <chủ đề> — điểm tuyên truyền, trích nguyên văn kèm nguồn\n"
    "/kiemtra <nhận định> — đối chiếu một thông tin đang lan truyền với văn bản\n"
    "/nguon — danh sách văn bản\n/dangky — nhận bản tin tóm tắt\n/huy — hủy nhận bản tin"
)
ASK_USAGE = "Hãy gõ câu hỏi sau lệnh, ví dụ: /hoi BHYT năm 2030 đạt bao nhiêu?"
POINTS_USAGE = "Hãy gõ chủ đề sau lệnh, ví dụ: /diem bảo hiểm y tế"
CHECK_USAGE = (
    "Hãy gõ nhận định cần kiểm tra sau lệnh, ví dụ: /kiemtra Đến năm 2030 tỷ lệ bao phủ bảo hiểm y tế đạt 90%"
)
UNKNOWN_COMMAND = "Không có lệnh /{command}. Các lệnh dùng được:"
POINTS_NOT_COVERED = "Các văn bản hiện có không đề cập đến chủ đề “{topic}”."
VERDICT_HEADINGS = {
    "supported": "✅ Đúng với văn bản",
    "contradicted": "❌ Không đúng với văn bản",
    "not_found": "❔ Văn bản không đề cập",
}
MISMATCH_LABELS = {
    "value": "con số",
    "year": "năm",
    "doc_number": "số hiệu văn bản",
    "actor": "người ký / cơ quan ban hành",
    "date": "ngày tháng",
    "level": "cấp",
    "wording": "từ ngữ",
    "negation": "khẳng định / phủ định",
    "modality": "bắt buộc / cho phép",
    "scope": "phạm vi",
    "exception": "ngoại lệ",
    "statement": "nội dung",
}
BOT_MAX_POINTS = 5  # a phone screen, not a report: the CLI and API give up to 7
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

    def talking_points(self, topic: str, max_points: int) -> TalkingPoints:
        """Raises :class:`QuestionRejected` for a topic the contract refuses."""
        ...

    def check_claim(self, claim: str) -> ClaimCheck:
        """Raises :class:`QuestionRejected` for a claim the contract refuses."""
        ...


class LocalQA:
    """The QA core in this process, with follow-ups and feedback in the shared records store."""

    # A phone screen, not a report: the reply quotes at most this many passages.
    citations = 3

    def __init__(
        self, serving: QAService | Serving | Callable[[], Serving], records: Records, settings: Settings
    ) -> None:
        # A callable lets the API's webhooks follow index swaps and share its answer cache (it
        # reads the current serving state per call).
        if isinstance(serving, QAService):
            serving = DirectServing(serving)
        self._serving = serving if callable(serving) else (lambda: serving)
        self.records = records
        self.settings = settings

    @property
    def service(self) -> QAService:
        return self._serving().service

    def ask(self, question: str, conversation_id: str) -> AskResponse:
        serving = self._serving()
        exchange = serving.service.converse(
            question, self.records, conversation_id, top_k=self.citations, answer=serving.answer
        )
        return exchange.response

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
            for d in self.service.documents()
        ]

    def talking_points(self, topic: str, max_points: int) -> TalkingPoints:
        # propaganda_for builds targets and the claim checker once per loaded index.
        return propaganda_for(self.service).talking_points(topic, max_points)

    def check_claim(self, claim: str) -> ClaimCheck:
        return propaganda_for(self.service).check(claim)


class HttpQA:
    """The same calls over the HTTP API (``/v1/ask``, ``/v1/feedback``, ``/v1/documents``,
    ``/v1/talking-points``, ``/v1/check``)."""

    def __init__(
        self, base_url: str, timeout: float = 30.0, transport: httpx.BaseTransport | None = None
    ) -> None:
        self.client = httpx.Client(base_url=base_url.rstrip("/"), timeout=timeout, transport=transport)

    def ask(self, question: str, conversation_id: str) -> AskResponse:
        response = self.client.post(
            "/v1/ask", json={"question": question, "conversation_id": conversation_id, "top_k": 3}
        )
        _raise_rejected(response, "question_invalid", "Câu hỏi không hợp lệ.")
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

    def talking_points(self, topic: str, max_points: int) -> TalkingPoints:
        response = self.client.post("/v1/talking-points", json={"topic": topic, "max_points": max_points})
        _raise_rejected(response, "topic_invalid", "Chủ đề không hợp lệ.")
        return TalkingPoints.model_validate(response.json())

    def check_claim(self, claim: str) -> ClaimCheck:
        response = self.client.post("/v1/check", json={"claim": claim})
        _raise_rejected(response, "claim_invalid", "Nhận định không hợp lệ.")
        return ClaimCheck.model_validate(response.json())


def _raise_rejected(response: httpx.Response, code: str, message: str) -> None:
    """422/413 (text refused or too large) as :class:`QuestionRejected` with the API's message; other errors raise."""
    if response.status_code in (413, 422):
        try:
            error = response.json().get("error", {})
        except ValueError:
            error = {}
        raise QuestionRejected(error.get("code", code), error.get("message", message))
    response.raise_for_status()


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


_ENUMERATOR = re.compile(r"^\s*(?:[IVXLCDM]+|\d+(?:\.\d+)*|[a-zđ])[.)]", re.IGNORECASE)


def _shorten(text: str, limit: int) -> str:
    """At most ``limit`` characters, cut at a word boundary with "…"."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:.–-")
    return cut + "…"


def short_section(section: str) -> str:
    """ "II. MỤC TIÊU › 1. Mục tiêu đến năm 2030 › e)" → "II › 1 › e)": the outer headings by their numbers."""
    parts = [p.strip() for p in section.split("›") if p.strip()]
    if not parts:
        return ""
    head = []
    for part in parts[:-1]:
        match = _ENUMERATOR.match(part)
        head.append(match.group(0).strip().rstrip(".") if match else _shorten(part, 30))
    return " › ".join([*head, _shorten(parts[-1], 50)])


def reply_from_points(result: TalkingPoints) -> Reply:
    """Numbered points, quoted verbatim, each with [n] + section; the documents [n] listed once below.

    Compact on purpose: a document title (often 300 characters) is written once, not per point.
    """
    topic = " ".join(result.topic.split())
    if not result.points:
        return Reply(text=result.message or POINTS_NOT_COVERED.format(topic=topic), answerable=False)
    documents: dict[str, int] = {}
    first: dict[str, PointCitation] = {}
    lines = [f"📌 Điểm tuyên truyền: {topic}"]
    for n, point in enumerate(result.points, start=1):
        lines.append(f"{n}. “{' '.join(point.text.split())}”")
        sections: dict[int, list[str]] = {}
        for citation in point.citations:
            index = documents.setdefault(citation.doc_id, len(documents) + 1)
            first.setdefault(citation.doc_id, citation)
            section = short_section(citation.section)
            if section and section not in sections.setdefault(index, []):
                sections[index].append(section)
        where = "; ".join(
            f"[{i}]" + (" mục " + ", ".join(s) if s else "") for i, s in sorted(sections.items())
        )
        lines.append(f"   Nguồn: {where}")
    lines.append("Văn bản:")
    for doc_id, index in documents.items():
        lines.append(f"[{index}] {label_from_fields(first[doc_id].doc_title, first[doc_id].doc_number)}")
    return Reply(text="\n".join(lines))


def reply_from_check(result: ClaimCheck, max_passages: int = 2) -> Reply:
    """The verdict in plain words, what differs, the documents' reason; passages as citations."""
    lines = [VERDICT_HEADINGS[result.verdict], f"Nhận định: “{' '.join(result.claim.split())}”"]
    if result.verdict == "contradicted" and result.mismatches:
        lines.append("Điểm khác: " + ", ".join(MISMATCH_LABELS.get(m, m) for m in result.mismatches) + ".")
    if result.reason:
        lines.append(result.reason)
    citations = [
        ReplyCitation(
            n=n,
            title=_shorten(p.doc_title, 120),
            doc_number=p.doc_number,
            section=p.section or "—",
            quote=p.quote,
        )
        for n, p in enumerate(result.passages[:max_passages], start=1)
    ]
    return Reply(text="\n".join(lines), answerable=result.verdict != "not_found", citations=citations)


def split_command(text: str) -> tuple[str | None, str]:
    """("diem", "bảo hiểm y tế") for "/diem bảo hiểm y tế" (also "/Điểm", "/diem@bot"); (None, text) otherwise."""
    match = re.match(r"/(\S+)\s*(.*)", text.strip(), re.DOTALL)
    if match is None:
        return None, text
    return fold_diacritics(match.group(1).split("@", 1)[0]).lower(), match.group(2).strip()


class Dialogue:
    """One conversation step per call; shared by every channel (thread-safe: the backends are)."""

    def __init__(self, backend: QABackend, subscriptions: SubscriptionStore, settings: Settings) -> None:
        self.backend = backend
        self.subscriptions = subscriptions
        # Per chat user; shared through Redis when replicas serve the webhooks (HOIDAP_REDIS_URL).
        redis_client = connect_redis(settings.redis_url.get_secret_value()) if settings.redis_url else None
        self.limiter = (
            make_limiter(
                settings.bot_rate_limit_per_minute,
                settings.bot_rate_limit_burst,
                redis_client,
                prefix=f"{settings.redis_prefix}:bot:limit",
                shared_path=settings.shared_limits_path,
            )
            if settings.bot_rate_limit_per_minute > 0
            else None
        )

    def _rate_limited(self, channel: str, user_id: str) -> Reply | None:
        """The polite wait message when this user is over the per-user limit (questions, points and checks share it)."""
        if self.limiter is not None:
            wait = self.limiter.take(f"{channel}:{user_id}")
            if wait > 0:
                return Reply(text=RATE_LIMITED_TEXT.format(seconds=max(1, round(wait))), answerable=False)
        return None

    def answer(self, channel: str, chat_id: str, user_id: str, text: str) -> Reply:
        """Answer one question. The conversation is the chat (group follow-ups work), the limit is per user."""
        limited = self._rate_limited(channel, user_id)
        if limited is not None:
            return limited
        try:
            response = self.backend.ask(text, conversation_id=f"{channel}:{chat_id}")
        except QuestionRejected as error:
            return Reply(text=error.message, answerable=False)
        return reply_from_answer(response)

    def talking_points(self, channel: str, chat_id: str, user_id: str, topic: str) -> Reply:
        """``/diem <chủ đề>``: a few talking points, quoted from the documents, each with its source."""
        if not topic.strip():
            return Reply(text=POINTS_USAGE, answerable=False)
        limited = self._rate_limited(channel, user_id)
        if limited is not None:
            return limited
        try:
            result = self.backend.talking_points(topic.strip(), BOT_MAX_POINTS)
        except QuestionRejected as error:
            return Reply(text=error.message, answerable=False)
        return reply_from_points(result)

    def check_claim(self, channel: str, chat_id: str, user_id: str, claim: str) -> Reply:
        """``/kiemtra <nhận định>``: is a circulating claim what the documents say? Verdict + quoted passage."""
        if not claim.strip():
            return Reply(text=CHECK_USAGE, answerable=False)
        limited = self._rate_limited(channel, user_id)
        if limited is not None:
            return limited
        try:
            result = self.backend.check_claim(claim.strip())
        except QuestionRejected as error:
            return Reply(text=error.message, answerable=False)
        return reply_from_check(result)

    def handle_text(self, channel: str, chat_id: str, user_id: str, text: str) -> Reply:
        """A text message from a channel without its own command routing (Zalo): "/diem …", "/kiemtra …",
        "/hoi …", "/nguon", "/help", "/start", "/dangky", "/huy"; anything else is a question."""
        command, rest = split_command(text)
        if command is None:
            return self.answer(channel, chat_id, user_id, text)
        if command == "diem":
            return self.talking_points(channel, chat_id, user_id, rest)
        if command == "kiemtra":
            return self.check_claim(channel, chat_id, user_id, rest)
        if command == "hoi":
            return self.answer(channel, chat_id, user_id, rest) if rest else Reply(text=ASK_USAGE)
        if command == "nguon":
            return self.sources()
        if command in ("help", "trogiup"):
            return self.help()
        if command == "start":
            return self.start()
        if command == "dangky":
            return self.subscribe(channel, chat_id)
        if command == "huy":
            return self.unsubscribe(channel, chat_id)
        return Reply(text=UNKNOWN_COMMAND.format(command=command) + "\n" + HELP_TEXT, answerable=False)

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
