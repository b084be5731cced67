"""Kinds of difference the claim checker reads on whole passages, on a made-up law (no index: the
passages a search would return are given as they are)."""

from __future__ import annotations

from hoidap.domain import Document, DocumentMetadata
from hoidap.qa.schemas import SearchHit
from hoidap.qa.verify import ClaimChecker

# A made-up law: each entry is one passage (a chunk) with its section path.
PASSAGES = [
    (
        "Điều 12. Thời hạn lưu giữ hồ sơ › khoản 1–5",
        "3. Hồ sơ học bạ của học viên được lưu giữ tại thư viện trường trong thời hạn 03 năm kể từ ngày tốt nghiệp.",
    ),
    (
        "Điều 20. Lệ phí thư viện",
        "2. Lệ phí thư viện do Phòng đào tạo quyết định. Trường hợp học viên học theo hình thức từ xa, lệ phí thư viện"
        " do Giám đốc quyết định.",
    ),
    (
        "Điều 25. Thư viện tư nhân",
        "1. Thư viện tư nhân phục vụ cộng đồng do cá nhân, hội, câu lạc bộ đọc sách thành lập.",
    ),
    ("Điều 30. Quản lý nhà nước", "Cơ quan nhà nước có thẩm quyền kiểm tra hoạt động của thư viện."),
]


def _checker() -> tuple[ClaimChecker, list[SearchHit]]:
    text = "LUẬT THƯ VIỆN TRƯỜNG HỌC\n\n" + "\n\n".join(body for _, body in PASSAGES) + "\n"
    document = Document(
        doc_id="luat-thu-vien", source="luat_thu_vien.txt", content_hash="x", text=text,
        metadata=DocumentMetadata(doc_type="Luật"),
    )
    hits = [
        SearchHit(doc_id=document.doc_id, source=document.source, title="Luật Thư viện trường học", section=section,
                  quote=body, text=body, score=1.0)
        for section, body in PASSAGES
    ]
    return ClaimChecker({document.doc_id: document}, lambda query, k: hits), hits


def test_a_section_number_is_no_figure_of_the_passage() -> None:
    # "khoản 1–5" in the section path must not vouch for the claim's "05 năm"
    checker, _ = _checker()
    result = checker.check(
        "Hồ sơ học bạ của học viên được lưu giữ tại thư viện trường trong thời hạn 05 năm kể từ ngày tốt nghiệp."
    )
    assert result.verdict == "contradicted" and result.mismatches == ["value"]
    assert result.stated and "03 năm" in result.stated
    same = checker.check("Hồ sơ học bạ của học viên được lưu giữ tại thư viện trường trong thời hạn 3 năm kể từ ngày tốt nghiệp.")
    assert same.verdict == "supported"


def test_a_passage_about_the_same_thing_that_states_otherwise_contradicts() -> None:
    checker, _ = _checker()
    result = checker.check("Thư viện tư nhân phục vụ cộng đồng là do cơ quan nhà nước thành lập.")
    assert result.verdict == "contradicted" and result.mismatches == ["statement"]
    assert result.passages[0].quote.startswith("1. Thư viện tư nhân phục vụ cộng đồng do cá nhân")
    # a claim bringing in what the collection never names is about something else
    assert checker.check("Thư viện tư nhân phục vụ cộng đồng do hội đua thuyền rồng thành lập.").verdict == "not_found"


def test_a_duty_of_another_body_is_not_the_claimed_body_s() -> None:
    checker, _ = _checker()
    result = checker.check("Bộ Tài chính có trách nhiệm kiểm tra hoạt động của thư viện.")
    assert result.verdict != "supported"
    assert checker.check("Cơ quan nhà nước có thẩm quyền kiểm tra hoạt động của thư viện.").verdict == "supported"
