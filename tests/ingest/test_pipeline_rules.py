"""An index cut by older parsing/chunking rules is rebuilt, without losing documents."""

from __future__ import annotations

import shutil
from pathlib import Path

from hoidap.index.store import IndexStore
from hoidap.ingest.chunking import Chunker
from hoidap.ingest.pipeline import Ingestor
from tests.conftest import CORPUS_DIR, HashingEmbedder


def test_changed_chunking_rules_rebuild_every_document_even_without_its_file(tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    for name in ("000_7fb2452b1bac2e2a.txt", "004_0a82cf53c3a4c8f7.txt"):
        shutil.copy(CORPUS_DIR / name, folder / name)
    store = IndexStore(tmp_path / "index")
    Ingestor(store, HashingEmbedder(), Chunker(max_chars=1200), 20000).ingest([folder])
    first = store.read_manifest()
    assert first is not None and first.pipeline.startswith("v")

    (folder / "000_7fb2452b1bac2e2a.txt").unlink()  # its text only survives in the index now
    report = Ingestor(store, HashingEmbedder(), Chunker(max_chars=400), 20000).ingest([folder])

    assert report.rebuilt and report.changed
    second = store.read_manifest()
    assert second is not None and second.pipeline != first.pipeline
    assert set(second.documents) == set(first.documents)  # nothing lost
    index = store.load()
    assert len(index.chunks) > first.chunk_count


def test_same_rules_and_files_change_nothing(tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    shutil.copy(CORPUS_DIR / "004_0a82cf53c3a4c8f7.txt", folder)
    store = IndexStore(tmp_path / "index")
    ingestor = Ingestor(store, HashingEmbedder(), Chunker(), 20000)
    ingestor.ingest([folder])
    version = store.read_manifest().index_version  # type: ignore[union-attr]
    report = ingestor.ingest([folder])
    assert not report.changed and not report.rebuilt
    assert store.read_manifest().index_version == version  # type: ignore[union-attr]
