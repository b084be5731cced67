"""BM25 over folded Vietnamese syllables, syllable bigrams and document numbers (bm25s)."""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import bm25s
import numpy as np

from hoidap.vntext import lexical_terms, within_one_edit

_DF_FILE = "document_frequencies.json"
_MAX_REMEMBERED_CORRECTIONS = 20_000


class LexicalIndex:
    """BM25 (Lucene variant) whose tokenizer is :func:`hoidap.vntext.lexical_terms`.

    bm25s's own tokenizer drops one-letter syllables ("y" in "y tế") and applies English
    stopwords, so it is handed ready-made term lists instead.
    """

    def __init__(self, model: bm25s.BM25, document_frequencies: dict[str, int], size: int) -> None:
        self._model = model
        # Typo corrections already worked out: each one scans the vocabulary (about 3 ms a question
        # in the profile), and the same few unknown syllables come back question after question.
        self._corrections: dict[str, str] = {}
        self.document_frequencies = document_frequencies
        self.size = size

    @classmethod
    def build(cls, texts: Sequence[str]) -> LexicalIndex:
        corpus_terms = [lexical_terms(text) or ["∅"] for text in texts]
        model = bm25s.BM25(k1=1.2, b=0.75)
        # bm25s cannot index an empty corpus (every document pruned): it gets a placeholder, and
        # ``size`` 0 with no known terms makes every query score nothing.
        model.index(corpus_terms or [["∅"]], show_progress=False)
        frequencies: Counter[str] = Counter()
        for terms in corpus_terms:
            frequencies.update(set(terms))
        return cls(model, dict(frequencies), len(texts))

    def save(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self._model.save(str(directory), show_progress=False)
        payload = {"size": self.size, "document_frequencies": self.document_frequencies}
        (directory / _DF_FILE).write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")

    @classmethod
    def load(cls, directory: Path) -> LexicalIndex:
        model = bm25s.BM25.load(str(directory))
        payload = json.loads((directory / _DF_FILE).read_text(encoding="utf-8"))
        return cls(model, payload["document_frequencies"], int(payload["size"]))

    def idf(self, term: str) -> float:
        """Smoothed inverse document frequency; unseen terms get the highest value."""
        df = self.document_frequencies.get(term, 0)
        return math.log(1 + (self.size - df + 0.5) / (df + 0.5))

    def correct_terms(self, terms: Sequence[str]) -> list[str]:
        """Map unknown syllables to a known one at edit distance 1 ("hiemm" → "hiem"), for typos."""
        known = self.document_frequencies
        corrected: list[str] = []
        for term in terms:
            if term in known or "_" in term or len(term) < 3 or term.isdigit():
                corrected.append(term)
                continue
            corrected.append(self._correction(term))
        return corrected

    def _correction(self, term: str) -> str:
        found = self._corrections.get(term)
        if found is not None:
            return found
        known = self.document_frequencies
        candidates = [
            other
            for other in known
            if "_" not in other and abs(len(other) - len(term)) <= 1 and within_one_edit(term, other)
        ]
        found = max(candidates, key=lambda c: known[c]) if candidates else term
        if len(self._corrections) >= _MAX_REMEMBERED_CORRECTIONS:
            self._corrections.clear()  # bounded: questions are open-ended text
        self._corrections[term] = found
        return found

    def query_terms(self, query: str) -> list[str]:
        terms = lexical_terms(query)
        unigrams = [t for t in terms if "_" not in t]
        fixed = self.correct_terms(unigrams)
        if fixed != unigrams:
            terms = terms + [f"{a}_{b}" for a, b in zip(fixed, fixed[1:], strict=False)] + fixed
        return terms

    def scores(self, query: str) -> np.ndarray:
        """BM25 score of every chunk for ``query`` (zeros when no term is known)."""
        terms = [t for t in self.query_terms(query) if t in self.document_frequencies]
        if not terms:
            return np.zeros(self.size, dtype=np.float32)
        return np.asarray(self._model.get_scores(terms), dtype=np.float32)

    # ---------- the same scores as sparse vectors (for a vector database, hoidap.index.milvus) ----------
    def query_weights(self, query: str) -> dict[int, float]:
        """The query as a sparse vector over term ids: each known term's count. Its inner product
        with a chunk's :meth:`document_weights` is exactly :meth:`scores` for that chunk."""
        weights: dict[int, float] = {}
        vocabulary = self._model.vocab_dict
        for term in self.query_terms(query):
            if term in self.document_frequencies and term in vocabulary:
                term_id = int(vocabulary[term])
                weights[term_id] = weights.get(term_id, 0.0) + 1.0
        return weights

    def document_weights(self) -> list[dict[int, float]]:
        """Every chunk's BM25 term weights (idf × saturated term frequency) by term id, as bm25s
        computed them at indexing time: the sparse vectors a vector database stores."""
        matrix = self._model.scores
        data, indices, indptr = matrix["data"], np.asarray(matrix["indices"]), np.asarray(matrix["indptr"])
        # The matrix is stored term by term (CSC); regroup its entries chunk by chunk.
        term_ids = np.repeat(np.arange(len(indptr) - 1), np.diff(indptr))
        order = np.argsort(indices, kind="stable")
        chunk_of, term_of, value_of = indices[order], term_ids[order], np.asarray(data)[order]
        bounds = np.searchsorted(chunk_of, np.arange(self.size + 1))
        return [
            dict(zip(term_of[start:end].tolist(), value_of[start:end].tolist(), strict=True))
            for start, end in zip(bounds[:-1], bounds[1:], strict=True)
        ]
