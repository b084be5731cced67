"""`hoidap eval-claims`: claim-check accuracy per verdict and form from any claims file.

Exit codes: 0 all good; 1 an accuracy under ``--min``; 2 the run could not start (claims file,
corpus, embedder).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from hoidap.settings import Settings

console = Console()
err_console = Console(stderr=True)


def eval_claims_command(
    claims: Annotated[Path, typer.Option(help="Tệp nhận định JSONL (claim, label hoặc verdict, claim_nodiac tùy chọn)")],
    out: Annotated[Path, typer.Option(help="Thư mục ghi metrics.json, misses.json, report.md")] = Path("reports/claims"),
    corpus: Annotated[
        Path | None, typer.Option(help="Thư mục văn bản để lập chỉ mục (mặc định: dùng chỉ mục sẵn có, nếu chưa có thì data/corpus)")
    ] = None,
    data_dir: Annotated[
        Path | None,
        typer.Option(help="Nơi lưu chỉ mục của lần đánh giá (mặc định <HOIDAP_DATA_DIR>; với --corpus: <HOIDAP_DATA_DIR>/eval, "
                     "chỉ mục và bộ đệm vector mà `hoidap eval` dựng)"),
    ] = None,
    minimum: Annotated[
        float | None, typer.Option("--min", help="Ngưỡng độ chính xác cho từng loại kết luận và từng dạng (có dấu / không dấu)")
    ] = None,
) -> None:
    """Check every claim of a file (accented and unaccented) and report accuracy per verdict.

    With ``--corpus`` the index lives where ``hoidap eval`` builds its own (``<HOIDAP_DATA_DIR>/eval``)
    and passage vectors come from its vector cache: run after ``hoidap eval`` on the same corpus
    (the law gate), nothing is embedded again and the claims cost seconds.
    """
    from hoidap.eval.claims import (
        ClaimsFileError,
        below_floor,
        evaluate_claim_file,
        load_claim_rows,
        render_markdown,
        write_report,
    )

    try:
        rows = load_claim_rows(claims)
    except ClaimsFileError as error:
        _fail(str(error))
        return
    service = _propaganda_service(corpus, data_dir)
    metrics, misses = evaluate_claim_file(service.checker.check, rows)
    write_report(out, metrics, misses, f"Claim checking — {claims.name}")
    console.print(render_markdown(metrics, f"Claim checking — {claims.name}"), highlight=False)
    if minimum is not None:
        failed = below_floor(metrics, minimum)
        if failed:
            err_console.print(f"[bold red]Dưới ngưỡng {minimum}:[/] " + ", ".join(failed), highlight=False)
            raise typer.Exit(1)


def eval_points_command(
    topics: Annotated[Path, typer.Option(help="Tệp chủ đề JSONL (topic, key_facts, covered)")] = Path("data/eval/topics_dev.jsonl"),
    out: Annotated[Path, typer.Option(help="Thư mục ghi metrics.json, report.md")] = Path("reports/points"),
    corpus: Annotated[Path | None, typer.Option(help="Thư mục văn bản để lập chỉ mục (mặc định: chỉ mục sẵn có)")] = None,
    data_dir: Annotated[Path | None, typer.Option(help="Nơi lưu chỉ mục (mặc định <HOIDAP_DATA_DIR>)")] = None,
    minimum: Annotated[float | None, typer.Option("--min", help="Ngưỡng tỷ lệ ý chính có trong các điểm tuyên truyền")] = None,
) -> None:
    """Talking points on every topic of a file: share of the key facts they carry."""
    import json

    from hoidap.eval.points import evaluate_points, load_topics

    if not topics.is_file():
        _fail(f"Không tìm thấy tệp chủ đề {topics}.")
    try:
        rows = load_topics(topics)
    except (ValueError, KeyError) as error:
        _fail(f"Tệp chủ đề {topics} không đọc được: {error}.")
        return
    service = _propaganda_service(corpus, data_dir)
    metrics, details = evaluate_points(service.talking_points, rows)
    out.mkdir(parents=True, exist_ok=True)
    (out / "metrics.json").write_text(json.dumps(metrics, indent=2) + "\n", encoding="utf-8")
    lines = ["# Talking points — " + topics.name, "", f"Key facts carried: {metrics['key_fact_coverage']:.2f}"
             f" of {metrics['n_key_facts']:.0f}; uncovered topics left empty: {metrics['uncovered_empty']:.2f}", "",
             "| topic | points | missing |", "|---|---:|---|"]
    for row in details:
        lines.append(f"| {row['topic']} | {row['points']} | {', '.join(row.get('missing', [])) or '—'} |")
    (out / "report.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    console.print("\n".join(lines), highlight=False)
    if minimum is not None and (metrics["key_fact_coverage"] < minimum or metrics["uncovered_empty"] < 1):
        err_console.print(f"[bold red]Dưới ngưỡng {minimum}[/]", highlight=False)
        raise typer.Exit(1)


def _propaganda_service(corpus: Path | None, data_dir: Path | None):  # type: ignore[no-untyped-def]
    """The PropagandaService over the index of ``data_dir`` (built from ``corpus`` when asked, or
    from the bundled corpus when there is none yet); exit 2 with a Vietnamese message otherwise."""
    from hoidap.eval.vector_cache import CachedEmbedder
    from hoidap.index.embedder import EmbedderUnavailable, embedder_from_settings
    from hoidap.index.store import IndexNotReady, IndexStore
    from hoidap.ingest.pipeline import Ingestor
    from hoidap.propaganda.service import PropagandaService
    from hoidap.qa.service import QAService

    settings = Settings()
    if data_dir is None and corpus is not None:
        data_dir = settings.data_dir / "eval"  # where `hoidap eval` indexes a corpus and caches its vectors
    if data_dir is not None:
        settings = settings.model_copy(update={"data_dir": data_dir})
    try:
        embedder = embedder_from_settings(settings)
        if corpus is not None:
            embedder = CachedEmbedder(embedder, settings.data_dir / "embedding-cache")
        store = IndexStore(settings.index_root)
        if corpus is not None or not store.exists():
            source = corpus or settings.corpus_dir
            if not source.exists():
                _fail(f"Không tìm thấy thư mục văn bản {source}. Hãy chỉ đúng thư mục bằng --corpus.")
            err_console.print(f"Đang lập chỉ mục {source} (chỉ các tệp mới hoặc đã đổi)…", highlight=False)
            report = Ingestor.from_settings(settings, store, embedder).ingest([source], prune=True, max_file_bytes=settings.max_file_bytes)
            if report.failed:
                _fail("Không lập được chỉ mục: " + "; ".join(reason for _, reason in report.failed))
        return PropagandaService(QAService.from_settings(settings, embedder=embedder))
    except (IndexNotReady, EmbedderUnavailable) as error:
        _fail(str(error))
        raise  # unreachable


def _fail(message: str, code: int = 2) -> None:
    err_console.print(f"[bold red]Lỗi:[/] {message}", highlight=False)
    raise typer.Exit(code)
