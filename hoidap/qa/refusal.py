"""Deciding that the documents do not answer a question, instead of guessing.

A score threshold alone cannot tell a paraphrased answerable question from a near miss, so the
decision combines checks that each catch one way a question falls outside the documents:

- it names a document the corpus never mentions ("Nghị quyết 57-NQ/TW");
- it asks for a kind of fact the passages do not contain (an amount of money, a clock time,
  a phone number, a brand);
- it asks about a year the chosen passages never mention ("tiêm chủng đến năm 2045");
- the best passages cover too little of its meaningful (rare) words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from hoidap.domain import Chunk, Document
from hoidap.profile import code_of, question_setting
from hoidap.qa.document_types import SHORT_REFERENCE, TYPE_CODES
from hoidap.qa.labels import document_label
from hoidap.qa.named_documents import title_years
from hoidap.qa.passages import ASKED_FIGURES, asked_figure, text_terms
from hoidap.qa.question import WHETHER, Question
from hoidap.vntext import DOC_NUMBER_PATTERN, UPPERCASE_LETTERS, fold_diacritics

_NAMED_AFTER_WHAT_THEY_IMPLEMENT = frozenset(
    code for name in question_setting("named_after_what_they_implement") if (code := code_of(name))
)

OTHER_DOCUMENT = "văn bản được hỏi không nói về nội dung này"
ABSENT_DOCUMENT = "Kho văn bản không có"
_GENERIC = "Các văn bản hiện có không đề cập đến nội dung này, nên tôi không thể trả lời chính xác."
_MAX_SUGGESTIONS = 3

# Figures the answer's main sentence itself must state: a neighbouring sentence's "98%" does
# not answer "hộ cận nghèo được hỗ trợ bao nhiêu %".
_MAIN_ANSWER_TYPES = ASKED_FIGURES

# "bao nhiêu % viện phí": a percentage is a share of what follows it, which the main quote must
# name; "trên 20%" of consultations is no share of hospital fees.
_SHARE_OF = re.compile(r"\b(?:bao nhieu|may|bn)\s*(?:%|phan tram)\s+([a-z]+)(?:\s+([a-z]+))?")

_HOW_MUCH = re.compile(r"\b(bao nhieu|bn|may|muc nao|bao nhieu tien|het bao nhieu)\b")

# The commonest Vietnamese family names: a person's name in a passage starts with one of them.
_SURNAMES = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ",
             "Ngô", "Dương", "Lý", "Đinh", "Đào", "Trịnh", "Mai", "Trương", "Lương", "Tô", "Hà", "Cao", "Lâm")  # fmt: skip

# (what the question asks for, pattern on the folded question, pattern the answer must contain)
_ANSWER_TYPES: list[tuple[str, re.Pattern[str], re.Pattern[str] | None]] = [
    (
        "số tiền",
        re.compile(r"\b(bao nhieu tien|het bao nhieu|gia bao nhieu|(?<!quoc )(?<!dan )gia ve|muc dong|dong bao nhieu|phu cap|tien luong|muc luong|bao nhieu dong|chi phi bao nhieu|le phi|muc phi|ngan sach|kinh phi|bao nhieu ty|bao nhieu trieu)\b"),
        # "2030 tỷ lệ", "1 đồng bộ" are not amounts of money.
        re.compile(r"\d[\d.,]*\s*(đồng|nghìn|ngàn|triệu|tỷ|tỉ|vnđ|vnd)\b(?!\s+(lệ|bộ|thời|chí|hành))", re.IGNORECASE),
    ),
    (
        "giờ",
        re.compile(r"\b(may gio|gio mo cua|gio lam viec|gio dong cua|mo cua luc|lam viec tu may gio)\b"),
        re.compile(r"\d{1,2}\s*(giờ|h\b|:\d\d)", re.IGNORECASE),
    ),
    (
        "số điện thoại",
        re.compile(r"\b(so dien thoai|sdt|so dt|duong day nong|hotline|so lien he)\b"),
        re.compile(r"\b0\d{2,3}[\s.]?\d{3}[\s.]?\d{3,4}\b"),
    ),
    (
        # How to go about something ("thủ tục", "giấy tờ gì", "đăng ký ở đâu"): plans that only set
        # the policy ("người dân được khám sức khỏe miễn phí") do not say.
        "thủ tục, hồ sơ",
        re.compile(r"\b(lam thu tuc|thu tuc (the nao|ra sao|gi|nhu the nao|gom)|giay to gi|giay to nao|mang (theo )?(nhung )?giay to|ho so (gom|can|nhu the nao)|(dang ky|nop|lam) (o|tai) dau)\b"),
        re.compile(r"thủ tục|hồ sơ|giấy tờ|trình tự|tờ khai|đơn đề nghị|nộp|đăng ký tại", re.IGNORECASE),
    ),
    ("hãng", re.compile(r"\b(hang nao|cua hang nao|nhan hieu|thuong hieu)\b"), None),
    (
        "tên người giữ chức vụ",
        re.compile(r"\b(chu tich|pho chu tich|bi thu|giam doc|truong tram|truong ban|truong phong)\b.{0,60}\b(la ai|ten (la )?(gi|j)|ai dang)\b"),
        re.compile(rf"\b(ông|bà|đồng chí|đ/c)\s+[{UPPERCASE_LETTERS}]|\b({'|'.join(_SURNAMES)})\s+[{UPPERCASE_LETTERS}]\w*\s+[{UPPERCASE_LETTERS}]"),
    ),
    (
        "địa chỉ",
        re.compile(r"\b(dia chi|so nha|nam o duong|o duong nao|o pho nao)\b"),
        re.compile(rf"địa chỉ|số nhà|\d+\s*(đường|phố|ngõ)|(đường|phố)\s+[{UPPERCASE_LETTERS}]", re.IGNORECASE),
    ),
    (
        "tỉnh, thành phố",
        re.compile(r"\bthuoc (tinh|thanh pho|tp|quan|huyen) nao\b"),
        re.compile(rf"\b(tỉnh|thành phố|quận|huyện)\s+[{UPPERCASE_LETTERS}]"),
    ),
]  # fmt: skip


@dataclass(frozen=True)
class RefusalPolicy:
    """``min_coverage``: IDF-weighted share of the question's meaningful syllables that must occur
    in the passages the answer quotes (calibrated on data/eval/dev.jsonl)."""

    min_coverage: float = 0.2
    # A figure question ("bao nhiêu %", "mấy tuổi", "năm nào") is answered by the one quote that
    # states the figure: that quote, with its headings and document title, must cover this share of
    # the question by itself, so a neighbouring target's "98%" does not answer "hộ cận nghèo được hỗ
    # trợ bao nhiêu %" (calibrated on the ward sets and the law dev set: answered figure questions
    # cover at least .37; figures for another subject .18–.24).
    min_figure_coverage: float = 0.3

    min_unknown_word_chars: int = 4

    def reason_to_refuse(
        self,
        question: Question,
        evidence_texts: list[str],
        coverage: float,
        documents: dict[str, Document],
        *,
        unknown_words: list[str] | None = None,
        rare_missing: list[str] | None = None,
        named_documents: set[str] | None = None,
        evidence_documents: set[str] | None = None,
        main_answer: str | None = None,
        main_passage: str | None = None,
        main_coverage: float | None = None,
    ) -> str | None:
        """Why the answer should be a refusal, or None when the evidence supports answering.

        ``main_answer`` is the answer's first sentence; ``main_passage`` the text (with its section
        path, without the document title every chunk's search text starts with) it is quoted from;
        ``main_coverage`` the coverage of the question by that sentence's quote alone, with its
        section path and document title."""
        unknown = unknown_references(question, documents)
        if unknown:
            return f"văn bản không có trong kho: {', '.join(unknown)}"
        # A name the corpus never uses ("VNeID", "covid", "xe buýt"), after typo correction and
        # the colloquial synonyms, means the question is about something else.
        foreign = [w for w in unknown_words or [] if len(w) >= self.min_unknown_word_chars]
        if foreign:
            return f"văn bản không nhắc đến: {', '.join(_as_phrases(question.text, unknown_words or []))}"
        # A word the collection barely uses, missing from the main quoted passage: the question is
        # about something else ("phim" asked of laws, answered from a law on advertising).
        if rare_missing:
            return f"các đoạn trích không nói về: {', '.join(_as_written(question.text, rare_missing))}"
        if named_documents and evidence_documents and not (named_documents & evidence_documents):
            return OTHER_DOCUMENT
        if question.intent == "doc_number" and not any(DOC_NUMBER_PATTERN.search(t) for t in evidence_texts):
            return "không tìm thấy số hiệu văn bản được hỏi"
        joined = "\n".join(evidence_texts)
        # "Làm thẻ lần đầu có mất lệ phí không?": whether there is a fee, not how much; "không phải
        # nộp lệ phí" answers it.
        whether = WHETHER.search(question.folded) and not _HOW_MUCH.search(question.folded)
        kinds = [kind for kind in _ANSWER_TYPES if not (whether and kind[0] == "số tiền")]
        missing = _missing_fact(question, kinds, joined) or _missing_fact(
            question, _MAIN_ANSWER_TYPES, main_answer if main_answer is not None else joined
        )
        if missing:
            return missing
        if asked_figure(question.folded) and main_coverage is not None and main_coverage < self.min_figure_coverage:
            return "con số tìm thấy nói về việc khác, không phải điều được hỏi"
        share = _SHARE_OF.search(question.folded)
        if (
            share
            and main_answer is not None
            and share.group(1) in question.content_terms
            and share.group(1) not in text_terms(main_answer)
        ):
            named = [w for w in share.groups() if w and w in question.content_terms]
            return f"không có thông tin về tỷ lệ phần trăm {' '.join(_as_written(question.text, named))}"
        # The year must be where the answer's main passage is, not in some passage added later.
        # A year that is the quoted document's own date ("công văn tháng 1/2026 …") is about it too.
        dated = " ".join(
            f"{documents[d].metadata.date or ''} {documents[d].metadata.date_text or ''}"
            for d in evidence_documents or ()
            if d in documents
        )
        # "Luật Giáo dục năm 2019": the year dates the law, it is not a time the passage must state.
        years = [year for year in question.years if year not in title_years(question.text) | _case_years(question)]
        if years and evidence_texts and not any(
            year in (main_passage or evidence_texts[0]) or year in dated for year in years
        ):
            return "các đoạn trích không nói về năm được hỏi"
        if coverage < self.min_coverage:
            return "các đoạn trích không đủ liên quan"
        return None


# A date written in full ("ngày 10/3/2023", "ngày 5 tháng 6 năm 2024") is a fact of the case the
# question tells, not a time it asks about; so is any year in a case about a person named by a
# letter ("Anh A và chị B kết hôn năm 2020 …").
_FULL_DATE = re.compile(r"\b\d{1,2}[/-]\d{1,2}[/-]((?:19|20)\d\d)\b|\bngày \d{1,2} tháng \d{1,2} năm ((?:19|20)\d\d)\b", re.IGNORECASE)
_CASE_PERSON = re.compile(rf"\b(?i:anh|chị|chi|ông|ong|bà|ba|cô|co|chú|chu|em|cháu|chau)\s+[{UPPERCASE_LETTERS}](?!\w)")


def _case_years(question: Question) -> set[str]:
    """Years the question states as facts of its case rather than asks about."""
    if _CASE_PERSON.search(question.text):
        return set(question.years)
    return {year for match in _FULL_DATE.finditer(question.text) for year in match.groups() if year}


def _as_phrases(text: str, folded_words: list[str]) -> list[str]:
    """The words as typed, neighbours in the question kept together: "thap coi", "VNeID, covid"."""
    wanted = set(folded_words)
    phrases: list[list[str]] = []
    previous = False
    for word in re.findall(r"[^\W\d_]+", text):
        inside = fold_diacritics(word).lower() in wanted
        if inside and previous:
            phrases[-1].append(word)
        elif inside:
            phrases.append([word])
        previous = inside
    return list(dict.fromkeys(" ".join(p) for p in phrases)) or folded_words


def _as_written(text: str, folded_words: list[str]) -> list[str]:
    """The question's own spelling of folded words: ``phim`` → "Phim" as typed."""
    written = {fold_diacritics(w).lower(): w for w in re.findall(r"[^\W\d_]+", text)}
    return [written.get(w, w) for w in folded_words]


