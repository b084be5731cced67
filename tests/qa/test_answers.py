"""Answers over the real index of the bundled corpus: grounding, refusal, accent parity."""

from __future__ import annotations

import re

import pytest

from hoidap.qa.service import QAService, QuestionRejected
from hoidap.vntext import fold_diacritics


def assert_grounded(service: QAService, response) -> None:  # type: ignore[no-untyped-def]
    """Every quote is verbatim in its document and every [n] marker has its citation."""
    numbers = {c.n for c in response.citations}
    for citation in response.citations:
        document = service.index.documents[citation.doc_id]
        assert citation.quote in document.text, citation.quote
        assert citation.text in document.text
        assert citation.quote.strip() and citation.section
    markers = {int(m) for m in re.findall(r"\[(\d+)\]", response.answer)}
    assert markers <= numbers
    if response.answerable:
        assert markers, response.answer
        # No answer line without a citation.
        for line in response.answer.splitlines():
            if line.strip():
                assert re.search(r"\[\d+\]\.?$", line.strip()) or markers, line


def test_bhyt_2030_target_is_answered_with_its_figure(shared_service: QAService) -> None:
    response = shared_service.ask("Đến năm 2030 tỷ lệ bao phủ BHYT đạt bao nhiêu?")
    assert response.answerable
    assert "98%" in response.answer
    assert "98%" in response.citations[0].quote
    assert_grounded(shared_service, response)


@pytest.mark.parametrize(
    "question",
    [
        "Đến năm 2030 tỷ lệ bao phủ BHYT đạt bao nhiêu?",
        "Ai ký công văn 307-CV/ĐU?",
        "Tầm nhìn 2045 tuổi thọ trung bình đạt bao nhiêu?",
        "Trạm y tế phường được đầu tư gì?",
        "Tỷ lệ tiêm chủng mở rộng phải đạt bao nhiêu?",
        "Giá vé xe buýt Hà Nội là bao nhiêu?",
    ],
)
def test_unaccented_question_gets_the_same_answer(shared_service: QAService, question: str) -> None:
    accented = shared_service.ask(question)
    unaccented = shared_service.ask(fold_diacritics(question).lower())
    assert accented.answerable == unaccented.answerable
    if accented.answerable:
        assert accented.citations[0].doc_id == unaccented.citations[0].doc_id
        assert accented.citations[0].quote == unaccented.citations[0].quote


def test_signer_question_quotes_the_signature_block(shared_service: QAService) -> None:
    response = shared_service.ask("Ai ký công văn 307-CV/ĐU?")
    assert response.answerable
    assert "Nguyễn Thị Thuý Tình" in response.answer
    assert response.citations[0].section == "Chữ ký"
    assert "Nguyễn Thị Thuý Tình" in response.citations[0].quote
    assert_grounded(shared_service, response)


def test_issue_date_keeps_the_documents_own_wording(shared_service: QAService) -> None:
    response = shared_service.ask("Công văn 307 của Đảng ủy phường Nguyễn Nghiêm ban hành ngày nào?")
    assert response.answerable
    assert "03 tháng 6 năm 2024" in response.answer


def test_date_of_a_cited_document_comes_from_the_citing_sentence(shared_service: QAService) -> None:
    response = shared_service.ask("Chương trình hành động 06-CTr/TU ban hành ngày nào?")
    assert response.answerable
    assert "12/01/2026" in response.answer
    assert_grounded(shared_service, response)


@pytest.mark.parametrize(
    "question",
    [
        "Giá vé xe buýt Hà Nội là bao nhiêu?",
        "cách tạo sổ sức khỏe điện tử trên VNeID làm thế nào?",
        "Nghị quyết 57-NQ/TW về khoa học công nghệ quy định gì?",
        "mức đóng BHYT hộ gia đình năm 2026 là bao nhiêu tiền?",
        "trạm y tế phường mấy giờ mở cửa?",
        "mục tiêu tỷ lệ tiêm chủng mở rộng đến năm 2045 là bao nhiêu?",
        "Kế hoạch tuyên truyền NQ 72 phường Phúc Lợi ký chính xác ngày mấy?",
        "Công văn của Ban Xây dựng Đảng phường Đồ Sơn số mấy?",
        # The plan's own number is blank; the numbers of the documents it implements are no answer.
        "Kế hoạch thực hiện NQ 72 của phường Bạch Đằng số mấy, ban hành ngày nào?",
        # A year only the document's title carries is not the passage's year.
        "tỷ lệ khám BHYT ở trạm y tế phường Bạch Đằng năm 2025 hiện là bao nhiêu %",
        "giám đốc trung tâm y tế Thủy Nguyên tên j",
        # The passages near these share words but not the kind of fact asked for.
        "Chủ tịch UBND phường Phúc Lợi tên là gì?",
        "Trạm y tế phường Nguyễn Nghiêm địa chỉ ở đâu?",
        "tuổi thọ trung bình của người dân Đồ Sơn năm 2030 bao nhiêu tuổi?",
        "hộ cận nghèo được hỗ trợ bao nhiêu phần trăm tiền mua thẻ BHYT?",
    ],
)
def test_questions_outside_the_documents_are_refused(shared_service: QAService, question: str) -> None:
    response = shared_service.ask(question)
    assert not response.answerable, response.answer
    assert "không đề cập" in response.answer
    assert "[" not in response.answer  # a refusal makes no cited claim
    assert_grounded(shared_service, response)


