"""What differs between a claim and a passage unit, on made-up sentences (no document needed)."""

from __future__ import annotations

from hoidap.qa.alignment import Aligner, Text, tokenize

aligner = Aligner()


def differences(claim: str, passage: str) -> list[str]:
    return [d.kind for d in aligner.align(Text.of(claim), Text.of(passage)).differences]


def test_numbers_dates_and_document_numbers_are_single_tokens() -> None:
    keys = [t.key for t in tokenize("Chương trình 06-CTr/TU ngày 12/01/2026, đạt 75,5 tuổi, ngày 7 tháng 4, 07/4")]
    assert "§06-ctr/tu" in keys and "@12-1-2026" in keys and "#75.5" in keys
    assert keys.count("@7-4") == 2


def test_a_level_swapped_word_for_word() -> None:
    kinds = differences(
        "Chủ tịch Ủy ban nhân dân cấp huyện ra quyết định quản lý sau cai nghiện",
        "Chủ tịch Ủy ban nhân dân cấp xã ra quyết định quản lý sau cai nghiện",
    )
    assert kinds == ["level"]


def test_a_changed_figure_and_the_same_figure() -> None:
    assert differences("Thời hạn quản lý là 05 năm", "Thời hạn quản lý là 02 năm") == ["value"]
    assert differences("Thời hạn quản lý là 2 năm", "Thời hạn quản lý là 02 năm") == []


def test_negation_counts_but_paraphrased_negation_agrees() -> None:
    assert differences("Cơ sở không có trách nhiệm cấp giấy xác nhận", "Cơ sở có trách nhiệm cấp giấy xác nhận") == [
        "negation"
    ]
    assert differences("Xâm hại trẻ em là không được phép", "Nghiêm cấm xâm hại trẻ em") == []


def test_scope_words_the_passage_does_not_carry() -> None:
    kinds = differences(
        "Giải quyết tranh chấp luôn được tiến hành công khai",
        "Giải quyết tranh chấp được tiến hành công khai",
    )
    assert kinds == ["scope"]


def test_unaccented_claims_align_like_accented_ones() -> None:
    assert differences("chu tich uy ban nhan dan cap huyen ra quyet dinh", "Chủ tịch Ủy ban nhân dân cấp xã ra quyết định") == [
        "level"
    ]


def test_a_swapped_title_is_read_even_when_one_syllable_is_a_scope_word() -> None:
    # "trưởng" folds like the "trường" of "mọi trường hợp": only whole phrases are polarity or scope
    assert differences(
        "Hồ sơ do Hiệu trưởng ký và gửi về sở",
        "Hồ sơ do Giám đốc ký và gửi về sở",
    ) == ["wording"]


def test_an_unaccented_scope_phrase_is_read_even_when_restoration_misspells_it() -> None:
    # accent restoration may write "môi trường hợp"; three folded syllables are still "mọi trường hợp"
    claim = Text.of("trong moi truong hop, le phi do truong khoa quyet dinh").with_accents(
        "trong môi trường hợp, lệ phí do trưởng khoa quyết định"
    )
    passage = Text.of("Trường hợp học từ xa, lệ phí do trưởng khoa quyết định.")
    assert [d.kind for d in aligner.align(claim, passage).differences] == ["scope"]


def test_a_changed_subject_in_a_sentence_otherwise_word_for_word() -> None:
    passage = (
        "Ngân sách địa phương là nguồn kinh phí để mua sách, báo, tài liệu và trang thiết bị cho các phòng đọc"
        " của thư viện trường học trên địa bàn huyện."
    )
    changed = (
        "Quỹ khuyến học của dòng họ là nguồn kinh phí để mua sách, báo, tài liệu và trang thiết bị cho các phòng"
        " đọc của thư viện trường học trên địa bàn huyện."
    )
    assert differences(changed, passage) == ["wording"]
    assert differences("Kinh phí để mua sách, báo, tài liệu cho các phòng đọc của thư viện trường học", passage) == []


