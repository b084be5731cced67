"""Restore Vietnamese diacritics in a question typed without them, using the corpus itself.

The dense model does not understand unaccented Vietnamese ("bao hiem y te"), so before
embedding such a question its syllables are mapped back to the accented forms the corpus uses,
choosing between candidates ("ve" → "về"/"vé") with corpus bigram counts (a small Viterbi).
Words the corpus never uses stay as typed.
"""

from __future__ import annotations

import json
import math
from collections import Counter, defaultdict
from collections.abc import Iterable
from pathlib import Path

from hoidap.vntext import fold_diacritics, syllables

# Question words and everyday phrases that policy documents rarely contain but questions do;
# added to the corpus counts so "bao nhieu" becomes "bao nhiêu", not "bảo nhiễu".
QUESTION_PHRASES = """
bao nhiêu bao nhiêu phần trăm là bao nhiêu đạt bao nhiêu mấy năm mấy lần ai ký ai là người ký
văn bản ký ai ký văn bản người ký là ai ai chủ trì ai phụ trách cơ quan nào đơn vị nào ngày nào
khi nào bao giờ năm nào ở đâu như thế nào thế nào làm gì là gì gồm những gì những gì có những
có không có phải không phải không đúng không tại sao vì sao để làm gì được không gửi cho ai
gửi những ai nói gì về quy định gì mục tiêu gì nội dung gì hình thức nào giá vé xe buýt
thuốc nam châm cứu tiêm phòng khám bệnh miễn phí viện phí thẻ bảo hiểm y tế mức đóng
mức hưởng bệnh viện trạm y tế bác sĩ người dân trẻ em người già người cao tuổi học sinh
"""


class AccentRestorer:
    def __init__(self, unigrams: dict[str, dict[str, int]], bigrams: dict[str, int]) -> None:
        self._unigrams = unigrams  # folded syllable -> {accented form: count}
        self._bigrams = bigrams  # "accented accented" -> count

    @classmethod
    def build(cls, texts: Iterable[str]) -> AccentRestorer:
        unigrams: dict[str, Counter[str]] = defaultdict(Counter)
        bigrams: Counter[str] = Counter()
        for text in [*texts, QUESTION_PHRASES]:
            tokens = syllables(text)
            for token in tokens:
                unigrams[fold_diacritics(token)][token] += 1
            bigrams.update(f"{a} {b}" for a, b in zip(tokens, tokens[1:], strict=False))
        return cls({k: dict(v) for k, v in unigrams.items()}, dict(bigrams))

    def save(self, path: Path) -> None:
        path.write_text(json.dumps({"unigrams": self._unigrams, "bigrams": self._bigrams}, ensure_ascii=False))

    @classmethod
    def load(cls, path: Path) -> AccentRestorer:
        payload = json.loads(path.read_text(encoding="utf-8"))
        return cls(payload["unigrams"], payload["bigrams"])

    def coverage(self, text: str) -> float:
        """Share of the syllables of ``text`` that the corpus knows (after folding)."""
        tokens = [fold_diacritics(t) for t in syllables(text)]
        return sum(t in self._unigrams for t in tokens) / len(tokens) if tokens else 0.0

    def restore(self, text: str) -> str:
        """``"den nam 2030 ty le bao phu"`` → ``"đến năm 2030 tỷ lệ bao phủ"`` (lower case)."""
        tokens = [fold_diacritics(t) for t in syllables(text)]
        if not tokens:
            return text
        lattice = [list(self._unigrams.get(t, {t: 1}).items()) for t in tokens]
        # best[i][form] = (log score, previous form)
        best: list[dict[str, tuple[float, str | None]]] = []
        for position, candidates in enumerate(lattice):
            total = sum(count for _, count in candidates)
            column: dict[str, tuple[float, str | None]] = {}
            for form, count in candidates:
                emission = math.log(count / total)
                if position == 0:
                    column[form] = (emission, None)
                    continue
                column[form] = max(
                    (
                        prev_score + emission + 2.0 * math.log1p(self._bigrams.get(f"{prev} {form}", 0)),
                        prev,
                    )
                    for prev, (prev_score, _) in best[-1].items()
                )
            best.append(column)
        form = max(best[-1], key=lambda f: best[-1][f][0])
        restored = [form]
        for position in range(len(best) - 1, 0, -1):
            form = best[position][form][1] or form
            restored.append(form)
        return " ".join(reversed(restored))
