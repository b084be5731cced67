"""Claims files: both label spellings, both forms, and a Vietnamese error naming the bad line."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

from hoidap.eval.claims import ClaimsFileError, evaluate_claim_file, forms_of, load_claim_rows


def test_rows_forms_and_metrics(tmp_path: Path) -> None:
    path = tmp_path / "claims.jsonl"
    path.write_text(
        '{"claim": "Đến năm 2030 đạt 98%", "label": "supported"}\n'
        '{"claim": "x", "claim_nodiac": "den nam 2030", "verdict": "contradicted"}\n'
        '{"claim": "khong dau", "label": "not_found"}\n',
        encoding="utf-8",
    )
    rows = load_claim_rows(path)
    assert [r["label"] for r in rows] == ["supported", "contradicted", "not_found"]
    assert forms_of(rows[0]) == {"accented": "Đến năm 2030 đạt 98%", "unaccented": "Den nam 2030 dat 98%"}
    assert forms_of(rows[2]) == {"unaccented": "khong dau"}
    metrics, misses = evaluate_claim_file(lambda claim: SimpleNamespace(verdict="supported", reason=""), rows)
    assert metrics["accuracy_accented_supported"] == 1.0 and metrics["n_unaccented_contradicted"] == 1.0
    assert metrics["accuracy_unaccented_not_found"] == 0.0 and len(misses) == 2


def test_bad_line_is_named_in_vietnamese(tmp_path: Path) -> None:
    path = tmp_path / "claims.jsonl"
    path.write_text('{"claim": "a", "label": "supported"}\n{"claim": "b", "label": "maybe"}\n', encoding="utf-8")
    with pytest.raises(ClaimsFileError, match="Dòng 2"):
        load_claim_rows(path)
    with pytest.raises(ClaimsFileError, match="Không tìm thấy"):
        load_claim_rows(tmp_path / "missing.jsonl")
