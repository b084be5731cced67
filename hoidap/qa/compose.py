"""Extractive answers: pick the passages that answer, quote them verbatim, cite them, or refuse.

No generative model is available offline, so an answer is built from the documents' own words:
the sentence with the figure for "bao nhiêu", the assignment for "ai/cơ quan nào", the whole item
with its bullets for "những gì", the signature block for "ai ký", the header for "ngày nào".
Every answer sentence ends with a [n] marker whose citation quotes the supporting passage
verbatim, and when the evidence is too thin the answer says the documents do not cover it.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field, replace

from hoidap.domain import Chunk, Document, DocumentReference, SectionNode
from hoidap.index.identity import DocumentIdentities
from hoidap.index.lexical import LexicalIndex
from hoidap.index.retriever import ScoredChunk
from hoidap.ingest.chunking import Span, paragraph_spans
from hoidap.qa import labels
from hoidap.qa.answerers import (
    CitedTopicAnswerer,
    MetadataAnswerer,
    OutlineAnswerer,
    PassageAnswerer,
    ReferencesAnswerer,
    Router,
    TrueFalseAnswerer,
)
from hoidap.qa.document_types import ASKED_TYPE, REFERENCE, TYPE_CODES, TYPE_NAMES
from hoidap.qa.question import Question
from hoidap.vntext import (
    COLLOQUIAL_WORDS,
    DOC_NUMBER_PATTERN,
    UPPERCASE_LETTERS,
    doc_number_key,
    expand_abbreviations,
    fold_diacritics,
    folded_syllables,
    is_syllable,
    strip_markdown,
    syllables,
)

_ACTOR_WORDS = re.compile(
    r"\b(ủy ban|uỷ ban|ubnd|ban |mặt trận|đảng ủy|đảng uỷ|chi bộ|trạm y tế|cấp ủy|cấp uỷ|tổ chức|giao|chủ trì|"
    r"phối hợp|chịu trách nhiệm|đồng chí|bí thư|cơ quan|phòng)",
    re.IGNORECASE,
)
# An explicit assignment: "Phân công thực hiện: Giao UBND phường chủ trì …; … phối hợp".
_ASSIGNMENT = re.compile(r"(phân công|giao .{0,40}(chủ trì|thực hiện|triển khai)|chủ trì|phối hợp chặt chẽ)", re.IGNORECASE)
_ASKS_ASSIGNMENT = re.compile(r"\b(chu tri|phoi hop|phan cong|giao (cho )?(ai|co quan|don vi)|duoc giao|ai (lam|thuc hien|phu trach))\b")
_NUMBER = re.compile(r"\d")
# "CT 28-CT/TW là chỉ thị về cái gì", "NQ 07 về vấn đề gì", "nói về nội dung gì"
_ASKS_TOPIC = re.compile(r"\b(la|noi|de cap)\b.{0,25}\bve (van de |cai |noi dung |linh vuc )?(gi|j)\b|\bve (van de|linh vuc) (gi|j)\b")
_TIME_WORDS = re.compile(r"\b(19|20)\d\d\b|quý|hằng năm|hàng năm|từ năm|đến năm|giai đoạn", re.IGNORECASE)
_EDGE_MARKDOWN = re.compile(r"^[\s*]+|[\s*]+$")
_MAX_LIST_CHARS = 1100
_MAX_ITEM_CHARS = 800
_MAX_UNIT_CHARS = 420
# From this many chunks a collection counts as large for typo correction (the five ward plans
# make ~100 chunks, the six cited laws ~1,600, the 24 laws ~5,000).
LARGE_COLLECTION_CHUNKS = 1000
# A word in at most this share of the passages is rare (calibrated on the law set: "phim" in 2 of
# 5,033 passages; in the five ward plans, 95 passages, nothing short of never is rare).
RARE_SHARE = 0.004
# Weight of a passage opening the way the question does (see Composer._shared_opening): calibrated on
# the law set (0.1–0.3 gave the same answers, evidence@1 .897 → .909) and the ward sets (unchanged).
OPENING_WEIGHT = 0.15


@dataclass
class Evidence:
    """One quoted passage: a verbatim span of a document, and the chunk it sits in."""

    chunk: Chunk
    start: int  # offsets into the document text
    end: int
    score: float
    retrieval_score: float


@dataclass
class Draft:
    answerable: bool
    sentences: list[tuple[str, int]] = field(default_factory=list)  # (text, evidence index)
    evidence: list[Evidence] = field(default_factory=list)
    confidence: float = 0.0
    refusal: str | None = None  # why the documents cannot answer, when answerable is False
    exact: bool = False  # a metadata lookup (signer, date, number): no relevance check needed


def clean_for_answer(text: str) -> str:
    """Readable answer text from a verbatim quote: markdown removed, whitespace collapsed."""
    return re.sub(r"\s+", " ", strip_markdown(text)).strip()


def trim_span(text: str, start: int, end: int) -> tuple[int, int]:
    """Shrink a span so it neither starts nor ends with blanks or markdown asterisks."""
    piece = text[start:end]
    lead = len(piece) - len(_EDGE_MARKDOWN.sub("", piece, count=1)) if _EDGE_MARKDOWN.match(piece) else 0
    match = re.search(r"[\s*]+$", piece)
    tail = len(match.group(0)) if match else 0
    new_start, new_end = start + lead, end - tail
    return (new_start, new_end) if new_end > new_start else (start, end)


@functools.lru_cache(maxsize=16384)
def text_terms(text: str) -> frozenset[str]:
    """Folded syllables and syllable bigrams of a passage (memoised: passages repeat across questions)."""
    units = [fold_diacritics(s) for s in syllables(strip_markdown(text))]
    return frozenset(units) | {f"{a}_{b}" for a, b in zip(units, units[1:], strict=False)}


@functools.lru_cache(maxsize=1024)
def _question_weights(lexical: LexicalIndex, terms: tuple[str, ...], bigrams: bool) -> dict[str, float]:
    weighted = {t: lexical.idf(t) for t in terms}
    if bigrams:
        for a, b in zip(terms, terms[1:], strict=False):
            weighted[f"{a}_{b}"] = 0.5 * lexical.idf(f"{a}_{b}")
    return weighted


class Composer:
    def __init__(
        self,
        documents: dict[str, Document],
        chunks: list[Chunk],
        lexical: LexicalIndex,
        identities: DocumentIdentities,
        max_sentences: int = 3,
    ) -> None:
        self.documents = documents
        self.lexical = lexical
        self.identities = identities
        self.max_sentences = max_sentences
        self.large_collection = len(chunks) >= LARGE_COLLECTION_CHUNKS
        self.chunks_by_doc: dict[str, list[Chunk]] = {}
        for chunk in chunks:
            self.chunks_by_doc.setdefault(chunk.doc_id, []).append(chunk)
        # Sentence splitting and term sets depend only on the (read-only) index: computed once
        # per chunk or text, they keep the answer stage to a few milliseconds.
        self._units_cache: dict[tuple[str, bool], list[Span]] = {}
        self.router = Router(
            [
                MetadataAnswerer(self),
                TrueFalseAnswerer(self),
                CitedTopicAnswerer(self),
                ReferencesAnswerer(self),
                OutlineAnswerer(self),
                PassageAnswerer(self),
            ]
        )

    def warm(self, chunks: list[Chunk]) -> None:
        """Split every chunk into sentences and term sets up front, so the first questions are as
        fast as the rest (about 0.1 s for the sample corpus)."""
        for chunk in chunks:
            if chunk.kind == "body" or chunk.kind == "recipients":
                document = self.documents[chunk.doc_id]
                for unit in self._units(chunk, clauses=True):
                    text_terms(document.text[unit.start : unit.end])
            text_terms(chunk.search_text)

    # ---------- scoring helpers ----------
    def _weights(self, question: Question, bigrams: bool = True) -> dict[str, float]:
        return _question_weights(self.lexical, question.content_terms, bigrams)

    @staticmethod
    def _terms(text: str) -> frozenset[str]:
        return text_terms(text)

    def coverage(self, question: Question, text: str, bigrams: bool = True) -> float:
        """IDF-weighted share of the question's meaningful terms (and bigrams) found in ``text``."""
        weights = self._weights(question, bigrams)
        total = sum(weights.values())
        if total <= 0:
            return 0.0
        present = self._terms(text)
        return sum(w for t, w in weights.items() if t in present) / total

    def rare_terms_missing(self, question: Question, text: str) -> list[str]:
        """Question words the collection uses only in a few passages (at most ``RARE_SHARE`` of
        them) and ``text`` lacks: "phim" asked of a collection of laws that mention films twice,
        answered from a passage that never does. The share scales with the collection, so in a
        small one only words it never uses would count (those are :meth:`unknown_terms`)."""
        present = self._terms(text)
        frequencies = self.lexical.document_frequencies
        limit = RARE_SHARE * self.lexical.size
        return list(
            dict.fromkeys(
                t
                for t in question.content_terms
                if len(t) > 1 and not t[0].isdigit() and 0 < frequencies.get(t, 0) <= limit and t not in present
            )
        )

    def unknown_terms(self, question: Question) -> list[str]:
        """Meaningful question syllables the corpus never uses, even allowing one typo.

        In a large collection a well-formed syllable ("phim", "trọt") is a word, not a typo: nearly
        every syllable is one edit from a known one there ("phim" → "phi"), and everyday words
        ("trước", "buổi") are all present, so only malformed ones ("hiemm", "tee") are corrected.
        A small collection (a ward's few plans) lacks many everyday words, so any near one counts."""
        corrected = self.lexical.correct_terms(list(question.content_terms))
        known = self.lexical.document_frequencies
        return [
            t
            for t, c in zip(question.content_terms, corrected, strict=True)
            if (c not in known or (c != t and self.large_collection and is_syllable(t)))
            and not t.isdigit()
            and len(t) > 1
            and t not in COLLOQUIAL_WORDS  # "facebook", "online": their document wording was added
        ]

    # ---------- candidate passages ----------
    def _units(self, chunk: Chunk, clauses: bool = False) -> list[Span]:
        """Sentences and list lines of a chunk, as spans into its document's text.

        A sentence longer than a quote is cut into windows of its ``;``-separated clauses; with
        ``clauses`` every sentence's clauses are candidates too, so a figure ("… đạt từ 98% trở
        lên") can be quoted without the rest of a long list of targets.
        """
        key = (chunk.chunk_id, clauses)
        cached = self._units_cache.get(key)
        if cached is not None:
            return cached
        document = self.documents[chunk.doc_id]
        units: list[Span] = []
        self._units_cache[key] = units
        for paragraph in paragraph_spans(document.text, chunk.start, chunk.end):
            for line_span in _line_spans(document.text, paragraph):
                for sentence in full_sentence_spans(document.text, line_span):
                    short = sentence.end - sentence.start <= _MAX_UNIT_CHARS
                    if short:
                        units.append(sentence)
                    if clauses or not short:
                        windows = _clause_windows(document.text, sentence, _MAX_UNIT_CHARS // 2)
                        units.extend(w for w in windows if w.end - w.start >= 40)
        return units

    def _context_share(self, question: Question, context: str, heading: str = "") -> float:
        """The part of a unit's score its chunk and section heading give (the same for every
        unit of a chunk, so computed once per chunk)."""
        share = 0.2 * self.coverage(question, context)
        if heading:
            share += 0.2 * self.coverage(question, heading)
        return share

    def _unit_score(
        self,
        question: Question,
        text: str,
        context: str,
        heading: str = "",
        section: str = "",
        context_share: float | None = None,
    ) -> float:
        """How well one passage answers: question terms it covers (its own words first, then
        its chunk's and its section heading's), plus what the question type needs (a figure, a
        year, an actor, an assignment)."""
        if context_share is None:
            context_share = self._context_share(question, context, heading)
        score = 0.8 * self.coverage(question, text) + context_share
        intent = question.intent
        if _ASKS_ASSIGNMENT.search(question.folded) and _ASSIGNMENT.search(text):
            score += 0.25
        if intent == "quantity" and _NUMBER.search(text):
            score += 0.12
        if intent == "when" and _TIME_WORDS.search(text):
            score += 0.12
        if intent == "actor" and _ACTOR_WORDS.search(text):
            score += 0.08
        for year in question.years:
            if year in text:
                score += 0.08
            elif year in section:  # "Tầm nhìn đến năm 2045 › …": the item is about that year
                score += 0.06
        if question.years and not any(y in text or y in section for y in question.years):
            if _YEAR.search(text) or _YEAR.search(section):
                score -= 0.06  # about another year ("Đến năm 2030 …" when 2045 is asked)
        score += OPENING_WEIGHT * self._shared_opening(question, text)
        length = len(clean_for_answer(text))
        if length < 30:
            score -= 0.25
        # Between passages that cover the question equally, the shorter one is the better answer.
        return score - 0.1 * min(length, 600) / 600

    def _shared_opening(self, question: Question, text: str) -> float:
        """IDF-weighted share of the question's content words in the opening both share, word for
        word: a provision restated from its start ("Chất hướng thần là …" for "Chất hướng thần được
        định nghĩa là gì", "Trường hợp các bên không có thỏa thuận …, đúng hay sai?"). A common
        opening ("Trong trường hợp …") carries little weight."""
        asked = _opening_syllables(question.text)
        quoted = _opening_syllables(_ITEM_LABEL_AT_START.sub("", text, count=1)[:200])
        shared = 0
        for a, b in zip(asked, quoted, strict=False):
            if a != b:
                break
            shared += 1
        if shared < 2:
            return 0.0
        content = set(question.content_terms)
        total = sum(self.lexical.idf(t) for t in content)
        return sum(self.lexical.idf(t) for t in set(asked[:shared]) & content) / total if total > 0 else 0.0

    def best_units(self, question: Question, hits: list[ScoredChunk], limit: int = 5) -> list[Evidence]:
        """Every sentence of the top chunks, scored; an item split over several chunks is read
        whole (its assignment line often sits in the last piece)."""
        candidates: list[Evidence] = []
        seen: set[str] = set()
        for rank, hit in enumerate(hits[:limit]):
            if hit.chunk.kind in ("header", "signature"):
                continue  # identity blocks answer metadata questions, not content questions
            for chunk, prior in [(hit.chunk, 0.1 / (1 + rank))] + [
                (sibling, 0.05 / (1 + rank)) for sibling in self._siblings(hit.chunk)
            ]:
                if chunk.chunk_id in seen:
                    continue
                seen.add(chunk.chunk_id)
                document = self.documents[chunk.doc_id]
                heading = chunk.section_path[-1] if chunk.section_path else ""
                section = " › ".join(chunk.section_path)
                shared = self._context_share(question, chunk.search_text, heading)
                # Figures and dates are quoted by the clause; everything else by the sentence.
                for unit in self._units(chunk, clauses=question.intent in ("quantity", "when")):
                    text = document.text[unit.start : unit.end]
                    score = self._unit_score(question, text, chunk.search_text, heading, section, shared) + prior
                    candidates.append(Evidence(chunk, unit.start, unit.end, score, hit.score))
        candidates.sort(key=lambda e: -e.score)
        return candidates

    def _siblings(self, chunk: Chunk) -> list[Chunk]:
        """Other chunks of the same item (same document and section path)."""
        return [
            other
            for other in self.chunks_by_doc.get(chunk.doc_id, [])
            if other.section_path == chunk.section_path and other.chunk_id != chunk.chunk_id and chunk.kind == "body"
        ]

    # ---------- answers ----------
    def compose(self, question: Question, hits: list[ScoredChunk]) -> Draft:
        """The router's draft (see :mod:`hoidap.qa.answerers`); refusal is decided after it."""
        if not hits:
            return Draft(answerable=False)
        # "Đồ Sơn yêu cầu tuyên truyền qua những hình thức nào?": the ward's name chose the
        # document; within it, the passage that says "Đồ Sơn" is not the better answer.
        wards = self.identities.ward_terms(question.folded)
        kept = tuple(t for t in question.content_terms if t not in wards)
        if wards and kept:
            question = replace(question, content_terms=kept)
        _, draft = self.router.route(question, hits)
        return draft or Draft(answerable=False, refusal="không tìm thấy đoạn văn bản liên quan")

    # ---------- one entry point per kind of answer (called by the answerers) ----------
    def about_identity(self, question: Question, hits: list[ScoredChunk]) -> bool:
        return self._about_identity(question, hits)

    def metadata_answer(self, question: Question, hits: list[ScoredChunk]) -> Draft | None:
        return self._metadata_answer(question, hits)

    def cited_topic_answer(self, question: Question) -> Draft | None:
        external = self._external_subject(question)
        if external is not None and _ASKS_TOPIC.search(question.folded):
            return self._reference_topic_answer(question, external)
        return None

    def references_answer(self, question: Question, hits: list[ScoredChunk]) -> Draft | None:
        if question.intent != "references" or self._external_subject(question) is not None:
            return None
        draft = self._references_answer(question, hits)
        wanted = named_type(question)  # only a type the question asks for by name
        if draft is not None and wanted and not self._cites_type(draft, wanted):
            # "… kết hợp thực hiện kết luận nào": the opening "Thực hiện …" names no conclusion.
            draft = self._typed_reference_answer(hits, wanted, None, dated=False, question=question)
        return draft

    def outline_answer(self, question: Question, hits: list[ScoredChunk]) -> Draft | None:
        if _ASKS_ENUMERATION.search(question.folded):
            return self._outline_answer(question, hits)
        return None

    def passage_answer(self, question: Question, hits: list[ScoredChunk]) -> Draft:
        return self._content_answer(question, hits)

    def _about_identity(self, question: Question, hits: list[ScoredChunk]) -> bool:
        """Whether a number/date/issuer question is about one of our documents themselves.

        "Kế hoạch này số mấy" is; "Chính phủ ban hành chương trình … bằng nghị quyết số mấy" is
        about a document the corpus only cites, whose answer sits in running text. Signer and
        date questions, and questions naming a cited document by number, decide it themselves.
        """
        if question.intent in ("signer", "date", "title") or self._external_subject(question) is not None:
            return True
        return any(hit.chunk.kind in ("header", "signature", "recipients") for hit in hits[:3])

    def _cited_number_answer(self, question: Question, hits: list[ScoredChunk], document: Document) -> Draft | None:
        """For "… số mấy" about a document that is cited, not issued, by the corpus: the passage
        naming it with its number ("Kế hoạch số 30-KH/BTGDVTU, ngày 07/2/2026 …"). Skipped when the
        question names the issuer of the retrieved document itself (then its number really is
        blank), unless it asks what that document is based on ("căn cứ kế hoạch số mấy")."""
        wanted = asked_type(question)
        cited = _asks_about_a_cited_document(question, document)
        if not cited:
            issuer = document.metadata.issuer or ""
            if issuer and self.coverage_of_text(issuer, question.folded) >= 0.6:
                return None
            if document.doc_id in self.identities.named_by_place(question.folded):
                return None  # the question names this very document by its ward or city
        if wanted and cited:
            # The clause citing a document of the asked type, before any passage that merely
            # mentions one somewhere.
            typed = self._typed_reference_answer(hits, wanted, document, dated=False, question=question)
            if typed is not None:
                return typed
        draft = self._content_answer(question, hits)
        if draft.answerable and draft.evidence:
            text = self._text(draft.evidence[0])
            for number in DOC_NUMBER_PATTERN.findall(text):
                if not wanted or _is_of_type(number, wanted):
                    return draft
        return None

    def _cited_date_answer(
        self, question: Question, hits: list[ScoredChunk], document: Document | None = None
    ) -> Draft | None:
        """For "… ngày nào" about a document the corpus cites by description ("Chỉ thị của Thủ
        tướng về …"): the passage naming a document of that type with its date."""
        wanted = asked_type(question)
        if not wanted:
            return None
        draft = self._content_answer(question, hits)
        if draft.answerable and draft.evidence:
            text = self._text(draft.evidence[0])
            for match in DOC_NUMBER_PATTERN.finditer(text):
                if _is_of_type(match.group(0), wanted) and _dated_after(text, match.end()):
                    return draft
        if document is not None and not _asks_about_a_cited_document(question, document):
            return None  # the document's own date is asked, and it has none
        return self._typed_reference_answer(hits, wanted, None, dated=True, question=question)

    def _cites_type(self, draft: Draft, wanted: str) -> bool:
        """Whether the draft's quotes name a document of type ``wanted`` by number."""
        for evidence in draft.evidence:
            if any(_is_of_type(number, wanted) for number in DOC_NUMBER_PATTERN.findall(self._text(evidence))):
                return True
        return False

    def _typed_reference_answer(
        self,
        hits: list[ScoredChunk],
        wanted: str,
        document: Document | None,
        *,
        dated: bool,
        question: Question | None = None,
    ) -> Draft | None:
        """The clause citing a document of type ``wanted`` ("ctr") with its number (and date when
        ``dated``), from the best-ranked passage that has one; then from the rest of ``document``
        (its opening "Thực hiện … Kế hoạch số 30-KH/BTGDVTU …" may rank low). The document's own
        number is not an answer about a document it cites."""
        own = doc_number_key(document.metadata.number) if document and document.metadata.number else None
        named_numbers = (
            {int(m.group(2)) for m in REFERENCE.finditer(question.folded) if m.group(2)} if question else set()
        )
        chunks = [hit.chunk for hit in hits[:6]]
        if document is not None:
            chunks += [c for c in self.chunks_by_doc.get(document.doc_id, []) if c not in chunks]
        candidates: list[tuple[Chunk, Document, re.Match[str], bool]] = []
        for chunk in chunks:
            source = self.documents.get(chunk.doc_id)
            if source is None:
                continue
            for match in DOC_NUMBER_PATTERN.finditer(source.text, chunk.start, chunk.end):
                if not _is_of_type(match.group(0), wanted):
                    continue
                if own is not None and doc_number_key(match.group(0)) == own:
                    continue
                lead = re.match(r"\d+", match.group(0))
                if lead and int(lead.group(0)) in named_numbers:
                    continue  # "… thực hiện NQ 72 bằng nghị quyết số mấy": not NQ 72 itself
                has_date = _dated_after(source.text, match.end())
                if dated and not has_date:
                    continue
                candidates.append((chunk, source, match, has_date))
        if not candidates:
            return None
        # The best-ranked number; its mention with a date when the passages have one.
        first = doc_number_key(candidates[0][2].group(0))
        same = [c for c in candidates if doc_number_key(c[2].group(0)) == first]
        chunk, source, match, _ = next((c for c in same if c[3]), same[0])
        reference = next(
            (r for r in source.metadata.references if doc_number_key(r.number) == doc_number_key(match.group(0))),
            None,
        )
        start = match.start()
        if reference is not None:
            found = source.text.rfind(reference.text, max(chunk.start, match.start() - 60), match.end())
            start = found if found >= 0 else start
        # The clause may run past the chunk's end (a title wrapped over the header chunk).
        end = _clause_end(source.text, match.end(), len(source.text), 260)
        if source.text[end - 1 : end].isalnum() and source.text[end : end + 1].isalnum():
            end = source.text.rfind(" ", match.end(), end)  # no clause end: stop between words
        if source.text[end : end + 1] == "“":  # the cited title: "… 07/2/2026 về “Tuyên truyền …”"
            closing = source.text.find("”", end, end + 300)
            end = closing + 1 if closing > 0 else end
        start, end = trim_span(source.text, start, end)
        evidence = Evidence(chunk, start, end, 1.0, 1.0)
        # A structural lookup (a number of the asked type in the passage), like the metadata answers.
        return Draft(True, [(clean_for_answer(source.text[start:end]), 0)], [evidence], confidence=0.95, exact=True)

    def coverage_of_text(self, phrase: str, folded_question: str) -> float:
        """Share of the syllables of ``phrase`` (folded, abbreviations expanded) found in the question."""
        wanted = [fold_diacritics(s) for s in syllables(phrase)]
        present = set(folded_syllables(expand_abbreviations(folded_question)))
        return sum(w in present for w in wanted) / len(wanted) if wanted else 0.0

    def _references_answer(self, question: Question, hits: list[ScoredChunk]) -> Draft | None:
        """Which documents a document implements: the opening "Thực hiện …" sentence."""
        document = self._target_document(question, hits)
        if document is None:
            return None
        preamble = next(
            (c for c in self.chunks_by_doc.get(document.doc_id, []) if c.section_path == ["Phần mở đầu"]),
            None,
        )
        if preamble is None:
            return None
        # The whole opening sentence: it lists every document this one builds on, separated by ";"
        # and often quoting their titles ("… “Về một số giải pháp đột phá …” …; Kế hoạch số …").
        stop = re.compile(r"[:\n]|\.\s")
        found = stop.search(document.text, preamble.start + 40, min(preamble.end, preamble.start + 1200))
        end = found.start() if found else _clause_end(document.text, preamble.start + 40, preamble.end, 420)
        start, end = trim_span(document.text, preamble.start, end)
        evidence = Evidence(preamble, start, end, 1.0, 1.0)
        # About the document itself ("kế hoạch của Bạch Đằng căn cứ văn bản nào"): a structural
        # lookup like the metadata answers. With its own subject ("phòng khám tư … theo nghị quyết
        # nào") the opening sentence must still cover the question like any passage.
        subject = {t for t in question.content_terms if t not in _DOCUMENT_WORDS}
        return Draft(
            True,
            [(clean_for_answer(document.text[start:end]), 0)],
            [evidence],
            confidence=0.99,
            exact=len(subject) <= 2,
        )

    def _target_document(self, question: Question, hits: list[ScoredChunk]) -> Document | None:
        """The document a metadata question is about: named by its number, else the best hit's."""
        subject = subject_reference(question)
        if subject is not None:
            for document in self.documents.values():
                own = document.metadata.number
                lead = re.match(r"\d+", own or "")
                if lead and int(lead.group(0)) == subject[1]:
                    return document
        # A question naming one document by its ward or number ("KH của phường Bạch Đằng … ai
        # ký") means that one, even when another plan's signature block ranks higher.
        named = self.identities.matching_documents(question.text)
        if len(named) == 1:
            return self.documents.get(next(iter(named)))
        # Only the documents' own header/signature/recipient blocks speak for the document.
        for hit in hits:
            if hit.chunk.kind in ("header", "signature", "recipients"):
                return self.documents.get(hit.chunk.doc_id)
        return self.documents.get(hits[0].chunk.doc_id)

    def _external_subject(self, question: Question) -> tuple[str, int] | None:
        """The question's subject when it is a document cited by, but not in, the corpus ("CT 25")."""
        subject = subject_reference(question)
        if subject is None:
            return None
        for document in self.documents.values():
            lead = re.match(r"\d+", document.metadata.number or "")
            if lead and int(lead.group(0)) == subject[1]:
                return None
        return subject

    def _cited_references(self, question: Question, subject: tuple[str, int]) -> list[DocumentReference]:
        """References matching the question's subject ("CT 25"), most often cited first.

        "CT 25" fits both "25-CT/TW" (Ban Bí thư) and "25/CT-TTg" (Thủ tướng): a full number in
        the question decides; otherwise the one the corpus cites most is meant.
        """
        code, number = subject
        exact = set(question.doc_number_keys)
        found: dict[str, DocumentReference] = {}
        for document in self.documents.values():
            for reference in document.metadata.references:
                lead = re.match(r"(\d+)\s*[-/]\s*([A-Za-zĐđ]+)", reference.number)
                if not lead or int(lead.group(1)) != number:
                    continue
                if not fold_diacritics(lead.group(2)).lower().startswith(code[:2]):
                    continue
                if exact and doc_number_key(reference.number) not in exact:
                    continue
                found.setdefault(reference.number, reference)
        mentions = {n: sum(d.text.count(n) for d in self.documents.values()) for n in found}
        return sorted(found.values(), key=lambda r: -mentions[r.number])

    def _reference_clause_answer(self, question: Question, subject: tuple[str, int], follows: str) -> Draft | None:
        """Quote the clause that cites a document with what ``follows`` its number: a date
        ("… 25-CT/TW ngày 25/10/2023") or its subject ("… của Bộ Chính trị về tăng cường …")."""
        for reference in self._cited_references(question, subject):
            pattern = re.compile(re.escape(reference.number) + follows)
            for document in self.documents.values():
                match = pattern.search(document.text)
                chunk = self._chunk_at(document, match.start()) if match else None
                if match is None or chunk is None:
                    continue
                start = document.text.rfind(reference.text, max(0, match.start() - 60), match.end())
                start = start if start >= 0 else match.start()
                end = _clause_end(document.text, match.end(), chunk.end, 220)
                quote = document.text[start:end]
                evidence = Evidence(chunk, start, end, 1.0, 1.0)
                return Draft(True, [(clean_for_answer(quote), 0)], [evidence], confidence=1.0, exact=True)
        return None

    def _reference_date_answer(self, question: Question, subject: tuple[str, int]) -> Draft | None:
        """Date of a cited document, quoted from the sentence that cites it with its date."""
        return self._reference_clause_answer(question, subject, r"[^.;\n]{0,20}?\d{1,2}/\d{1,2}/\d{4}")

    def _reference_topic_answer(self, question: Question, subject: tuple[str, int]) -> Draft | None:
        """What a cited document is about: "… của <cơ quan> về <nội dung>"."""
        return self._reference_clause_answer(question, subject, r"[^.;\n]{0,80}?\bvề\b")

    def _chunk_at(self, document: Document, offset: int) -> Chunk | None:
        for chunk in self.chunks_by_doc.get(document.doc_id, []):
            if chunk.start <= offset < chunk.end:
                return chunk
        return None

    def _chunk_of_kind(self, document: Document, kind: str, hits: list[ScoredChunk]) -> Chunk | None:
        for hit in hits:
            if hit.chunk.doc_id == document.doc_id and hit.chunk.kind == kind:
                return hit.chunk
        return None

    def _metadata_answer(self, question: Question, hits: list[ScoredChunk]) -> Draft | None:
        external = self._external_subject(question)
        asked = named_type(question)
        if external is not None and asked and asked != external[0]:
            # "… triển khai NQ72 theo chương trình hành động nào, số mấy": NQ72 is context, the
            # programme is asked about.
            external = None
        elif external is not None:
            if question.intent == "date":
                return self._reference_date_answer(question, external) or Draft(
                    False, refusal="không rõ ngày của văn bản"
                )
            if question.intent in ("signer", "recipients", "doc_number"):
                return Draft(False, refusal="văn bản được hỏi không có trong kho")
            return None
        document = self._target_document(question, hits)
        if document is None:
            return None
        meta = document.metadata
        # Numbered documents by type and number, others by their full title.
        label = labels.document_label(document, short=bool(meta.number))
        chunk_lookup = self.chunks_by_doc.get(document.doc_id, [])

        def block(kind: str) -> Chunk | None:
            return next((c for c in chunk_lookup if c.kind == kind), None) or self._chunk_of_kind(document, kind, hits)

        def evidence_for(chunk: Chunk, needle: str | None = None) -> Evidence:
            start, end = chunk.start, chunk.end
            if needle:
                found = document.text.find(needle, chunk.start, chunk.end)
                if found >= 0:
                    start, end = found, found + len(needle)
            start, end = trim_span(document.text, start, end)
            return Evidence(chunk, start, end, 1.0, 1.0)

        if question.intent == "signer":
            signature = block("signature")
            if not meta.signer_name or signature is None:
                return Draft(False, refusal="văn bản không ghi người ký")
            if re.search(r"\bchuc (vu|danh)\b", question.folded) and not meta.signer_position:
                return Draft(False, refusal="văn bản không ghi chức vụ người ký")
            role = ", ".join(readable_title(p) for p in (meta.signer_authority, meta.signer_position) if p)
            role_text = f" ({role})" if role else ""
            sentence = f"{label} do {meta.signer_name}{role_text} ký"
            return Draft(True, [(sentence, 0)], [evidence_for(signature)], confidence=1.0, exact=True)
        if question.intent == "date":
            header = block("header")
            if header is None or not meta.date_text:
                return self._cited_date_answer(question, hits, document) or Draft(
                    False, refusal="văn bản không ghi ngày ban hành"
                )
            evidence = evidence_for(header, meta.date_text)
            if meta.date_precision == "day" and meta.date:
                year, month, day = meta.date.split("-")
                written = meta.date_text[meta.date_text.find("ngày") :] if "ngày" in meta.date_text else ""
                sentence = f"{label} được ban hành {written or 'ngày'} ({int(day)}/{int(month)}/{year})"
            elif meta.date_precision == "month" and meta.date:
                if _asks_exact_day(question):
                    return Draft(False, refusal="văn bản để trống ngày cụ thể")
                year, month = meta.date.split("-")[:2]
                sentence = (
                    f"{label} ghi thời gian ban hành là tháng {month} năm {year}; "
                    "văn bản để trống ngày cụ thể"
                )
            else:
                sentence = f"{label} ghi thời gian: {clean_for_answer(meta.date_text)}"
            if meta.place:
                sentence += f", tại {meta.place}"
            return Draft(True, [(sentence, 0)], [evidence], confidence=1.0, exact=True)
        if question.intent == "recipients":
            if meta.recipients:
                header = block("header")
                if header is None:
                    return None
                found = document.text.find("Kính gửi", header.start, header.end)
                evidence = evidence_for(header)
                if found >= 0:
                    start, end = trim_span(document.text, found, header.end)
                    evidence = Evidence(header, start, end, 1.0, 1.0)
                sentence = f"{label} kính gửi: " + "; ".join(meta.recipients)
                return Draft(True, [(sentence, 0)], [evidence], confidence=1.0, exact=True)
            recipients = block("recipients")
            if recipients is None or not meta.cc:
                return None
            sentence = f"Nơi nhận của {label[0].lower() + label[1:]} gồm: " + "; ".join(meta.cc)
            return Draft(True, [(sentence, 0)], [evidence_for(recipients)], confidence=1.0, exact=True)
        if question.intent == "title":
            header = block("header")
            if header is None or not meta.title:
                return None
            kind = " số ".join(x for x in (meta.doc_type or "Văn bản", meta.number) if x)
            title = clean_for_answer(meta.title)
            sentence = title if not meta.number and title.lower().startswith(kind.lower()) else f"{kind}: {title}"
            return Draft(True, [(sentence, 0)], [self._title_evidence(document, header)], confidence=1.0, exact=True)
        if question.intent == "issuer":
            header = block("header")
            if header is None or not meta.issuer:
                return None
            sentence = f"{label} do {meta.issuer} ban hành"
            return Draft(True, [(sentence, 0)], [evidence_for(header)], confidence=1.0, exact=True)
        if question.intent == "doc_number":
            header = block("header")
            if header is None:
                return None
            if meta.number:
                sentence = f"Văn bản mang số {meta.number}"
                return Draft(True, [(sentence, 0)], [evidence_for(header, meta.number)], confidence=1.0, exact=True)
            cited = self._cited_number_answer(question, hits, document)
            if cited is not None:
                return cited
            if meta.number_raw:
                return Draft(False, refusal=f"văn bản để trống số hiệu (ghi “{meta.number_raw}”)")
            return Draft(False, refusal="văn bản không ghi số hiệu")
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
            chunk = self._chunk_at(document, item.start) or next(
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

    def _title_evidence(self, document: Document, header: Chunk) -> Evidence:
        """The title as printed, over its wrapped lines: from its first words to its last."""
        title = document.metadata.title or ""
        text = document.text
        head = title.split()[:4]
        first = re.search(r"\s+".join(map(re.escape, head)), text[header.start : header.end], re.IGNORECASE) if head else None
        start = header.start + first.start() if first else header.start
        tail = title.split()[-3:]
        last = re.search(r"\s+".join(map(re.escape, tail)), text[start : header.end], re.IGNORECASE) if tail else None
        end = start + last.end() if last else header.end
        start, end = trim_span(text, start, end)
        return Evidence(header, start, end, 1.0, 1.0)

    def _content_answer(self, question: Question, hits: list[ScoredChunk]) -> Draft:
        units = self.best_units(question, hits)
        if not units:
            return Draft(answerable=False, refusal="không tìm thấy đoạn văn bản liên quan")
        if (
            question.intent == "list"
            or self._is_heading(units[0])
            or self._is_intro(units[0])
            or self._asks_about_item_actor(question, units[0])
        ):
            listed = self._list_answer(question, units[0])
            if listed is not None:
                return listed
        best = self._widen(units[0])
        chosen = [best]
        covered = self._covered_terms(question, self._text(best))
        # Greedy: add passages that cover question terms the chosen ones miss (multi-part and
        # cross-document questions), or that state the same thing in another document.
        for candidate in units[1:12]:
            if len(chosen) >= self.max_sentences:
                break
            if candidate.score < 0.6 * best.score:
                break
            widened = self._widen(candidate)
            if any(_overlaps(widened, c) or _same_text(self.documents, widened, c) for c in chosen):
                continue
            text = self._text(widened)
            gain = self._covered_terms(question, text) - covered
            other_document = widened.chunk.doc_id not in {c.chunk.doc_id for c in chosen}
            gain_weight = sum(self.lexical.idf(t) for t in gain)
            total_weight = sum(self.lexical.idf(t) for t in set(question.content_terms)) or 1.0
            if gain_weight / total_weight >= 0.15 or (other_document and candidate.score >= 0.85 * best.score):
                chosen.append(widened)
                covered |= self._covered_terms(question, text)
        # The best passage stays first; the others follow, grouped by document, in reading order.
        best_first = chosen[0]
        chosen = [best_first] + sorted(chosen[1:], key=lambda e: (e.chunk.doc_id != best_first.chunk.doc_id, e.chunk.doc_id, e.start))
        sentences = [(clean_for_answer(self._text(e)), i) for i, e in enumerate(chosen)]
        if question.intent == "actor":
            sentences = [(self._with_actor_heading(e, text), i) for (text, i), e in zip(sentences, chosen, strict=True)]
        if len({e.chunk.doc_id for e in chosen}) > 1:
            sentences = [
                (f"Theo {labels.document_label(self.documents[e.chunk.doc_id])}: {text}", i)
                for (text, i), e in zip(sentences, chosen, strict=True)
            ]
        return Draft(True, sentences, chosen, confidence=units[0].score)

    def _covered_terms(self, question: Question, text: str) -> set[str]:
        present = self._terms(text)
        return {t for t in question.content_terms if t in present}

    def _with_actor_heading(self, evidence: Evidence, text: str) -> str:
        """Name the body a task belongs to when only the item heading names it:
        "Ban Tuyên giáo Đảng ủy phường: Thường xuyên định hướng …" (the heading is the quote's
        section, shown with its citation)."""
        if not evidence.chunk.section_path:
            return text
        heading = evidence.chunk.section_path[-1].rstrip(" …")
        if not re.match(r"^\d+(\.\d+)*\.?\s", heading) or not _ACTOR_WORDS.search(heading):
            return text
        actor = re.sub(r"^[\d.]+\s*", "", heading).rstrip(":")
        if fold_diacritics(actor).lower() in fold_diacritics(text).lower() or len(actor) > 90:
            return text
        return f"{actor}: {text[0].lower() + text[1:] if text[:2].istitle() else text}"

    def _asks_about_item_actor(self, question: Question, evidence: Evidence) -> bool:
        """"Ban Xây dựng Đảng làm gì?" when the passage sits in the item headed by that body
        ("3. Ban Xây dựng Đảng Đảng ủy phường"): the whole item is the answer."""
        if question.intent not in ("actor", "content", "list") or not evidence.chunk.section_path:
            return False
        heading = evidence.chunk.section_path[-1]
        if not _ACTOR_WORDS.search(heading) or not re.match(r"^\d+(\.\d+)*\.?\s", heading):
            return False
        return self.coverage_of_text(re.sub(r"^[\d.]+\s*", "", heading.rstrip(" …")), question.folded) >= 0.6

    def _is_intro(self, evidence: Evidence) -> bool:
        """A sentence that announces a list ("…, trong đó:"): the answer is in what follows."""
        text = clean_for_answer(self._text(evidence)).rstrip()
        return text.endswith(":") or text.lower().endswith("trong đó")

    def _is_heading(self, evidence: Evidence) -> bool:
        """A unit that is only an item heading ("2. Ủy ban nhân dân phường"): its content follows it."""
        text = clean_for_answer(self._text(evidence))
        chunk = evidence.chunk
        before = self.documents[chunk.doc_id].text[chunk.start : evidence.start]
        # At the chunk's start, or after nothing but the item's number ("4. ", "b) ").
        at_start = evidence.start == chunk.start or bool(_ITEM_LABEL.fullmatch(before))
        return at_start and len(text) < 120 and not text.endswith((".", ";"))

    def _list_answer(self, question: Question, best: Evidence) -> Draft | None:
        """An item with its bullets: its lines in reading order, over all chunks of the item.

        When the whole item is too long to read out, keep its heading (or the sentence that
        announces the list) and the lines that best match the question, still in document order.
        """
        document = self.documents[best.chunk.doc_id]
        chunks = sorted([best.chunk, *self._siblings(best.chunk)], key=lambda c: c.start)
        lines: list[tuple[Chunk, Span]] = []
        for chunk in chunks:
            for paragraph in paragraph_spans(document.text, chunk.start, chunk.end):
                for line in _line_spans(document.text, paragraph):
                    # A line longer than a quote is read sentence by sentence.
                    pieces = [line] if line.end - line.start <= _MAX_UNIT_CHARS else full_sentence_spans(document.text, line)
                    for span in pieces:
                        if not lines or span.start >= lines[-1][1].end:  # overlapping chunks share lines
                            lines.append((chunk, span))
        if len(lines) < 2:
            return None
        # A heading that matched best means the item as a whole was asked about ("MTTQ làm gì").
        whole_item = question.intent in ("list", "actor") or self._is_heading(best)
        budget = _MAX_LIST_CHARS if whole_item else _MAX_ITEM_CHARS
        total = sum(span.end - span.start for _, span in lines)
        if total <= budget:
            keep = set(range(len(lines)))
        else:
            def line_score(i: int) -> float:
                chunk, span = lines[i]
                return self._unit_score(question, document.text[span.start : span.end], chunk.search_text)

            anchor = next((i for i, (_, span) in enumerate(lines) if span.start <= best.start < span.end + 1), 0)
            keep = {anchor} if not (self._is_intro(best) or self._is_heading(best)) else set()
            if self._is_heading(Evidence(lines[0][0], lines[0][1].start, lines[0][1].end, 0, 0)):
                keep.add(0)
            used = sum(lines[i][1].end - lines[i][1].start for i in keep)
            # The heading matches by construction; the floor is set by the lines under it.
            floor = 0.35 * max((line_score(i) for i in range(len(lines)) if i not in keep), default=0.0)
            for index in sorted(range(len(lines)), key=lambda i: -line_score(i)):
                if index in keep:
                    continue
                if line_score(index) < floor:
                    break  # lines that do not speak to the question stay out
                length = lines[index][1].end - lines[index][1].start
                if used + length > budget:
                    continue
                keep.add(index)
                used += length
        selected = [lines[i] for i in sorted(keep)]
        if not selected:
            return None
        # Consecutive lines of one chunk make one quote; a gap or another chunk starts a new one.
        groups: list[list[int]] = []
        previous_index = -2
        for index in sorted(keep):
            if groups and index == previous_index + 1 and lines[groups[-1][-1]][0].chunk_id == lines[index][0].chunk_id:
                groups[-1].append(index)
            else:
                groups.append([index])
            previous_index = index

        def group_rank(group: list[int]) -> float:
            if any(lines[i][1].start <= best.start < lines[i][1].end + 1 for i in group):
                return float("inf")  # the passage that matched the question best
            chunk = lines[group[0]][0]
            return max(
                self._unit_score(question, document.text[lines[i][1].start : lines[i][1].end], chunk.search_text)
                for i in group
            )

        ranked = sorted(groups, key=group_rank, reverse=True)[: self.max_sentences + 2]
        # Citations are numbered best first; the answer reads in document order.
        evidence: list[Evidence] = []
        for group in ranked:
            chunk = lines[group[0]][0]
            start, end = trim_span(document.text, lines[group[0]][1].start, lines[group[-1]][1].end)
            evidence.append(Evidence(chunk, start, end, best.score, best.retrieval_score))
        sentences: list[tuple[str, int]] = []
        for group in sorted(ranked, key=lambda g: g[0]):
            text = _join_lines([clean_for_answer(document.text[lines[i][1].start : lines[i][1].end]) for i in group])
            sentences.append((text, ranked.index(group)))
        return Draft(True, sentences, evidence, confidence=best.score)

    def _text(self, evidence: Evidence) -> str:
        return self.documents[evidence.chunk.doc_id].text[evidence.start : evidence.end]

    def _widen(self, evidence: Evidence) -> Evidence:
        """Give a too-short unit its neighbour so the quote reads as a full statement."""
        document = self.documents[evidence.chunk.doc_id]
        start, end = trim_span(document.text, evidence.start, evidence.end)
        if len(clean_for_answer(document.text[start:end])) < 60:
            units = self._units(evidence.chunk)
            following = [u for u in units if u.start >= end]
            if following:
                end = following[0].end
        start, end = trim_span(document.text, start, end)
        return Evidence(evidence.chunk, start, end, evidence.score, evidence.retrieval_score)


_SENTENCE_BOUNDARY = re.compile(rf"(?<=[.!?])\s+(?=[{UPPERCASE_LETTERS}0-9\-+*(“\"])")


def full_sentence_spans(text: str, span: Span) -> list[Span]:
    """Sentences of one line (split after . ! ? followed by a capital), ``;`` clauses kept together."""
    pieces: list[Span] = []
    cursor = span.start
    for match in _SENTENCE_BOUNDARY.finditer(text, span.start, span.end):
        if match.start() - cursor > 0:
            pieces.append(Span(cursor, match.start()))
        cursor = match.end()
    if span.end > cursor:
        pieces.append(Span(cursor, span.end))
    return pieces


_CLAUSE_BREAK = re.compile(r";\s+|:\s+(?=\S)")


def _clauses(text: str, sentence: Span) -> list[Span]:
    """The ``;``/``:``-separated clauses of a sentence ("…; phấn đấu đến năm 2030 …; …")."""
    clauses: list[Span] = []
    cursor = sentence.start
    for match in _CLAUSE_BREAK.finditer(text, sentence.start, sentence.end):
        if match.start() > cursor:
            clauses.append(Span(cursor, match.start() + 1))
        cursor = match.end()
    if sentence.end > cursor:
        clauses.append(Span(cursor, sentence.end))
    return clauses


def _clause_windows(text: str, sentence: Span, max_chars: int) -> list[Span]:
    """Each clause of a sentence on its own, and the longest run of clauses from it that fits in
    ``max_chars``, so a figure can be quoted with as little around it as possible."""
    clauses = _clauses(text, sentence)
    if len(clauses) < 2:
        return []
    windows: list[Span] = []
    for index, clause in enumerate(clauses):
        windows.append(clause)
        end = clause.end
        for following in clauses[index + 1 :]:
            if following.end - clause.start > max_chars:
                break
            end = following.end
        if end != clause.end:
            windows.append(Span(clause.start, end))
    return windows


def subject_reference(question: Question) -> tuple[str, int] | None:
    """(type code, number) of the first document the question names, if it names it by number.

    "CT 25-CT/TW do cơ quan nào ban hành" → ("ct", 25); "KH thực hiện NQ 72 ai ký" → None (the
    subject, the plan, is named without a number; NQ 72 only describes it).
    """
    match = REFERENCE.search(question.folded)
    if match is None or match.group(2) is None:
        return None
    number = int(match.group(2))
    if 1900 <= number <= 2100:
        return None
    return TYPE_CODES.get(match.group(1), match.group(1)), number


def _clause_end(text: str, start: int, limit: int, window: int = 160) -> int:
    """End of the clause that begins before ``start``: the next ; or sentence end, within ``window``.

    A single line break inside a wrapped title ("… ngày 25/10/2023\ncủa Ban Bí thư …") does not
    end the clause; a blank line, or a new line starting a bullet or a capitalised item, does.
    """
    window_end = min(limit, start + window)
    for index in range(start, window_end):
        character = text[index]
        if character == "\n":
            following = text[index + 1 : index + 2]
            if not following or following in "\n-+*•" or following.isupper() or following.isdigit():
                return index
            continue
        if character == ";" or (character == "." and index + 1 < len(text) and text[index + 1].isspace()):
            return index
        if character in "(“\"":
            return index
    return window_end


_TITLE_WORDS = {
    "t/m": "T/M", "tm.": "TM.", "kt.": "KT.", "ban thường vụ": "Ban Thường vụ", "bí thư": "Bí thư",
    "thường trực": "Thường trực", "đảng ủy": "Đảng ủy", "ủy ban nhân dân": "Ủy ban nhân dân",
}  # fmt: skip


def readable_title(text: str) -> str:
    """A position written in capitals, in ordinary case: "T/M BAN THƯỜNG VỤ" → "T/M Ban Thường vụ"."""
    if not text.isupper():
        return text
    readable = text.lower()
    for written, proper in _TITLE_WORDS.items():
        readable = re.sub(rf"(?<!\w){re.escape(written)}(?!\w)", proper, readable)
    return readable[0].upper() + readable[1:]


def subject_type(question: Question) -> str | None:
    """Type code of the first document type the question names ("KH số mấy" → "kh")."""
    match = REFERENCE.search(question.folded)
    return TYPE_CODES.get(match.group(1), match.group(1)) if match else None


def named_type(question: Question) -> str | None:
    """Type code of a document the question asks for by name: "chương trình hành động nào",
    "kế hoạch số mấy" → "ctr", "kh"."""
    asked = ASKED_TYPE.search(question.folded)
    return TYPE_CODES.get(asked.group(1), asked.group(1)) if asked else None


def _is_of_type(number: str, wanted: str) -> bool:
    """Whether a document number ("03-CTr/TU", "12/2024/QĐ-UBND", "68/2020/QH14") is of the type
    code ``wanted`` ("ctr", "qđ", "qh"): its first part after the serial that is not a year."""
    parts = [p for p in re.split(r"\s?[-/]\s?", number)[1:] if not p.isdigit()]
    return bool(parts) and fold_diacritics(parts[0]).lower().startswith(wanted)


def _dated_after(text: str, end: int) -> bool:
    """Whether a date follows the document number ending at ``end`` ("…, ngày 30/10/2025")."""
    return bool(_DATE_AFTER_NUMBER.match(text, end, end + 20))


def asked_type(question: Question) -> str | None:
    """Type code of the document asked about: the one followed by "số mấy"/"nào" ("kế hoạch …
    cụ thể hóa chương trình hành động nào" → "ctr"), else the first type named."""
    return named_type(question) or subject_type(question)


# "… căn cứ (vào) kế hoạch số mấy": the number asked is of a document the retrieved one builds on.
_RELATION_THEN_TYPE = re.compile(
    r"\b(can cu|thuc hien|cu the hoa|trien khai|quan triet|theo)( vao)? "
    rf"({TYPE_NAMES})( hanh dong)?"
    r"( cua [a-z ]{2,40}?)? (so may|so bao nhieu|so nao|so hieu|mang so|la so|nao)\b"
)
_RELATION = re.compile(r"\b(can cu|thuc hien|cu the hoa|trien khai|quan triet)\b")


def _asks_about_a_cited_document(question: Question, document: Document | None) -> bool:
    """Whether "số mấy"/"ngày nào" asks about a document that ``document`` builds on, not about
    ``document`` itself: "căn cứ kế hoạch số mấy", or "chương trình hành động … mà phường cụ thể
    hóa … là số nào" asked of a plan. "KH thực hiện NQ72 của phường … số mấy" asks the plan's own."""
    if _RELATION_THEN_TYPE.search(question.folded):
        return True
    if document is None or not document.metadata.doc_type or not _RELATION.search(question.folded):
        return False
    asked = asked_type(question)
    own = fold_diacritics(document.metadata.doc_type).lower()
    own_code = TYPE_CODES.get(own, own)
    return asked is not None and not own_code.startswith(asked)


# "có mấy hình thức …, kể ra", "gồm những phần nào", "liệt kê các nhóm …"
_ASKS_ENUMERATION = re.compile(r"\b(co may|gom may|bao gom nhung|gom nhung|ke ra|liet ke|nhung .{1,30} nao|cac .{1,30} nao)\b")


# Words that name a document rather than what it is about: type names and codes (from the
# profile), how one builds on another, and the issuing bodies' common words.
_DOCUMENT_WORDS = frozenset(
    " ".join(TYPE_CODES).split()
    + "hanh dong can cu trien khai cu the hoa ban thuong vu dang uy thanh tinh phuong".split()
)
_HEADING_FILLER = frozenset({"va", "cac", "cua", "ve", "trong", "cho", "voi", "tai", "theo", "nhung"})


def _section_nodes(root: SectionNode | None) -> list[SectionNode]:
    if root is None:
        return []
    nodes, stack = [], [root]
    while stack:
        node = stack.pop()
        nodes.append(node)
        stack.extend(reversed(node.children))
    return nodes


_ITEM_LABEL = re.compile(r"\s*(?:[IVX]+|\d+(?:\.\d+)*|[a-zđ])[.)]\s*")
_DATE_AFTER_NUMBER = re.compile(r"[,\s]*(ngày\s*)?\d{1,2}/\d{1,2}/\d{4}")
_YEAR = re.compile(r"\b(19|20)\d\d\b")
_ITEM_LABEL_AT_START = re.compile(r"^\s*(?:\d+(?:\.\d+)*\.|[a-zđ]\))\s*")


@functools.lru_cache(maxsize=4096)
def _opening_syllables(text: str) -> tuple[str, ...]:
    """The first folded syllables of ``text`` (enough to compare openings)."""
    return tuple(folded_syllables(text[:300])[:40])


def _asks_exact_day(question: Question) -> bool:
    return bool(re.search(r"\b(ngay may|ngay nao|ngay bao nhieu|chinh xac)\b", question.folded))


def _join_lines(lines: list[str]) -> str:
    """Lines of a list, one per line; a line a page break cut in two is joined back with a space."""
    out: list[str] = []
    for line in lines:
        if out and out[-1] and out[-1][-1] not in ".;:!?…)”\"" and line[:1].islower():
            out[-1] = f"{out[-1]} {line}"
        else:
            out.append(line)
    return "\n".join(out)


def _line_spans(text: str, paragraph: Span) -> list[Span]:
    spans: list[Span] = []
    cursor = paragraph.start
    for line in text[paragraph.start : paragraph.end].split("\n"):
        line_start, line_end = cursor, cursor + len(line)
        cursor = line_end + 1
        while line_start < line_end and text[line_start].isspace():
            line_start += 1
        while line_end > line_start and text[line_end - 1].isspace():
            line_end -= 1
        if line_end > line_start:
            spans.append(Span(line_start, line_end))
    return spans


def _overlaps(a: Evidence, b: Evidence) -> bool:
    return a.chunk.doc_id == b.chunk.doc_id and a.start < b.end and b.start < a.end


def _same_text(documents: dict[str, Document], a: Evidence, b: Evidence) -> bool:
    text_a = clean_for_answer(documents[a.chunk.doc_id].text[a.start : a.end]).lower()
    text_b = clean_for_answer(documents[b.chunk.doc_id].text[b.start : b.end]).lower()
    return text_a == text_b
