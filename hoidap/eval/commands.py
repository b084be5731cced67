"""`hoidap eval`: score hoidap (and baselines) on a gold file; write metrics, a report and plots.

Exit codes: 0 all good; 1 a ``--min``/``--max`` threshold failed or named an unknown metric;
2 the run could not start (gold file, corpus, API, embedder).
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from hoidap.eval.thresholds import Threshold, check_thresholds, parse_threshold
from hoidap.settings import Settings

console = Console()
err_console = Console(stderr=True)


class BaselineChoice(StrEnum):
    langchain = "langchain"
    bm25 = "bm25"
    hoidap_retriever = "hoidap-retriever"


def _fail(message: str, code: int = 2) -> None:
    # Messages may hold brackets ("hoidap[eval]", file names): never read as markup.
    err_console.print(f"[bold red]Lỗi:[/] {escape(message)}", highlight=False)
    raise typer.Exit(code)


def _thresholds(minimum: list[str], maximum: list[str]) -> list[Threshold]:
    try:
        return [parse_threshold(t, "min") for t in minimum] + [parse_threshold(t, "max") for t in maximum]
    except ValueError as error:
        _fail(str(error))
        raise  # unreachable


def _summary(metrics: dict[str, float], systems: list[str]) -> Table:
    table = Table(title="Kết quả chính (correct / all key facts / evidence@1)", title_justify="left")
    table.add_column("system")
    for variant in ("accented", "unaccented"):
        table.add_column(variant, justify="right")
    for system in systems:
        cells = []
        for variant in ("accented", "unaccented"):
            values = [metrics.get(f"{system}.{variant}.{name}") for name in ("correct", "all_key_facts", "evidence_at_1")]
            cells.append(" / ".join("—" if v is None else f"{v:.3f}" for v in values))
        table.add_row(system, *cells)
    return table


def eval_command(
    gold: Annotated[Path, typer.Option(help="Tệp gold JSONL (id, question, question_nodiac, answerable, …)")] = Path(
        "data/eval/dev.jsonl"
    ),
    api: Annotated[
        str | None, typer.Option(help="Địa chỉ API đang chạy, ví dụ http://127.0.0.1:8000 (mặc định: chạy trong tiến trình)")
    ] = None,
    baseline: Annotated[
        list[BaselineChoice] | None, typer.Option(help="Hệ so sánh, lặp lại được: langchain, bm25, hoidap-retriever")
    ] = None,
    out: Annotated[Path | None, typer.Option(help="Thư mục kết quả (mặc định reports/eval-<ngày>/)")] = None,
    minimum: Annotated[
        list[str] | None, typer.Option("--min", help="Ngưỡng tối thiểu KHÓA=GIÁ_TRỊ, ví dụ hoidap.accented.correct=0.75")
    ] = None,
    maximum: Annotated[
        list[str] | None, typer.Option("--max", help="Ngưỡng tối đa KHÓA=GIÁ_TRỊ, ví dụ hoidap.accented.latency_p95_ms=800")
    ] = None,
    limit: Annotated[int | None, typer.Option(min=1, help="Chỉ chạy N câu hỏi đầu (chạy nhanh)")] = None,
    top_k: Annotated[int, typer.Option("--top-k", min=1, max=20, help="Số trích dẫn mỗi câu hỏi (MRR@10 cần 10)")] = 10,
    corpus: Annotated[Path | None, typer.Option(help="Thư mục văn bản (mặc định HOIDAP_CORPUS_DIR hoặc data/corpus)")] = None,
    data_dir: Annotated[
        Path | None, typer.Option(help="Nơi lưu chỉ mục và bộ đệm vector của lần đánh giá (mặc định <HOIDAP_DATA_DIR>/eval)")
    ] = None,
) -> None:
    """Score answers against a gold set, in both accented and unaccented form, beside baselines."""
    # Imported here: the harness pulls in LangChain and matplotlib, which the other commands never need.
    from hoidap.eval.corpus import CorpusUnavailable
    from hoidap.eval.gold import load_gold
    from hoidap.eval.harness import EvalOptions, run_eval
    from hoidap.eval.outputs import write_results
    from hoidap.eval.report import render_report
    from hoidap.eval.systems import ApiUnavailable
    from hoidap.index.embedder import EmbedderUnavailable
    from hoidap.optional import MissingExtra

    thresholds = _thresholds(minimum or [], maximum or [])
    if not gold.is_file():
        _fail(f"Không tìm thấy tệp gold {gold}. Hãy chỉ đúng tệp bằng --gold.")
    try:
        gold_answers = {q.id: q.answer for q in load_gold(gold)}
    except ValueError as error:
        _fail(str(error))
        return
    settings = Settings()
    options = EvalOptions(
        gold=gold,
        corpus=corpus or settings.corpus_dir,
        data_dir=data_dir or settings.data_dir / "eval",
        api=api,
        baselines=[b.value for b in baseline or []],
        top_k=top_k,
        limit=limit,
    )
    out = out or Path("reports") / f"eval-{date.today().isoformat()}"

    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
    ) as progress:
        task = progress.add_task("Đang chuẩn bị (chỉ mục, hệ so sánh)", total=None)

        def on_progress(label: str, done: int, total: int) -> None:
            progress.update(task, description=f"Đang hỏi: {label}", completed=done, total=total)

        try:
            result = run_eval(options, progress=on_progress)
        except (CorpusUnavailable, ApiUnavailable, EmbedderUnavailable, MissingExtra) as error:
            _fail(str(error))
            return

    write_results(result, out)
    systems = [s.name for s in result.run.systems]
    try:
        from hoidap.eval.plots import write_plots  # matplotlib comes with the eval extra

        plots = write_plots(result.metrics, systems, out)
    except ImportError:
        plots = []
        err_console.print("Không vẽ biểu đồ: cần matplotlib (pip install 'hoidap[eval]').", highlight=False)
    (out / "report.md").write_text(
        render_report(result, [p.name for p in plots], gold_answers), encoding="utf-8"
    )
    console.print(_summary(result.metrics, systems))
    console.print(
        f"{result.run.questions} câu hỏi × 2 dạng, {result.run.seconds:.0f} s. Báo cáo: {out / 'report.md'} "
        f"· chỉ số: {out / 'metrics.json'}",
        highlight=False,
    )
    report = check_thresholds(result.metrics, thresholds)
    for line in report.unknown:
        err_console.print(f"[bold red]✗[/] {line}", highlight=False)
    for line in report.failed:
        err_console.print(f"[bold red]✗[/] {line}", highlight=False)
    if not report.ok:
        err_console.print(
            f"[bold red]Không đạt ngưỡng chất lượng[/] ({len(report.failed)} chỉ số ngoài ngưỡng, "
            f"{len(report.unknown)} khóa không tồn tại). Xem {out / 'report.md'}.",
            highlight=False,
        )
        raise typer.Exit(1)
    if thresholds:
        console.print(f"[green]✓[/] Đạt cả {len(thresholds)} ngưỡng.", highlight=False)
