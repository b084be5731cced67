"""The insights rendered for people: Markdown (e-mail, printing) and a small HTML page whose bar
chart is one ``<meter>`` per row (no script, no inline style: the page passes the service's CSP)."""

from __future__ import annotations

from html import escape

from hoidap.channels.insights import DislikedAnswer, Insights, QuestionGroup, TopicGroup, period_label

_SUGGESTION = "Gợi ý: bổ sung văn bản có nội dung này, hoặc cán bộ giải đáp trực tiếp."
_NOTHING = "(không có)"


def _cell(text: str) -> str:
    # Escaped: Markdown is often rendered as HTML (e-mail), and people's text is not markup.
    return escape(text).replace("|", "\\|").replace("\n", " ")


def _md_questions(groups: list[QuestionGroup]) -> list[str]:
    if not groups:
        return [f"_{_NOTHING}_", ""]
    lines = ["| # | Câu hỏi | Số người hỏi | Số lần hỏi | Chưa trả lời được |", "|---:|---|---:|---:|---:|"]
    for rank, group in enumerate(groups, start=1):
        question = _cell(group.question)
        if group.variants:
            question += " <br>_cũng hỏi:_ " + "; ".join(_cell(v) for v in group.variants)
        lines.append(f"| {rank} | {question} | {group.chats} | {group.asked} | {group.unanswered} |")
    return [*lines, ""]


def _md_topics(topics: list[TopicGroup]) -> list[str]:
    if not topics:
        return [f"_{_NOTHING}_", ""]
    lines = [
        "| # | Văn bản | Mục | Số người hỏi | Số lần hỏi | Ví dụ câu hỏi |",
        "|---:|---|---|---:|---:|---|",
    ]
    for rank, topic in enumerate(topics, start=1):
        examples = "; ".join(_cell(e) for e in topic.examples)
        lines.append(
            f"| {rank} | {_cell(topic.document)} | {_cell(topic.section)} | {topic.chats} | {topic.asked} | {examples} |"
        )
    return [*lines, ""]


def _md_disliked(disliked: list[DislikedAnswer]) -> list[str]:
    if not disliked:
        return [f"_{_NOTHING}_", ""]
    lines: list[str] = []
    for entry in disliked:
        lines.append(f"- **{escape(entry.question)}** — 👎 {entry.count}")
        if entry.answer:
            lines.append(f"  - Trả lời: {escape(entry.answer)}")
        lines += [f"  - Góp ý: “{escape(comment)}”" for comment in entry.comments]
    return [*lines, ""]


def _retention_note(insights: Insights) -> list[str]:
    if insights.questions_since <= insights.since:
        return []
    return [f"- Lưu ý: câu hỏi chỉ được lưu có thời hạn, số liệu câu hỏi tính từ {insights.questions_since:%d/%m/%Y}"]


def render_markdown(insights: Insights) -> str:
    share = f"{insights.unanswered_share * 100:.0f}%"
    documents = ", ".join(f"{d.document}: {d.chats} người ({d.asked} lần)" for d in insights.documents)
    lines = [
        f"# Người dân hỏi gì ({period_label(insights)})",
        "",
        f"- Số câu hỏi: **{insights.questions}** từ **{insights.chats}** cuộc trò chuyện",
        f"- Văn bản chưa trả lời được: **{insights.unanswered}** câu ({share})",
        f"- Đánh giá: 👍 {insights.feedback.helpful} · 👎 {insights.feedback.unhelpful}",
        f"- Theo văn bản được trích dẫn: {documents or _NOTHING}",
        *_retention_note(insights),
        "",
        "## Chủ đề được hỏi nhiều nhất (theo mục văn bản được trích dẫn)",
        "",
        *_md_topics(insights.topics),
        "## Câu hỏi văn bản chưa trả lời được (gom các câu tương tự)",
        "",
        _SUGGESTION,
        "",
        *_md_questions(insights.unanswered_questions),
        "## Câu hỏi được hỏi nhiều nhất",
        "",
        *_md_questions(insights.top_questions),
        "## Câu trả lời bị đánh giá 👎",
        "",
        *_md_disliked(insights.feedback.disliked),
    ]
    return "\n".join(lines).rstrip() + "\n"


