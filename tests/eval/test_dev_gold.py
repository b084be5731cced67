"""Validate the development gold set data/eval/dev.jsonl against the corpus.

Self-contained: no project imports, so it runs before the hoidap package exists.
"""

import json
import unicodedata
from functools import cache
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
GOLD_PATH = REPO_ROOT / "data" / "eval" / "dev.jsonl"

FIELDS = {
    "id": str,
    "question": str,
    "question_nodiac": str,
    "answerable": bool,
    "docs": list,
    "evidence": (str, list),
    "answer": str,
    "key_facts": list,
    "type": str,
}
OPTIONAL_FIELDS = {"difficulty": str}
TYPES = {"number", "actor", "signer", "date", "metadata", "list", "content", "cross_doc", "unanswerable"}
DIFFICULTIES = {"easy", "medium", "hard"}

MIN_QUESTIONS = 60
MIN_UNANSWERABLE = 10


def corpus_dir() -> Path:
    local = REPO_ROOT / "data" / "corpus"
    if local.is_dir():
        return local
    return (REPO_ROOT / ".." / "shared" / "corpus").resolve()


@cache
def corpus() -> dict[str, str]:
    d = corpus_dir()
    return {
        p.name: unicodedata.normalize("NFC", p.read_text(encoding="utf-8")) for p in sorted(d.glob("*.txt"))
    }


@cache
def gold() -> list[dict]:
    rows = []
    with GOLD_PATH.open(encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            if line.strip():
                rec = json.loads(line)
                assert isinstance(rec, dict), f"line {lineno} is not a JSON object"
                rows.append(rec)
    return rows


def fold(s: str) -> str:
    """Strip Vietnamese diacritics the way people type without an accent keyboard."""
    s = unicodedata.normalize("NFD", s)
    s = "".join(c for c in s if not unicodedata.combining(c))
    s = s.replace("đ", "d").replace("Đ", "D")
    return unicodedata.normalize("NFC", s)


def evidence_items(rec: dict) -> list[str]:
    ev = rec["evidence"]
    if isinstance(ev, list):
        return ev
    return [ev] if ev else []


def all_strings(rec: dict) -> list[str]:
    out = [rec["id"], rec["question"], rec["question_nodiac"], rec["answer"], rec["type"]]
    out += rec["docs"] + rec["key_facts"] + evidence_items(rec)
    if "difficulty" in rec:
        out.append(rec["difficulty"])
    return out


def test_file_exists_and_corpus_found():
    assert GOLD_PATH.is_file(), GOLD_PATH
    assert len(corpus()) >= 5, f"corpus not found or incomplete in {corpus_dir()}"


def test_sizes():
    rows = gold()
    assert len(rows) >= MIN_QUESTIONS
    assert sum(1 for r in rows if not r["answerable"]) >= MIN_UNANSWERABLE


def test_fields_and_types():
    for r in gold():
        missing = set(FIELDS) - set(r)
        assert not missing, f"{r.get('id')}: missing {missing}"
        extra = set(r) - set(FIELDS) - set(OPTIONAL_FIELDS)
        assert not extra, f"{r['id']}: unexpected fields {extra}"
        for name, typ in FIELDS.items():
            assert isinstance(r[name], typ), f"{r['id']}: {name} has type {type(r[name]).__name__}"
        for name, typ in OPTIONAL_FIELDS.items():
            if name in r:
                assert isinstance(r[name], typ), f"{r['id']}: {name} has type {type(r[name]).__name__}"
        assert all(isinstance(d, str) for d in r["docs"]), r["id"]
        assert all(isinstance(k, str) and k.strip() for k in r["key_facts"]), r["id"]
        if isinstance(r["evidence"], list):
            assert all(isinstance(e, str) and e for e in r["evidence"]), r["id"]
        assert r["type"] in TYPES, f"{r['id']}: bad type {r['type']!r}"
        if "difficulty" in r:
            assert r["difficulty"] in DIFFICULTIES, f"{r['id']}: bad difficulty {r['difficulty']!r}"
        assert r["question"].strip(), r["id"]


def test_ids_unique():
    ids = [r["id"] for r in gold()]
    assert len(ids) == len(set(ids))


def test_nfc():
    for r in gold():
        for s in all_strings(r):
            assert unicodedata.is_normalized("NFC", s), f"{r['id']}: not NFC: {s[:60]!r}"


def test_question_nodiac():
    for r in gold():
        nd = r["question_nodiac"]
        assert not any(unicodedata.combining(c) for c in unicodedata.normalize("NFD", nd)), r["id"]
        assert "đ" not in nd and "Đ" not in nd, r["id"]
        assert nd == fold(r["question"]), f"{r['id']}: {nd!r} != fold(question)"


def test_docs_exist():
    names = set(corpus())
    for r in gold():
        for d in r["docs"]:
            assert d in names, f"{r['id']}: unknown doc {d}"
        assert len(r["docs"]) == len(set(r["docs"])), f"{r['id']}: duplicate docs"


def test_unanswerable_items_are_empty():
    for r in gold():
        is_unans = not r["answerable"]
        assert is_unans == (r["type"] == "unanswerable"), f"{r['id']}: answerable/type mismatch"
        if is_unans:
            assert r["docs"] == [], r["id"]
            assert r["evidence"] == "", r["id"]
            assert r["key_facts"] == [], r["id"]
            assert r["answer"] == "", r["id"]


def test_answerable_items_are_complete():
    for r in gold():
        if r["answerable"]:
            assert r["docs"], r["id"]
            assert evidence_items(r), r["id"]
            assert r["answer"].strip(), r["id"]
            assert 1 <= len(r["key_facts"]) <= 4, r["id"]
            if r["type"] == "cross_doc":
                assert len(r["docs"]) >= 2 and isinstance(r["evidence"], list), r["id"]


def test_evidence_verbatim_in_gold_docs():
    texts = corpus()
    for r in gold():
        if not r["answerable"]:
            continue
        ev = r["evidence"]
        if isinstance(ev, str):
            # a single evidence string must be verbatim in every listed gold document
            for d in r["docs"]:
                assert ev in texts[d], f"{r['id']}: evidence not verbatim in {d}: {ev[:80]!r}"
        else:
            # one string per document: each item is verbatim in a gold doc, and each gold doc is covered
            covered = set()
            for e in ev:
                hits = {d for d in r["docs"] if e in texts[d]}
                assert hits, f"{r['id']}: evidence item not verbatim in any gold doc: {e[:80]!r}"
                covered |= hits
            assert covered == set(r["docs"]), (
                f"{r['id']}: gold docs without evidence: {set(r['docs']) - covered}"
            )


def test_key_facts_in_evidence():
    for r in gold():
        joined = "\n".join(evidence_items(r)).casefold()
        for k in r["key_facts"]:
            assert k.casefold() in joined, f"{r['id']}: key fact {k!r} not in evidence"


def test_all_documents_and_types_covered():
    rows = gold()
    used = {d for r in rows for d in r["docs"]}
    assert used == set(corpus()), f"documents without questions: {set(corpus()) - used}"
    assert {r["type"] for r in rows} == TYPES
