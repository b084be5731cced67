"""Every target in the five sample documents, with the value, comparator, year and scope the rules must find."""

from __future__ import annotations

import pytest

from hoidap.domain import Document
from hoidap.propaganda.targets import Target, filter_targets, group_targets

# (document prefix, topic words in the metric, comparator, value, unit, year, scope or None, section ends with)
QUANTIFIED = [
    ("002", "chiều cao trung bình", "+>=", 1.5, "cm", 2030, "trẻ em và thanh thiếu niên từ 01-18 tuổi", "a)"),
    ("002", "tuổi thọ trung bình", ">", 75.5, "tuổi", 2030, None, "a)"),
    ("002", "số năm sống khỏe mạnh", ">=", 68, "năm", 2030, None, "a)"),
    ("002", "tiêm chủng", ">", 95, "%", 2030, None, "b)"),
    ("002", "hoạt động thể chất", "+", 10, "%", 2030, "người dân", "b)"),
    ("002", "kiểm tra sức khỏe định kỳ", "=", 100, "%", 2030, "học sinh", "b)"),
    ("002", "khám sức khỏe định kỳ", ">=", 1, "lần/năm", 2026, "người dân", "c)"),
    ("002", "khám bệnh, chữa bệnh bảo hiểm y tế", ">", 20, "%", 2030, "trạm y tế phường", "d)"),
    ("002", "độ bao phủ bảo hiểm y tế", ">=", 98, "%", 2030, "toàn dân", "e)"),
    ("002", "tuổi thọ trung bình", ">", 80, "tuổi", 2045, None, "2. Tầm nhìn đến năm 2045"),
    ("002", "số năm sống khỏe mạnh", ">", 71, "năm", 2045, None, "2. Tầm nhìn đến năm 2045"),
    ("004", "tham gia bảo hiểm y tế", "=", 98, "%", 2030, "dân số", "2. UBND phường"),
    ("004", "bảo hiểm y tế chi trả", "=", 97, "%", 2030, "người dân", "2. UBND phường"),
    ("004", "quản lý sức khỏe", ">", 95, "%", 2030, "dân số", "2. UBND phường"),
    ("004", "kiểm tra sức khỏe", ">=", 1, "lần/năm", 2030, "người có nguy cơ cao mắc bệnh", "2. UBND phường"),
]
# Dated goals without a figure: (document prefix, year, words of the goal)
GOALS = [
    ("001", 2030, "Nâng cao toàn diện thể lực, tầm vóc, tuổi thọ khỏe mạnh"),
    ("001", 2035, "Hệ thống y tế Thủ đô trở thành trung tâm y tế"),
    ("001", 2045, "Hà Nội trở thành trung tâm y tế lớn"),
    ("002", 2030, "người dân được miễn viện phí ở mức cơ bản"),
    ("002", 2045, "có hệ thống y tế hiện đại, công bằng, hiệu quả, bền vững"),
    # levels set against others, no figure
    ("002", 2045, "chiều cao trung bình của thanh niên bằng với mức trung bình chung cả nước"),
    ("001", 2045, "Tuổi thọ trung bình của người dân Thủ đô, số năm sống khỏe mạnh"),
]


def _prefix(row: Target) -> str:
    return row.source[:3]


def test_every_quantified_target_is_found_exactly_once(targets: list[Target]) -> None:
    quantified = [t for t in targets if t.kind == "quantified"]
    remaining = list(quantified)
    for prefix, words, comparator, value, unit, year, scope, section in QUANTIFIED:
        matches = [
            t
            for t in remaining
            if _prefix(t) == prefix and words in t.metric and t.value == value and t.unit == unit
        ]
        assert len(matches) == 1, (
            prefix,
            words,
            value,
            [(t.metric, t.value) for t in quantified if _prefix(t) == prefix],
        )
        row = matches[0]
        assert (row.comparator, row.year, row.scope) == (comparator, year, scope), row
        assert row.section.endswith(section), row.section
        remaining.remove(row)
    assert remaining == [], [(t.source, t.metric, t.value) for t in remaining]


def test_dated_goals_without_figures(targets: list[Target]) -> None:
    goals = [(_prefix(t), t.year, t.quote) for t in targets if t.kind == "goal"]
    assert len(goals) == len(GOALS)
    for prefix, year, words in GOALS:
        assert any(p == prefix and y == year and words in q for p, y, q in goals), (prefix, year)


def test_quotes_are_verbatim(targets: list[Target], documents: dict[str, Document]) -> None:
    for row in targets:
        assert documents[row.doc_id].text[row.start : row.end] == row.quote
        assert row.value_text is None or row.value_text in row.quote
        assert row.scope is None or row.scope in row.quote


def test_displays_read_like_the_documents(targets: list[Target]) -> None:
    displays = {t.display for t in targets}
    assert {"≥ 98%", "trên 75,5 tuổi", "thêm ít nhất 1,5 cm", "> 20%", "trên 80 tuổi", "+10%"} <= displays


def test_the_same_target_in_two_documents_is_one_row_each_and_groups(targets: list[Target]) -> None:
    coverage = [t for t in targets if t.topic == "bảo hiểm y tế" and t.value == 98 and t.year == 2030]
    assert sorted(_prefix(t) for t in coverage) == ["002", "004"]
    assert len({t.group_key for t in coverage}) == 1
    assert len(group_targets(targets)[coverage[0].group_key]) == 2
    # 002 states it in II.1.e and again in III.4: one row, the repeat noted
    (in_plan,) = [t for t in coverage if _prefix(t) == "002"]
    assert in_plan.also_in and in_plan.also_in[0].startswith("III.")


@pytest.mark.parametrize(
    ("query", "year", "expected"),
    [
        ("bảo hiểm y tế", 2030, {98.0, 97.0, 20.0}),
        ("bao hiem y te", 2030, {98.0, 97.0, 20.0}),
        ("BHYT", None, {98.0, 97.0, 20.0}),
        ("tuổi thọ", None, {75.5, 80.0}),
        ("tuoi tho", 2045, {80.0}),
        (None, 2026, {1.0}),
    ],
)
def test_filter_by_words_and_year(
    targets: list[Target], query: str | None, year: int | None, expected: set
) -> None:
    rows = [t for t in filter_targets(targets, query, year) if t.kind == "quantified"]
    assert {t.value for t in rows} == expected
