"""One eval run: build what is needed, ask every system every question in both forms, score.

The run owns a data directory (``Settings(data_dir=...)``, by default ``<HOIDAP_DATA_DIR>/eval``)
so it never touches the user's index. hoidap's index there is rebuilt on every run, so the run
measures the current chunking and retrieval code, not an index left from an older one; passage
vectors come from :class:`CachedEmbedder`, so only text never seen before is embedded.
"""

from __future__ import annotations

import os
import platform
import subprocess
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field

from hoidap.eval.corpus import load_corpus
from hoidap.eval.gold import GoldQuestion, load_gold
from hoidap.eval.metrics import aggregate, score_question
from hoidap.eval.records import VARIANTS, CitationDigest, QuestionRecord, QuestionScore, SystemAnswer, Variant
from hoidap.eval.systems import AnsweringSystem, ApiHoidap, InProcessHoidap
from hoidap.eval.vector_cache import CachedEmbedder
from hoidap.index.embedder import Embedder, embedder_from_settings, ingest_embedder_from_settings
from hoidap.index.store import open_index_store
from hoidap.ingest.pipeline import Ingestor
from hoidap.optional import MissingExtra
from hoidap.qa.service import QAService
from hoidap.settings import Settings

Baseline = Literal["langchain", "bm25", "hoidap-retriever"]
BASELINES: tuple[Baseline, ...] = ("langchain", "bm25", "hoidap-retriever")
BASELINE_LABELS: dict[str, str] = {
    "langchain": "LangChain tutorial (split 1000/200 + FAISS, same embedder)",
    "bm25": "LangChain BM25Retriever (default preprocessing)",
    "hoidap-retriever": "hoidap retriever + top chunk (no answer composition)",
}
# Quotes are cut in questions.jsonl: the report shows snippets, and 248 asks × 10 citations of
# whole chunks would make the file needlessly large.
QUOTE_CHARS = 400

ProgressCallback = Callable[[str, int, int], None]


class EvalOptions(BaseModel):
    gold: Path
    corpus: Path
    data_dir: Path
    api: str | None = None
    baselines: list[Baseline] = Field(default_factory=list)
    top_k: int = Field(default=10, ge=1, le=20)
    limit: int | None = Field(default=None, ge=1)


class SystemInfo(BaseModel):
    name: str
    label: str
    seconds: float = 0.0


class RunInfo(BaseModel):
    """Everything about a run that is not a metric: shown in the report's header."""

    gold: str
    corpus: str
    mode: Literal["in-process", "api"]
    api: str | None = None
    top_k: int
    limit: int | None = None
    questions: int
    started_at: str
    seconds: float = 0.0
    setup_seconds: float = 0.0
    systems: list[SystemInfo] = Field(default_factory=list)
    embedder: str | None = None
    index_version: str | None = None
    index_chunks: int | None = None
    baseline_chunks: int | None = None
    embedded_passages: int = 0  # passages that had to be embedded (not found in the cache)
    git: str | None = None
    load_average: float | None = Field(default_factory=lambda: os.getloadavg()[0] if hasattr(os, "getloadavg") else None)
    machine: str = Field(default_factory=lambda: f"{platform.machine()} {platform.python_version()}")


class EvalResult(BaseModel):
    metrics: dict[str, float]
    run: RunInfo
    records: list[QuestionRecord]


