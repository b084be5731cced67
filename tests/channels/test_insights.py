"""The officers' digest on a seeded records store: grouping, distinct chats, refusals, feedback, privacy."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from hoidap.channels.activity import read_activity
from hoidap.channels.digest import build_digest, digest_period, question_key, redact, render_markdown
from hoidap.cli import app as cli_app
from hoidap.records import open_records
from hoidap.records.base import Feedback, Turn
from hoidap.settings import Settings
from tests.channels.conftest import ADMIN_TOKEN

NOW = datetime.now(UTC)


def seed(settings: Settings) -> None:
    records = open_records(settings)

    def turn(n: int, chat: str, question: str, answerable: bool = True, age_days: float = 1) -> None:
        records.add_turn(
            chat,
            Turn(
                answer_id=f"a{n}",
                question=question,
                standalone_question=question,
                answer="…",
                answerable=answerable,
                created_at=NOW - timedelta(days=age_days),
            ),
        )

    turn(1, "tg:111", "Tỷ lệ bao phủ BHYT năm 2030?")
    turn(2, "tg:222", "ty le bao phu bhyt nam 2030")
    turn(3, "zalo:333", "Tỷ lệ bao phủ BHYT năm 2030")
    # One person asking the same thing five times does not outrank three people.
    for n in range(4, 9):
        turn(n, "tg:999", "Phường có phát thuốc miễn phí không?", answerable=False)
    turn(9, "tg:222", "Giá vé xe buýt là bao nhiêu?", answerable=False)
    turn(10, "tg:111", "Câu hỏi tuần trước", age_days=9)
    records.add_feedback(
        Feedback(answer_id="a1", helpful=True, question="Tỷ lệ bao phủ BHYT năm 2030?", created_at=NOW)
    )
    records.add_feedback(
        Feedback(
            answer_id="a9",
            helpful=False,
            question="Giá vé xe buýt là bao nhiêu?",
            comment="Sai rồi,   gọi tôi 0912 345 678 hoặc a.b@example.com",
            created_at=NOW,
        )
    )
    records.close()


def test_question_key_and_redaction() -> None:
    assert question_key("Tỷ lệ bao phủ BHYT, năm 2030?") == question_key("ty le bao phu bhyt nam 2030")
    assert question_key("  ?! ") == ""
    assert (
        redact("gọi 0912 345 678, mail x.y@z.vn, năm 2030") == "gọi [số đã ẩn], mail [email đã ẩn], năm 2030"
    )


def test_digest_groups_counts_and_hides_personal_data(channel_settings: Settings) -> None:
    seed(channel_settings)
    since, until = digest_period(7, NOW + timedelta(seconds=1))
    digest = build_digest(read_activity(channel_settings.records_path, since, until), since, until, top=10)
    assert (digest.questions, digest.chats, digest.unanswered) == (9, 4, 6)
    assert abs(digest.unanswered_share - 6 / 9) < 1e-3
    first = digest.top_questions[0]
    assert (first.question, first.asked, first.chats, first.unanswered) == (
        "Tỷ lệ bao phủ BHYT năm 2030",
        3,
        3,
        0,
    )
    flooded = digest.top_questions[1]
    assert (flooded.asked, flooded.chats) == (5, 1)
    assert [g.question for g in digest.unanswered_questions] == [
        "Phường có phát thuốc miễn phí không?",
        "Giá vé xe buýt là bao nhiêu?",
    ]
    assert (digest.feedback.helpful, digest.feedback.unhelpful) == (1, 1)
    assert digest.feedback.unhelpful_questions[0].question == "Giá vé xe buýt là bao nhiêu?"
    assert digest.feedback.comments == ["Sai rồi, gọi tôi [số đã ẩn] hoặc [email đã ẩn]"]
    text = render_markdown(digest) + digest.model_dump_json()
    for secret in ("tg:", "zalo:", "0912", "example.com", "Câu hỏi tuần trước"):
        assert secret not in text
    assert "67%" in text and "👎 1" in text


def test_digest_endpoint_needs_the_admin_token(
    channel_client: TestClient, channel_settings: Settings
) -> None:
    seed(channel_settings)
    response = channel_client.get("/v1/digest")
    assert response.status_code == 401 and response.json()["error"]["code"] == "admin_unauthorized"
    headers = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
    body = channel_client.get("/v1/digest", params={"days": 7}, headers=headers).json()
    assert body["questions"] == 9 and body["top_questions"][0]["chats"] == 3
    markdown = channel_client.get("/v1/digest", params={"format": "markdown"}, headers=headers)
    assert markdown.headers["content-type"].startswith("text/markdown")
    assert markdown.text.startswith("# Tổng hợp câu hỏi của người dân")
    page = channel_client.get("/v1/digest", params={"format": "html"}, headers=headers)
    assert page.headers["content-type"].startswith("text/html") and "<script" not in page.text
    assert '<meter min="0" max="3" value="3">' in page.text and "tg:" not in page.text
    assert channel_client.get("/v1/digest", params={"days": 0}, headers=headers).status_code == 422


def test_digest_command(channel_settings: Settings, tmp_path: Path) -> None:
    seed(channel_settings)
    env = {"HOIDAP_DATA_DIR": str(channel_settings.data_dir), "HOIDAP_RECORDS_SECRET": "x"}
    result = CliRunner().invoke(cli_app, ["digest", "--days", "30"], env=env)
    assert result.exit_code == 0, result.output
    assert "Câu hỏi văn bản chưa trả lời được" in result.output and "Câu hỏi tuần trước" in result.output
    result = CliRunner().invoke(cli_app, ["digest", "--format", "json"], env=env)
    assert json.loads(result.output)["questions"] == 9
    empty = CliRunner().invoke(cli_app, ["digest"], env={"HOIDAP_DATA_DIR": str(tmp_path / "none")})
    assert empty.exit_code == 0 and "**0**" in empty.output