def _bar(chats: int, asked: int, most: int) -> str:
    """A bar for the people who asked, with the counts under it (fits a phone's width)."""
    return (
        f'<meter min="0" max="{most}" value="{chats}">{chats}</meter>'
        f"<br><small>{chats} người · {asked} lần</small>"
    )


def _table(head: str, rows: list[str]) -> str:
    return f"<table><thead><tr><th>#</th><th>{head}</th><th>Số người hỏi</th></tr></thead><tbody>{''.join(rows)}</tbody></table>"


def _html_questions(groups: list[QuestionGroup]) -> str:
    if not groups:
        return f"<p><em>{_NOTHING}</em></p>"
    most = max(group.chats for group in groups)
    rows = []
    for rank, group in enumerate(groups, start=1):
        also = f"<br><small>cũng hỏi: {escape('; '.join(group.variants))}</small>" if group.variants else ""
        unanswered = f"<br><small>chưa trả lời được: {group.unanswered}</small>" if group.unanswered else ""
        rows.append(
            f"<tr><td>{rank}</td><td>{escape(group.question)}{also}{unanswered}</td>"
            f"<td>{_bar(group.chats, group.asked, most)}</td></tr>"
        )
    return _table("Câu hỏi", rows)


def _html_topics(topics: list[TopicGroup]) -> str:
    if not topics:
        return f"<p><em>{_NOTHING}</em></p>"
    most = max(topic.chats for topic in topics)
    rows = [
        f"<tr><td>{rank}</td><td><strong>{escape(topic.document)}</strong><br>{escape(topic.section)}"
        f"<br><small>{escape('; '.join(topic.examples))}</small></td>"
        f"<td>{_bar(topic.chats, topic.asked, most)}</td></tr>"
        for rank, topic in enumerate(topics, start=1)
    ]
    return _table("Văn bản, mục (ví dụ câu hỏi)", rows)


def _html_disliked(disliked: list[DislikedAnswer]) -> str:
    if not disliked:
        return f"<p><em>{_NOTHING}</em></p>"
    items = []
    for entry in disliked:
        answer = f"<br><small>Trả lời: {escape(entry.answer)}</small>" if entry.answer else ""
        comments = "".join(f"<blockquote>{escape(comment)}</blockquote>" for comment in entry.comments)
        items.append(
            f"<li><strong>{escape(entry.question)}</strong> — 👎 {entry.count}{answer}{comments}</li>"
        )
    return f"<ul>{''.join(items)}</ul>"


def render_html(insights: Insights) -> str:
    period = escape(period_label(insights))
    return (
        '<!doctype html>\n<html lang="vi"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>Người dân hỏi gì {period}</title>"
        '<link rel="stylesheet" href="/static/document.css"></head><body><main>'
        f"<h1>Người dân hỏi gì ({period})</h1>"
        f"<ul><li>Số câu hỏi: <strong>{insights.questions}</strong> từ <strong>{insights.chats}</strong> cuộc trò chuyện</li>"
        f"<li>Văn bản chưa trả lời được: <strong>{insights.unanswered}</strong> câu "
        f"({insights.unanswered_share * 100:.0f}%)</li>"
        f"<li>Đánh giá: 👍 {insights.feedback.helpful} · 👎 {insights.feedback.unhelpful}</li>"
        + "".join(f"<li>{escape(note[2:])}</li>" for note in _retention_note(insights))
        + "</ul>"
        f"<h2>Chủ đề được hỏi nhiều nhất</h2>{_html_topics(insights.topics)}"
        "<h2>Câu hỏi văn bản chưa trả lời được</h2>"
        f"<p>{_SUGGESTION}</p>{_html_questions(insights.unanswered_questions)}"
        f"<h2>Câu hỏi được hỏi nhiều nhất</h2>{_html_questions(insights.top_questions)}"
        f"<h2>Câu trả lời bị đánh giá 👎</h2>{_html_disliked(insights.feedback.disliked)}"
        "</main></body></html>\n"
    )