def test_a_changed_last_phrase_after_six_words_the_same() -> None:
    assert differences(
        "Người vi phạm bị xử lý theo quy định của Luật Đất đai",
        "Người vi phạm bị xử lý theo quy định của Luật Nhà ở",
    ) == ["wording"]


def test_negation_and_permission_words_are_compared_not_counted_as_missing_content() -> None:
    # "không bắt buộc phải có" says what "có thể có" says: the claim's content is all there
    result = aligner.align(
        Text.of("Thư viện không bắt buộc phải có phòng đọc riêng"),
        Text.of("Thư viện có thể có phòng đọc riêng cho học sinh tiểu học."),
    )
    assert result.coverage == 1.0 and result.pairs == 1.0 and not result.differences


def test_a_body_the_passage_does_not_name() -> None:
    result = aligner.align(
        Text.of("Bộ Tài chính tổ chức bồi dưỡng nghiệp vụ cho thủ thư"),
        Text.of("5. Tổ chức bồi dưỡng nghiệp vụ cho thủ thư."),
        Text.of("Quyền và nghĩa vụ của Hội thư viện"),
    )
    assert result.unnamed_bodies == ["Bộ Tài chính"]
    named = aligner.align(
        Text.of("Bộ Tài chính tổ chức bồi dưỡng nghiệp vụ cho thủ thư"),
        Text.of("5. Tổ chức bồi dưỡng nghiệp vụ cho thủ thư."),
        Text.of("Trách nhiệm của Bộ Tài chính"),
    )
    assert named.unnamed_bodies == []


def test_another_law_named_where_the_passage_says_this_law() -> None:
    passage = Text.of("Thủ thư là người được cấp chứng chỉ hành nghề để làm việc trong thư viện theo quy định của Luật này.")
    context = Text.of("Luật Thư viện Điều 3. Giải thích từ ngữ")

    def kinds(claim: str) -> list[str]:
        return [d.kind for d in aligner.align(Text.of(claim), passage, context).differences]

    other = "Thủ thư là người được cấp chứng chỉ hành nghề để làm việc trong thư viện theo quy định của Luật Viên chức."
    same = "Thủ thư là người được cấp chứng chỉ hành nghề để làm việc trong thư viện theo quy định của Luật Thư viện."
    assert kinds(other) == ["wording"]
    assert kinds(same) == []


def test_an_exclusive_claim_naming_part_of_the_passage_s_list() -> None:
    passage = "Thư viện chỉ được đóng cửa trong trường hợp thiên tai, dịch bệnh, sửa chữa lớn hoặc kiểm kê tài sản."
    assert differences("Thư viện chỉ được đóng cửa khi có thiên tai", passage) == ["scope"]
    # the same part of the list, not said to be all there is
    assert differences("Thư viện được đóng cửa trong trường hợp thiên tai", passage) == []
    # the whole list, or "chỉ" inside another word
    assert differences(
        "Thư viện chỉ được đóng cửa khi có thiên tai, dịch bệnh, sửa chữa lớn hoặc kiểm kê tài sản", passage
    ) == []
    assert differences("Giám đốc chỉ định người đóng cửa thư viện khi có thiên tai", passage) == []


def test_y_and_i_spellings_of_one_word_agree() -> None:
    # "tỷ lệ" / "tỉ lệ", "kỹ thuật" / "kĩ thuật": one word spelt two ways, never a difference
    assert differences("Tỷ lệ người dân có hồ sơ sức khỏe đạt 90%", "Tỉ lệ người dân có hồ sơ sức khỏe đạt 90%") == []
    assert differences("Nâng cao trình độ kĩ thuật của trạm", "Nâng cao trình độ kỹ thuật của trạm") == []
    assert differences("Tỷ lệ người dân có hồ sơ sức khỏe đạt 80%", "Tỉ lệ người dân có hồ sơ sức khỏe đạt 90%") == ["value"]
