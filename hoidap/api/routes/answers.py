"""POST /v1/ask and POST /v1/search (the contract), with follow-ups resolved from stored turns."""

from __future__ import annotations

import uuid

from fastapi import APIRouter

from hoidap.api.deps import MetricsDep, RecordsDep, ServingDep, SettingsDep
from hoidap.api.errors import check_question, clean_text
from hoidap.api.models import AskRequest, AskResult, SearchRequest
from hoidap.api.routes.responses import errors
from hoidap.qa.conversation import record_turn, resolve_followup
from hoidap.qa.schemas import SearchResponse

router = APIRouter(prefix="/v1", tags=["hỏi đáp"])


def _conversation_id(raw: str | None) -> str | None:
    if raw is None or not raw.strip():
        return None
    return clean_text(raw.strip(), "conversation_id", code="conversation_id_invalid")


@router.post("/ask", response_model=AskResult, responses=errors(400, 413, 422, 429, 503))
def ask(
    body: AskRequest, serving: ServingDep, records: RecordsDep, metrics: MetricsDep, settings: SettingsDep
) -> AskResult:
    """Trả lời câu hỏi từ các văn bản, có trích dẫn nguyên văn (hoặc nói rõ văn bản không đề cập)."""
    question = serving.service.validate_question(check_question(body.question, "question"))
    given_id = _conversation_id(body.conversation_id)
    conversation_id = given_id or uuid.uuid4().hex
    rewrite = resolve_followup(
        question, records, given_id, history_turns=settings.followup_turns, max_chars=settings.max_question_chars
    )
    if rewrite.rewritten:
        metrics.followups.labels(rewrite.rule).inc()
    response, from_cache = serving.ask(rewrite.question, body.top_k, conversation_id)
    if from_cache:
        metrics.cache_hits.inc()
    (metrics.answers if response.answerable else metrics.refusals).inc()
    record_turn(records, conversation_id, question, rewrite.question, response)
    return AskResult(**response.model_dump(), interpreted_question=rewrite.question if rewrite.rewritten else None)


@router.post("/search", response_model=SearchResponse, responses=errors(400, 413, 422, 429, 503))
def search(body: SearchRequest, serving: ServingDep) -> SearchResponse:
    """Các đoạn văn bản khớp nhất với truy vấn (không soạn câu trả lời)."""
    return serving.search(check_question(body.query, "query"), body.k)


