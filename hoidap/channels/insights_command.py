"""``hoidap insights``: what people asked in a period, for officers (Markdown, HTML or JSON)."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from hoidap.channels.insights import insights_for, insights_period
from hoidap.channels.insights_page import render_html, render_markdown
from hoidap.index.embedder import EmbedderUnavailable
from hoidap.index.store import IndexNotReady
from hoidap.qa.service import QAService
from hoidap.records import open_records
from hoidap.settings import Settings


class InsightsFormat(StrEnum):
    markdown = "markdown"
    html = "html"
    json = "json"


def insights(
    since: Annotated[
        str | None, typer.Option("--since", help="Từ: 7d, 24h, 2w hoặc ngày 2026-11-16 (mặc định 7d)")
    ] = None,
    until: Annotated[str | None, typer.Option("--until", help="Đến (mặc định: bây giờ)")] = None,
    output_format: Annotated[
        InsightsFormat, typer.Option("--format", help="markdown, html hoặc json")
    ] = InsightsFormat.markdown,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Ghi ra tệp thay vì màn hình")] = None,
    by_meaning: Annotated[
        bool,
        typer.Option(
            "--by-meaning/--by-words",
            help="Gom câu chưa trả lời được theo nghĩa (nạp mô hình) hoặc chỉ theo từ chung",
        ),
    ] = True,
) -> None:
    """What people asked: topics by cited section, unanswered questions grouped, answers marked 👎."""
    settings = Settings()
    try:
        start, end = insights_period(since or settings.insights_since, until)
    except ValueError as error:
        typer.echo(f"Lỗi: {error}", err=True)
        raise typer.Exit(2) from None
    service = None
    if by_meaning:
        try:
            service = QAService.from_settings(settings)
        except (IndexNotReady, EmbedderUnavailable) as error:
            typer.echo(f"Lưu ý: gom câu hỏi chỉ theo từ chung ({error})", err=True)
    records = open_records(settings)
    try:
        result = insights_for(records, settings, start, end, service)
    finally:
        records.close()
    if output_format is InsightsFormat.json:
        text = result.model_dump_json(indent=2) + "\n"
    elif output_format is InsightsFormat.html:
        text = render_html(result)
    else:
        text = render_markdown(result)
    if out is None:
        sys.stdout.write(text)
    else:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text, encoding="utf-8")
        typer.echo(f"Đã ghi {out}", err=True)
