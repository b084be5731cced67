"""Extractive answers: pick the passages that answer, quote them verbatim, cite them, or refuse.

No generative model is available offline, so an answer is built from the documents' own words:
the sentence with the figure for "bao nhiêu", the assignment for "ai/cơ quan nào", the whole item
with its bullets for "những gì", the signature block for "ai ký", the header for "ngày nào".
Every answer sentence ends with a [n] marker whose citation quotes the supporting passage
verbatim, and when the evidence is too thin the answer says the documents do not cover it.

Each kind of answer is an answerer of :mod:`hoidap.qa.answerers`; this module holds the passage
toolkit they share (:class:`Composer`: sentences of a chunk scored against a question, an item
read whole, how much of a question a text covers) and routes a question to them. The passage
types (:class:`Evidence`, :class:`Draft`, :func:`clean_for_answer`) live in
:mod:`hoidap.qa.passages` and stay importable from here.
"""

from __future__ import annotations

import functools
import re
from dataclasses import replace

from hoidap.domain import Chunk, Document
from hoidap.index.accents import question_phrases
from hoidap.index.identity import DocumentIdentities
from hoidap.index.lexical import LexicalIndex
from hoidap.index.retriever import ScoredChunk
from hoidap.ingest.chunking import Span, paragraph_spans
from hoidap.profile import heading_levels
from hoidap.qa.answerers import (
    CitedDocuments,
    CitedTopicAnswerer,
    MetadataAnswerer,
    OutlineAnswerer,
    PassageAnswerer,
    ReferencesAnswerer,
    Router,
    TrueFalseAnswerer,
)
from hoidap.qa.passages import (
    ACTOR_WORDS,
    MAX_UNIT_CHARS,
    Draft,
    Evidence,
    asked_figure,
    clause_windows,
    clean_for_answer,
    full_sentence_spans,
    line_spans,
    text_terms,
    trim_span,
)
from hoidap.qa.question import Question
from hoidap.qa.spelling import AccentedVocabulary
from hoidap.vntext import (
    COLLOQUIAL_WORDS,
    expand_abbreviations,
    fold_diacritics,
    folded_syllables,
    is_syllable,
    syllables,
)

__all__ = ["Composer", "Draft", "Evidence", "clean_for_answer", "full_sentence_spans", "text_terms", "trim_span"]

# An explicit assignment: "Phân công thực hiện: Giao UBND phường chủ trì …; … phối hợp".
_ASSIGNMENT = re.compile(r"(phân công|giao .{0,40}(chủ trì|thực hiện|triển khai)|chủ trì|phối hợp chặt chẽ)", re.IGNORECASE)
_ASKS_ASSIGNMENT = re.compile(r"\b(chu tri|phoi hop|phan cong|giao (cho )?(ai|co quan|don vi)|duoc giao|ai (lam|thuc hien|phu trach))\b")
_NUMBER = re.compile(r"\d")
_TIME_WORDS = re.compile(r"\b(19|20)\d\d\b|quý|hằng năm|hàng năm|từ năm|đến năm|giai đoạn", re.IGNORECASE)
# "xong trước lúc nào", "hạn chót": a deadline, which a passage states as one ("hoàn thành trong
# Quý I/2024", "chậm nhất", "trước ngày …"), not as any date it mentions.
_ASKS_DEADLINE = re.compile(r"\b(truoc (khi|luc|thoi diem|ngay) nao|han chot|thoi han|xong (truoc|vao|khi|luc))\b")
_DEADLINE = re.compile(r"hoàn thành|chậm nhất|trước ngày|trước tháng|trước quý|thời hạn", re.IGNORECASE)
# From this many chunks a collection counts as large for typo correction (the five ward plans
# make ~100 chunks, the six cited laws ~1,600, the 24 laws ~5,000).
LARGE_COLLECTION_CHUNKS = 1000
# A word in at most this share of the passages is rare (calibrated on the law set: "phim" in 2 of
# 5,033 passages; in the five ward plans, 95 passages, nothing short of never is rare).
RARE_SHARE = 0.004
# Weight of a passage opening the way the question does (see Composer._shared_opening): calibrated on
# the law set (0.1–0.3 gave the same answers, evidence@1 .897 → .909) and the ward sets (unchanged).
OPENING_WEIGHT = 0.15


@functools.lru_cache(maxsize=1024)
def _question_weights(lexical: LexicalIndex, terms: tuple[str, ...], bigrams: bool) -> dict[str, float]:
    weighted = {t: lexical.idf(t) for t in terms}
    if bigrams:
        for a, b in zip(terms, terms[1:], strict=False):
            weighted[f"{a}_{b}"] = 0.5 * lexical.idf(f"{a}_{b}")
    return weighted


