"""Request and response bodies of the HTTP API beyond the contract's answer shapes (hoidap.qa.schemas).

Requests are strict: unknown fields are refused (a misspelt ``topk`` must not be silently
ignored) and JSON types are not coerced (``"top_k": "5"`` is an error, not 5).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from hoidap.domain import DocumentMetadata, DocumentReference, SectionNode
from hoidap.qa.schemas import AskResponse


class StrictRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


def _integral_float(value: object) -> object:
    """``5.0`` is the integer 5 in JSON Schema (and many JSON encoders write it so); ``5.5``,
    ``"5"`` and ``true`` stay errors."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


# An integer field as JSON Schema defines "integer": whole numbers, written 5 or 5.0.
WholeNumber = Annotated[int, BeforeValidator(_integral_float)]

MAX_QUESTION_CHARS = 2000
# What the server accepts as a question, stated for the schema (the server's own checks give the
# clear messages): at least one letter or digit (Latin and Vietnamese letters), no control
# characters other than tab and line breaks, no non-characters. Written for both ECMA and Python
# regular expressions. Invisible format characters are allowed: the server removes them.
_TEXT_CHAR = r"[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]"
_ALNUM = r"[0-9A-Za-z\u00aa\u00b2\u00b3\u00b5\u00b9\u00ba\u00bc-\u00be\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f\u1e00-\u1eff]"
QUESTION_PATTERN = f"^{_TEXT_CHAR}*{_ALNUM}{_TEXT_CHAR}*$"
# Text without control characters (tab and line breaks allowed) or non-characters, as clean_text checks.
PLAIN_TEXT_PATTERN = f"^{_TEXT_CHAR}*$"


def question_schema(what: str) -> dict[str, object]:
    """JSON-schema bounds of a question-like field: what the server's checks accept, exactly."""
    return {"minLength": 1, "maxLength": MAX_QUESTION_CHARS, "pattern": QUESTION_PATTERN}


class AskRequest(StrictRequest):
    question: str = Field(
        description="1–2000 ký tự, có ít nhất một chữ hoặc số, không có ký tự điều khiển; có dấu hoặc "
        "không dấu. Khoảng trắng ở hai đầu và ký tự định dạng vô hình (zero-width, BOM) được bỏ.",
        examples=["Đến năm 2030 tỷ lệ bao phủ BHYT đạt bao nhiêu?"],
        json_schema_extra=question_schema("question"),
    )
    conversation_id: str | None = Field(
        default=None,
        max_length=128,
        json_schema_extra={"pattern": PLAIN_TEXT_PATTERN},
        description="Mã hội thoại trả về từ lần hỏi trước; câu hỏi tiếp nối được hiểu theo các lượt trước.",
    )
    top_k: WholeNumber = Field(default=5, ge=1, le=20, description="Số trích dẫn tối đa.")


class AskResult(AskResponse):
    """The contract's answer, plus the standalone question when a follow-up was rewritten."""

    interpreted_question: str | None = Field(
        default=None, description="Câu hỏi đầy đủ đã được trả lời, khi câu hỏi là câu tiếp nối."
    )


class SearchRequest(StrictRequest):
    query: str = Field(
        description="Truy vấn: 1–2000 ký tự, có ít nhất một chữ hoặc số, không có ký tự điều khiển.",
        examples=["y học cổ truyền"],
        json_schema_extra=question_schema("query"),
    )
    k: WholeNumber = Field(default=5, ge=1, le=50)


class FeedbackRequest(StrictRequest):
    answer_id: str = Field(
        min_length=1, max_length=64, description="answer_id của câu trả lời.", json_schema_extra={"pattern": PLAIN_TEXT_PATTERN}
    )
    helpful: bool
    comment: str | None = Field(default=None, max_length=2000, json_schema_extra={"pattern": PLAIN_TEXT_PATTERN})


class FeedbackResult(BaseModel):
    status: Literal["stored"] = "stored"
    answer_id: str
    helpful: bool


class HealthStatus(BaseModel):
    status: Literal["ok"] = "ok"
    documents: int
    chunks: int
    index_version: str
    # Which worker process answered (`hoidap serve --workers N`): each loads and swaps versions itself.
    worker_pid: int | None = None


class ErrorDetail(BaseModel):
    code: str
    message: str


class ErrorBody(BaseModel):
    error: ErrorDetail


class DocumentSummary(BaseModel):
    doc_id: str
    source: str
    title: str | None = None
    doc_type: str | None = None
    number: str | None = None
    date: str | None = None
    issuer: str | None = None
    signer_name: str | None = None
    signer_position: str | None = None
    references: list[DocumentReference] = Field(default_factory=list)
    chunk_count: int


class DocumentList(BaseModel):
    index_version: str
    documents: list[DocumentSummary]


class DocumentDetail(DocumentSummary):
    characters: int
    metadata: DocumentMetadata
    sections: SectionNode | None = None


JobStatus = Literal["queued", "running", "done", "failed", "cancelled"]
JobAction = Literal["add", "replace", "delete"]


class IngestJob(BaseModel):
    """A document change being applied to the index in the background."""

    job_id: str
    action: JobAction
    status: JobStatus
    source: str
    doc_id: str
    message: str | None = None
    index_version: str | None = None
    submitted_at: datetime
    finished_at: datetime | None = None
