"""The loudspeaker bulletin: the script around the talking points, and real audio from espeak-ng."""

from __future__ import annotations

import shutil
import sys
import wave
from pathlib import Path

import numpy as np
import pytest
from fastapi.testclient import TestClient

from hoidap.channels.bulletin import (
    Mp3EncoderMissing,
    audio_format_for,
    bulletin_script,
    synthesize,
    wav_to_mp3,
    write_audio,
)
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


def test_bulletin_script_names_the_issuers_the_corpus_states() -> None:
    issuers = {"72-nq/tw": "Bộ Chính trị", "30-kh/du": "Ban Thường vụ Đảng ủy phường"}
    lines = bulletin_script(_points(), issuers)
    assert lines[3] == (
        "Nội dung trên được trích từ Kế hoạch thực hiện Nghị quyết số bảy mươi hai của Bộ Chính trị "
        "số ba mươi của Ban Thường vụ Đảng ủy phường."
    )


def _require_espeak() -> None:
    if shutil.which("espeak-ng") is None:
        pytest.fail("espeak-ng is missing: apt-get install -y espeak-ng (scripts/setup.sh does it as root)")


def _wav_seconds_and_rms(path: Path) -> tuple[float, float]:
    with wave.open(str(path)) as audio:
        rate, frames, width = audio.getframerate(), audio.getnframes(), audio.getsampwidth()
        samples = np.frombuffer(audio.readframes(frames), dtype=np.int16 if width == 2 else np.uint8)
    return frames / rate, float(np.sqrt(np.mean(samples.astype(np.float64) ** 2)))


# MPEG audio frame headers (Layer III): kbit/s by bitrate index, Hz by sample-rate index.
_MP3_BITRATES = {
    3: [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320],  # MPEG-1
    2: [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],  # MPEG-2
    0: [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],  # MPEG-2.5
}
_MP3_RATES = {3: [44100, 48000, 32000], 2: [22050, 24000, 16000], 0: [11025, 12000, 8000]}


def _mp3_seconds(data: bytes) -> tuple[float, int, set[int]]:
    """Walk the MP3's frame headers: (duration, frames, sample rates seen). No decoder needed."""
    position = 0
    if data[:3] == b"ID3":
        position = 10 + sum((byte & 0x7F) << (7 * (3 - i)) for i, byte in enumerate(data[6:10]))
    samples = frames = 0
    rates: set[int] = set()
    while position + 4 <= len(data):
        header = int.from_bytes(data[position : position + 4], "big")
        assert header >> 21 == 0x7FF, f"lost frame sync at byte {position}"
        version, layer = (header >> 19) & 3, (header >> 17) & 3
        assert layer == 1 and version != 1, "not MPEG Layer III"
        bitrate = _MP3_BITRATES[version][(header >> 12) & 0xF] * 1000
        rate = _MP3_RATES[version][(header >> 10) & 3]
        padding = (header >> 9) & 1
        per_frame = 1152 if version == 3 else 576
        position += per_frame // 8 * bitrate // rate + padding
        samples += per_frame
        frames += 1
        rates.add(rate)
    assert position == len(data), "truncated last frame"
    return samples / min(rates), frames, rates


def test_audio_is_speech_of_a_plausible_length(tmp_path: Path) -> None:
    _require_espeak()
    text = "\n".join(bulletin_script(_points()))
    out = synthesize(text, tmp_path / "bantin.wav")
    seconds, rms = _wav_seconds_and_rms(out)
    # About 60 spoken words at 140 words a minute: well over ten seconds, well under two minutes.
    assert 10 < seconds < 120, seconds
    assert rms > 300, rms  # not silence


