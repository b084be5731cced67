"""The ``hoidap`` command line: ingest documents, ask questions, search passages."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from hoidap.api.commands import serve
from hoidap.bot.commands import bot_app
from hoidap.channels import commands as channel_commands
from hoidap.channels import insights_command
from hoidap.eval.claims_command import eval_claims_command, eval_points_command
from hoidap.eval.commands import eval_command
from hoidap.index.embedder import EmbedderUnavailable, ingest_embedder_from_settings
from hoidap.index.store import IndexNotReady, open_index_store
from hoidap.ingest.limits import ParseLimits
from hoidap.ingest.pipeline import Ingestor
from hoidap.ingest.progress import EmbeddingProgress, file_line
from hoidap.ingest.sandbox import SandboxLoader
from hoidap.propaganda import commands as propaganda_commands
from hoidap.qa.schemas import AskResponse
from hoidap.qa.service import QAService, QuestionRejected
from hoidap.settings import Settings

app = typer.Typer(help="Hỏi đáp: trả lời câu hỏi từ văn bản chính sách, có trích dẫn.", no_args_is_help=True)
console = Console()
err_console = Console(stderr=True)


def _fail(message: str, code: int = 2) -> None:
    # Messages may hold brackets ("hoidap[eval]", file names): never read as markup.
    err_console.print(f"[bold red]Lỗi:[/] {escape(message)}", highlight=False)
    raise typer.Exit(code)


def _service(settings: Settings) -> QAService:
    try:
        return QAService.from_settings(settings)
    except (IndexNotReady, EmbedderUnavailable) as error:
        _fail(str(error))
        raise  # unreachable, keeps type checkers calm


@app.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Thư mục hoặc tệp văn bản (.txt .md .docx .pdf .html)")],
    prune: Annotated[bool, typer.Option(help="Xóa khỏi chỉ mục các tệp không còn trong đầu vào")] = False,
    rebuild: Annotated[bool, typer.Option(help="Xây lại toàn bộ, nhúng lại mọi đoạn")] = False,
) -> None:
    """Build or update the index (incremental: unchanged files are skipped)."""
    settings = Settings()
    for path in paths:
        if not path.exists():
            _fail(f"Không tìm thấy {path}.")
    try:
        embedder = ingest_embedder_from_settings(settings)
    except EmbedderUnavailable as error:
        _fail(str(error))
        return
    ingestor = Ingestor.from_settings(
        settings,
        open_index_store(settings),
        embedder,
        loader=SandboxLoader(ParseLimits.from_settings(settings)),  # same bounds as uploads
    )
    # A line per file and a running count with the time left, on a terminal or in a log alike.
    def on_file(position: int, total: int, source: str, status: str) -> None:
        err_console.print(file_line(position, total, source, status), highlight=False)

    report = ingestor.ingest(
        paths,
        prune=prune,
        rebuild=rebuild,
        max_file_bytes=settings.max_file_bytes,
        progress=EmbeddingProgress(lambda line: err_console.print(line, highlight=False)),
        on_file=on_file,
    )
    for _source, reason in report.failed:
        err_console.print(f"[red]✗[/] {reason}", highlight=False)
    summary = (
        f"Thêm {len(report.added)}, cập nhật {len(report.updated)}, giữ nguyên {len(report.unchanged)}, "
        f"xóa {len(report.removed)}, lỗi {len(report.failed)}{', xây lại theo quy tắc tách đoạn mới' if report.rebuilt else ''}"
        f" — chỉ mục có {report.documents} văn bản, "
        f"{report.chunks} đoạn (phiên bản {report.index_version})."
    )
    console.print(summary, highlight=False)
    _log_ingest(settings, report.__dict__)
    if report.failed:
        raise typer.Exit(1)


def _log_ingest(settings: Settings, report: dict) -> None:
    settings.log_dir.mkdir(parents=True, exist_ok=True)
    with (settings.log_dir / "ingest.jsonl").open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(report, ensure_ascii=False, default=str) + "\n")


def print_answer(response: AskResponse) -> None:
    console.print(response.answer, highlight=False)
    if not response.citations:
        return
    console.print()
    heading = "Nguồn:" if response.answerable else "Đoạn gần nhất (tham khảo):"
    console.print(f"[bold]{heading}[/]", highlight=False)
    for citation in response.citations:
        number = f" — số {citation.doc_number}" if citation.doc_number else ""
        name = citation.label or f"{citation.title}{number}"
        console.print(f"[bold][{citation.n}][/] {name}", highlight=False)
        console.print(f"    Mục: {citation.section}  ·  Tệp: {citation.source}", highlight=False, style="dim")
        quote = citation.quote if len(citation.quote) <= 700 else citation.quote[:700] + " …"
        for line in quote.splitlines():
            if line.strip():
                console.print(f"    │ {line.strip()}", highlight=False)


@app.command()
def ask(
    question: Annotated[str, typer.Argument(help="Câu hỏi, có dấu hoặc không dấu")],
    top_k: Annotated[int, typer.Option("--top-k", "-k", min=1, max=20)] = 5,
    as_json: Annotated[bool, typer.Option("--json", help="In đúng định dạng phản hồi /v1/ask")] = False,
) -> None:
    """Answer a question from the indexed documents, with citations."""
    service = _service(Settings())
    try:
        response = service.ask(question, top_k=top_k)
    except QuestionRejected as error:
        _fail(error.message)
        return
    if as_json:
        sys.stdout.write(response.model_dump_json(indent=2) + "\n")
    else:
        print_answer(response)


@app.command()
def search(
    query: Annotated[str, typer.Argument(help="Từ khóa hoặc câu hỏi")],
    k: Annotated[int, typer.Option("-k", "--k", min=1, max=50)] = 5,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Show the best matching passages (no answer composition)."""
    service = _service(Settings())
    try:
        result = service.search(query, k=k)
    except QuestionRejected as error:
        _fail(error.message)
        return
    if as_json:
        sys.stdout.write(result.model_dump_json(indent=2) + "\n")
        return
    for rank, hit in enumerate(result.hits, start=1):
        number = f" — số {hit.doc_number}" if hit.doc_number else ""
        console.print(f"[bold]{rank}.[/] {hit.title}{number}  [dim](điểm {hit.score:.4f})[/]", highlight=False)
        console.print(f"   Mục: {hit.section}  ·  Tệp: {hit.source}", style="dim", highlight=False)
        snippet = " ".join(hit.text.split())
        console.print(f"   {snippet[:300]}{' …' if len(snippet) > 300 else ''}", highlight=False)


