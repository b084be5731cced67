"""The gold loader on files written here (never seen by the code), and the text matching rules."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hoidap.eval.gold import (
    contains_fact,
    evidence_found,
    load_gold,
    strip_citation_markers,
    token_f1,
)


def write_jsonl(path: Path, rows: list[dict | str]) -> Path:
    lines = [row if isinstance(row, str) else json.dumps(row, ensure_ascii=False) for row in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_load_gold_reads_a_new_file_with_optional_and_list_fields(mini_gold: Path, tmp_path: Path):
    questions = load_gold(mini_gold)
    assert [q.id for q in questions] == ["m1", "m2", "m3", "m4"]
    assert questions[0].difficulty == "easy" and questions[1].difficulty is None
    assert questions[2].evidence_list == ["Trạm Y tế phường chủ trì lập danh sách trẻ trong độ tuổi tiêm chủng"]
    assert questions[3].evidence_list == [] and not questions[3].answerable

    # Blank lines, null evidence and a missing optional field are fine.
    minimal = {"id": "x", "question": "Hỏi?", "question_nodiac": "Hoi?", "answerable": False, "evidence": None}
    path = write_jsonl(tmp_path / "other.jsonl", ["", minimal, "   "])
    (only,) = load_gold(path)
    assert only.evidence_list == [] and only.type == "unknown"


def test_load_gold_names_the_bad_line(tmp_path: Path):
    good = {"id": "a", "question": "Hỏi?", "question_nodiac": "Hoi?", "answerable": True}
    path = write_jsonl(tmp_path / "bad.jsonl", [good, '{"id": "b", "question": "thiếu trường"}'])
    with pytest.raises(ValueError, match=r"bad\.jsonl:2"):
        load_gold(path)
    path = write_jsonl(tmp_path / "broken.jsonl", [good, good, "{not json"])
    with pytest.raises(ValueError, match=r"broken\.jsonl:3"):
        load_gold(path)


def test_contains_fact_normalises_case_tone_placement_spaces_and_percent():
    assert contains_fact("Tỷ lệ đạt 98 % dân số", "98%")
    assert contains_fact("phát triển HÒA BÌNH,  bền vững", "hoà bình, bền vững")  # old-style tone mark
    assert not contains_fact("đạt 89% dân số", "98%")


def test_contains_fact_reads_one_date_however_written_and_never_part_of_a_longer_figure():
    assert contains_fact("ban hành ngày 03 tháng 6 năm 2024", "03/6/2024")
    assert contains_fact("ký ngày 3/6/2024", "03/06/2024")
    assert contains_fact("ban hành ngày 03 tháng 6 năm 2024", "03 tháng 6 năm 2024")
    assert contains_fact("ban hành ngày 3/6/2024", "ngày 03 tháng 6 năm 2024")
    assert not contains_fact("ký ngày 13/6/2024", "3/6/2024")
    assert not contains_fact("đạt 98% dân số", "8%")
    assert not contains_fact("trên 75,5 tuổi", "75")
    assert contains_fact("thời hạn là 01 năm", "1 năm") and contains_fact("sau 6 tháng", "06 tháng")
    assert contains_fact("giảm 0,5 điểm", "0,5") and not contains_fact("đạt 100%", "10%")


def test_evidence_found_accepts_a_chunk_that_cut_the_first_word():
    evidence = "Chuyển mạnh từ tư duy điều trị sang phòng bệnh và chăm sóc sức khỏe ban đầu"
    passage = "mạnh từ tư duy điều trị sang phòng bệnh và chăm sóc sức khỏe ban đầu; lấy người dân làm trung tâm."
    assert evidence_found(evidence, passage)


def test_evidence_found_rejects_the_same_syllables_scattered_over_a_chunk():
    evidence = "đưa nội dung thực hiện Nghị quyết vào chương trình công tác hằng năm của chi bộ"
    passage = (
        "Chi bộ tổ chức học tập nội dung Nghị quyết. Hằng năm đưa cán bộ đi đào tạo. "
        "Chương trình công tác của phường được thực hiện nghiêm túc, có kiểm tra. "
        "Nội dung vào sổ theo dõi của chi bộ."
    )
    words = {w.lower().strip(".,") for w in passage.split()}
    assert all(w.lower() in words for w in evidence.split())  # every syllable is there, in another order
    assert not evidence_found(evidence, passage)


def test_evidence_found_ignores_diacritics_only_in_the_fuzzy_rule():
    assert evidence_found("độ bao phủ bảo hiểm y tế", "Độ bao phủ Bảo hiểm Y tế toàn dân")
    assert evidence_found("do bao phu bao hiem y te toan dan dat 98%", "Độ bao phủ bảo hiểm y tế toàn dân đạt 98%")
    assert not evidence_found("độ bao phủ bảo hiểm y tế", "")


def test_token_f1_strips_nothing_by_itself_but_markers_can_be_stripped_first():
    assert strip_citation_markers("Đạt 98% [1]. Tuổi thọ [2, 3].") == "Đạt 98%. Tuổi thọ."
    assert token_f1("đạt 98 %", "Đạt 98%") == 1.0
    assert token_f1("", "đạt") == 0.0
    assert token_f1("đạt 98% dân số", "đạt 98%") == pytest.approx(2 * 1.0 * 0.5 / 1.5)
    assert token_f1("a a b", "a b b") == pytest.approx(2 / 3)  # repeated words count once per match
