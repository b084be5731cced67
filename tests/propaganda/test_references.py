"""Cross-references: which document implements which, in both directions, with the clause that says so."""

from __future__ import annotations

from hoidap.domain import Document
from hoidap.propaganda.references import ReferenceGraph


def _doc(documents: dict[str, Document], prefix: str) -> str:
    return next(d.doc_id for d in documents.values() if d.source.startswith(prefix))


def test_plan_implements_resolution_and_city_programme(documents: dict[str, Document]) -> None:
    graph = ReferenceGraph(documents)
    plan = graph.for_document(_doc(documents, "002"))
    implemented = {link.target_number for link in plan.implements}
    assert {"72-NQ/TW", "03-CTr/TU", "86-KL/TW", "25/CT-TTg", "68-NQ/TW", "28-CT/TW"} <= implemented
    for link in plan.implements + plan.cites:
        assert documents[link.stated_in].text[link.start : link.end] == link.quote
        assert link.target_number in link.quote


def test_links_between_cited_documents_are_kept(documents: dict[str, Document]) -> None:
    graph = ReferenceGraph(documents)
    implementing_72 = {
        (documents[link.stated_in].source[:3], link.source_number) for link in graph.implementing("72-NQ/TW")
    }
    # the two plans themselves, and the city programmes they say implement the resolution
    assert {("001", None), ("002", None), ("001", "06-CTr/TU"), ("002", "03-CTr/TU")} <= implementing_72
    assert not any(link.source_number == link.target_number for link in graph.links)


def test_official_letter_implements_directive_through_provincial_letter(
    documents: dict[str, Document],
) -> None:
    graph = ReferenceGraph(documents)
    letter = graph.for_document(_doc(documents, "004"))
    assert letter.number == "307-CV/ĐU"
    assert {link.target_number for link in letter.implements} == {"1380-CV/TU", "25-CT/TW"}
    relayed = [link for link in graph.links if link.source_number == "1380-CV/TU"]
    assert [link.target_number for link in relayed] == ["25-CT/TW"]
    # "Tổ chức quán triệt Chỉ thị số 25-CT/TW kết hợp với thực hiện Kết luận 226-KL/TU": the plan does both
    plan = graph.for_document(_doc(documents, "003"))
    assert {"25-CT/TW", "226-KL/TU"} <= {link.target_number for link in plan.implements}


def test_both_directions_for_a_number(documents: dict[str, Document]) -> None:
    graph = ReferenceGraph(documents)
    programme = graph.for_number("03-CTr/TU")
    assert programme.doc_id is None
    assert [link.target_number for link in programme.implements] == ["72-NQ/TW"]
    assert {documents[link.stated_in].source[:3] for link in programme.implemented_by} == {"002"}
    letter = graph.for_number("307-CV/ĐU")
    assert letter.doc_id is not None and {link.target_number for link in letter.implements} == {
        "1380-CV/TU",
        "25-CT/TW",
    }