def test_list_question_returns_the_item_with_its_bullets(shared_service: QAService) -> None:
    response = shared_service.ask("Tuyên truyền miệng NQ 72 và CTr 06 tổ chức qua những hình thức nào?")
    assert response.answerable
    assert "sinh hoạt chi bộ" in response.answer
    assert_grounded(shared_service, response)


def test_paraphrase_in_everyday_words_finds_the_formal_term(shared_service: QAService) -> None:
    response = shared_service.ask("phường có khuyến khích chữa bệnh bằng thuốc nam, châm cứu không?")
    assert response.answerable
    assert "y học cổ truyền" in response.answer.lower()


def test_search_returns_passages_about_the_topic(shared_service: QAService) -> None:
    hits = shared_service.search("y hoc co truyen", k=5).hits
    assert len(hits) == 5
    assert "y học cổ truyền" in hits[0].text.lower()
    scores = [hit.score for hit in hits]
    assert scores == sorted(scores, reverse=True)


@pytest.mark.parametrize(
    ("question", "code"),
    [("", "question_empty"), ("   \n\t", "question_empty"), ("x" * 2001, "question_too_long"), ("?!…", "question_invalid")],
)
def test_bad_questions_are_rejected_with_a_code(shared_service: QAService, question: str, code: str) -> None:
    with pytest.raises(QuestionRejected) as error:
        shared_service.ask(question)
    assert error.value.code == code
    assert error.value.message


def test_nfd_question_is_answered_like_nfc(shared_service: QAService) -> None:
    import unicodedata

    question = "Đến năm 2030 tỷ lệ bao phủ BHYT đạt bao nhiêu?"
    nfc = shared_service.ask(question)
    nfd = shared_service.ask(unicodedata.normalize("NFD", question))
    assert nfd.answerable and nfd.citations[0].quote == nfc.citations[0].quote


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        # The subject line of a document ("V/v …", "Về …"), quoted over its wrapped lines.
        ("Công văn 307 về việc gì?", "Về triển khai thực hiện Chỉ thị số 25-CT/TW"),
        ("cong van cua ban xay dung dang phuong Do Son v/v gi", "tuyên truyền các Nghị quyết của HĐND"),
        # The number/date of a document the retrieved one builds on, not its own (blank) one.
        ("Kế hoạch tuyên truyền của phường Phúc Lợi căn cứ vào kế hoạch số mấy của Ban Tuyên giáo?", "30-KH/BTGDVTU"),
        ("Kế hoạch của Bạch Đằng cụ thể hóa chương trình hành động nào của Thành ủy, ban hành ngày nào?", "30/10/2025"),
        # "… thực hiện kết luận nào": not the opening "Thực hiện Chỉ thị …", the clause citing a conclusion.
        ("Kế hoạch của Thành ủy về chỉ thị 25 kết hợp thực hiện kết luận nào?", "226-KL/TU"),
        # What a plan builds on: its whole opening sentence, every document it lists.
        ("kế hoạch tuyên truyền của phường Phúc Lợi căn cứ những văn bản nào", "30-KH/BTGDVTU"),
        ("kế hoạch của Bạch Đằng căn cứ văn bản nào", "03-CTr/TU"),
        # A programme named by number gets its dated mention.
        ("kh Bạch Đằng thực hiện NQ72 theo CTr hành động số mấy của thành ủy", "30/10/2025"),
        # Claims people check: a signer, a date.
        ("có phải kh của thành ủy về CT25 do đ/c Đỗ Mạnh Hiến ký ko", "Đỗ Mạnh Hiến"),
        ("nghe nói NQ 72 của Bộ Chính trị ra ngày 16/9/2025 phải ko", "09/9/2025"),
        # A plan named by its ward: that plan's signer, though another plan's signature ranks first.
        ("kế hoạch của phường Bạch Đằng thực hiện nghị quyết 72 do ai ký", "Trần Huy Kiên"),
        # "kế hoạch 72" is the plan implementing NQ 72, not an unknown document.
        ("ke hoach 72 o phuong Bach Dang dat muc tieu ty le tiem chung mo rong bao nhieu", "95%"),
    ],
)
def test_questions_about_documents_as_people_phrase_them(
    shared_service: QAService, question: str, expected: str
) -> None:
    response = shared_service.ask(question)
    assert response.answerable and expected in response.answer, response.answer
    assert_grounded(shared_service, response)


