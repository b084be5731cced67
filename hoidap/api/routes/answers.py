"""POST /v1/ask and POST /v1/search (the contract), with follow-ups resolved from stored turns."""

from __future__ import annotations

from fastapi import APIRouter

from hoidap.api.deps import MetricsDep, RecordsDep, ServingDep
from hoidap.api.errors import check_question, clean_text
from hoidap.api.models import AskRequest, AskResult, SearchRequest
from hoidap.api.routes.responses import errors
from hoidap.qa.schemas import SearchResponse

router = APIRouter(prefix="/v1", tags=["hỏi đáp"])


def _conversation_id(raw: str | None) -> str | None:
    if raw is None or not raw.strip():
        return None
    return clean_text(raw.strip(), "conversation_id", code="conversation_id_invalid")


@router.post("/ask", response_model=AskResult, responses=errors(400, 413, 422, 429, 503))
def ask(body: AskRequest, serving: ServingDep, records: RecordsDep, metrics: MetricsDep) -> AskResult:
    """Trả lời câu hỏi từ các văn bản, có trích dẫn nguyên văn (hoặc nói rõ văn bản không đề cập)."""
    question = check_question(body.question, "question")
    conversation_id = _conversation_id(body.conversation_id)
    exchange = serving.service.converse(
        question, records, conversation_id, top_k=body.top_k, answer=serving.answer
    )
    if exchange.rewrite.rewritten:
        metrics.followups.labels(exchange.rewrite.rule).inc()
    if exchange.from_cache:
        metrics.cache_hits.inc()
    (metrics.answers if exchange.response.answerable else metrics.refusals).inc()
    return AskResult(**exchange.response.model_dump(), interpreted_question=exchange.interpreted_question)


@router.post("/search", response_model=SearchResponse, responses=errors(400, 413, 422, 429, 503))
def search(body: SearchRequest, serving: ServingDep) -> SearchResponse:
    """Các đoạn văn bản khớp nhất với truy vấn (không soạn câu trả lời)."""
    return serving.search(check_question(body.query, "query"), body.k)


