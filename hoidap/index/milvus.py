"""Dense and lexical search on Milvus (pymilvus ``MilvusClient``), selected by ``HOIDAP_MILVUS_URI``.

The same client talks to a Milvus cluster, a standalone server (``http://milvus:19530``) or
milvus-lite (a local file, ``/srv/hoidap/milvus.db``), which is what the tests use.

Each index version is one collection, ``<prefix>_<version>``, holding per chunk:

    pos      the chunk's position in the version's chunks.jsonl (primary key)
    dense    its e5 vector (FLAT inner product while small, HNSW beyond, like the FAISS side)
    lexical  its BM25 weights over OUR folded syllables, bigrams and numbers as a sparse vector,
             taken from the bm25s matrix: accent-insensitive matching is exactly the embedded one
    doc_id, doc_type, issuer, year, ward   scalar fields, for filtered searches and operations

The alias ``<prefix>_current`` names the version being served and is switched in one call after
the collection is complete. A server reads the collection of the version it loaded (its chunk
positions must match), so a switch never mixes two versions inside one request.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Sequence
from typing import Any

import numpy as np

from hoidap.domain import Chunk, Document, DocumentMetadata
from hoidap.index.lexical import LexicalIndex
from hoidap.index.vectorstore import Candidates, lexical_pool, top_positions
from hoidap.optional import require_backend

# Milvus refuses a search limit above this; a flat collection larger than it is searched by pools.
MAX_SEARCH_LIMIT = 16384
_INSERT_BATCH = 512
_HNSW = {"M": 32, "efConstruction": 120}
_HNSW_SEARCH = {"ef": 256}
_WARD = re.compile(r"\b(phường|xã|thị trấn)\s+(.+)$", re.IGNORECASE)


class VersionMissing(LookupError):
    """The index version has no collection in Milvus (built before Milvus was configured)."""


def ward_of(metadata: DocumentMetadata) -> str:
    """The ward or commune named at the end of the issuer ("ĐẢNG ỦY PHƯỜNG BẠCH ĐẰNG" → "Bạch Đằng")."""
    match = _WARD.search(metadata.issuer or "")
    return match.group(2).strip().title() if match else ""


def year_of(metadata: DocumentMetadata) -> int:
    """The year the document was issued, 0 when not stated."""
    date = metadata.date or ""
    return int(date[:4]) if date[:4].isdigit() else 0


class MilvusVectorStore:
    kind = "milvus"

    def __init__(self, uri: str, token: str = "", prefix: str = "hoidap") -> None:
        self._pymilvus = require_backend("pymilvus", "scale", "HOIDAP_MILVUS_URI")
        if not uri.startswith(("http://", "https://", "tcp://", "unix:")):
            # milvus-lite serves this process through an in-process gRPC shim that logs a traceback
            # for every optional call it does not implement (AllocTimestamp); the client copes.
            logging.getLogger("grpc._server").setLevel(logging.CRITICAL)
        self.client = self._pymilvus.MilvusClient(uri=uri, token=token)
        self.prefix = prefix
        self.alias = f"{prefix}_current"

    def collection(self, version: str) -> str:
        return f"{self.prefix}_" + re.sub(r"[^0-9A-Za-z_]", "_", version)

    # ---------- writing ----------
    def write(
        self,
        version: str,
        documents: Sequence[Document],
        chunks: Sequence[Chunk],
        vectors: np.ndarray,
        lexical: LexicalIndex,
        flat_max_vectors: int,
    ) -> None:
        """Create and fill the version's collection (replacing a half-written one), then load it."""
        name = self.collection(version)
        if self.client.has_collection(name):
            self.client.drop_collection(name)
        self.client.create_collection(
            name,
            schema=self._schema(int(vectors.shape[1])),
            index_params=self._indexes(len(chunks), flat_max_vectors),
        )
        metadata = {document.doc_id: document.metadata for document in documents}
        weights = lexical.document_weights()
        for start in range(0, len(chunks), _INSERT_BATCH):
            rows = []
            for position in range(start, min(start + _INSERT_BATCH, len(chunks))):
                meta = metadata.get(chunks[position].doc_id) or DocumentMetadata()
                rows.append(
                    {
                        "pos": position,
                        "dense": np.asarray(vectors[position], dtype=np.float32).tolist(),
                        "lexical": weights[position],
                        "doc_id": chunks[position].doc_id[:128],
                        "doc_type": (meta.doc_type or "")[:64],
                        "issuer": (meta.issuer or "")[:512],
                        "year": year_of(meta),
                        "ward": ward_of(meta)[:256],
                    }
                )
            self.client.insert(name, rows)
        self.client.flush(name)
        self.client.load_collection(name)

    def _schema(self, dimension: int) -> Any:
        DataType = self._pymilvus.DataType
        schema = self.client.create_schema(auto_id=False, enable_dynamic_field=False)
        schema.add_field("pos", DataType.INT64, is_primary=True)
        schema.add_field("dense", DataType.FLOAT_VECTOR, dim=dimension)
        schema.add_field("lexical", DataType.SPARSE_FLOAT_VECTOR)
        schema.add_field("doc_id", DataType.VARCHAR, max_length=128)
        schema.add_field("doc_type", DataType.VARCHAR, max_length=64)
        schema.add_field("issuer", DataType.VARCHAR, max_length=512)
        schema.add_field("year", DataType.INT64)
        schema.add_field("ward", DataType.VARCHAR, max_length=256)
        return schema

    def _indexes(self, count: int, flat_max_vectors: int) -> Any:
        params = self.client.prepare_index_params()
        if count <= flat_max_vectors:
            params.add_index("dense", index_type="FLAT", metric_type="IP")
        else:
            params.add_index("dense", index_type="HNSW", metric_type="IP", params=_HNSW)
        params.add_index(
            "lexical", index_type="SPARSE_INVERTED_INDEX", metric_type="IP", params={"drop_ratio_build": 0.0}
        )
        return params

    def activate(self, version: str) -> None:
        """Point the alias at the version: one call, atomic for readers that go through the alias."""
        name = self.collection(version)
        if self.alias in self.client.list_aliases().get("aliases", []):
            self.client.alter_alias(name, self.alias)
        else:
            self.client.create_alias(name, self.alias)

    def current(self) -> str | None:
        """The collection the alias names, None before the first version."""
        if self.alias not in self.client.list_aliases().get("aliases", []):
            return None
        return self.client.describe_alias(self.alias).get("collection_name")

    def retain(self, versions: set[str]) -> None:
        keep = {self.collection(version) for version in versions} | {self.current()}
        for name in self.client.list_collections():
            if name.startswith(f"{self.prefix}_") and name not in keep:
                self.client.drop_collection(name)

    # ---------- reading ----------
    def open(self, version: str, lexical: LexicalIndex, dense_kind: str) -> MilvusSearch:
        name = self.collection(version)
        if not self.client.has_collection(name):
            raise VersionMissing(name)
        self.client.load_collection(name)
        count = int(self.client.get_collection_stats(name).get("row_count", 0))
        return MilvusSearch(self.client, name, lexical, count, exhaustive=dense_kind == "flat")


