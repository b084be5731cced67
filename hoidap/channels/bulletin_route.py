"""``POST /v1/bulletin``: the loudspeaker bulletin on a topic as a WAV file."""

from __future__ import annotations

import tempfile
from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import Response
from pydantic import Field

from hoidap.api.deps import ServingDep
from hoidap.api.errors import ApiError, clean_text
from hoidap.api.models import StrictRequest
from hoidap.api.routes.responses import errors
from hoidap.channels.bulletin import SpeechEngineMissing, bulletin_script, synthesize
from hoidap.propaganda.points import MAX_POINTS
from hoidap.propaganda.service import propaganda_for

router = APIRouter(prefix="/v1", tags=["kênh phường"])


class BulletinRequest(StrictRequest):
    topic: str = Field(description="Chủ đề, có dấu hoặc không dấu.", examples=["bảo hiểm y tế"])
    max_points: int = Field(default=5, ge=1, le=MAX_POINTS, description="Số điểm tối đa.")
    speed: int = Field(default=140, ge=80, le=260, description="Tốc độ đọc (từ/phút).")


@router.post(
    "/bulletin",
    response_class=Response,
    responses={
        200: {"content": {"audio/wav": {}}, "description": "Bản tin (WAV)"},
        **errors(403, 404, 413, 422, 429, 503),
    },
)
def bulletin(body: BulletinRequest, serving: ServingDep) -> Response:
    """Bản tin phát trên loa truyền thanh phường: các điểm tuyên truyền đọc thành tiếng (WAV, giọng tiếng Việt)."""
    topic = clean_text(body.topic, "topic", code="topic_invalid")
    points = propaganda_for(serving.service).talking_points(topic, body.max_points)
    if not points.points:
        raise ApiError(404, "topic_not_covered", points.message or f"Văn bản chưa có nội dung về “{topic}”.")
    with tempfile.TemporaryDirectory(prefix="hoidap-bulletin-") as directory:
        try:
            audio = synthesize("\n".join(bulletin_script(points)), Path(directory) / "bantin.wav", body.speed)
        except SpeechEngineMissing as error:
            raise ApiError(403, "bulletin_disabled", error.message) from error
        data = audio.read_bytes()
    return Response(
        data, media_type="audio/wav", headers={"Content-Disposition": 'attachment; filename="bantin.wav"'}
    )