def test_mp3_is_the_same_speech(tmp_path: Path) -> None:
    _require_espeak()
    text = "\n".join(bulletin_script(_points()))
    wav = synthesize(text, tmp_path / "bantin.wav")
    wav_seconds, rms = _wav_seconds_and_rms(wav)
    assert rms > 300, rms  # the WAV it was encoded from is speech, not silence
    mp3 = wav_to_mp3(wav, tmp_path / "bantin.mp3")
    data = mp3.read_bytes()
    assert data[:3] == b"ID3" or (data[0] == 0xFF and data[1] & 0xE0 == 0xE0), data[:4]
    seconds, frames, rates = _mp3_seconds(data)
    with wave.open(str(wav)) as audio:
        assert rates == {audio.getframerate()}  # the WAV's own sample rate, not resampled
    # LAME adds its encoder delay and pads the last frame: a few frames at most (576 samples each)
    assert abs(seconds - wav_seconds) < 0.25, (seconds, wav_seconds)
    assert frames > 100
    # 64 kbit/s: the size follows from the duration (a constant bitrate), far smaller than the WAV
    assert abs(len(data) - seconds * 64_000 / 8) < 2_000, (len(data), seconds)
    assert len(data) < wav.stat().st_size / 4
    # write_audio picks the same path: espeak-ng's WAV, then LAME
    again = write_audio(text, tmp_path / "again.mp3", audio_format="mp3")
    assert abs(_mp3_seconds(again.read_bytes())[0] - seconds) < 0.05


def test_audio_format_from_suffix_or_option() -> None:
    assert audio_format_for(Path("bantin.mp3")) == "mp3"
    assert audio_format_for(Path("bantin.MP3")) == "mp3"
    assert audio_format_for(Path("bantin.wav")) == "wav"
    assert audio_format_for(Path("bantin")) == "wav"
    assert audio_format_for(Path("bantin"), "mp3") == "mp3"
    assert audio_format_for(Path("bantin.wav"), "WAV") == "wav"
    with pytest.raises(ValueError, match="đuôi .wav"):
        audio_format_for(Path("bantin.wav"), "mp3")
    with pytest.raises(ValueError, match="chỉ wav hoặc mp3"):
        audio_format_for(Path("bantin.ogg"), "ogg")


def test_missing_mp3_encoder_says_what_to_install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "lameenc", None)  # import lameenc → ImportError
    with pytest.raises(Mp3EncoderMissing, match="pip install lameenc"):
        write_audio("Xin chào.", tmp_path / "bantin.mp3", audio_format="mp3")
    assert not (tmp_path / "bantin.mp3").exists()


def test_bulletin_endpoint(channel_client: TestClient) -> None:
    response = channel_client.post("/v1/bulletin", json={"topic": "bảo hiểm y tế", "max_points": 2})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "audio/wav" and response.content[:4] == b"RIFF"
    assert response.content[8:12] == b"WAVE" and len(response.content) > 100_000
    assert response.headers["content-disposition"] == 'attachment; filename="bantin.wav"'
    mp3 = channel_client.post(
        "/v1/bulletin", json={"topic": "bảo hiểm y tế", "max_points": 2, "format": "mp3"}
    )
    assert mp3.status_code == 200, mp3.text
    assert mp3.headers["content-type"] == "audio/mpeg" and mp3.content[:2] in (
        b"\xff\xf3",
        b"\xff\xfb",
        b"ID",
    )
    assert mp3.headers["content-disposition"] == 'attachment; filename="bantin.mp3"'
    wav_seconds = (len(response.content) - 44) / (22050 * 2)  # espeak-ng: 16-bit mono 22.05 kHz
    assert abs(_mp3_seconds(mp3.content)[0] - wav_seconds) < 0.5
    accepted = channel_client.post(
        "/v1/bulletin", json={"topic": "bảo hiểm y tế", "max_points": 1}, headers={"Accept": "audio/mpeg"}
    )
    assert accepted.status_code == 200 and accepted.headers["content-type"] == "audio/mpeg"
    preferred = channel_client.post(
        "/v1/bulletin",
        json={"topic": "bảo hiểm y tế", "max_points": 1},
        headers={"Accept": "audio/wav, audio/mpeg"},
    )
    assert preferred.headers["content-type"] == "audio/wav"
    bad = channel_client.post("/v1/bulletin", json={"topic": "bảo hiểm y tế", "format": "ogg"})
    assert bad.status_code == 422 and "error" in bad.json()
    missing = channel_client.post("/v1/bulletin", json={"topic": "giá vé máy bay quốc tế"})
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "topic_not_covered"
    assert channel_client.post("/v1/bulletin", json={"topic": "x", "extra": 1}).status_code == 422
