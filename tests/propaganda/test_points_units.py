"""A talking point reads as a sentence: an item's label ("e) ", "1.2. ", "- ") is not part of it."""

from __future__ import annotations

import re

from hoidap.propaganda.service import propaganda_for
from hoidap.qa.service import QAService

_LABEL = re.compile(r"^\s*(?:[-+•*]\s|(?:[A-Za-zĐđ]|\d{1,2}(?:\.\d{1,2})*)[.)]\s)")


def test_points_do_not_open_with_an_item_label(shared_service: QAService) -> None:
    points = propaganda_for(shared_service).talking_points("bảo hiểm y tế").points
    assert points
    for point in points:
        assert not _LABEL.match(point.text), point.text
        assert point.text[:1] == point.text[:1].upper()
