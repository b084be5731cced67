"""The loudspeaker bulletin: the script around the talking points, and real audio from espeak-ng."""

from __future__ import annotations

import shutil
import wave
from pathlib import Path

import numpy as np
import pytest
from fastapi.testclient import TestClient

from hoidap.channels.bulletin import bulletin_script, synthesize
from hoidap.propaganda.points import PointCitation, TalkingPoint, TalkingPoints


def _points() -> TalkingPoints:
    citation = PointCitation(
        doc_id="d1",
        source="001.txt",
        doc_title="Kế hoạch thực hiện Nghị quyết số 72-NQ/TW",
        doc_number="30-KH/ĐU",
        section="II",
        quote="…",
        start=0,
        end=1,
    )
    return TalkingPoints(
        topic="bảo hiểm y tế",
        points=[
            TalkingPoint(
                text="Đến năm 2030 tỷ lệ bao phủ BHYT đạt 98% trở lên.", kind="target", citations=[citation]
            ),
            TalkingPoint(text="Tăng tỷ lệ KCB tại trạm y tế.", kind="task", citations=[citation]),
        ],
    )


def test_bulletin_script_reads_the_points_only() -> None:
    lines = bulletin_script(_points())
    assert lines[0].startswith("Kính thưa bà con") and lines[0].endswith("về bảo hiểm y tế.")
    assert lines[1] == (
        "Thứ nhất, đến năm hai nghìn không trăm ba mươi tỷ lệ bao phủ bảo hiểm y tế đạt "
        "chín mươi tám phần trăm trở lên."
    )
    assert lines[2] == "Thứ hai, tăng tỷ lệ khám chữa bệnh tại trạm y tế."
    assert lines[3] == (
        "Nội dung trên được trích từ Kế hoạch thực hiện Nghị quyết số bảy mươi hai của Trung ương "
        "số ba mươi của Đảng ủy."
    )
    assert lines[-1] == "Xin cảm ơn bà con đã lắng nghe."
    assert not any(ch.isdigit() for line in lines for ch in line)


def test_audio_is_speech_of_a_plausible_length(tmp_path: Path) -> None:
    if shutil.which("espeak-ng") is None:
        pytest.fail("espeak-ng is missing: apt-get install -y espeak-ng (scripts/setup.sh does it as root)")
    text = "\n".join(bulletin_script(_points()))
    out = synthesize(text, tmp_path / "bantin.wav")
    with wave.open(str(out)) as audio:
        rate, frames, width = audio.getframerate(), audio.getnframes(), audio.getsampwidth()
        samples = np.frombuffer(audio.readframes(frames), dtype=np.int16 if width == 2 else np.uint8)
    seconds = frames / rate
    # About 60 spoken words at 140 words a minute: well over ten seconds, well under two minutes.
    assert 10 < seconds < 120, seconds
    rms = float(np.sqrt(np.mean(samples.astype(np.float64) ** 2)))
    assert rms > 300, rms  # not silence


def test_bulletin_endpoint(channel_client: TestClient) -> None:
    response = channel_client.post("/v1/bulletin", json={"topic": "bảo hiểm y tế", "max_points": 2})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "audio/wav" and response.content[:4] == b"RIFF"
    assert response.content[8:12] == b"WAVE" and len(response.content) > 100_000
    missing = channel_client.post("/v1/bulletin", json={"topic": "giá vé máy bay quốc tế"})
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "topic_not_covered"
    assert channel_client.post("/v1/bulletin", json={"topic": "x", "extra": 1}).status_code == 422