app.command("serve")(serve)
app.command("eval")(eval_command)
app.command("eval-claims")(eval_claims_command)
app.command("eval-points")(eval_points_command)
app.command("points")(propaganda_commands.points)
app.command("targets")(propaganda_commands.targets)
app.command("check")(propaganda_commands.check)
app.command("qr")(channel_commands.qr)
app.command("insights")(insights_command.insights)
app.command("bulletin")(channel_commands.bulletin)


@app.command()
def migrate(
    to: Annotated[str, typer.Option("--to", help="Đích: milvus (địa chỉ lấy từ HOIDAP_MILVUS_URI)")] = "milvus",
) -> None:
    """Copy the embedded index into Milvus (vectors copied, nothing re-embedded)."""
    from hoidap.index.migrate import copy_index
    from hoidap.index.vectorstore import open_vector_store
    from hoidap.optional import MissingExtra

    settings = Settings()
    if to != "milvus":
        _fail(f"Chưa hỗ trợ đích '{to}'. Hiện chỉ có: --to milvus.")
    if not settings.milvus_uri:
        _fail("Hãy đặt HOIDAP_MILVUS_URI (ví dụ http://milvus:19530 hoặc tệp milvus-lite var/milvus.db).")
    try:
        target = open_vector_store(settings)
        assert target is not None
        report = copy_index(settings.index_root, target, settings.dense_flat_max_vectors)
    except (IndexNotReady, MissingExtra) as error:
        _fail(str(error))
        raise
    console.print(
        f"Đã chép chỉ mục {report.index_version} sang {report.target}: "
        f"{report.documents} văn bản, {report.chunks} đoạn.",
        highlight=False,
    )


app.add_typer(bot_app, name="bot")


if __name__ == "__main__":  # pragma: no cover
    app()
