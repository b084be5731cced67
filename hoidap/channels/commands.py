"""CLI commands of the ward's channels: ``hoidap qr`` and ``hoidap bulletin``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from hoidap.channels.links import PublicUrlMissing, document_url, question_url
from hoidap.channels.qr import MAX_SCALE, qr_png
from hoidap.index.store import IndexNotReady, IndexStore
from hoidap.optional import MissingExtra
from hoidap.settings import Settings


def _fail(message: str) -> None:
    typer.echo(f"Lỗi: {message}", err=True)
    raise typer.Exit(2)


def qr(
    out: Annotated[Path, typer.Option("--out", "-o", help="Tệp PNG sẽ ghi")],
    doc: Annotated[
        str | None, typer.Option("--doc", help="Mã văn bản: mã QR mở trang in của văn bản")
    ] = None,
    question: Annotated[
        str | None,
        typer.Option("--question", "-q", help="Câu hỏi gợi ý: mã QR mở trang hỏi đáp, điền sẵn câu hỏi"),
    ] = None,
    scale: Annotated[int, typer.Option("--scale", min=1, max=MAX_SCALE, help="Điểm ảnh mỗi ô")] = 10,
) -> None:
    """Write a QR code (PNG) for a document page or a suggested question, using HOIDAP_PUBLIC_BASE_URL."""
    if (doc is None) == (question is None):
        _fail('Cần đúng một trong hai: --doc <mã văn bản> hoặc --question "câu hỏi".')
    settings = Settings()
    try:
        if doc is not None:
            try:
                documents = IndexStore(settings.index_root).load().documents
            except IndexNotReady as error:
                _fail(str(error))
                return
            if doc not in documents:
                _fail(f"Không có văn bản mã “{doc}”. Các mã hiện có: {', '.join(sorted(documents))}")
            url = document_url(settings.public_base_url, doc)
        else:
            assert question is not None
            if not question.strip():
                _fail("Câu hỏi gợi ý không được để trống.")
            url = question_url(settings.public_base_url, question)
    except (PublicUrlMissing, ValueError) as error:
        _fail(str(error))
        return
    try:
        out.write_bytes(qr_png(url, scale))
    except MissingExtra as error:
        _fail(str(error))
    typer.echo(f"Đã ghi {out} — mã QR mở: {url}")


def bulletin(
    topic: Annotated[str, typer.Argument(help='Chủ đề, ví dụ "bảo hiểm y tế"')],
    out: Annotated[
        Path,
        typer.Option("--out", "-o", help="Tệp âm thanh sẽ ghi: .wav hoặc .mp3 (bản chữ ghi cạnh, đuôi .txt)"),
    ],
    max_points: Annotated[int, typer.Option("--max", min=1, max=7, help="Số điểm tối đa")] = 5,
    speed: Annotated[int, typer.Option("--speed", min=80, max=260, help="Tốc độ đọc (từ/phút)")] = 140,
    audio_format: Annotated[
        str | None, typer.Option("--format", help="wav hoặc mp3 (mặc định: theo đuôi tệp --out)")
    ] = None,
) -> None:
    """A spoken bulletin for the ward loudspeakers from the talking points on a topic (WAV or MP3 + transcript)."""
    from hoidap.channels.bulletin import (
        Mp3EncoderMissing,
        SpeechEngineMissing,
        audio_format_for,
        bulletin_script,
        write_audio,
    )
    from hoidap.index.embedder import EmbedderUnavailable
    from hoidap.propaganda.issuers import issuers_for
    from hoidap.propaganda.service import propaganda_for
    from hoidap.qa.service import QAService, QuestionRejected

    try:
        fmt = audio_format_for(out, audio_format)
    except ValueError as error:
        _fail(str(error))
        return
    try:
        propaganda = propaganda_for(QAService.from_settings(Settings()))
        points = propaganda.talking_points(topic, max_points)
    except (IndexNotReady, EmbedderUnavailable) as error:
        _fail(str(error))
        return
    except QuestionRejected as error:
        _fail(error.message)
        return
    if not points.points:
        _fail(points.message or f"Văn bản chưa có nội dung về “{topic}”.")
    transcript = "\n".join(bulletin_script(points, issuers_for(propaganda))) + "\n"
    try:
        write_audio(transcript, out, speed, fmt)
    except (SpeechEngineMissing, Mp3EncoderMissing) as error:
        _fail(error.message)
    out.with_suffix(".txt").write_text(transcript, encoding="utf-8")
    typer.echo(f"Đã ghi {out} ({fmt.upper()}) và bản chữ {out.with_suffix('.txt')}")
