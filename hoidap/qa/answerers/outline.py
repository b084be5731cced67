"""Enumerations ("gồm những nội dung gì", "có mấy nhiệm vụ"): the headings of the part asked about."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from hoidap.domain import Document, SectionNode
from hoidap.index.retriever import ScoredChunk
from hoidap.qa.passages import Draft, Evidence, clean_for_answer, trim_span
from hoidap.qa.question import Question
from hoidap.vntext import expand_abbreviations, fold_diacritics, folded_syllables, strip_markdown, syllables

if TYPE_CHECKING:
    from hoidap.qa.compose import Composer

# "có mấy hình thức …, kể ra", "gồm những phần nào", "liệt kê các nhóm …"
_ASKS_ENUMERATION = re.compile(r"\b(co may|gom may|bao gom nhung|gom nhung|ke ra|liet ke|nhung .{1,30} nao|cac .{1,30} nao)\b")
_HEADING_FILLER = frozenset({"va", "cac", "cua", "ve", "trong", "cho", "voi", "tai", "theo", "nhung"})


class OutlineAnswerer:
    """"Có mấy hình thức …, kể ra": the sub-headings of the section the question names, each quoted."""

    name = "outline"

    def __init__(self, passages: Composer) -> None:
        self.passages = passages
        self.documents = passages.documents
        self.chunks_by_doc = passages.chunks_by_doc

    def answer(self, question: Question, hits: list[ScoredChunk]) -> Draft | None:
        if _ASKS_ENUMERATION.search(question.folded):
            return self._outline_answer(question, hits)
        return None

    def _outline_answer(self, question: Question, hits: list[ScoredChunk]) -> Draft | None:
        """"Có mấy hình thức tuyên truyền, kể ra": the sub-headings of the section whose heading
        is what the question enumerates ("2. Hình thức tuyên truyền" → 2.1, 2.2, 2.3), each quoted.

        Only a heading whose every meaningful word is in the question qualifies, and only in the
        documents of the top passages; otherwise the ordinary passage answer is given."""
        # Every word of the heading, not only the meaningful ones: "Nội dung tuyên truyền" must
        # not stand in for a question about "hình thức tuyên truyền".
        asked = set(folded_syllables(expand_abbreviations(question.text)))
        best: tuple[tuple[int, int], Document, SectionNode] | None = None
        seen: list[str] = []
        for rank, hit in enumerate(hits[:5]):
            if hit.chunk.doc_id in seen:
                continue
            seen.append(hit.chunk.doc_id)
            document = self.documents[hit.chunk.doc_id]
            for node in _section_nodes(document.sections):
                children = [c for c in node.children if c.kind in ("part", "item", "subitem", "letter", "paren")]
                if len(children) < 2 or node.kind == "root":
                    continue
                terms = self._heading_terms(document, node)
                if len(terms) < 2 or not terms <= asked:
                    continue
                # "Tuyên truyền miệng … qua những hình thức nào" asks inside one of the parts.
                if any(len(t) >= 2 and t <= asked for t in (self._heading_terms(document, c) for c in children)):
                    continue
                key = (len(terms), -rank)
                if best is None or key > best[0]:
                    best = (key, document, node)
        if best is None:
            return None
        _, document, node = best
        sentences: list[tuple[str, int]] = []
        evidence: list[Evidence] = []
        for item in [node, *[c for c in node.children if c.kind in ("part", "item", "subitem", "letter", "paren")]]:
            # A heading line alone between chunks is cited with the chunk of its section.
            chunk = self.passages.chunk_at(document, item.start) or next(
                (c for c in self.chunks_by_doc.get(document.doc_id, []) if item.start <= c.start < item.end), None
            )
            if chunk is None:
                return None
            start, end = trim_span(document.text, item.start, item.heading_end)
            evidence.append(Evidence(chunk, start, end, 1.0, 1.0))
            sentences.append((clean_for_answer(document.text[start:end]), len(evidence) - 1))
        return Draft(True, sentences, evidence, confidence=0.9)

    @staticmethod
    def _heading_terms(document: Document, node: SectionNode) -> set[str]:
        """Meaningful folded syllables of a section heading, its number left out."""
        heading = re.sub(r"^\s*[\dIVXivx.)(]+\s*", "", document.text[node.start : node.heading_end])
        return {fold_diacritics(t).lower() for t in syllables(strip_markdown(heading))} - _HEADING_FILLER


def _section_nodes(root: SectionNode | None) -> list[SectionNode]:
    if root is None:
        return []
    nodes, stack = [], [root]
    while stack:
        node = stack.pop()
        nodes.append(node)
        stack.extend(reversed(node.children))
    return nodes
