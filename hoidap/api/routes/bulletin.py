"""``POST /v1/bulletin``: the loudspeaker bulletin on a topic as a WAV file, or MP3 when asked
(``"format": "mp3"`` in the body, or ``Accept: audio/mpeg``)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from fastapi import APIRouter, Header
from fastapi.responses import Response
from pydantic import Field

from hoidap.api.deps import ServingDep
from hoidap.api.errors import ApiError, check_question
from hoidap.api.models import StrictRequest, WholeNumber, question_schema
from hoidap.api.routes.responses import errors
from hoidap.channels.bulletin import (
    MEDIA_TYPES,
    AudioFormat,
    Mp3EncoderMissing,
    SpeechEngineMissing,
    bulletin_script,
    write_audio,
)
from hoidap.propaganda.issuers import issuers_for
from hoidap.propaganda.points import MAX_POINTS
from hoidap.propaganda.service import propaganda_for

router = APIRouter(prefix="/v1", tags=["kênh phường"])


class BulletinRequest(StrictRequest):
    topic: str = Field(
        description="Chủ đề, có dấu hoặc không dấu.", examples=["bảo hiểm y tế"], json_schema_extra=question_schema("topic")
    )
    max_points: WholeNumber = Field(default=5, ge=1, le=MAX_POINTS, description="Số điểm tối đa.")
    speed: WholeNumber = Field(default=140, ge=80, le=260, description="Tốc độ đọc (từ/phút).")
    format: AudioFormat | None = Field(
        default=None,
        description="wav hoặc mp3. Mặc định theo tiêu đề Accept (audio/mpeg → mp3), không có thì wav.",
    )


def _requested_format(body: BulletinRequest, accept: str | None) -> AudioFormat:
    """The body's ``format``, else whichever of audio/mpeg and audio/wav the Accept header lists first."""
    if body.format is not None:
        return body.format
    for media_range in (accept or "").lower().split(","):
        media_type = media_range.split(";")[0].strip()
        if media_type in ("audio/mpeg", "audio/mp3"):
            return "mp3"
        if media_type in ("audio/wav", "audio/x-wav", "audio/wave"):
            return "wav"
    return "wav"


@router.post(
    "/bulletin",
    response_class=Response,
    responses={
        200: {"content": {"audio/wav": {}, "audio/mpeg": {}}, "description": "Bản tin (WAV hoặc MP3)"},
        **errors(400, 403, 404, 413, 422, 429, 503),
    },
)
def bulletin(
    body: BulletinRequest, serving: ServingDep, accept: str | None = Header(default=None)
) -> Response:
    """Bản tin phát trên loa truyền thanh phường: các điểm tuyên truyền đọc thành tiếng (giọng tiếng Việt).

    WAV mặc định; MP3 khi gửi ``"format": "mp3"`` hoặc tiêu đề ``Accept: audio/mpeg``."""
    topic = check_question(body.topic, "topic", code="topic_invalid")
    fmt = _requested_format(body, accept)
    propaganda = propaganda_for(serving.service)
    points = propaganda.talking_points(topic, body.max_points)
    if not points.points:
        raise ApiError(404, "topic_not_covered", points.message or f"Văn bản chưa có nội dung về “{topic}”.")
    script = "\n".join(bulletin_script(points, issuers_for(propaganda)))
    with tempfile.TemporaryDirectory(prefix="hoidap-bulletin-") as directory:
        try:
            audio = write_audio(script, Path(directory) / f"bantin.{fmt}", body.speed, fmt)
        except SpeechEngineMissing as error:
            raise ApiError(403, "bulletin_disabled", error.message) from error
        except Mp3EncoderMissing as error:
            raise ApiError(403, "bulletin_mp3_disabled", error.message) from error
        data = audio.read_bytes()
    return Response(
        data,
        media_type=MEDIA_TYPES[fmt],
        headers={"Content-Disposition": f'attachment; filename="bantin.{fmt}"'},
    )
