"""The loudspeaker bulletin: talking points turned into a short spoken script, then into a WAV file.

The script only re-reads the talking points (quoted from the documents) between an opening and a
closing line naming the documents; the speech normaliser writes numbers, dates, document numbers
and abbreviations as they are read. Speech comes from Debian's ``espeak-ng`` with its Vietnamese
voice (offline; ``apt-get install espeak-ng``).
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from hoidap.channels.speech import speech_text
from hoidap.propaganda.points import TalkingPoints

_ORDINALS = ["Thứ nhất", "Thứ hai", "Thứ ba", "Thứ tư", "Thứ năm", "Thứ sáu", "Thứ bảy"]


class SpeechEngineMissing(RuntimeError):
    message = (
        "Chưa cài bộ đọc tiếng Việt espeak-ng. Quản trị viên hãy chạy: sudo apt-get install -y espeak-ng"
    )

    def __init__(self) -> None:
        super().__init__(self.message)


def bulletin_script(points: TalkingPoints) -> list[str]:
    """The lines to read: opening, one line per point, closing with the documents' names."""
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
            name = citation.doc_title + (f" số {citation.doc_number}" if citation.doc_number else "")
            if name not in documents:
                documents.append(name)
    if documents:
        lines.append("Nội dung trên được trích từ " + "; ".join(documents) + ".")
    lines.append("Xin cảm ơn bà con đã lắng nghe.")
    return [speech_text(line) for line in lines]


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
