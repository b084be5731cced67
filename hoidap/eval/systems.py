"""The systems an eval run asks: hoidap in-process, or hoidap over HTTP (the /v1/ask contract).

Every system has a ``name`` (the metric key prefix), a ``label`` for the report, says whether
its answers carry ``[n]`` markers, and answers one question at a time with a
:class:`SystemAnswer`. A question that fails is recorded with its error and scored as wrong; the
run goes on, so one bad question does not hide the other 247.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Protocol

from pydantic import ValidationError

from hoidap.eval.records import SystemAnswer
from hoidap.optional import require
from hoidap.qa.schemas import AskResponse
from hoidap.qa.service import QAService, QuestionRejected

if TYPE_CHECKING:
    import httpx


class AnsweringSystem(Protocol):
    name: str
    label: str
    inline_citations: bool

    def answer(self, question: str, top_k: int) -> SystemAnswer: ...


class ApiUnavailable(RuntimeError):
    """The API at ``--api`` cannot be reached or is not ready (message in Vietnamese)."""


def _since(started: float) -> float:
    return (time.perf_counter() - started) * 1000


class InProcessHoidap:
    """``QAService.ask_with_trace``: the answer plus per-stage timings."""

    name = "hoidap"
    label = "hoidap"
    inline_citations = True

    def __init__(self, service: QAService) -> None:
        self.service = service

    def answer(self, question: str, top_k: int) -> SystemAnswer:
        started = time.perf_counter()
        try:
            response, trace = self.service.ask_with_trace(question, top_k=top_k)
        except QuestionRejected as error:
            return SystemAnswer(latency_ms=_since(started), error=f"{error.code}: {error.message}")
        except Exception as error:  # recorded and scored as wrong; see the module docstring
            return SystemAnswer(latency_ms=_since(started), error=f"{type(error).__name__}: {error}")
        return SystemAnswer(response=response, latency_ms=_since(started), timings_ms=dict(trace.timings_ms))


class ApiHoidap:
    """POST ``{base_url}/v1/ask`` per shared/docs/api-contract.md; latency is the HTTP round trip."""

    name = "hoidap"
    inline_citations = True

    def __init__(self, base_url: str, *, timeout_s: float = 60.0, client: httpx.Client | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        self.label = f"hoidap (API {self.base_url})"
        # httpx comes with the api extra; evaluating in-process never needs it.
        self.http = require("httpx", "Đánh giá qua API (--api)")
        self.client = client or self.http.Client(base_url=self.base_url, timeout=timeout_s)

    def check_ready(self) -> dict:
        """``GET /healthz``; raises :class:`ApiUnavailable` unless it answers 200."""
        try:
            reply = self.client.get("/healthz")
        except self.http.HTTPError as error:
            raise ApiUnavailable(
                f"Không kết nối được API tại {self.base_url} ({type(error).__name__}: {error}). "
                "Hãy chạy `hoidap serve` hoặc kiểm tra lại địa chỉ --api."
            ) from error
        if reply.status_code != 200:
            raise ApiUnavailable(
                f"API tại {self.base_url} chưa sẵn sàng (GET /healthz trả về {reply.status_code}). "
                "Hãy chờ chỉ mục nạp xong hoặc chạy `hoidap ingest` trước."
            )
        try:
            return reply.json()
        except ValueError:
            return {}

    def answer(self, question: str, top_k: int) -> SystemAnswer:
        started = time.perf_counter()
        try:
            reply = self.client.post("/v1/ask", json={"question": question, "top_k": top_k})
        except self.http.HTTPError as error:
            return SystemAnswer(latency_ms=_since(started), error=f"{type(error).__name__}: {error}")
        latency = _since(started)
        if reply.status_code != 200:
            return SystemAnswer(latency_ms=latency, error=_error_text(reply))
        try:
            response = AskResponse.model_validate(reply.json())
        except (ValueError, ValidationError) as error:
            return SystemAnswer(latency_ms=latency, error=f"phản hồi không đúng hợp đồng /v1/ask: {error}")
        return SystemAnswer(response=response, latency_ms=latency)

    def close(self) -> None:
        self.client.close()


def _error_text(reply: httpx.Response) -> str:
    """``HTTP 422 question_empty: …`` from the contract's error body, or the status alone."""
    try:
        error = reply.json()["error"]
        return f"HTTP {reply.status_code} {error['code']}: {error['message']}"
    except (ValueError, KeyError, TypeError):
        return f"HTTP {reply.status_code}"