def refusal_message(reason: str | None, closest: list[Chunk], documents: dict[str, Document]) -> str:
    """What a person reads when the documents do not answer: why, in plain Vietnamese, and what
    the loaded collection can answer instead (headings of the closest passages, else titles).

    "Kho văn bản không có Luật Điện ảnh, nên tôi không trả lời được câu này từ tài liệu. Bạn có
    thể hỏi về: Điều 8. Điều kiện đăng ký thường trú (Luật Cư trú); …"
    """
    if reason and reason.startswith(ABSENT_DOCUMENT):
        first = f"{reason}, nên tôi không trả lời được câu này từ tài liệu."
    elif reason:
        first = f"{_GENERIC[:-1]} ({reason})."
    else:
        first = _GENERIC
    suggestions = _suggestions(closest, documents)
    return f"{first} Bạn có thể hỏi về: {'; '.join(suggestions)}." if suggestions else first


def _suggestions(closest: list[Chunk], documents: dict[str, Document]) -> list[str]:
    found: list[str] = []
    for chunk in closest:
        document = documents.get(chunk.doc_id)
        heading = next((p for p in reversed(chunk.section_path) if len(p) > 12 and not p.endswith("…")), None)
        if document is None or heading is None or chunk.kind != "body":
            continue
        found.append(f"{heading.rstrip(':')} ({document_label(document)})")
        if len(dict.fromkeys(found)) >= _MAX_SUGGESTIONS:
            break
    if not found:
        found = [document_label(d) for d in list(documents.values())[:_MAX_SUGGESTIONS]]
    return list(dict.fromkeys(found))


