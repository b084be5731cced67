"""For propaganda officers: talking points, targets, claim checks, cross-references between documents."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import Field

from hoidap.api.deps import ServingDep
from hoidap.api.errors import ApiError, check_question, clean_text
from hoidap.api.models import PLAIN_TEXT_PATTERN, StrictRequest, WholeNumber, question_schema
from hoidap.api.routes.responses import errors
from hoidap.propaganda.claims import ClaimCheck
from hoidap.propaganda.points import MAX_POINTS, TalkingPoints
from hoidap.propaganda.references import DocumentReferences, NumberReferences
from hoidap.propaganda.service import TargetTable, propaganda_for

router = APIRouter(prefix="/v1", tags=["tuyên truyền"])


class TalkingPointsRequest(StrictRequest):
    topic: str = Field(
        description="Chủ đề, có dấu hoặc không dấu.", examples=["bảo hiểm y tế"], json_schema_extra=question_schema("topic")
    )
    max_points: WholeNumber = Field(default=MAX_POINTS, ge=1, le=MAX_POINTS, description="Số điểm tối đa (1–7).")


class CheckRequest(StrictRequest):
    claim: str = Field(
        description="Nhận định cần đối chiếu.",
        examples=["Đến 2030 BHYT phải phủ 100% dân số"],
        json_schema_extra=question_schema("claim"),
    )


@router.post("/talking-points", response_model=TalkingPoints, responses=errors(400, 413, 422, 429, 503))
def talking_points(body: TalkingPointsRequest, serving: ServingDep) -> TalkingPoints:
    """3–7 điểm tuyên truyền ngắn về một chủ đề, mỗi điểm trích nguyên văn và có nguồn."""
    topic = check_question(body.topic, "topic", code="topic_invalid")
    return propaganda_for(serving.service).talking_points(topic, body.max_points)


@router.get("/targets", response_model=TargetTable, responses=errors(422, 429, 503))
def targets(
    serving: ServingDep,
    q: Annotated[
        str | None,
        Query(
            max_length=200,
            description="Từ khóa: bảo hiểm y tế, tuổi thọ, BHYT…",
            json_schema_extra={"pattern": PLAIN_TEXT_PATTERN},
        ),
    ] = None,
    year: Annotated[int | None, Query(ge=1900, le=2100, description="Năm mục tiêu, ví dụ 2030")] = None,
) -> TargetTable:
    """Bảng chỉ tiêu: mọi chỉ tiêu định lượng trong văn bản, kèm trích dẫn nguyên văn."""
    query = clean_text(q, "q", code="query_invalid") if q else None
    return propaganda_for(serving.service).target_table(query, year)


@router.post("/check", response_model=ClaimCheck, responses=errors(400, 413, 422, 429, 503))
def check(body: CheckRequest, serving: ServingDep) -> ClaimCheck:
    """Đối chiếu một nhận định với văn bản: supported, contradicted (kèm điều văn bản thực sự ghi) hoặc not_found."""
    claim = check_question(body.claim, "claim", code="claim_invalid")
    return propaganda_for(serving.service).check(claim)


@router.get(
    "/documents/{doc_id}/references", response_model=DocumentReferences, responses=errors(404, 429, 503)
)
def document_references(doc_id: str, serving: ServingDep) -> DocumentReferences:
    """Văn bản này thực hiện văn bản nào, nhắc đến văn bản nào, và văn bản nào thực hiện nó — kèm câu nêu điều đó."""
    result = propaganda_for(serving.service).document_references(doc_id)
    if result is None:
        raise ApiError(
            404, "document_not_found", f"Không có văn bản mã “{doc_id}”. Xem danh sách tại /v1/documents."
        )
    return result


@router.get("/references", response_model=NumberReferences, responses=errors(422, 429, 503))
def references_of_number(
    serving: ServingDep,
    number: Annotated[
        str,
        Query(
            min_length=3,
            max_length=40,
            description="Số hiệu, ví dụ 72-NQ/TW",
            json_schema_extra={"pattern": PLAIN_TEXT_PATTERN},
        ),
    ],
) -> NumberReferences:
    """Văn bản nào thực hiện văn bản số này, và nó thực hiện văn bản nào — kèm câu nêu điều đó."""
    cleaned = clean_text(number, "number", code="number_invalid")
    return propaganda_for(serving.service).number_references(cleaned)
