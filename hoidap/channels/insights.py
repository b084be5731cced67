"""What people ask: the officers' insights for a period, from the stored turns and feedback.

- **Topics**: answered questions grouped by the document section their answer cited (the first two
  levels of the section path, "III. NHIỆM VỤ… › 4. Đẩy mạnh … bảo hiểm y tế"), and a roll-up per
  document. That is where people's interest lies in terms the ward can act on: which part of which
  document to explain again.
- **Questions the documents did not answer**, grouped by similarity (see :mod:`similar`): they tell
  the ward which document to add or which question to answer in person.
- **Answers that got 👎**, with the comments.

Every count is of distinct chats first (one person repeating a question does not push it up), then
of how often it was asked. Nothing personal is shown: chat ids are stored hashed and only counted;
digit runs that could be phone or ID numbers and e-mail addresses are masked in comments.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, date, datetime, timedelta

import numpy as np
from pydantic import BaseModel, Field

from hoidap.channels.similar import SimilarityRule, group_similar
from hoidap.qa.labels import label_from_fields
from hoidap.qa.service import QAService
from hoidap.records import Activity, ActivityLog, AskedQuestion
from hoidap.settings import Settings
from hoidap.vntext import folded_syllables, has_diacritics

# Phone numbers (0… or +84…, 10–11 digits, spaced or dotted) and ID card numbers (9 or 12 digits);
# not years, ranges ("2026-2030"), dates or amounts ("1.500.000 đồng").
_LONG_DIGITS = re.compile(r"(?<![\d./-])(?:\+84[ .]?|0)\d(?:[ .]?\d){8,9}(?![\d/])|(?<![\d.,/-])(?:\d{12}|\d{9})(?![\d.,/-])")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_RELATIVE = re.compile(r"^\s*(\d{1,4})\s*([hdw])\s*$", re.IGNORECASE)
_UNITS = {"h": timedelta(hours=1), "d": timedelta(days=1), "w": timedelta(weeks=1)}
_SECTION_SEPARATOR = " › "
# Wordings kept per group, so an officer sees how people phrase it.
_EXAMPLES = 3
_LABEL_CHARS = 80


def question_key(question: str) -> str:
    """The exact-grouping form: ``"BHYT hộ gia đình?"`` → ``"bhyt ho gia dinh"``."""
    return " ".join(folded_syllables(question))


def redact(text: str) -> str:
    """Mask e-mail addresses, phone numbers and ID card numbers."""
    return _LONG_DIGITS.sub("[số đã ẩn]", _EMAIL.sub("[email đã ẩn]", text))


def parse_moment(text: str, now: datetime) -> datetime:
    """``"7d"``, ``"24h"``, ``"2w"`` (that long before ``now``), or an ISO date/time (UTC unless it says)."""
    relative = _RELATIVE.match(text)
    if relative:
        return now - int(relative[1]) * _UNITS[relative[2].lower()]
    try:
        moment = datetime.fromisoformat(text.strip())
    except (ValueError, OverflowError):
        raise ValueError(
            f"Không hiểu mốc thời gian “{text}”: dùng 7d, 24h, 2w hoặc ngày dạng 2026-11-16."
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment


def insights_period(
    since: str, until: str | None = None, now: datetime | None = None
) -> tuple[datetime, datetime]:
    """The period ``[since, until)``; ``until`` defaults to now. Raises ``ValueError`` with a Vietnamese message."""
    now = now or datetime.now(UTC)
    start = parse_moment(since, now)
    end = parse_moment(until, now) if until else now
    if until and _ISO_DATE.fullmatch(until.strip()):  # a bare date as the end: up to the end of that day
        try:
            end += timedelta(days=1)
        except OverflowError:
            raise ValueError("Mốc kết thúc (until) quá xa.") from None
    if start >= end:
        raise ValueError("Mốc bắt đầu (since) phải trước mốc kết thúc (until).")
    return start, end


class QuestionGroup(BaseModel):
    question: str = Field(description="Cách hỏi thường gặp nhất trong nhóm")
    asked: int = Field(description="Số lần hỏi")
    chats: int = Field(description="Số cuộc trò chuyện khác nhau đã hỏi")
    unanswered: int = Field(description="Số lần văn bản không có câu trả lời")
    variants: list[str] = Field(default_factory=list, description="Những cách hỏi khác trong nhóm")


class TopicGroup(BaseModel):
    doc_id: str
    document: str = Field(description="Số hoặc tên văn bản")
    section: str = Field(description="Mục của văn bản (hai cấp đầu)")
    asked: int
    chats: int
    examples: list[str] = Field(description="Những câu hỏi thường gặp về mục này")


class DocumentCount(BaseModel):
    doc_id: str
    document: str
    asked: int
    chats: int


class DislikedAnswer(BaseModel):
    question: str
    count: int = Field(description="Số lượt 👎")
    answer: str | None = Field(default=None, description="Câu trả lời bị chê (rút gọn)")
    comments: list[str] = Field(default_factory=list, description="Góp ý (đã ẩn số điện thoại, email)")


class FeedbackSummary(BaseModel):
    helpful: int
    unhelpful: int
    disliked: list[DislikedAnswer] = Field(default_factory=list)


class Insights(BaseModel):
    since: datetime
    until: datetime
    questions_since: datetime = Field(
        description="Câu hỏi chỉ được lưu trong HOIDAP_CONVERSATION_RETENTION_DAYS ngày: có từ mốc này"
    )
    questions: int
    chats: int
    unanswered: int
    unanswered_share: float = Field(description="Tỷ lệ câu hỏi văn bản chưa trả lời được (0–1)")
    grouping: str = Field(description="Cách gom câu hỏi chưa trả lời: 'embedding+lexical' hoặc 'lexical'")
    topics: list[TopicGroup] = Field(
        description="Chủ đề được hỏi nhiều nhất, theo mục văn bản được trích dẫn"
    )
    documents: list[DocumentCount] = Field(description="Số câu hỏi theo văn bản được trích dẫn")
    top_questions: list[QuestionGroup]
    unanswered_questions: list[QuestionGroup] = Field(
        description="Câu hỏi văn bản chưa trả lời được, gom theo độ tương đồng: gợi ý bổ sung văn bản hoặc giải đáp trực tiếp"
    )
    feedback: FeedbackSummary


def _tidy(question: str) -> str:
    """A wording as shown: single spaces, phone/ID numbers and e-mail addresses masked."""
    return redact(" ".join(question.split()))


def _ranked_wordings(wordings: Counter[str]) -> list[str]:
    # Most frequent first; on a tie the accented one (it reads better in a report), then the shorter.
    return [
        w
        for w, _ in sorted(
            wordings.items(), key=lambda item: (-item[1], not has_diacritics(item[0]), len(item[0]))
        )
    ]


def _topic_section(section: str) -> str:
    return _SECTION_SEPARATOR.join(section.split(_SECTION_SEPARATOR)[:2])


def _exact_groups(questions: Sequence[AskedQuestion]) -> list[tuple[QuestionGroup, set[str]]]:
    """Groups of the same question up to case, accents and punctuation, with the chats that asked
    each, most asked (by chats) first."""
    wordings: dict[str, Counter[str]] = defaultdict(Counter)
    chats: dict[str, set[str]] = defaultdict(set)
    unanswered: Counter[str] = Counter()
    for asked in questions:
        wording = _tidy(asked.question)
        # Keyed on the wording as shown (numbers masked), so one shown wording is one group.
        key = question_key(wording)
        if not key:
            continue
        wordings[key][wording] += 1
        chats[key].add(asked.chat)
        unanswered[key] += not asked.answerable
    groups = []
    for key, counter in wordings.items():
        ranked = _ranked_wordings(counter)
        group = QuestionGroup(
            question=ranked[0],
            asked=sum(counter.values()),
            chats=len(chats[key]),
            unanswered=unanswered[key],
            variants=ranked[1:_EXAMPLES],
        )
        groups.append((group, chats[key]))
    groups.sort(key=lambda item: (-item[0].chats, -item[0].asked, question_key(item[0].question)))
    return groups


def group_exact(questions: Sequence[AskedQuestion]) -> list[QuestionGroup]:
    """Groups of the same question up to case, accents and punctuation, most asked (by chats) first."""
    return [group for group, _ in _exact_groups(questions)]


def group_by_similarity(
    questions: Sequence[AskedQuestion],
    vectors: Callable[[list[str]], np.ndarray] | None = None,
    rule: SimilarityRule | None = None,
    max_embedded: int = 300,
) -> list[QuestionGroup]:
    """Exact groups first, then groups of similar questions merged (see :func:`group_similar`)."""
    exact = _exact_groups(questions)
    by_wording = {group.question: (group, chats) for group, chats in exact}
    clusters = group_similar([group.question for group, _ in exact], vectors, rule or SimilarityRule(), max_embedded)
    groups = []
    for cluster in clusters:
        parts = [by_wording[wording] for wording in cluster]
        ranked = _ranked_wordings(Counter({group.question: group.asked for group, _ in parts}))
        groups.append(
            QuestionGroup(
                question=ranked[0],
                asked=sum(group.asked for group, _ in parts),
                chats=len(set().union(*(chats for _, chats in parts))),
                unanswered=sum(group.unanswered for group, _ in parts),
                variants=ranked[1 : 1 + 2 * _EXAMPLES],
            )
        )
    groups.sort(key=lambda g: (-g.chats, -g.asked, question_key(g.question)))
    return groups


def group_topics(
    questions: Sequence[AskedQuestion], names: Mapping[str, str] | None = None
) -> tuple[list[TopicGroup], list[DocumentCount]]:
    """Answered questions by the sections (two levels) and documents their answers cited; a question
    counts once per topic however many of its sentences cite it."""
    topic_chats: dict[tuple[str, str], set[str]] = defaultdict(set)
    topic_asked: Counter[tuple[str, str]] = Counter()
    topic_wordings: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    doc_chats: dict[str, set[str]] = defaultdict(set)
    doc_asked: Counter[str] = Counter()
    labels: dict[str, str] = {}
    for asked in questions:
        if not asked.answerable or not question_key(asked.question):
            continue
        topics = {(c.doc_id, _topic_section(c.section)) for c in asked.cited}
        for cited in asked.cited:
            labels[cited.doc_id] = (names or {}).get(cited.doc_id) or label_from_fields(
                cited.title or cited.doc_id, cited.doc_number, limit=_LABEL_CHARS
            )
        for topic in topics:
            topic_chats[topic].add(asked.chat)
            topic_asked[topic] += 1
            topic_wordings[topic][_tidy(asked.question)] += 1
        for doc_id in {doc_id for doc_id, _ in topics}:
            doc_chats[doc_id].add(asked.chat)
            doc_asked[doc_id] += 1
    topics = [
        TopicGroup(
            doc_id=doc_id,
            document=labels[doc_id],
            section=section,
            asked=topic_asked[(doc_id, section)],
            chats=len(topic_chats[(doc_id, section)]),
            examples=_ranked_wordings(topic_wordings[(doc_id, section)])[:_EXAMPLES],
        )
        for doc_id, section in topic_asked
    ]
    topics.sort(key=lambda t: (-t.chats, -t.asked, t.document, t.section))
    documents = [
        DocumentCount(
            doc_id=doc_id, document=labels[doc_id], asked=doc_asked[doc_id], chats=len(doc_chats[doc_id])
        )
        for doc_id in doc_asked
    ]
    documents.sort(key=lambda d: (-d.chats, -d.asked, d.document))
    return topics, documents


def _shorten(text: str | None, limit: int = 300) -> str | None:
    if text is None:
        return None
    text = _tidy(text)
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def summarise_feedback(activity: Activity, top: int) -> FeedbackSummary:
    disliked: dict[str, DislikedAnswer] = {}
    for verdict in activity.feedback:
        if verdict.helpful:
            continue
        question = _tidy(verdict.question or "(không rõ câu hỏi)")
        entry = disliked.setdefault(
            question_key(question) or question,
            DislikedAnswer(question=question, count=0, answer=_shorten(verdict.answer)),
        )
        entry.count += 1
        if verdict.comment and verdict.comment.strip():
            entry.comments.append(redact(_tidy(verdict.comment)))
    ranked = sorted(disliked.values(), key=lambda d: (-d.count, question_key(d.question)))
    return FeedbackSummary(
        helpful=sum(v.helpful for v in activity.feedback),
        unhelpful=sum(not v.helpful for v in activity.feedback),
        disliked=ranked[:top],
    )


def build_insights(
    activity: Activity,
    since: datetime,
    until: datetime,
    top: int = 20,
    vectors: Callable[[list[str]], np.ndarray] | None = None,
    rule: SimilarityRule | None = None,
    max_embedded: int = 300,
    questions_since: datetime | None = None,
    names: Mapping[str, str] | None = None,
) -> Insights:
    """The insights of ``activity``; ``vectors`` (question embeddings) refines the grouping of
    unanswered questions beyond shared words."""
    questions = activity.questions
    unanswered = [q for q in questions if not q.answerable]
    topics, documents = group_topics(questions, names)
    return Insights(
        since=since,
        until=until,
        questions_since=max(since, questions_since or since),
        questions=len(questions),
        chats=len({q.chat for q in questions}),
        unanswered=len(unanswered),
        unanswered_share=round(len(unanswered) / len(questions), 4) if questions else 0.0,
        grouping="embedding+lexical" if vectors is not None else "lexical",
        topics=topics[:top],
        documents=documents,
        top_questions=group_exact(questions)[:top],
        unanswered_questions=group_by_similarity(unanswered, vectors, rule, max_embedded)[:top],
        feedback=summarise_feedback(activity, top),
    )


def period_label(insights: Insights) -> str:
    last_day: date = (insights.until - timedelta(microseconds=1)).date()
    return f"{insights.since:%d/%m/%Y} – {last_day:%d/%m/%Y}"


def similarity_rule(settings: Settings) -> SimilarityRule:
    return SimilarityRule(
        same_cosine=settings.insights_same_cosine, related_cosine=settings.insights_related_cosine
    )


def insights_for(
    records: ActivityLog,
    settings: Settings,
    since: datetime,
    until: datetime,
    service: QAService | None = None,
) -> Insights:
    """The insights of what ``records`` holds in ``[since, until)``; with a loaded ``service``
    unanswered questions are grouped by meaning too, without one by shared words only."""
    return build_insights(
        records.activity(since, until),
        since,
        until,
        settings.insights_top,
        vectors=service.question_vectors if service is not None else None,
        rule=similarity_rule(settings),
        max_embedded=settings.insights_max_embedded,
        # Short names of the documents still indexed ("Kế hoạch của phường Bạch Đằng").
        names={d.doc_id: service.document_label(d) for d in service.documents()}
        if service is not None
        else None,
        # Turns are deleted after their retention period (feedback is kept longer).
        questions_since=until - timedelta(days=settings.conversation_retention_days),
    )
