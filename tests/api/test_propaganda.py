"""Talking points, targets and claim checks through the shared real index and the HTTP API."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from hoidap.propaganda.points import as_markdown, as_text
from hoidap.propaganda.service import propaganda_for
from hoidap.qa.service import QAService
from tests.api.conftest import assert_error

# topic → words every point must contain (the topic in the documents' wording), a word of the first point
TOPICS = {
    "bảo hiểm y tế": ("bao hiem y te", "98%"),
    "bao hiem y te": ("bao hiem y te", "98%"),
    "y tế cơ sở": ("y te co so", None),
    "y hoc co truyen": ("y hoc co truyen", None),
    "thuốc nam": ("y hoc co truyen", None),
    "chuyển đổi số": ("chuyen doi so", None),
    "người cao tuổi": ("nguoi cao tuoi", None),
}


def _folded(text: str) -> str:
    from hoidap.vntext import folded_syllables

    return " ".join(folded_syllables(text))


@pytest.mark.parametrize("topic", list(TOPICS))
def test_talking_points_on_five_topics(shared_service: QAService, topic: str) -> None:
    words, first = TOPICS[topic]
    result = propaganda_for(shared_service).talking_points(topic)
    assert 3 <= len(result.points) <= 7, [p.text for p in result.points]
    assert result.message is None
    for point in result.points:
        assert point.citations
        assert words in _folded(point.text), point.text
        for citation in point.citations:
            document = shared_service.index.documents[citation.doc_id]
            assert document.text[citation.start : citation.end] == citation.quote
        # condensing only drops words: the point's words are the quote's words, in order
        assert _folded(point.text) == _folded(point.citations[0].quote)
    if first:
        assert first in result.points[0].text
    kinds = [p.kind for p in result.points]
    assert kinds == sorted(kinds, key=["target", "task", "detail"].index)


def test_same_point_in_several_documents_is_merged(shared_service: QAService) -> None:
    result = propaganda_for(shared_service).talking_points("bảo hiểm y tế")
    coverage = result.points[0]
    assert {c.source[:3] for c in coverage.citations} == {"002", "004"}
    texts = [_folded(p.text) for p in result.points]
    assert len(texts) == len(set(texts))


def test_topic_not_covered_gives_empty_list_and_message(shared_service: QAService) -> None:
    result = propaganda_for(shared_service).talking_points("giá vé xe buýt")
    assert result.points == [] and result.message and "không đề cập" in result.message


def test_formats(shared_service: QAService) -> None:
    result = propaganda_for(shared_service).talking_points("y tế cơ sở", max_points=3)
    assert len(result.points) == 3
    text = as_text(result)
    assert text.startswith("Điểm tuyên truyền: y tế cơ sở") and "(Nguồn: " in text and "**" not in text
    markdown = as_markdown(result)
    assert markdown.startswith("**Điểm tuyên truyền") and "[1]" in markdown and "\n> " in markdown


def test_api_talking_points(client: TestClient) -> None:
    response = client.post("/v1/talking-points", json={"topic": "bao hiem y te", "max_points": 4})
    assert response.status_code == 200, response.text
    body = response.json()
    assert len(body["points"]) == 4 and "98%" in body["points"][0]["text"]
    assert all(p["citations"][0]["quote"] for p in body["points"])


def test_api_targets_filtered(client: TestClient) -> None:
    body = client.get("/v1/targets", params={"q": "BHYT", "year": 2030}).json()
    values = {(t["source"][:3], t["value"]) for t in body["targets"] if t["kind"] == "quantified"}
    assert values == {("002", 98.0), ("002", 20.0), ("004", 98.0), ("004", 97.0)}
    assert any(len(ix) == 2 for ix in body["groups"].values())
    everything = client.get("/v1/targets").json()["targets"]
    assert sum(t["kind"] == "quantified" for t in everything) == 15


def test_api_check(client: TestClient) -> None:
    response = client.post("/v1/check", json={"claim": "Đến 2030 BHYT phải phủ 100% dân số"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["verdict"] == "contradicted" and body["mismatches"] == ["value"] and "98%" in body["reason"]
    assert body["passages"][0]["quote"]


def test_api_errors_use_the_contract_shape(client: TestClient) -> None:
    assert_error(client.post("/v1/check", json={"claim": "   "}), 422, "question_empty")
    assert_error(client.post("/v1/check", json={"claim": "x", "extra": 1}), 422)
    assert_error(client.post("/v1/talking-points", json={"topic": "y tế", "max_points": 9}), 422)
    assert_error(client.post("/v1/talking-points", json={"topic": "a\u0000b"}), 422, "topic_invalid")
    assert_error(client.get("/v1/targets", params={"year": "năm"}), 422)


def test_api_document_references(client: TestClient, shared_service: QAService) -> None:
    doc_id = next(d.doc_id for d in shared_service.index.documents.values() if d.source.startswith("002"))
    body = client.get(f"/v1/documents/{doc_id}/references").json()
    assert "72-NQ/TW" in {link["target_number"] for link in body["implements"]}
    assert all(link["quote"] for link in body["implements"])
    assert_error(client.get("/v1/documents/khong-co/references"), 404, "document_not_found")


def test_api_references_of_a_number(client: TestClient) -> None:
    body = client.get("/v1/references", params={"number": "72-NQ/TW"}).json()
    assert {link["source_number"] for link in body["implemented_by"]} >= {"03-CTr/TU", "06-CTr/TU"}
    assert_error(client.get("/v1/references"), 422)


def test_points_page_is_served_and_linked_from_the_chat_page(client: TestClient) -> None:
    page = client.get("/static/points.html")
    assert page.status_code == 200 and "/static/points.js" in page.text and "Điểm tuyên truyền" in page.text
    script = client.get("/static/points.js").text
    assert "/v1/talking-points" in script and "innerHTML" not in script  # text only, never server HTML
    assert 'href="/static/points.html"' in client.get("/").text
