"""True/false questions: the statement inside the question's frame, accented or not."""

from __future__ import annotations

import pytest

from hoidap.qa.answerers.true_false import true_false_statement


@pytest.mark.parametrize(
    ("question", "statement"),
    [
        ("Trẻ em dưới 6 tuổi được cấp thẻ bảo hiểm y tế miễn phí, đúng hay sai?",
         "Trẻ em dưới 6 tuổi được cấp thẻ bảo hiểm y tế miễn phí"),
        ("Trẻ em dưới 6 tuổi được cấp thẻ bảo hiểm y tế miễn phí. Đúng hay sai?",
         "Trẻ em dưới 6 tuổi được cấp thẻ bảo hiểm y tế miễn phí"),
        ("Có phải trẻ em dưới 6 tuổi được cấp thẻ miễn phí không?", "trẻ em dưới 6 tuổi được cấp thẻ miễn phí"),
        ("Co phai tre em duoi 6 tuoi duoc cap the mien phi khong?", "tre em duoi 6 tuoi duoc cap the mien phi"),
        ("Đúng hay sai: phường phải lập kế hoạch trước ngày 15/3?", "phường phải lập kế hoạch trước ngày 15/3"),
        ("Phường phải lập kế hoạch trước ngày 15/3 phải không?", "Phường phải lập kế hoạch trước ngày 15/3"),
        ("Phuong phai lap ke hoach truoc ngay 15/3 la dung hay sai", "Phuong phai lap ke hoach truoc ngay 15/3"),
    ],
)
def test_the_statement_inside_the_frame(question: str, statement: str) -> None:
    assert true_false_statement(question) == statement


@pytest.mark.parametrize(
    "question",
    [
        "Tỷ lệ bao phủ bảo hiểm y tế đến năm 2030 là bao nhiêu?",
        "Có phải nộp hồ sơ ở đâu?",  # "có phải" without its closing "không": an ordinary question
        "Người dân có phải nộp phí không?",  # asks whether one must pay, not whether a statement holds
        "Đúng hay sai?",  # no statement
    ],
)
def test_other_questions_are_not_true_false(question: str) -> None:
    assert true_false_statement(question) is None


@pytest.mark.parametrize(
    ("question", "verdict"),
    [
        ("Đến năm 2030 độ bao phủ bảo hiểm y tế toàn dân đạt 95% trở lên, đúng hay sai?", "Không đúng"),
        ("Den nam 2030 do bao phu bao hiem y te toan dan dat 95% tro len, dung hay sai?", "Không đúng"),
        ("Có phải đến năm 2030 độ bao phủ bảo hiểm y tế toàn dân đạt 98% trở lên không?", "Đúng"),
        ("Co phai den nam 2030 do bao phu bao hiem y te toan dan dat 98% tro len khong?", "Đúng"),
    ],
)
def test_true_false_questions_get_a_verdict_and_the_provision(shared_service, question: str, verdict: str) -> None:  # type: ignore[no-untyped-def]
    response = shared_service.ask(question)
    assert response.answerable
    assert response.answer.startswith(verdict + (" (" if verdict == "Không đúng" else ".")), response.answer
    first = response.citations[0]
    assert "98%" in first.quote and first.quote in shared_service.index.documents[first.doc_id].text
    assert response.answer.rstrip(".").endswith("[1]")  # the verdict and its quote carry the citation