def _missing_fact(
    question: Question, checks: list[tuple[str, re.Pattern[str], re.Pattern[str] | None]], text: str
) -> str | None:
    """The refusal for the first kind of fact the question asks for and ``text`` lacks."""
    for label, asks, needs in checks:
        if asks.search(question.folded) and (needs is None or not needs.search(text)):
            return f"không có thông tin về {label}"
    return None


def known_reference_numbers(documents: dict[str, Document]) -> set[tuple[int, str]]:
    """(number, type code) of every document number in the corpus: own numbers and references."""
    known: set[tuple[int, str]] = set()
    for document in documents.values():
        numbers = [document.metadata.number] if document.metadata.number else []
        numbers += [ref.number for ref in document.metadata.references]
        for number in numbers:
            match = re.match(r"(\d+)(?:/\d{4})?\s*[-/]\s*([A-Za-zĐđ]+)", number)
            if match:
                known.add((int(match.group(1)), fold_diacritics(match.group(2)).lower()))
    return known


def unknown_references(question: Question, documents: dict[str, Document]) -> list[str]:
    """Document references in the question that no document in the corpus mentions."""
    known = known_reference_numbers(documents)
    unknown: list[str] = []
    for match in SHORT_REFERENCE.finditer(question.folded):
        code = TYPE_CODES.get(match.group(1))
        number = int(match.group(2))
        if 1900 <= number <= 2100 or code is None:
            continue  # a year ("kế hoạch 2026"), not a document number
        # Plans, programmes and letters are called after what they implement ("kế hoạch 72" is
        # the plan implementing NQ 72): for them a number the corpus knows under any type counts.
        loose = code in _NAMED_AFTER_WHAT_THEY_IMPLEMENT
        if not any(n == number and (loose or c == code or c.startswith(code) or code.startswith(c)) for n, c in known):
            unknown.append(match.group(0))
    for key in question.doc_number_keys:
        match = re.match(r"(\d+)(?:/\d{4})?[-/]([a-z]+)", key)
        if match and not any(n == int(match.group(1)) for n, _ in known):
            unknown.append(key)
    return unknown
