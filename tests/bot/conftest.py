"""Bot fixtures: a tiny real index (HashingEmbedder, built in about a second) and fake platforms."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from hoidap.bot.core import Dialogue, LocalQA
from hoidap.index.store import IndexStore
from hoidap.ingest.chunking import Chunker
from hoidap.ingest.pipeline import Ingestor
from hoidap.qa.service import QAService
from hoidap.records import SQLiteRecords
from hoidap.records.subscriptions import SQLiteSubscriptions
from hoidap.settings import Settings
from tests.bot.fakes import FakeTelegram, FakeZalo
from tests.conftest import CORPUS_DIR, HashingEmbedder

TOKEN = "123456:TEST-token"
WEBHOOK_SECRET = "webhook-secret-9c1"
ZALO_APP_ID = "1234567890"
ZALO_SECRET = "oa-secret-key"


def bot_settings(data_dir: Path, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "data_dir": data_dir,
        "records_secret": "test-secret",
        "rate_limit_per_minute": 0,
        "bot_rate_limit_per_minute": 0,
        "broadcast_per_second": 0,
        "telegram_token": TOKEN,
        "telegram_webhook_secret": WEBHOOK_SECRET,
        "zalo_app_id": ZALO_APP_ID,
        "zalo_oa_secret": ZALO_SECRET,
        "zalo_access_token": "good-token",
        "zalo_refresh_token": "refresh-1",
        "api_url": None,
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


@pytest.fixture(scope="session")
def tiny_service(tmp_path_factory: pytest.TempPathFactory) -> QAService:
    data_dir = tmp_path_factory.mktemp("bot-index")
    settings = bot_settings(data_dir)
    embedder = HashingEmbedder()
    Ingestor(
        IndexStore(settings.index_root),
        embedder,
        Chunker(settings.chunk_max_chars, settings.chunk_overlap_sentences),
        settings.dense_flat_max_vectors,
    ).ingest([CORPUS_DIR])
    return QAService.from_settings(settings, embedder=embedder)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return bot_settings(tmp_path)


@pytest.fixture
def records(settings: Settings) -> Iterator[SQLiteRecords]:
    store = SQLiteRecords(settings.records_path, b"test-key")
    yield store
    store.close()


@pytest.fixture
def subscriptions(settings: Settings) -> Iterator[SQLiteSubscriptions]:
    store = SQLiteSubscriptions(settings.records_path)
    yield store
    store.close()


@pytest.fixture
def dialogue(
    tiny_service: QAService, records: SQLiteRecords, subscriptions: SQLiteSubscriptions, settings: Settings
) -> Dialogue:
    return Dialogue(LocalQA(tiny_service, records, settings), subscriptions, settings)


@pytest.fixture
def fake_telegram() -> Iterator[FakeTelegram]:
    with FakeTelegram(blocked={"666"}, throttle_once={"777"}, failing={"888"}) as server:
        yield server


@pytest.fixture
def fake_zalo() -> Iterator[FakeZalo]:
    with FakeZalo(expired_token="old-token") as server:
        yield server