def git_describe(cwd: Path | None = None) -> str | None:
    try:
        out = subprocess.run(
            ["git", "describe", "--always", "--dirty"], cwd=cwd, capture_output=True, text=True, timeout=5
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() or None


def build_eval_index(settings: Settings, embedder: CachedEmbedder) -> tuple[str | None, int]:
    """Rebuild hoidap's index from ``settings.corpus_dir`` into ``settings.data_dir``; (version, chunks)."""
    ingestor = Ingestor.from_settings(settings, open_index_store(settings), embedder)
    report = ingestor.ingest(
        [settings.corpus_dir], prune=True, rebuild=True, max_file_bytes=settings.max_file_bytes
    )
    if report.failed:
        reasons = "; ".join(reason for _, reason in report.failed)
        raise RuntimeError(f"Không xây được chỉ mục đánh giá: {reasons}")
    return report.index_version, report.chunks


def question_text(question: GoldQuestion, variant: Variant) -> str:
    return question.question if variant == "accented" else question.question_nodiac


def make_record(
    system: AnsweringSystem, variant: Variant, question: GoldQuestion, answer: SystemAnswer, score: QuestionScore
) -> QuestionRecord:
    response = answer.response
    return QuestionRecord(
        system=system.name,
        variant=variant,
        id=question.id,
        type=question.type,
        difficulty=question.difficulty,
        answerable=question.answerable,
        question=question_text(question, variant),
        answer=response.answer if response else "",
        answered=bool(response and response.answerable),
        citations=[
            CitationDigest(n=c.n, source=c.source, section=c.section, quote=c.quote[:QUOTE_CHARS], score=c.score)
            for c in (response.citations if response else [])
        ],
        latency_ms=answer.latency_ms,
        timings_ms=answer.timings_ms,
        error=answer.error,
        score=score,
    )


def run_eval(
    options: EvalOptions, progress: ProgressCallback | None = None, embedder: Embedder | None = None
) -> EvalResult:
    """Run every system on every gold question in both forms. ``embedder`` replaces the one the
    settings name (``HOIDAP_EMBEDDING_MODEL``), e.g. a small deterministic one in tests."""
    started = time.perf_counter()
    questions = load_gold(options.gold)
    if options.limit:
        questions = questions[: options.limit]
    documents = load_corpus(options.corpus)
    settings = Settings(data_dir=options.data_dir, corpus_dir=options.corpus)
    run = RunInfo(
        gold=str(options.gold),
        corpus=str(options.corpus),
        mode="api" if options.api else "in-process",
        api=options.api,
        top_k=options.top_k,
        limit=options.limit,
        questions=len(questions),
        started_at=datetime.now(UTC).isoformat(timespec="seconds"),
        git=git_describe(),
    )

    systems: list[AnsweringSystem] = []
    needs_index = options.api is None or "hoidap-retriever" in options.baselines
    needs_embedder = needs_index or "langchain" in options.baselines
    cached: CachedEmbedder | None = None
    service = None
    bulk: Embedder | None = None
    if needs_embedder:
        queries = embedder or embedder_from_settings(settings)
        # Passages are embedded like an ingest (every core); queries keep the served thread count,
        # since their time is the latency being measured.
        if embedder is None:
            bulk = ingest_embedder_from_settings(settings, local=None if settings.ingest_workers == 1 else queries)
        cached = CachedEmbedder(queries, settings.data_dir / "embedding-cache", passages=bulk)
        run.embedder = cached.name
    if needs_index:
        assert cached is not None
        run.index_version, run.index_chunks = build_eval_index(settings, cached)
        service = QAService.from_settings(settings, embedder=cached)
    if options.api:
        api = ApiHoidap(options.api)
        api.check_ready()
        systems.append(api)
    else:
        assert service is not None
        systems.append(InProcessHoidap(service))

    if options.baselines:
        # LangChain comes with the eval extra: imported only when a baseline is asked for.
        try:
            from hoidap.eval.baselines import TopChunkSystem, bm25_retriever, faiss_retriever, tutorial_chunks
            from hoidap.eval.langchain_embeddings import HoidapEmbeddings
            from hoidap.eval.langchain_retriever import HoidapRetriever
        except ImportError as error:
            raise MissingExtra(error.name or "langchain_core", "Hệ so sánh (--baseline)") from error
        chunks = tutorial_chunks(documents)
        run.baseline_chunks = len(chunks)
        for name in options.baselines:
            if name == "langchain":
                assert cached is not None
                retriever = faiss_retriever(chunks, HoidapEmbeddings(cached), options.top_k)
            elif name == "bm25":
                retriever = bm25_retriever(chunks, options.top_k)
            else:
                assert service is not None
                retriever = HoidapRetriever(service=service, k=options.top_k)
            systems.append(TopChunkSystem(name, BASELINE_LABELS[name], retriever))
    if cached is not None:
        run.embedded_passages = cached.misses
    close_workers = getattr(bulk, "close", None)
    if close_workers:
        close_workers()  # the passage workers are idle from here on
    run.setup_seconds = time.perf_counter() - started

    records: list[QuestionRecord] = []
    total = len(systems) * len(VARIANTS) * len(questions)
    done = 0
    for system in systems:
        info = SystemInfo(name=system.name, label=system.label)
        system_started = time.perf_counter()
        if questions:
            # One unscored warm-up ask: first-call costs (lazy model init, page faults) are not latency.
            system.answer(questions[0].question, options.top_k)
        for variant in VARIANTS:
            for question in questions:
                answer = system.answer(question_text(question, variant), options.top_k)
                score = score_question(question, answer, documents, inline_citations=system.inline_citations)
                records.append(make_record(system, variant, question, answer, score))
                done += 1
                if progress:
                    progress(system.label, done, total)
        info.seconds = time.perf_counter() - system_started
        run.systems.append(info)
    if isinstance(systems[0], ApiHoidap):
        systems[0].close()

    run.seconds = time.perf_counter() - started
    return EvalResult(metrics=aggregate(records), run=run, records=records)
