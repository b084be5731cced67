"""Answering over laws and a ward decision, on a small index built with the cheap HashingEmbedder
(seconds, no model): the answerers, the router and the refusal stage, testable in isolation."""

from __future__ import annotations

from pathlib import Path

import pytest

from hoidap.domain import Document, DocumentMetadata
from hoidap.index.store import IndexStore
from hoidap.ingest.chunking import Chunker
from hoidap.ingest.pipeline import Ingestor
from hoidap.qa.named_documents import absent_titles, named_titles
from hoidap.qa.service import QAService
from hoidap.settings import Settings
from hoidap.vntext import expand_abbreviations
from tests.conftest import HashingEmbedder

OFFICIAL = Path(__file__).resolve().parents[1] / "fixtures" / "official"


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> QAService:
    data_dir = tmp_path_factory.mktemp("official-index")
    settings = Settings(_env_file=None, data_dir=data_dir, embedding_model="test-hashing")  # type: ignore[call-arg]
    embedder = HashingEmbedder(dimension=256)
    Ingestor(IndexStore(settings.index_root), embedder, Chunker(1200, 1), 20000).ingest([OFFICIAL])
    return QAService.from_settings(settings, embedder=embedder)


def test_questions_name_laws_by_title() -> None:
    assert named_titles("Theo Luật Điện ảnh 2022, phim phải được phân loại, đúng hay sai?") == ["Luật Điện ảnh"]
    assert named_titles("Theo Luat Trong trot, cho dau moi phai phu hop quy hoach") == ["Luật Trong trot"]
    assert named_titles("Theo Luật Phòng, chống ma túy, ai quản lý?") == ["Luật Phòng, chống ma túy"]
    assert named_titles("Theo quy định của pháp luật Việt Nam, luật sư có quyền gì?") == []
    assert named_titles("Luật này có hiệu lực khi nào?") == []


def test_absent_law_is_refused_with_the_reason_and_suggestions_from_the_collection(service: QAService) -> None:
    assert absent_titles("Theo Luật Điện ảnh, phim loại C là gì?", service.index.documents) == ["Luật Điện ảnh"]
    assert absent_titles("Theo Luật Thử nghiệm năm 2025, …", service.index.documents) == []
    response = service.ask("Theo Luật Điện ảnh, giấy chứng nhận có thời hạn bao lâu?")
    assert not response.answerable
    assert response.answer.startswith("Kho văn bản không có Luật Điện ảnh")
    assert "bảo hiểm y tế" not in response.answer  # suggestions come from the loaded collection
    assert "Luật Thử nghiệm" in response.answer or "Luật Vườn treo" in response.answer


def test_absent_law_typed_without_diacritics_is_named_with_them(service: QAService) -> None:
    response = service.ask("Theo Luat Ca canh, giong ca canh moi phai nuoi thu nghiem bao lau?")
    assert not response.answerable
    assert response.answer.startswith("Kho văn bản không có Luật Cá cảnh")


def test_law_answer_cites_the_provision_and_the_law(service: QAService) -> None:
    response = service.ask("Giấy chứng nhận nuôi thử nghiệm có thời hạn bao lâu?")
    assert response.answerable
    assert "36 tháng" in response.answer
    first = response.citations[0]
    assert first.label is not None and first.label.startswith("Điều 3")
    assert first.label.endswith("— Luật Thử nghiệm")
    assert "luat_thu_nghiem.txt" not in response.answer


def test_true_false_question_is_answered_with_the_deciding_provision(service: QAService) -> None:
    response = service.ask("Người nuôi được thả giống cá cảnh đang thử nghiệm ra sông, hồ tự nhiên, đúng hay sai?")
    assert response.answerable
    assert "Thả giống cá cảnh đang thử nghiệm ra sông, hồ tự nhiên" in response.citations[0].text
    assert "Hành vi bị nghiêm cấm" in (response.citations[0].section or "")


def test_ward_decision_metadata_answers(service: QAService) -> None:
    response = service.ask("Ai ký Quyết định số 27/QĐ-UBND?")
    assert response.answerable
    assert "Lê Thị Minh Hoa" in response.answer
    unknown = service.ask("Quyết định số 99/QĐ-UBND do ai ký?")
    assert not unknown.answerable


def test_question_outside_every_document_is_refused(service: QAService) -> None:
    response = service.ask("Giá vé xem phim tại rạp chiếu phim quốc gia là bao nhiêu tiền?")
    assert not response.answerable


class _Fixed:
    """A real answerer of its own kind: answers with a fixed draft, or declines."""

    def __init__(self, name: str, draft: object | None) -> None:
        self.name = name
        self.draft = draft

    def answer(self, question, hits):  # noqa: ANN001, ANN201 - the Answerer protocol
        return self.draft


