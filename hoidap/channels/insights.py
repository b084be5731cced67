"""The weekly digest for officers: what people asked, what the documents did not answer, feedback.

Questions are grouped by a normalised form (diacritics folded, lower case, punctuation gone), so
"BHYT hộ gia đình?" and "bhyt ho gia dinh" count together. Groups are ranked by how many distinct
chats asked (one person repeating a question does not push it up), then by how often it was asked.
Nothing personal is shown: chat ids are stored hashed and only counted; digit runs that could be
phone or ID numbers are masked in feedback comments.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta

from pydantic import BaseModel, Field

from hoidap.channels.activity import Activity, AskedQuestion
from hoidap.vntext import folded_syllables, has_diacritics

_LONG_DIGITS = re.compile(r"(?:\+?\d[\d .-]{5,}\d)")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def question_key(question: str) -> str:
    """The grouping form: ``"BHYT hộ gia đình?"`` → ``"bhyt ho gia dinh"``."""
    return " ".join(folded_syllables(question))


def redact(text: str) -> str:
    """Mask e-mail addresses and runs of seven or more digits (phone, ID card numbers)."""
    return _LONG_DIGITS.sub("[số đã ẩn]", _EMAIL.sub("[email đã ẩn]", text))


class QuestionGroup(BaseModel):
    question: str = Field(description="Cách hỏi thường gặp nhất trong nhóm")
    asked: int = Field(description="Số lần hỏi")
    chats: int = Field(description="Số cuộc trò chuyện khác nhau đã hỏi")
    unanswered: int = Field(description="Số lần văn bản không có câu trả lời")


class FeedbackSummary(BaseModel):
    helpful: int
    unhelpful: int
    unhelpful_questions: list[QuestionGroup] = Field(default_factory=list)
    comments: list[str] = Field(default_factory=list, description="Góp ý kèm 👎 (đã ẩn số điện thoại, email)")


class Digest(BaseModel):
    since: datetime
    until: datetime
    questions: int
    chats: int
    unanswered: int
    unanswered_share: float = Field(description="Tỷ lệ câu hỏi văn bản chưa trả lời được (0–1)")
    top_questions: list[QuestionGroup]
    unanswered_questions: list[QuestionGroup] = Field(
        description="Câu hỏi văn bản chưa trả lời được: gợi ý bổ sung văn bản hoặc giải đáp trực tiếp"
    )
    feedback: FeedbackSummary


def _representative(variants: Counter[str]) -> str:
    # The most frequent wording; on a tie the accented one (it reads better in a report).
    return max(variants.items(), key=lambda item: (item[1], has_diacritics(item[0]), -len(item[0])))[
        0
    ].strip()


def group_questions(questions: list[AskedQuestion], top: int) -> list[QuestionGroup]:
    variants: dict[str, Counter[str]] = defaultdict(Counter)
    chats: dict[str, set[str]] = defaultdict(set)
    unanswered: Counter[str] = Counter()
    for asked in questions:
        key = question_key(asked.question)
        if not key:
            continue
        variants[key][" ".join(asked.question.split())] += 1
        chats[key].add(asked.chat)
        unanswered[key] += not asked.answerable
    groups = [
        QuestionGroup(
            question=_representative(variants[key]),
            asked=sum(variants[key].values()),
            chats=len(chats[key]),
            unanswered=unanswered[key],
        )
        for key in variants
    ]
    groups.sort(key=lambda g: (-g.chats, -g.asked, question_key(g.question)))
    return groups[:top]


def digest_period(days: int, now: datetime | None = None) -> tuple[datetime, datetime]:
    """The last ``days`` days up to now (UTC)."""
    until = now or datetime.now(UTC)
    return until - timedelta(days=days), until


def build_digest(activity: Activity, since: datetime, until: datetime, top: int = 20) -> Digest:
    questions = activity.questions
    unanswered = [q for q in questions if not q.answerable]
    disliked = [v for v in activity.verdicts if not v.helpful]
    disliked_questions = [
        AskedQuestion(chat=str(i), question=v.question or "", answerable=True) for i, v in enumerate(disliked)
    ]
    return Digest(
        since=since,
        until=until,
        questions=len(questions),
        chats=len({q.chat for q in questions}),
        unanswered=len(unanswered),
        unanswered_share=round(len(unanswered) / len(questions), 4) if questions else 0.0,
        top_questions=group_questions(questions, top),
        unanswered_questions=group_questions(unanswered, top),
        feedback=FeedbackSummary(
            helpful=sum(v.helpful for v in activity.verdicts),
            unhelpful=len(disliked),
            unhelpful_questions=group_questions(disliked_questions, top),
            comments=[
                redact(" ".join(v.comment.split())) for v in disliked if v.comment and v.comment.strip()
            ][:top],
        ),
    )


def _table(groups: list[QuestionGroup]) -> list[str]:
    if not groups:
        return ["_(không có)_", ""]
    lines = ["| # | Câu hỏi | Số lần hỏi | Số người hỏi | Chưa trả lời được |", "|---:|---|---:|---:|---:|"]
    for rank, group in enumerate(groups, start=1):
        question = group.question.replace("|", "\\|")
        lines.append(f"| {rank} | {question} | {group.asked} | {group.chats} | {group.unanswered} |")
    return [*lines, ""]


def render_markdown(digest: Digest) -> str:
    """The digest as Markdown, for an e-mail or a printed page."""
    period = f"{digest.since:%d/%m/%Y} – {digest.until:%d/%m/%Y}"
    share = f"{digest.unanswered_share * 100:.0f}%"
    lines = [
        f"# Tổng hợp câu hỏi của người dân ({period})",
        "",
        f"- Số câu hỏi: **{digest.questions}** từ **{digest.chats}** cuộc trò chuyện",
        f"- Văn bản chưa trả lời được: **{digest.unanswered}** câu ({share})",
        f"- Đánh giá: 👍 {digest.feedback.helpful} · 👎 {digest.feedback.unhelpful}",
        "",
        "## Câu hỏi được quan tâm nhiều nhất",
        "",
        *_table(digest.top_questions),
        "## Câu hỏi văn bản chưa trả lời được",
        "",
        "Gợi ý: bổ sung văn bản có nội dung này, hoặc cán bộ giải đáp trực tiếp.",
        "",
        *_table(digest.unanswered_questions),
        "## Câu trả lời bị đánh giá 👎",
        "",
        *_table(digest.feedback.unhelpful_questions),
    ]
    if digest.feedback.comments:
        lines += ["Góp ý kèm theo:", "", *[f"> {comment}" for comment in digest.feedback.comments], ""]
    return "\n".join(lines).rstrip() + "\n"
