"""`hoidap points`, `hoidap targets`, `hoidap check`: the propaganda tools on the command line."""

from __future__ import annotations

import csv
import sys
from enum import StrEnum
from typing import Annotated

import typer
from rich.console import Console

from hoidap.settings import Settings

console = Console()
err_console = Console(stderr=True)

CSV_COLUMNS = [
    "kind", "metric", "topic", "display", "comparator", "value", "unit", "value_text", "year", "period",
    "scope", "doc_number", "doc_title", "source", "section", "quote", "group_key",
]  # fmt: skip
_VERDICT_LABELS = {
    "supported": "ĐÚNG — văn bản có nêu",
    "contradicted": "SAI — văn bản ghi khác",
    "not_found": "KHÔNG CÓ — văn bản không đề cập",
}


class PointsFormat(StrEnum):
    text = "text"
    markdown = "markdown"
    json = "json"


def _propaganda():  # type: ignore[no-untyped-def]
    """The PropagandaService of the current index, or a Vietnamese error and exit code 2."""
    from hoidap.index.embedder import EmbedderUnavailable
    from hoidap.index.store import IndexNotReady
    from hoidap.propaganda.service import propaganda_for
    from hoidap.qa.service import QAService

    try:
        return propaganda_for(QAService.from_settings(Settings()))
    except (IndexNotReady, EmbedderUnavailable) as error:
        err_console.print(f"[bold red]Lỗi:[/] {error}", highlight=False)
        raise typer.Exit(2) from error


def _rejected(error: Exception) -> None:
    err_console.print(f"[bold red]Lỗi:[/] {getattr(error, 'message', error)}", highlight=False)
    raise typer.Exit(2)


def points(
    topic: Annotated[str, typer.Argument(help='Chủ đề, có dấu hoặc không dấu, ví dụ "bảo hiểm y tế"')],
    output: Annotated[
        PointsFormat, typer.Option("--format", help="text: để đọc; markdown: để dán lên Zalo; json")
    ] = PointsFormat.text,
    max_points: Annotated[int, typer.Option("--max", min=1, max=7, help="Số điểm tối đa")] = 7,
) -> None:
    """Talking points on a topic, each quoted from the documents with its source."""
    from hoidap.propaganda.points import as_markdown, as_text
    from hoidap.qa.service import QuestionRejected

    service = _propaganda()
    try:
        result = service.talking_points(topic, max_points)
    except QuestionRejected as error:
        _rejected(error)
        return
    if output is PointsFormat.json:
        sys.stdout.write(result.model_dump_json(indent=2) + "\n")
    else:
        sys.stdout.write(
            (as_markdown(result) if output is PointsFormat.markdown else as_text(result)).rstrip() + "\n"
        )
    if not result.points:
        raise typer.Exit(1)


def targets(
    query: Annotated[str | None, typer.Argument(help='Lọc theo từ khóa (tùy chọn), ví dụ "BHYT"')] = None,
    year: Annotated[int | None, typer.Option("--year", help="Chỉ các chỉ tiêu của năm này")] = None,
    as_csv: Annotated[bool, typer.Option("--csv", help="Xuất CSV (UTF-8) ra stdout")] = False,
) -> None:
    """The targets table: every quantified target in the documents, with its verbatim quote."""
    table = _propaganda().target_table(query, year)
    if as_csv:
        writer = csv.DictWriter(
            sys.stdout, fieldnames=CSV_COLUMNS, extrasaction="ignore", lineterminator="\n"
        )
        writer.writeheader()
        for row in table.targets:
            writer.writerow({**row.model_dump(), "group_key": row.group_key})
        return
    if not table.targets:
        console.print("Không có chỉ tiêu nào khớp.", highlight=False)
        raise typer.Exit(1)
    ordered = [r for r in table.targets if r.kind == "quantified"] + [
        r for r in table.targets if r.kind == "goal"
    ]
    for n, row in enumerate(ordered, start=1):
        when = row.period or (str(row.year) if row.year else "—")
        figure = row.display or "(mục tiêu định tính)"
        scope = f" · phạm vi: {row.scope}" if row.scope else ""
        metric = row.metric if len(row.metric) <= 80 else row.metric[:79].rstrip() + "…"
        console.print(f"[bold]{n}. {metric}[/] — {figure} — {when}{scope}", highlight=False)
        number = f" số {row.doc_number}" if row.doc_number else ""
        console.print(f"   {row.doc_title[:90]}{number} · mục {row.section}", style="dim", highlight=False)
        console.print(f"   │ {row.quote}", highlight=False)
    repeated = [k for k, v in table.groups.items() if len(v) > 1]
    if repeated:
        console.print(f"\n{len(repeated)} chỉ tiêu được nêu ở nhiều văn bản (cùng nhóm).", highlight=False)


def check(
    claim: Annotated[str, typer.Argument(help="Nhận định cần đối chiếu với văn bản")],
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Check a claim against the documents: supported, contradicted (with what they state) or not found."""
    from hoidap.qa.service import QuestionRejected

    try:
        result = _propaganda().check(claim)
    except QuestionRejected as error:
        _rejected(error)
        return
    if as_json:
        sys.stdout.write(result.model_dump_json(indent=2) + "\n")
        return
    console.print(f"[bold]{_VERDICT_LABELS[result.verdict]}[/] ({result.verdict})", highlight=False)
    console.print(result.reason, highlight=False)
    for n, passage in enumerate(result.passages, start=1):
        number = f" số {passage.doc_number}" if passage.doc_number else ""
        console.print(f"[bold][{n}][/] {passage.doc_title[:90]}{number}", highlight=False)
        if passage.section:
            console.print(f"    Mục: {passage.section}", style="dim", highlight=False)
        console.print(f"    │ {' '.join(passage.quote.split())}", highlight=False)
