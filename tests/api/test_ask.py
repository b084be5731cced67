"""POST /v1/ask: the contract's answer shape, accents, Unicode forms, follow-ups and bad input."""

from __future__ import annotations

import unicodedata

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import assert_error

BHYT_ACCENTED = "Đến năm 2030 tỷ lệ bao phủ BHYT đạt bao nhiêu?"
BHYT_PLAIN = "bhyt 2030 dat bao nhieu"


def _ask(client: TestClient, question: str, **extra: object) -> dict:
    response = client.post("/v1/ask", json={"question": question, **extra})
    assert response.status_code == 200, response.text
    return response.json()


def test_answer_follows_the_contract(client: TestClient, shared_service) -> None:  # type: ignore[no-untyped-def]
    body = _ask(client, BHYT_ACCENTED)
    assert set(body) >= {"answer", "answerable", "citations", "conversation_id", "answer_id"}
    assert body["answerable"] is True and "98%" in body["answer"]
    assert body["conversation_id"] and body["answer_id"]
    assert "[1]" in body["answer"]
    numbers = [c["n"] for c in body["citations"]]
    assert numbers == list(range(1, len(numbers) + 1)) and len(numbers) <= 5
    for citation in body["citations"]:
        assert set(citation) >= {"n", "doc_id", "source", "title", "doc_number", "issued", "section", "quote", "text", "score"}
        document = shared_service.index.documents[citation["doc_id"]]
        assert citation["quote"] in document.text  # verbatim
        assert citation["text"] in document.text
        assert citation["source"] == document.source


def test_unaccented_question_gets_the_same_answer(client: TestClient) -> None:
    accented = _ask(client, BHYT_ACCENTED)
    plain = _ask(client, BHYT_PLAIN)
    assert plain["answerable"] is True and "98%" in plain["answer"]
    # The same passages are found, whichever the composer quotes first.
    assert {c["quote"] for c in plain["citations"]} & {c["quote"] for c in accented["citations"]}


def test_nfd_question_is_answered_like_nfc(client: TestClient) -> None:
    nfc = _ask(client, BHYT_ACCENTED)
    nfd = _ask(client, unicodedata.normalize("NFD", BHYT_ACCENTED))
    assert nfd["answer"] == nfc["answer"]
    assert [c["quote"] for c in nfd["citations"]] == [c["quote"] for c in nfc["citations"]]


def test_invisible_format_characters_do_not_change_the_answer(client: TestClient) -> None:
    hidden = "b\u200bh\u200by\u200bt 2\u200d030 \u200eđạt bao nhiêu\ufeff"
    clean = _ask(client, "bhyt 2030 đạt bao nhiêu")
    spoiled = _ask(client, hidden)
    assert spoiled["answer"] == clean["answer"] and "98%" in spoiled["answer"]
    assert [c["quote"] for c in spoiled["citations"]] == [c["quote"] for c in clean["citations"]]


def test_a_question_of_format_characters_only_is_empty(client: TestClient) -> None:
    assert_error(client.post("/v1/ask", json={"question": "\u200b\u200d\ufeff"}), 422)


def test_top_k_limits_citations(client: TestClient) -> None:
    assert len(_ask(client, BHYT_ACCENTED, top_k=1)["citations"]) == 1


def test_unanswerable_question_says_so(client: TestClient) -> None:
    body = _ask(client, "Giá vé máy bay đi Đà Nẵng tháng sau là bao nhiêu?")
    assert body["answerable"] is False
    assert "không" in body["answer"]


def test_follow_up_uses_the_conversation(client: TestClient) -> None:
    first = _ask(client, "Đến năm 2030 tuổi thọ trung bình đạt bao nhiêu?")
    conversation = first["conversation_id"]
    follow = _ask(client, "còn năm 2045 thì sao?", conversation_id=conversation)
    assert follow["conversation_id"] == conversation
    assert follow["interpreted_question"] == "Đến năm 2045 tuổi thọ trung bình đạt bao nhiêu?"
    # The same words without the conversation are not rewritten.
    alone = _ask(client, "còn năm 2045 thì sao?")
    assert alone["interpreted_question"] is None and alone["conversation_id"] != conversation


