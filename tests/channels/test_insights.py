"""Officers' insights on a seeded store: topics by cited section, similar unanswered questions
grouped, 👎 with comments, distinct chats, privacy; through the API, the CLI and the functions."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from hoidap.channels.insights import (
    build_insights,
    group_by_similarity,
    insights_period,
    question_key,
    redact,
)
from hoidap.channels.insights_page import render_html, render_markdown
from hoidap.cli import app as cli_app
from hoidap.qa.service import QAService
from hoidap.records import Activity, AskedQuestion, CitedSection, open_records
from hoidap.records.base import Feedback, Turn
from hoidap.settings import Settings
from tests.channels.conftest import ADMIN_TOKEN

NOW = datetime.now(UTC)
ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
BHYT_TARGET = CitedSection(
    doc_id="002",
    title="Kế hoạch thực hiện Nghị quyết 72",
    section="II. MỤC TIÊU › 1. Mục tiêu đến năm 2030 › e)",
)
BHYT_TASK = CitedSection(
    doc_id="002", title="Kế hoạch thực hiện Nghị quyết 72", section="III. NHIỆM VỤ › 4. Bảo hiểm y tế › a)"
)
WARD_TASKS = CitedSection(
    doc_id="004", doc_number="307-CV/ĐU", title="Công văn 307", section="2. UBND phường"
)
BUS_FARES = ["Giá vé xe buýt là bao nhiêu?", "đi xe buýt mất bao nhiêu tiền", "ve xe bus bao nhieu tien"]
FREE_MEDICINE = [
    "Phường có phát thuốc miễn phí không?",
    "phuong co cho thuoc mien phi ko",
    "ở đâu nhận thuốc miễn phí",
]
WAGES = ["Lương tối thiểu vùng 2026?", "muc luong toi thieu nam 2026 la bao nhieu"]


def seed(settings: Settings) -> None:
    records = open_records(settings)
    n = 0

    def turn(chat: str, question: str, cited: list[CitedSection] | None = None, age_days: float = 1) -> None:
        nonlocal n
        n += 1
        records.add_turn(
            chat,
            Turn(
                answer_id=f"a{n}",
                question=question,
                standalone_question=question,
                answer="…",
                answerable=cited is not None,
                created_at=NOW - timedelta(days=age_days),
                cited=cited or [],
            ),
        )

    turn("tg:111", "Tỷ lệ bao phủ BHYT năm 2030?", [BHYT_TARGET, BHYT_TASK])
    turn("tg:222", "ty le bao phu bhyt nam 2030", [BHYT_TARGET])
    turn("zalo:333", "Tỷ lệ bao phủ BHYT năm 2030", [BHYT_TARGET])
    turn("tg:444", "UBND phường làm gì?", [WARD_TASKS])
    # One person asking five times does not outrank three people.
    for _ in range(5):
        turn("tg:999", "Phường có phát thuốc miễn phí không?")
    turn("tg:222", "phuong co cho thuoc mien phi ko")
    turn("tg:222", "Giá vé xe buýt là bao nhiêu?")
    turn("tg:111", "Câu hỏi tuần trước", [WARD_TASKS], age_days=9)
    records.add_feedback(
        Feedback(answer_id="a1", helpful=True, question="Tỷ lệ bao phủ BHYT năm 2030?", created_at=NOW)
    )
    records.add_feedback(
        Feedback(
            answer_id="a11",
            helpful=False,
            question="Giá vé xe buýt là bao nhiêu?",
            answer="Văn bản không có thông tin về giá vé xe buýt.",
            comment="Sai rồi,   gọi tôi 0912 345 678 hoặc a.b@example.com",
            created_at=NOW,
        )
    )
    records.close()


def test_question_key_redaction_and_period() -> None:
    assert question_key("Tỷ lệ bao phủ BHYT, năm 2030?") == question_key("ty le bao phu bhyt nam 2030")
    assert question_key("  ?! ") == ""
    assert (
        redact("gọi 0912 345 678, mail x.y@z.vn, năm 2030") == "gọi [số đã ẩn], mail [email đã ẩn], năm 2030"
    )
    assert redact("+84 912.345.678 hoặc CCCD 001203004567") == "[số đã ẩn] hoặc CCCD [số đã ẩn]"
    # Years, ranges, dates and amounts are what officers need to read.
    for kept in ("giai đoạn 2026-2030", "ngày 16.11.2026", "mức 1.500.000 đồng"):
        assert redact(kept) == kept
    now = datetime(2026, 11, 23, 12, tzinfo=UTC)
    assert insights_period("7d", now=now) == (now - timedelta(days=7), now)
    assert insights_period("24h", "2026-11-23T06:00:00", now=now)[1] == datetime(2026, 11, 23, 6, tzinfo=UTC)
    # A bare end date covers that whole day.
    assert insights_period("2026-11-01", "2026-11-15", now=now) == (
        datetime(2026, 11, 1, tzinfo=UTC),
        datetime(2026, 11, 16, tzinfo=UTC),
    )
    assert insights_period("2026-11-19", " 2026-11-20 ", now=now)[1] == datetime(2026, 11, 21, tzinfo=UTC)
    for bad in (("tuần trước", None), ("1d", "3d"), ("1d", "9999-12-31")):
        with pytest.raises(ValueError, match="(?i)since|until|mốc"):
            insights_period(*bad, now=now)


def test_insights_group_topics_questions_and_feedback(channel_settings: Settings) -> None:
    seed(channel_settings)
    since, until = insights_period("7d", now=NOW + timedelta(seconds=1))
    records = open_records(channel_settings)
    insights = build_insights(records.activity(since, until), since, until, top=10)
    records.close()
    assert (insights.questions, insights.chats, insights.unanswered) == (11, 5, 7)
    assert insights.grouping == "lexical"
    # Topics: by the first two levels of the cited section; distinct chats, each question once per topic.
    top = insights.topics[0]
    assert (top.doc_id, top.section, top.chats, top.asked) == (
        "002",
        "II. MỤC TIÊU › 1. Mục tiêu đến năm 2030",
        3,
        3,
    )
    assert top.examples[0] == "Tỷ lệ bao phủ BHYT năm 2030"
    assert [(t.section, t.chats) for t in insights.topics[1:]] == [
        ("2. UBND phường", 1),
        ("III. NHIỆM VỤ › 4. Bảo hiểm y tế", 1),
    ]
    # Without a loaded index the document is named from the cited fields, by the same rule as answers.
    assert insights.topics[1].document == "Công văn số 307-CV/ĐU"
    assert [(d.doc_id, d.chats, d.asked) for d in insights.documents] == [("002", 3, 3), ("004", 1, 1)]
    # Unanswered: the two wordings about free medicine are one group, asked in two chats.
    medicine = insights.unanswered_questions[0]
    assert (medicine.question, medicine.asked, medicine.chats) == (
        "Phường có phát thuốc miễn phí không?",
        6,
        2,
    )
    assert medicine.variants == ["phuong co cho thuoc mien phi ko"]
    assert insights.unanswered_questions[1].question == "Giá vé xe buýt là bao nhiêu?"
    flooded = next(g for g in insights.top_questions if g.question.startswith("Phường"))
    assert (flooded.asked, flooded.chats) == (5, 1)
    assert (insights.feedback.helpful, insights.feedback.unhelpful) == (1, 1)
    disliked = insights.feedback.disliked[0]
    assert disliked.question == "Giá vé xe buýt là bao nhiêu?" and disliked.answer.startswith("Văn bản không")
    assert disliked.comments == ["Sai rồi, gọi tôi [số đã ẩn] hoặc [email đã ẩn]"]
    text = render_markdown(insights) + render_html(insights) + insights.model_dump_json()
    for secret in ("tg:", "zalo:", "0912", "example.com", "Câu hỏi tuần trước"):
        assert secret not in text
    assert "64%" in text and "👎 1" in text


def _asked(questions: list[str]) -> list[AskedQuestion]:
    return [AskedQuestion(chat=f"c{i}", question=q, answerable=False) for i, q in enumerate(questions)]


def test_similar_questions_grouped_by_meaning_with_the_real_model(shared_service: QAService) -> None:
    groups = group_by_similarity(_asked(BUS_FARES + FREE_MEDICINE + WAGES), shared_service.question_vectors)
    grouped = sorted(sorted([g.question, *g.variants]) for g in groups)
    assert grouped == sorted(sorted(topic) for topic in (BUS_FARES, FREE_MEDICINE, WAGES))
    assert all(g.chats == g.asked for g in groups)


def test_similar_questions_without_a_model_share_words_only() -> None:
    groups = group_by_similarity(_asked([*FREE_MEDICINE, "Thủ tục làm căn cước công dân", *BUS_FARES[:2]]))
    grouped = sorted(sorted([g.question, *g.variants]) for g in groups)
    # Most words shared: one group; "xe buýt" alone is too little without embeddings.
    assert sorted(FREE_MEDICINE) in grouped and len(grouped) == 4


def test_one_loose_link_does_not_chain_two_groups() -> None:
    # b is close to both a and c, a and c are unrelated: c must not join a's group through b.
    vectors = {"a": [1, 0, 0], "b": [0.97, 0.24, 0], "c": [0.8, 0.6, 0]}

    def embed(questions: list[str]) -> np.ndarray:
        rows = np.array([vectors[q.split()[0]] for q in questions], dtype=np.float32)
        return rows / np.linalg.norm(rows, axis=1, keepdims=True)

    groups = group_by_similarity(_asked(["a một", "b hai", "c ba"]), embed)
    assert [[g.question, *g.variants] for g in groups] == [["a một", "b hai"], ["c ba"]]


def test_answers_record_their_cited_sections_and_feed_the_topics(channel_client: TestClient) -> None:
    for chat, question in (
        ("w1", "Tỷ lệ bao phủ bảo hiểm y tế năm 2030?"),
        ("w2", "bhyt 2030 dat bao nhieu"),
    ):
        body = channel_client.post("/v1/ask", json={"question": question, "conversation_id": chat}).json()
        assert body["answerable"], body
    refused = channel_client.post(
        "/v1/ask", json={"question": "Giá vé xe buýt là bao nhiêu?", "conversation_id": "w3"}
    )
    assert refused.json()["answerable"] is False
    insights = channel_client.get("/v1/insights", params={"since": "1h"}, headers=ADMIN).json()
    assert insights["questions"] == 3 and insights["grouping"] == "embedding+lexical"
    topic = insights["topics"][0]
    assert (
        topic["chats"] == 2
        and "bảo hiểm y tế" in topic["section"].lower() + " ".join(topic["examples"]).lower()
    )
    assert insights["unanswered_questions"][0]["question"] == "Giá vé xe buýt là bao nhiêu?"
    # Documents go by short names: the number, else the ward ("Kế hoạch của phường Bạch Đằng").
    names = {d["document"] for d in insights["documents"]}
    assert names <= {"Kế hoạch của phường Bạch Đằng", "Công văn số 307-CV/ĐU"} and names, names


def test_insights_endpoint_formats_and_errors(channel_client: TestClient, channel_settings: Settings) -> None:
    seed(channel_settings)
    response = channel_client.get("/v1/insights")
    assert response.status_code == 401 and response.json()["error"]["code"] == "admin_unauthorized"
    body = channel_client.get("/v1/insights", params={"since": "7d"}, headers=ADMIN).json()
    assert body["questions"] == 11 and body["topics"][0]["chats"] == 3
    assert (
        channel_client.get("/v1/insights", params={"since": "30d"}, headers=ADMIN).json()["questions"] == 12
    )
    markdown = channel_client.get("/v1/insights", params={"format": "markdown"}, headers=ADMIN)
    assert markdown.headers["content-type"].startswith("text/markdown")
    assert markdown.text.startswith("# Người dân hỏi gì")
    page = channel_client.get("/v1/insights", params={"format": "html"}, headers=ADMIN)
    assert page.headers["content-type"].startswith("text/html") and "<script" not in page.text
    assert '<meter min="0" max="3" value="3">' in page.text and "tg:" not in page.text
    bad = channel_client.get("/v1/insights", params={"since": "hôm kia"}, headers=ADMIN)
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "invalid_period"
    assert "7d" in bad.json()["error"]["message"]


def test_insights_command(channel_settings: Settings, tmp_path: Path) -> None:
    seed(channel_settings)
    env = {"HOIDAP_DATA_DIR": str(channel_settings.data_dir), "HOIDAP_RECORDS_SECRET": "x"}
    result = CliRunner().invoke(cli_app, ["insights", "--since", "30d", "--by-words"], env=env)
    assert result.exit_code == 0, result.output
    assert "Câu hỏi văn bản chưa trả lời được" in result.output and "Câu hỏi tuần trước" in result.output
    result = CliRunner().invoke(
        cli_app, ["insights", "--since", "7d", "--format", "json", "--by-words"], env=env
    )
    assert json.loads(result.output)["questions"] == 11
    out = tmp_path / "tuan.html"
    result = CliRunner().invoke(
        cli_app, ["insights", "--format", "html", "--out", str(out), "--by-words"], env=env
    )
    assert result.exit_code == 0 and "<meter" in out.read_text(encoding="utf-8")
    bad = CliRunner().invoke(cli_app, ["insights", "--since", "hôm qua"], env=env)
    assert bad.exit_code == 2 and "7d" in bad.output
    empty_env = {"HOIDAP_DATA_DIR": str(tmp_path / "none"), "HOIDAP_RECORDS_SECRET": "x"}
    empty = CliRunner().invoke(cli_app, ["insights", "--by-words"], env=empty_env)
    assert empty.exit_code == 0 and "**0**" in empty.output


def test_personal_numbers_in_questions_are_masked_and_markup_escaped() -> None:
    asked = [
        AskedQuestion(chat="c1", question="số CCCD 001203004567 của tôi có BHYT không <b>gấp</b>", answerable=False),
    ]
    now = datetime(2026, 11, 23, tzinfo=UTC)
    insights = build_insights(
        Activity(questions=asked), now - timedelta(days=90), now, questions_since=now - timedelta(days=30)
    )
    text = render_markdown(insights) + render_html(insights) + insights.model_dump_json()
    assert "001203004567" not in text and "[số đã ẩn]" in text
    assert "<b>gấp</b>" not in render_markdown(insights) + render_html(insights)
    # Questions are kept 30 days: a 90-day report says from when its question counts are.
    assert insights.questions_since == now - timedelta(days=30)
    assert "tính từ 24/10/2026" in render_markdown(insights) and "tính từ 24/10/2026" in render_html(insights)


def test_only_the_most_asked_questions_are_embedded() -> None:
    seen: list[list[str]] = []

    def embed(questions: list[str]) -> np.ndarray:
        seen.append(questions)
        return np.eye(len(questions), dtype=np.float32)

    group_by_similarity(_asked(BUS_FARES + FREE_MEDICINE), embed, max_embedded=2)
    assert len(seen) == 1 and len(seen[0]) == 2


def test_questions_that_differ_only_in_a_masked_number_count_together() -> None:
    asked = [
        AskedQuestion(chat="c1", question="gọi 0912345678 hỏi BHYT", answerable=False),
        AskedQuestion(chat="c2", question="gọi 0987654321 hỏi BHYT", answerable=False),
    ]
    (group,) = group_by_similarity(asked)
    assert (group.question, group.asked, group.chats) == ("gọi [số đã ẩn] hỏi BHYT", 2, 2)
