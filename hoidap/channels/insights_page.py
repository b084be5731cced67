"""The digest as a small HTML page: tables with a bar per question (``<meter>``, no script, no inline style)."""

from __future__ import annotations

from html import escape

from hoidap.channels.digest import Digest, QuestionGroup


def _table(groups: list[QuestionGroup]) -> str:
    if not groups:
        return "<p><em>(không có)</em></p>"
    most = max(group.chats for group in groups)
    rows = "".join(
        f"<tr><td>{rank}</td><td>{escape(group.question)}</td>"
        f'<td><meter min="0" max="{most}" value="{group.chats}">{group.chats}</meter> {group.chats}</td>'
        f"<td>{group.asked}</td><td>{group.unanswered}</td></tr>"
        for rank, group in enumerate(groups, start=1)
    )
    return (
        "<table><thead><tr><th>#</th><th>Câu hỏi</th><th>Số người hỏi</th><th>Số lần hỏi</th>"
        f"<th>Chưa trả lời được</th></tr></thead><tbody>{rows}</tbody></table>"
    )


def render_html(digest: Digest) -> str:
    period = f"{digest.since:%d/%m/%Y} – {digest.until:%d/%m/%Y}"
    comments = "".join(f"<blockquote>{escape(comment)}</blockquote>" for comment in digest.feedback.comments)
    return (
        '<!doctype html>\n<html lang="vi"><head><meta charset="utf-8">'
        f"<title>Tổng hợp câu hỏi {escape(period)}</title>"
        '<link rel="stylesheet" href="/static/document.css"></head><body><main>'
        f"<h1>Tổng hợp câu hỏi của người dân ({escape(period)})</h1>"
        f"<ul><li>Số câu hỏi: <strong>{digest.questions}</strong> từ <strong>{digest.chats}</strong> cuộc trò chuyện</li>"
        f"<li>Văn bản chưa trả lời được: <strong>{digest.unanswered}</strong> câu "
        f"({digest.unanswered_share * 100:.0f}%)</li>"
        f"<li>Đánh giá: 👍 {digest.feedback.helpful} · 👎 {digest.feedback.unhelpful}</li></ul>"
        f"<h2>Câu hỏi được quan tâm nhiều nhất</h2>{_table(digest.top_questions)}"
        "<h2>Câu hỏi văn bản chưa trả lời được</h2>"
        "<p>Gợi ý: bổ sung văn bản có nội dung này, hoặc cán bộ giải đáp trực tiếp.</p>"
        f"{_table(digest.unanswered_questions)}"
        f"<h2>Câu trả lời bị đánh giá 👎</h2>{_table(digest.feedback.unhelpful_questions)}{comments}"
        "</main></body></html>\n"
    )