def test_client_chosen_conversation_ids_work(client: TestClient) -> None:
    _ask(client, "Ai ký công văn 307-CV/ĐU?", conversation_id="telegram:42")
    follow = _ask(client, "văn bản đó ban hành ngày nào?", conversation_id="telegram:42")
    assert follow["interpreted_question"] == "Công văn 307-CV/ĐU ban hành ngày nào?"


def test_repeated_questions_are_served_from_the_cache_with_fresh_ids(client: TestClient) -> None:
    first = _ask(client, BHYT_ACCENTED)
    second = _ask(client, BHYT_ACCENTED)
    assert first["answer"] == second["answer"] and first["answer_id"] != second["answer_id"]
    assert "hoidap_answer_cache_hits_total 1.0" in client.get("/metrics").text


@pytest.mark.parametrize(
    ("payload", "code"),
    [
        ({"question": ""}, "question_empty"),
        ({"question": "   \n\t "}, "question_empty"),
        ({"question": "x" * 10_000}, "question_too_long"),
        ({"question": "?!... ---"}, "question_invalid"),
        ({"question": "\x00\x01\x02\x89PNG\r\n\x1a\n\x00"}, "question_invalid"),
        ({}, "missing_field"),
        ({"question": None}, "wrong_type"),
        ({"question": 2030}, "wrong_type"),
        ({"question": ["bhyt"]}, "wrong_type"),
        ({"question": {"text": "bhyt"}}, "wrong_type"),
        ({"question": "bhyt", "top_k": "5"}, "wrong_type"),
        ({"question": "bhyt", "top_k": 5.5}, "wrong_type"),
        ({"question": "bhyt", "top_k": True}, "wrong_type"),
        ({"question": "bhyt", "top_k": 0}, "out_of_range"),
        ({"question": "bhyt", "top_k": 21}, "out_of_range"),
        ({"question": "bhyt", "conversation_id": 7}, "wrong_type"),
        ({"question": "bhyt", "conversation_id": "c" * 200}, "too_long"),
        ({"question": "bhyt", "topk": 3}, "unknown_field"),
        ({"question": "bhyt", "extra": None}, "unknown_field"),
    ],
)
def test_bad_questions_are_4xx_with_the_error_shape(client: TestClient, payload: dict, code: str) -> None:
    assert_error(client.post("/v1/ask", json=payload), 422, code)


@pytest.mark.parametrize(
    ("body", "code"),
    [
        (b"", "missing_body"),
        (b"not json at all", "invalid_json"),
        (b'{"question": "bhyt \\ud800 2030"}', "question_invalid"),
        (b'{"question": "bhyt"', "invalid_json"),
        (b"[1, 2, 3]", "wrong_type"),
        (b'"bhyt 2030"', "wrong_type"),
        (b"null", "wrong_type"),
    ],
)
def test_malformed_bodies_are_4xx(client: TestClient, body: bytes, code: str) -> None:
    response = client.post("/v1/ask", content=body, headers={"Content-Type": "application/json"})
    assert_error(response, 422, code)


def test_binary_garbage_body_is_4xx(client: TestClient) -> None:
    garbage = bytes(range(256)) * 4 + b"\xff\xfe\x89PNG\x1a\n\x00\xc3"
    for content_type in ("application/json", "application/octet-stream", "text/plain"):
        response = client.post("/v1/ask", content=garbage, headers={"Content-Type": content_type})
        assert 400 <= response.status_code < 500
        assert set(response.json()["error"]) == {"code", "message"}


def test_huge_body_is_413(client: TestClient) -> None:
    huge = b'{"question": "' + b"a" * 2_000_000 + b'"}'
    assert_error(client.post("/v1/ask", content=huge, headers={"Content-Type": "application/json"}), 413, "body_too_large")


def test_huge_chunked_body_without_length_is_413(client: TestClient) -> None:
    def chunks():  # type: ignore[no-untyped-def]
        yield b'{"question": "'
        for _ in range(200):
            yield b"a" * 10_000
        yield b'"}'

    response = client.post("/v1/ask", content=chunks(), headers={"Content-Type": "application/json"})
    assert_error(response, 413, "body_too_large")