def test_the_item_about_the_year_asked_wins_over_another_years_item(shared_service: QAService) -> None:
    # "tuổi" appears in the 2030 targets too ("trẻ em từ 01-18 tuổi"); the question asks 2045.
    response = shared_service.ask("đến 2045 tuổi thọ trung bình phường Bạch Đằng bao nhiêu tuổi")
    assert response.answerable and "80 tuổi" in response.answer.splitlines()[0], response.answer
    assert "2045" in response.citations[0].section


def test_the_wards_name_picks_the_document_not_the_passage(shared_service: QAService) -> None:
    # The opening sentence says "phường Đồ Sơn"; the answer is item 3 on the forms of propaganda.
    response = shared_service.ask("phường Đồ Sơn tuyên truyền các nghị quyết qua những hình thức nào?")
    assert response.answerable and "họp tổ dân phố" in response.answer, response.answer
    assert_grounded(shared_service, response)


def test_an_item_heading_that_matches_brings_its_bullets(shared_service: QAService) -> None:
    response = shared_service.ask("phuong Phuc Loi giao MTTQ lam gi")
    assert response.answerable, response.answer
    assert "Mặt trận Tổ quốc" in response.answer and "nếp sống văn minh" in response.answer
    assert_grounded(shared_service, response)


def test_how_many_x_are_there_lists_the_sub_headings_of_the_section_on_x(shared_service: QAService) -> None:
    response = shared_service.ask("kế hoạch Bạch Đằng có những nhiệm vụ giải pháp chủ yếu nào")
    assert response.answerable, response.answer
    lines = response.answer.splitlines()
    assert lines[0].startswith("III. NHIỆM VỤ, GIẢI PHÁP CHỦ YẾU") and lines[1].startswith("1. Đổi mới nhận thức")
    assert len(lines) >= 5 and all(re.search(r"\[\d+\]\.$", line) for line in lines)
    assert_grounded(shared_service, response)


def test_a_question_about_one_part_is_not_answered_with_the_outline(shared_service: QAService) -> None:
    # "Tuyên truyền miệng" is one of the forms: its content answers, not the list of forms.
    response = shared_service.ask("Tuyên truyền miệng về nghị quyết 72 ở phường Phúc Lợi gồm những hình thức nào?")
    assert response.answerable and not response.answer.startswith("2. Hình thức tuyên truyền"), response.answer


def test_a_comparison_of_two_named_wards_answers_for_each(shared_service: QAService) -> None:
    response = shared_service.ask("bao phủ BHYT 2030 ở phường Bạch Đằng với phường Nguyễn Nghiêm có giống nhau không?")
    assert response.answerable, response.answer
    lines = response.answer.splitlines()
    assert len(lines) == 2 and all("98%" in line for line in lines), response.answer
    assert {c.doc_id[:3] for c in response.citations[:2]} == {"002", "004"}
    assert_grounded(shared_service, response)


def test_each_ward_names_the_programme_its_plan_implements(shared_service: QAService) -> None:
    response = shared_service.ask("Phúc Lợi và Bạch Đằng thực hiện NQ 72 theo chương trình hành động số mấy của Thành ủy?")
    assert response.answerable and "06-CTr/TU" in response.answer and "03-CTr/TU" in response.answer, response.answer
    assert_grounded(shared_service, response)


def test_answers_from_two_documents_name_each_shortly(shared_service: QAService) -> None:
    response = shared_service.ask("bao hiem y te 2030 dat bao nhieu")
    lines = response.answer.splitlines()
    assert len(lines) == 2, response.answer
    assert {line.split(":")[0] for line in lines} == {"Theo Kế hoạch của phường Bạch Đằng", "Theo Công văn số 307-CV/ĐU"}
