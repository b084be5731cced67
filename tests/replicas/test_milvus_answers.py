"""The real index of the sample corpus, copied into Milvus (milvus-lite), gives the same answers."""

from __future__ import annotations

from pathlib import Path

import pytest

from hoidap.index.embedder import Embedder
from hoidap.index.store import IndexStore
from hoidap.qa.service import QAService
from tests.conftest import copy_data_dir, make_settings

pytest.importorskip("milvus_lite", reason="milvus-lite is not installed: pip install -e '.[scale]'")

QUESTIONS = [
    "Đến năm 2030 tuổi thọ trung bình đạt bao nhiêu?",
    "den nam 2030 tuoi tho trung binh dat bao nhieu",
    "Ai ký công văn 307-CV/ĐU?",
    "Mục tiêu về bảo hiểm y tế đến năm 2030 là gì?",
    "Giá vé máy bay đi Đà Nẵng tháng sau là bao nhiêu?",
]


def test_answers_with_milvus_equal_the_embedded_ones(
    tmp_path: Path, built_data_dir: Path, shared_service: QAService, embedder: Embedder
) -> None:
    from hoidap.index.migrate import copy_index
    from hoidap.index.milvus import MilvusVectorStore

    data_dir = copy_data_dir(built_data_dir, tmp_path / "data")
    settings = make_settings(data_dir, milvus_uri=str(tmp_path / "milvus.db"))
    milvus = MilvusVectorStore(settings.milvus_uri or "", prefix=settings.milvus_collection_prefix)
    try:
        copy_index(settings.index_root, milvus, settings.dense_flat_max_vectors)
        remote = QAService(IndexStore(settings.index_root, milvus).load(embedder.name), embedder, settings)
        assert remote.index.search.kind == "milvus"
        for question in QUESTIONS:
            ours, theirs = shared_service.ask(question), remote.ask(question)
            assert (theirs.answer, theirs.answerable) == (ours.answer, ours.answerable), question
            assert [c.model_dump() for c in theirs.citations] == [c.model_dump() for c in ours.citations]
    finally:
        milvus.client.close()
