"""Follow-up questions become standalone questions built from the previous turn."""

from __future__ import annotations

import pytest

from hoidap.qa.followup import fold_aligned, standalone_question

BHYT_2030 = "Đến năm 2030 tỷ lệ bao phủ BHYT đạt bao nhiêu?"


@pytest.mark.parametrize(
    "follow_up",
    [
        "còn năm 2045 thì sao?",
        "Còn 2045?",
        "con nam 2045 thi sao",
        "thế còn năm 2045 thì sao ạ?",
        "năm 2045 thì sao?",
        "đến năm 2045?",
        "2045",
    ],
)
def test_a_new_year_replaces_the_previous_year(follow_up: str) -> None:
    rewrite = standalone_question(follow_up, [BHYT_2030])
    assert rewrite.rule == "year"
    assert rewrite.question == "Đến năm 2045 tỷ lệ bao phủ BHYT đạt bao nhiêu?"


def test_year_without_a_year_in_the_previous_question_is_added() -> None:
    rewrite = standalone_question("còn năm 2035 thì sao?", ["Tỷ lệ bao phủ BHYT đạt bao nhiêu?"])
    assert rewrite.rule == "year"
    assert rewrite.question == "Tỷ lệ bao phủ BHYT năm 2035 đạt bao nhiêu?"


def test_the_horizon_year_is_the_one_replaced() -> None:
    rewrite = standalone_question("còn 2045 thì sao", ["Từ năm 2026 đến năm 2030 tuổi thọ trung bình đạt bao nhiêu"])
    assert rewrite.question == "Từ năm 2026 đến năm 2045 tuổi thọ trung bình đạt bao nhiêu?"


def test_unaccented_previous_question_keeps_its_wording() -> None:
    rewrite = standalone_question("con 2045 thi sao", ["bhyt 2030 dat bao nhieu"])
    assert rewrite.question == "bhyt 2045 dat bao nhieu?"


@pytest.mark.parametrize(
    ("previous", "follow_up", "expected"),
    [
        ("Sở Y tế có nhiệm vụ gì?", "còn UBND phường thì sao?", "UBND phường có nhiệm vụ gì?"),
        ("Trạm y tế phường phải làm gì?", "còn hội phụ nữ thì sao", "Hội phụ nữ phải làm gì?"),
        ("Đảng ủy phường chịu trách nhiệm gì?", "con mat tran to quoc thi sao", "Mat tran to quoc chịu trách nhiệm gì?"),
    ],
)
def test_a_new_actor_replaces_the_previous_actor(previous: str, follow_up: str, expected: str) -> None:
    rewrite = standalone_question(follow_up, [previous])
    assert rewrite.rule == "actor"
    assert rewrite.question == expected


def test_a_new_topic_keeps_the_year_and_question_words() -> None:
    rewrite = standalone_question("còn tuổi thọ trung bình thì sao?", [BHYT_2030])
    assert rewrite.rule == "topic"
    assert rewrite.question == "Đến năm 2030 tuổi thọ trung bình đạt bao nhiêu?"


def test_a_new_topic_with_its_own_year_drops_the_old_year() -> None:
    rewrite = standalone_question("còn tuổi thọ năm 2035 thì sao?", [BHYT_2030])
    assert rewrite.question == "Tuổi thọ năm 2035 đạt bao nhiêu?"


def test_a_document_reference_points_to_the_document_asked_about() -> None:
    rewrite = standalone_question("văn bản đó ban hành ngày nào?", ["Ai ký công văn 307-CV/ĐU?"])
    assert rewrite.rule == "reference"
    assert rewrite.question == "Công văn 307-CV/ĐU ban hành ngày nào?"


def test_it_points_to_the_previous_subject() -> None:
    rewrite = standalone_question("nó đạt bao nhiêu năm 2030?", ["Bảo hiểm y tế toàn dân là gì?"])
    assert rewrite.rule == "reference"
    assert rewrite.question == "Bảo hiểm y tế toàn dân đạt bao nhiêu năm 2030?"


@pytest.mark.parametrize("follow_up", ["Ai ký?", "ai ky", "ký ngày nào?", "do ai ban hanh"])
def test_a_question_without_subject_borrows_the_previous_document(follow_up: str) -> None:
    rewrite = standalone_question(follow_up, ["Kế hoạch 12-KH/ĐU nói về bảo hiểm y tế thế nào?"])
    assert rewrite.rule == "ellipsis"
    assert rewrite.question.endswith("Kế hoạch 12-KH/ĐU?")
    assert fold_aligned(rewrite.question).startswith(fold_aligned(follow_up.rstrip("?")))


def test_ellipsis_without_a_document_uses_the_previous_subject_and_year() -> None:
    rewrite = standalone_question("ai chủ trì?", ["tuyên truyền bhyt năm 2030 là gì"])
    assert rewrite.question == "Ai chủ trì tuyên truyền bhyt năm 2030?"


@pytest.mark.parametrize(
    "question",
    [
        "Còn bao nhiêu người chưa tham gia bảo hiểm y tế?",
        "Y học cổ truyền được phát triển thế nào?",
        "Ai ký công văn 307-CV/ĐU?",
        "mục tiêu chăm sóc sức khỏe người cao tuổi",
        "Kế hoạch triển khai thế nào?",
    ],
)
def test_standalone_questions_are_left_alone(question: str) -> None:
    rewrite = standalone_question(question, [BHYT_2030])
    assert rewrite.rule == "none"
    assert rewrite.question == question


def test_without_history_nothing_changes() -> None:
    assert standalone_question("còn năm 2045 thì sao?", []).rule == "none"


def test_the_latest_turn_is_the_base_so_chains_work() -> None:
    history = [BHYT_2030]
    second = standalone_question("còn năm 2045 thì sao?", history)
    third = standalone_question("còn 2035?", [*history, second.question])
    assert third.question == "Đến năm 2035 tỷ lệ bao phủ BHYT đạt bao nhiêu?"


def test_fold_aligned_keeps_offsets() -> None:
    text = "Đến năm 2030, Ủy ban nhân dân"
    folded = fold_aligned(text)
    assert len(folded) == len(text)
    assert folded == "den nam 2030, uy ban nhan dan"


def test_nfd_input_is_treated_like_nfc() -> None:
    import unicodedata

    decomposed = unicodedata.normalize("NFD", "còn năm 2045 thì sao?")
    assert standalone_question(decomposed, [BHYT_2030]).question == "Đến năm 2045 tỷ lệ bao phủ BHYT đạt bao nhiêu?"
