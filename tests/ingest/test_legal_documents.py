"""Documents written in articles (laws, decrees, a ward's decision) and the document profile."""

from __future__ import annotations

from pathlib import Path

from hoidap import profile
from hoidap.ingest.chunking import Chunker, dense_passage
from hoidap.ingest.pipeline import build_document, content_hash
from hoidap.ingest.structure import iter_nodes
from hoidap.qa.labels import citation_label, document_label, provision_label

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "official" / "quyet_dinh_ubnd_phuong.txt"

# A made-up law in the layout law collections use: its name on the first line, then articles.
LAW = """Luật Thử nghiệm

Chương I
NHỮNG QUY ĐỊNH CHUNG

Điều 1. Phạm vi điều chỉnh
Luật này quy định về việc thử nghiệm.

Điều 2. Giải thích từ ngữ
Trong Luật này, các từ ngữ dưới đây được hiểu như sau:
1. Thử nghiệm là việc làm thử.
2. Người thử nghiệm là người làm thử, gồm:
a) Người làm thử lần đầu;
b) Người làm thử lần sau.

Chương II
HIỆU LỰC

Điều 3. Hiệu lực thi hành
Luật này có hiệu lực thi hành từ ngày 01 tháng 7 năm 2021.
"""


def _document(source: str, text: str):
    return build_document(source, text, content_hash(text.encode()))


def test_profile_knows_legal_administrative_and_party_types() -> None:
    assert profile.type_by_code("NĐ").name == "Nghị định"
    assert profile.type_by_code("QH").name == "Luật"
    assert profile.type_by_code("CTr").name == "Chương trình hành động"
    assert profile.type_by_code("TTr").name == "Tờ trình"
    assert profile.type_named("thong tu").name == "Thông tư"
    assert "nghi dinh" in profile.folded_type_alternation().replace("\\ ", " ")
    assert [level.kind for level in profile.heading_levels("legal")] == [
        "part", "chapter", "section", "subsection", "article", "clause", "point",
    ]


def test_ward_decision_parses_into_type_number_title_articles_and_signer() -> None:
    document = _document(FIXTURE.name, FIXTURE.read_text(encoding="utf-8"))
    meta = document.metadata
    assert meta.doc_type == "Quyết định"
    assert meta.number == "27/QĐ-UBND"
    assert meta.title == (
        "Quyết định về việc thành lập Tổ công tác hỗ trợ người dân đăng ký cư trú trên địa bàn phường An Bình"
    )
    assert meta.date == "2025-03-14"
    assert meta.issuer == "Ủy ban nhân dân phường An Bình"
    assert (meta.signer_name, meta.signer_position, meta.signer_authority) == (
        "Lê Thị Minh Hoa", "CHỦ TỊCH", "TM. ỦY BAN NHÂN DÂN",
    )
    assert meta.effective_date == "ký"
    assert {r.number for r in meta.references} == {"68/2020/QH14", "62/2021/NĐ-CP"}
    articles = [node.label for _, node in iter_nodes(document.sections) if node.kind == "article"]
    assert articles == [
        "Điều 1. Thành lập Tổ công tác",
        "Điều 2. Nhiệm vụ của Tổ công tác",
        "Điều 3. Hiệu lực và trách nhiệm thi hành",
    ]
    paths = [" › ".join(path) for path, node in iter_nodes(document.sections) if node.kind == "point"]
    assert paths[0] == "Điều 2. Nhiệm vụ của Tổ công tác › khoản 3 › điểm a"
    assert document_label(document) == "Quyết định số 27/QĐ-UBND"
    chunks = Chunker(max_chars=1200).chunk(document)
    assert [c.section for c in chunks if c.kind == "body"][1:] == articles  # one chunk per article


def test_law_gets_title_structure_and_article_chunks() -> None:
    document = _document("luat_thu_nghiem.txt", LAW)
    meta = document.metadata
    assert (meta.doc_type, meta.title, meta.effective_date) == ("Luật", "Luật Thử nghiệm", "2021-07-01")
    assert document_label(document) == "Luật Thử nghiệm"
    paths = [" › ".join(path) for path, _ in iter_nodes(document.sections)]
    assert "Chương I › Điều 2. Giải thích từ ngữ › khoản 2 › điểm b" in paths
    assert "Chương II › Điều 3. Hiệu lực thi hành" in paths
    # Short articles are chunks of their own; long ones split on clauses with the heading carried.
    chunks = Chunker(max_chars=120).chunk(document)
    article2 = [c for c in chunks if "Điều 2. Giải thích từ ngữ" in c.section]
    assert len(article2) >= 2
    assert all("Điều 2. Giải thích từ ngữ" in c.search_text for c in article2)
    assert dense_passage(article2[-1]).startswith("Luật Thử nghiệm.")
    assert all(LAW[c.start : c.end] == c.text for c in chunks)


def test_citations_of_laws_name_the_provision_then_the_law() -> None:
    document = _document("luat_thu_nghiem.txt", LAW)
    document.metadata.number = "99/2020/QH14"
    path = ["Chương I", "Điều 2. Giải thích từ ngữ", "khoản 2", "điểm a"]
    assert provision_label(path) == "Điều 2, khoản 2, điểm a"
    assert citation_label(document, path) == "Điều 2, khoản 2, điểm a — Luật Thử nghiệm (99/2020/QH14)"
    assert provision_label(["II. MỤC TIÊU", "1. Mục tiêu chung"]) is None