class Composer:
    """The passage toolkit the answerers share, and the router that asks them in turn."""

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
        # Small collections correct any near syllable; the accented spelling tells a typo from a
        # word the documents never use (hoidap.qa.spelling).
        self.accented = (
            None
            if self.large_collection
            else AccentedVocabulary((c.search_text for c in chunks), question_phrases())
        )
        # Folded syllables of everyday question language (hoidap/data/question_phrases.txt).
        self.question_language = frozenset(s for phrase in question_phrases() for s in folded_syllables(phrase))
        self.chunks_by_doc: dict[str, list[Chunk]] = {}
        for chunk in chunks:
            self.chunks_by_doc.setdefault(chunk.doc_id, []).append(chunk)
        # Sentence splitting and term sets depend only on the (read-only) index: computed once
        # per chunk or text, they keep the answer stage to a few milliseconds.
        self._units_cache: dict[tuple[str, bool], list[Span]] = {}
        # Asked in this order; the first draft wins and the passage answerer always gives one.
        passage = PassageAnswerer(self)
        cited = CitedDocuments(self)
        self.router = Router(
            [
                MetadataAnswerer(self, cited, passage),
                TrueFalseAnswerer(self),
                CitedTopicAnswerer(cited),
                ReferencesAnswerer(cited),
                OutlineAnswerer(self),
                passage,
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
                if len(t) > 1
                and not t[0].isdigit()
                and 0 < frequencies.get(t, 0) <= limit
                and t not in present
                # Everyday words ("ruộng", "bé", "cháu nhà tôi"): their document wording was added,
                # or they say who asks, not what about.
                and t not in COLLOQUIAL_WORDS
                and t not in self.question_language
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
        changed = {t: c for t, c in zip(question.content_terms, corrected, strict=True) if c != t}
        implausible = self.accented.implausible_corrections(question.text, changed) if self.accented else set()
        return [
            t
            for t, c in zip(question.content_terms, corrected, strict=True)
            if (c not in known or (c != t and (self.large_collection and is_syllable(t) or t in implausible)))
            and not t.isdigit()
            and len(t) > 1
            and t not in COLLOQUIAL_WORDS  # "facebook", "online": their document wording was added
            and t not in self.question_language  # "xài", "free": how people ask, not what about
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
            for line_span in line_spans(document.text, paragraph):
                for sentence in full_sentence_spans(document.text, line_span):
                    short = sentence.end - sentence.start <= MAX_UNIT_CHARS
                    if short:
                        units.append(sentence)
                    if clauses or not short:
                        windows = clause_windows(document.text, sentence, MAX_UNIT_CHARS // 2)
                        units.extend(w for w in windows if w.end - w.start >= 40)
        return units

    def _context_share(self, question: Question, context: str, heading: str = "") -> float:
        """The part of a unit's score its chunk and section heading give (the same for every
        unit of a chunk, so computed once per chunk)."""
        share = 0.2 * self.coverage(question, context)
        if heading:
            share += 0.2 * self.coverage(question, heading)
        return share

    def unit_score(
        self,
        question: Question,
        text: str,
        context: str,
        heading: str = "",
        section: str = "",
        context_share: float | None = None,
        lead_in: str = "",
    ) -> float:
        """How well one passage answers: question terms it covers (its own words first, then
        its chunk's and its section heading's), plus what the question type needs (a figure, a
        year, an actor, an assignment). A list item is read with its ``lead_in`` ("Nam, nữ kết
        hôn với nhau phải tuân theo các điều kiện sau đây:" before "a) Nam từ đủ 20 tuổi trở
        lên"), which says what the item is about."""
        if context_share is None:
            context_share = self._context_share(question, context, heading)
        own = self.coverage(question, text)
        if lead_in:
            # Half weight: the lead-in is shared by every item of its list, so what sets an item
            # apart stays its own words.
            own = (own + self.coverage(question, f"{lead_in}\n{text}")) / 2
        score = 0.8 * own + context_share
        intent = question.intent
        if _ASKS_ASSIGNMENT.search(question.folded) and _ASSIGNMENT.search(text):
            score += 0.25
        if intent == "quantity" and _NUMBER.search(text):
            score += 0.12
        figure = asked_figure(question.folded)
        if figure is not None and figure[0] != "năm" and figure[1].search(text):
            # The kind of figure asked ("20 tuổi" for "bao nhiêu tuổi"), not just any number
            # ("khoản 1 Điều 8"). Not a year: every dated reference states one ("ngày 28/5/2024"),
            # and "when" questions have their own bonus.
            score += 0.12
        if intent == "when" and _TIME_WORDS.search(text):
            score += 0.12
            if _ASKS_DEADLINE.search(question.folded) and _DEADLINE.search(text):
                score += 0.12
        if intent == "actor" and ACTOR_WORDS.search(text):
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
                (sibling, 0.05 / (1 + rank)) for sibling in self.siblings(hit.chunk)
            ]:
                if chunk.chunk_id in seen:
                    continue
                seen.add(chunk.chunk_id)
                document = self.documents[chunk.doc_id]
                heading = chunk.section_path[-1] if chunk.section_path else ""
                section = " › ".join(chunk.section_path)
                shared = self._context_share(question, chunk.search_text, heading)
                # Figures and dates are quoted by the clause; everything else by the sentence.
                lead_in = ""
                # "Điều 21. Người chưa thành niên": an article's title names its subject and answers
                # nothing itself; it stands for the provision that follows it.
                title = _ARTICLE_TITLE.sub("", heading).strip(" .…") if _ARTICLE_TITLE.match(heading) else None
                units = self._units(chunk, clauses=question.intent in ("quantity", "when"))
                for index, unit in enumerate(units):
                    text = document.text[unit.start : unit.end]
                    if title and text.strip(" .*") == title:
                        body = next((u for u in units[index + 1 :] if not _is_bare_label(document.text[u.start : u.end])), None)
                        if body is not None:
                            score = self.unit_score(question, text, chunk.search_text, heading, section, shared) + prior
                            candidates.append(Evidence(chunk, body.start, body.end, score, hit.score))
                        continue
                    item = bool(_LIST_ITEM_AT_START.match(text))
                    score = (
                        self.unit_score(
                            question, text, chunk.search_text, heading, section, shared, lead_in if item else ""
                        )
                        + prior
                    )
                    if text.rstrip().endswith(":"):
                        lead_in = text
                    elif not item:
                        lead_in = ""  # the list is over
                    candidates.append(Evidence(chunk, unit.start, unit.end, score, hit.score))
        candidates.sort(key=lambda e: -e.score)
        return candidates

    def siblings(self, chunk: Chunk) -> list[Chunk]:
        """Other chunks of the same item (same document and section path)."""
        return [
            other
            for other in self.chunks_by_doc.get(chunk.doc_id, [])
            if other.section_path == chunk.section_path and other.chunk_id != chunk.chunk_id and chunk.kind == "body"
        ]

    # ---------- the answer ----------
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

    # ---------- passages and texts, for the answerers ----------
    def coverage_of_text(self, phrase: str, folded_question: str) -> float:
        """Share of the syllables of ``phrase`` (folded, abbreviations expanded) found in the question."""
        wanted = [fold_diacritics(s) for s in syllables(phrase)]
        present = set(folded_syllables(expand_abbreviations(folded_question)))
        return sum(w in present for w in wanted) / len(wanted) if wanted else 0.0

    def chunk_at(self, document: Document, offset: int) -> Chunk | None:
        for chunk in self.chunks_by_doc.get(document.doc_id, []):
            if chunk.start <= offset < chunk.end:
                return chunk
        return None

    def text_of(self, evidence: Evidence) -> str:
        return self.documents[evidence.chunk.doc_id].text[evidence.start : evidence.end]

    def widen(self, evidence: Evidence) -> Evidence:
        """Give a too-short unit its neighbour so the quote reads as a full statement."""
        document = self.documents[evidence.chunk.doc_id]
        start, end = trim_span(document.text, evidence.start, evidence.end)
        if len(clean_for_answer(document.text[start:end])) < 60:
            units = self._units(evidence.chunk)
            following = [u for u in units if u.start >= end]
            # A new clause or point ("2. Giao dịch …") is another provision, not the rest of this one.
            if following and not _LIST_ITEM_AT_START.match(document.text[end : following[0].end].lstrip()):
                end = following[0].end
        start, end = trim_span(document.text, start, end)
        return Evidence(evidence.chunk, start, end, evidence.score, evidence.retrieval_score)


_YEAR = re.compile(r"\b(19|20)\d\d\b")
_ITEM_LABEL_AT_START = re.compile(r"^\s*(?:\d+(?:\.\d+)*\.|[a-zđ]\))\s*")
# An article's heading ("Điều 21."), as the document profile (hoidap/data/document_profile.toml) writes it.
_ARTICLE_TITLE = next(level.pattern for level in heading_levels("legal") if level.kind == "article")
_CLAUSE_OR_POINT_LABEL = re.compile(r"\s*(?:\d+(?:\.\d+)*\.|[a-zđ]\))\s*")


def _is_bare_label(text: str) -> bool:
    """A unit that is only a number, a point or an article label ("2.", "a)", "Điều 21.")."""
    return bool(_CLAUSE_OR_POINT_LABEL.fullmatch(text) or _ARTICLE_TITLE.fullmatch(text.strip()))


# A list item: a point ("a)"), a numbered clause ("2."), a bullet ("-", "+", "•").
_LIST_ITEM_AT_START = re.compile(r"^\s*(?:\d+(?:\.\d+)*\.|[a-zđ]\)|[-+•])(?:\s|$)")


@functools.lru_cache(maxsize=4096)
def _opening_syllables(text: str) -> tuple[str, ...]:
    """The first folded syllables of ``text`` (enough to compare openings)."""
    return tuple(folded_syllables(text[:300])[:40])