class MilvusSearch:
    """One version's collection, searched so that the fusion sees what the embedded search gives."""

    kind = "milvus"

    def __init__(
        self, client: Any, collection: str, lexical: LexicalIndex, count: int, exhaustive: bool
    ) -> None:
        self.client = client
        self.collection = collection
        self.lexical = lexical
        self.count = count
        # A flat index fuses over every chunk; Milvus can list at most MAX_SEARCH_LIMIT per search.
        self.exhaustive = exhaustive and count <= MAX_SEARCH_LIMIT

    def _search(self, field: str, query: Any, limit: int, params: dict) -> list[tuple[int, float]]:
        if limit <= 0:
            return []
        results = self.client.search(
            self.collection,
            data=[query],
            anns_field=field,
            limit=limit,
            output_fields=["pos"],
            search_params={"metric_type": "IP", "params": params},
        )
        return [(int(hit["pos"]), float(hit["distance"])) for hit in results[0]]

    def candidates(self, query_vector: np.ndarray, query: str, pool: int) -> Candidates:
        timings: dict[str, float] = {}
        query_vector = np.asarray(query_vector, dtype=np.float32)
        sparse = self.lexical.query_weights(query)
        if self.exhaustive:
            started = time.perf_counter()
            lexical_all = np.zeros(self.count, dtype=np.float32)
            for position, score in self._search(
                "lexical", sparse, self.count if sparse else 0, {"drop_ratio_search": 0.0}
            ):
                lexical_all[position] = score
            timings["lexical"] = (time.perf_counter() - started) * 1000
            started = time.perf_counter()
            dense_all = np.zeros(self.count, dtype=np.float32)
            for position, score in self._search("dense", query_vector.tolist(), self.count, {}):
                dense_all[position] = score
            timings["dense"] = (time.perf_counter() - started) * 1000
            # The same candidates as the embedded flat search: the union of the two top pools.
            dense_top = top_positions(dense_all, pool)
            lexical_top = lexical_pool(lexical_all, pool)
            positions = np.union1d(dense_top, np.asarray(lexical_top, dtype=np.int64)).astype(np.int64)
            return Candidates(
                positions,
                dense_all[positions],
                lexical_all[positions],
                dense_top,
                lexical_top,
                timings,
                float(dense_all.min()) if self.count else None,
                float(lexical_all.min()) if self.count else None,
            )
        started = time.perf_counter()
        lexical_top = [
            p
            for p, score in self._search("lexical", sparse, pool if sparse else 0, {"drop_ratio_search": 0.0})
            if score > 0
        ]
        timings["lexical"] = (time.perf_counter() - started) * 1000
        started = time.perf_counter()
        dense_top = np.array(
            [p for p, _ in self._search("dense", query_vector.tolist(), pool, _HNSW_SEARCH)], dtype=np.int64
        )
        positions = np.array(sorted({int(p) for p in dense_top} | set(lexical_top)), dtype=np.int64)
        # Score every candidate exactly on both sides from its stored vectors, like the embedded HNSW path.
        rows = (
            self.client.get(
                self.collection, ids=positions.tolist(), output_fields=["pos", "dense", "lexical"]
            )
            if len(positions)
            else []
        )
        stored = {int(row["pos"]): row for row in rows}
        dense_scores = np.array(
            [np.dot(np.asarray(stored[p]["dense"], dtype=np.float32), query_vector) for p in positions],
            dtype=np.float32,
        )
        lexical_scores = np.array(
            [
                sum(weight * _sparse_value(stored[p]["lexical"], term) for term, weight in sparse.items())
                for p in positions
            ],
            dtype=np.float32,
        )
        timings["dense"] = (time.perf_counter() - started) * 1000
        return Candidates(positions, dense_scores, lexical_scores, dense_top, lexical_top, timings)


def _sparse_value(vector: Any, term: int) -> float:
    """One coordinate of a sparse vector as pymilvus returns it (a dict of id → value)."""
    return float(vector.get(term, 0.0)) if isinstance(vector, dict) else 0.0
