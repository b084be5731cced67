"""GET /healthz (contract) and GET /metrics (Prometheus text format)."""

from __future__ import annotations

import os

from fastapi import APIRouter, Response

from hoidap.api.deps import ContextDep, MetricsDep, ServingDep
from hoidap.api.metrics import CONTENT_TYPE
from hoidap.api.models import HealthStatus
from hoidap.api.routes.responses import errors

router = APIRouter(tags=["vận hành"])


@router.get("/healthz", response_model=HealthStatus, responses=errors(503))
def healthz(serving: ServingDep) -> HealthStatus:
    """200 khi chỉ mục đã nạp; 503 trước đó."""
    counts = serving.chunk_counts
    return HealthStatus(documents=len(serving.service.documents()), chunks=sum(counts.values()), index_version=serving.version,
        worker_pid=os.getpid(),
    )


@router.get("/metrics", response_class=Response, responses={200: {"content": {CONTENT_TYPE: {}}}})
def metrics(context: ContextDep, metrics: MetricsDep) -> Response:
    """Số liệu Prometheus: yêu cầu và độ trễ theo route, câu trả lời, từ chối, phản hồi."""
    current = context.holder.current
    if current is not None:
        metrics.documents.set(len(current.service.documents()))
        metrics.chunks.set(sum(current.chunk_counts.values()))
    return Response(metrics.render(), media_type=CONTENT_TYPE)
