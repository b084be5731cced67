"""POST /v1/feedback: 👍/👎 (and an optional comment) on one answer, stored with that answer's text."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter, status

from hoidap.api.deps import MetricsDep, RecordsDep
from hoidap.api.errors import ApiError, clean_text
from hoidap.api.models import FeedbackRequest, FeedbackResult
from hoidap.api.routes.responses import errors
from hoidap.records import Feedback

router = APIRouter(prefix="/v1", tags=["phản hồi"])


@router.post(
    "/feedback",
    response_model=FeedbackResult,
    status_code=status.HTTP_201_CREATED,
    responses=errors(400, 404, 413, 422, 429),
)
def give_feedback(body: FeedbackRequest, records: RecordsDep, metrics: MetricsDep) -> FeedbackResult:
    """Ghi nhận đánh giá cho một câu trả lời; đánh giá lại sẽ thay đánh giá trước."""
    answer_id = clean_text(body.answer_id, "answer_id")
    comment = clean_text(body.comment, "comment").strip() or None if body.comment is not None else None
    turn = records.find_turn(answer_id)
    if turn is None:
        raise ApiError(
            404,
            "answer_not_found",
            "Không tìm thấy câu trả lời này (mã sai hoặc đã quá thời hạn lưu). Hãy hỏi lại rồi đánh giá.",
        )
    records.add_feedback(
        Feedback(
            answer_id=answer_id,
            helpful=body.helpful,
            comment=comment,
            question=turn.question,
            answer=turn.answer,
            created_at=datetime.now(UTC),
        )
    )
    metrics.feedback.labels("true" if body.helpful else "false").inc()
    return FeedbackResult(answer_id=answer_id, helpful=body.helpful)
