"""The loudspeaker bulletin: talking points turned into a short spoken script, then into WAV or MP3.

The script only re-reads the talking points (quoted from the documents) between an opening and a
closing line naming the documents; the speech normaliser writes numbers, dates, document numbers
(with the issuer the corpus names: "72-NQ/TW" → "Nghị quyết số 72 của Bộ Chính trị") and
abbreviations as they are read. Speech comes from Debian's ``espeak-ng`` with its Vietnamese voice
(offline; ``apt-get install espeak-ng``); MP3 is encoded from its WAV with LAME (``lameenc``, in
the ``api`` extra): mono, the WAV's sample rate, 64 kbit/s — plenty for speech.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import wave
from collections.abc import Mapping
from pathlib import Path
from types import ModuleType
from typing import Literal

import numpy as np

from hoidap.channels.speech import speech_text
from hoidap.propaganda.points import TalkingPoints

AudioFormat = Literal["wav", "mp3"]
AUDIO_FORMATS: tuple[AudioFormat, ...] = ("wav", "mp3")
MEDIA_TYPES: dict[AudioFormat, str] = {"wav": "audio/wav", "mp3": "audio/mpeg"}
MP3_BITRATE_KBPS = 64

_ORDINALS = ["Thứ nhất", "Thứ hai", "Thứ ba", "Thứ tư", "Thứ năm", "Thứ sáu", "Thứ bảy"]


class SpeechEngineMissing(RuntimeError):
    message = (
        "Chưa cài bộ đọc tiếng Việt espeak-ng. Quản trị viên hãy chạy: sudo apt-get install -y espeak-ng"
    )

    def __init__(self) -> None:
        super().__init__(self.message)


class Mp3EncoderMissing(RuntimeError):
    message = (
        "Chưa cài bộ mã hóa MP3 (lameenc). Quản trị viên hãy chạy: pip install lameenc "
        "(có trong gói hoidap[api]); hoặc ghi bản tin dạng WAV."
    )

    def __init__(self) -> None:
        super().__init__(self.message)


def bulletin_script(points: TalkingPoints, issuers: Mapping[str, str] | None = None) -> list[str]:
    """The lines to read: opening, one line per point, closing with the documents' names.

    ``issuers``: document number key → issuer stated in the corpus
    (:func:`hoidap.propaganda.issuers.issuer_lookup`), so numbers are read with who issued them.
    """
    topic = points.topic.strip()
    lines = [f"Kính thưa bà con nhân dân trong phường. Sau đây là bản tin tuyên truyền về {topic}."]
    documents: list[str] = []
    for n, point in enumerate(points.points):
        ordinal = _ORDINALS[n] if n < len(_ORDINALS) else "Tiếp theo"
        text = point.text.strip().rstrip(".;,:")
        if text[1:2].islower():  # "Đến năm 2030 …" continues the sentence: "Thứ nhất, đến năm 2030 …"
            text = text[:1].lower() + text[1:]
        lines.append(f"{ordinal}, {text}.")
        for citation in point.citations:
            # Read aloud, a title runs to its first clause: the rest lists what the plan implements.
            title = citation.doc_title.split(";")[0].strip()
            name = title + (f" số {citation.doc_number}" if citation.doc_number else "")
            if name not in documents:
                documents.append(name)
    if documents:
        lines.append("Nội dung trên được trích từ " + "; ".join(documents) + ".")
    lines.append("Xin cảm ơn bà con đã lắng nghe.")
    return [speech_text(line, issuers) for line in lines]


def synthesize(text: str, out: Path, speed: int = 140) -> Path:
    """Write ``text`` read by espeak-ng's Vietnamese voice to the WAV file ``out``."""
    engine = shutil.which("espeak-ng")
    if engine is None:
        raise SpeechEngineMissing()
    out.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [engine, "-v", "vi", "-s", str(speed), "-w", str(out), "--stdin"],
        input=text.encode("utf-8"),
        check=True,
        capture_output=True,
        timeout=120,
    )
    return out


def audio_format_for(out: Path, requested: str | None = None) -> AudioFormat:
    """WAV or MP3: ``requested`` if given, else from the suffix (".mp3" → MP3, anything else WAV).

    Raises ValueError when the two disagree ("--format mp3" with "bantin.wav") or the format is unknown.
    """
    suffix = out.suffix.lower().lstrip(".")
    if requested is None:
        return "mp3" if suffix == "mp3" else "wav"
    fmt = requested.lower()
    if fmt not in AUDIO_FORMATS:
        raise ValueError(f"Định dạng “{requested}” không hỗ trợ: chỉ wav hoặc mp3.")
    if suffix in AUDIO_FORMATS and suffix != fmt:
        raise ValueError(f"Tệp {out.name} có đuôi .{suffix} nhưng định dạng yêu cầu là {fmt}.")
    return "mp3" if fmt == "mp3" else "wav"


def _lameenc() -> ModuleType:
    try:
        import lameenc
    except ImportError as error:
        raise Mp3EncoderMissing() from error
    return lameenc


def wav_to_mp3(wav_path: Path, out: Path, bitrate_kbps: int = MP3_BITRATE_KBPS) -> Path:
    """Encode a PCM WAV (espeak-ng's: 16-bit mono) to MP3 at its own sample rate."""
    lameenc = _lameenc()
    with wave.open(str(wav_path)) as audio:
        channels, width, rate = audio.getnchannels(), audio.getsampwidth(), audio.getframerate()
        pcm = audio.readframes(audio.getnframes())
    if width == 1:  # unsigned 8-bit → signed 16-bit
        pcm = ((np.frombuffer(pcm, dtype=np.uint8).astype(np.int16) - 128) << 8).tobytes()
    elif width != 2:
        raise ValueError(f"WAV {width * 8}-bit không hỗ trợ (chỉ 8 hoặc 16 bit).")
    encoder = lameenc.Encoder()
    encoder.set_bit_rate(bitrate_kbps)
    encoder.set_in_sample_rate(rate)
    encoder.set_out_sample_rate(rate)
    encoder.set_channels(channels)
    encoder.set_quality(2)  # 2 = high quality, still fast for a few minutes of speech
    data = bytes(encoder.encode(pcm)) + bytes(encoder.flush())
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(data)
    return out


def write_audio(text: str, out: Path, speed: int = 140, audio_format: AudioFormat = "wav") -> Path:
    """``text`` read aloud into ``out``: espeak-ng's WAV, encoded to MP3 when asked."""
    if audio_format == "wav":
        return synthesize(text, out, speed)
    _lameenc()  # fail before speaking when MP3 cannot be written
    with tempfile.TemporaryDirectory(prefix="hoidap-bulletin-") as directory:
        wav_path = synthesize(text, Path(directory) / "bantin.wav", speed)
        return wav_to_mp3(wav_path, out)