def test_router_takes_the_first_answerer_that_answers() -> None:
    from hoidap.qa.answerers import Router
    from hoidap.qa.compose import Draft
    from hoidap.qa.question import analyse

    passage = Draft(True, [("x", 0)])
    router = Router([_Fixed("metadata", None), _Fixed("passage", passage)])
    assert router.route(analyse("Ai ký?"), []) == ("passage", passage)
    assert Router([_Fixed("metadata", None)]).route(analyse("Ai ký?"), []) == ("", None)


def test_the_service_router_sends_metadata_and_content_to_their_answerers(service: QAService) -> None:
    from hoidap.qa.question import analyse

    signer = analyse("Ai ký Quyết định số 27/QĐ-UBND?")
    hits = service.retriever.search(signer.text, k=8).hits
    assert service.composer.router.route(signer, hits)[0] == "metadata"
    content = analyse("Tổ công tác có bao nhiêu thành viên?")
    hits = service.retriever.search(content.text, k=8).hits
    name, draft = service.composer.router.route(content, hits)
    assert name == "passage" and draft is not None and "07 thành viên" in draft.sentences[0][0]


def test_true_false_tail_and_accented_stopwords_leave_content_terms() -> None:
    from hoidap.qa.question import analyse

    question = analyse("Hội đồng trọng tài có thể không dùng pháp luật Việt Nam, đúng hay sai?")
    assert question.intent == "yesno"
    assert {"hoi", "dong", "trong", "tai", "dung"} <= set(question.content_terms)
    assert "sai" not in question.content_terms


def test_a_list_point_is_read_with_its_lead_in_and_ages_may_be_written_in_words(service: QAService) -> None:
    # "a) Từ đủ mười tám tuổi trở lên" says what it is about only through its lead-in ("Người đề
    # nghị cấp phép phải đáp ứng các điều kiện sau đây:"), and writes its number in words.
    response = service.ask("Người đề nghị cấp phép trồng cây trên mái nhà chung cư phải từ đủ bao nhiêu tuổi?")
    assert response.answerable, response.answer
    assert "mười tám tuổi" in response.citations[0].text


def test_a_short_provision_is_not_run_into_the_next_clause_number(service: QAService) -> None:
    response = service.ask("Hồ sơ nộp tại cơ quan nào?")
    assert response.answerable, response.answer
    assert "Ủy ban nhân dân cấp xã" in response.answer
    # The next clause ("3. Giấy phép …") is another provision: neither it nor its number is quoted.
    assert "Giấy phép có thời hạn" not in response.answer
    assert "xã. 3" not in response.answer and "xã 3" not in response.answer


def test_a_sentence_announcing_a_list_is_answered_with_its_list(service: QAService) -> None:
    # The article is too long to read out whole: the answer is the sentence that announces the
    # list and its points, not the article's other clauses.
    response = service.ask("Việc nuôi thử nghiệm bị đình chỉ trong trường hợp nào?")
    assert response.answerable, response.answer
    for point in ("thoát ra môi trường tự nhiên", "Không khắc phục vi phạm", "Giả mạo hồ sơ"):
        assert point in response.answer
    assert "kiểm tra định kỳ hằng năm" not in response.answer


def test_a_law_named_by_its_abbreviation_is_the_law_spelt_out() -> None:
    held = {
        "hngd": Document(
            doc_id="hngd",
            source="luat_hon_nhan.txt",
            content_hash="0",
            text="Luật Hôn nhân và gia đình",
            metadata=DocumentMetadata(doc_type="Luật", title="Luật Hôn nhân và gia đình"),
        )
    }
    assert absent_titles("Theo luật HNGĐ, chồng có được yêu cầu ly hôn không?", held) == []
    assert absent_titles("Theo Luat HNGD, chong co duoc yeu cau ly hon khong?", held) == []
    assert absent_titles("Theo Luật BHXH, lao động nữ nghỉ thai sản mấy tháng?", held) == ["Luật BHXH"]


def test_everyday_words_and_chat_shorthand_in_law_questions(service: QAService) -> None:
    # "19t" is 19 tuổi; "bé nhà mình" says who asks, not what about; "lệ phí … không?" asks
    # whether there is a fee, which "không phải nộp lệ phí" answers.
    assert "19 tuổi" in expand_abbreviations("bạn trai e 19t")
    response = service.ask("Bé nhà mình đi nuôi thử nghiệm giống cá cảnh thì giấy chứng nhận có thời hạn bao lâu?")
    assert response.answerable and "36 tháng" in response.answer


def test_how_people_ask_is_not_what_they_ask_about(service: QAService) -> None:
    # "xài", "mn", "hôm qua" are how people talk (hoidap/data/question_phrases.txt), never a topic
    # the documents lack.
    response = service.ask("hôm qua mình mới xài bể kính nuôi thử nghiệm, giấy chứng nhận có thời hạn bao lâu vậy mn?")
    assert response.answerable, response.answer
    assert "36 tháng" in response.answer
