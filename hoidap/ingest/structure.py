"""Parse the hierarchy of a Vietnamese policy document into a section tree.

Documents follow a stable layout: a header (issuer, number, date, type, title, "Kính gửi"),
a preamble ("Thực hiện …"), Roman-numeral parts (``I. MỤC ĐÍCH, YÊU CẦU``), numbered items
(``1.``, ``1.1.``, ``2.3``), lettered items (``a)``), bullets (``-``, ``+``, ``*``), and at the end
the "Nơi nhận:" list and the signature block. Bullets stay inside their item: they are content,
not sections, so an item and its bullets can be kept together.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from hoidap.domain import SectionNode
from hoidap.profile import heading_levels, level_label
from hoidap.vntext import strip_markdown

HEADER_LABEL = "Thông tin văn bản"
PREAMBLE_LABEL = "Phần mở đầu"
RECIPIENTS_LABEL = "Nơi nhận"
SIGNATURE_LABEL = "Chữ ký"

# Heading levels come from the document profile (hoidap/data/document_profile.toml). Plans and
# letters: "I." › "1." › "1.1." › "a)"; documents written in articles (laws, decrees, decisions):
# Phần › Chương › Mục › Tiểu mục › Điều › khoản "1." › điểm "a)". The plan rules are tried in
# file order ("1.1." before "1."); their depths are fixed: part 1, item 2, subitem 3, letter 4.
_PLAN_DEPTHS = {"part": 1, "item": 2, "subitem": 3, "letter": 4}
_HEADING_RULES: list[tuple[str, int, re.Pattern[str]]] = [
    (level.kind, _PLAN_DEPTHS[level.kind], level.pattern) for level in heading_levels("plan")
]
_LEGAL_RULES: list[tuple[str, int, re.Pattern[str]]] = [
    (level.kind, level.depth, level.pattern) for level in heading_levels("legal")
]
_ARTICLE = next(level.pattern for level in heading_levels("legal") if level.kind == "article")
# Two article lines make a document one written in articles (a law, a decree, a decision).
_MIN_ARTICLES = 2
# "X. Tân Dân, ngày 15 tháng 3 năm 2025": a commune's place-date line ("X." = xã), not part X.
_PLACE_DATE_LINE = re.compile(r"^[^,]{1,60},\s*ngày\b.*\btháng\b.*\bnăm\s+\d{4}\.?$")
_RECIPIENTS_BLOCK = re.compile(r"^Nơi nhận\s*:", re.IGNORECASE)
_PREAMBLE_START = re.compile(r"^(Thực hiện|Căn cứ|Triển khai|Nhằm|Để|Theo|Trên cơ sở)\b")
_BULLET = re.compile(r"^\s*[-+•]\s|^\s*\*\s")
_MAX_LABEL_CHARS = 80


@dataclass(frozen=True)
class Line:
    start: int
    end: int  # exclusive, without the newline
    text: str

    @property
    def clean(self) -> str:
        """The line without markdown emphasis and surrounding blanks, for pattern matching."""
        return strip_markdown(self.text).strip()


def split_lines(text: str) -> list[Line]:
    lines: list[Line] = []
    pos = 0
    for raw in text.split("\n"):
        lines.append(Line(pos, pos + len(raw), raw))
        pos += len(raw) + 1
    return lines


def layout_of(text: str) -> str:
    """``legal`` for a document written in articles ("Điều 1. …" lines), else ``plan``.

    >>> layout_of("Luật Cư trú\n\nĐiều 1. Phạm vi điều chỉnh\n…\nĐiều 2. Giải thích từ ngữ")
    'legal'
    """
    count = 0
    for raw in text.split("\n"):
        if _ARTICLE.match(strip_markdown(raw).strip()):
            count += 1
            if count >= _MIN_ARTICLES:
                return "legal"
    return "plan"


def classify_heading(line: str, layout: str = "plan") -> tuple[str, int] | None:
    """Kind and depth of a heading line, or None for ordinary text.

    >>> classify_heading("II. MỤC TIÊU")
    ('part', 1)
    >>> classify_heading("1.1. Tổ chức quán triệt")
    ('subitem', 3)
    >>> classify_heading("e) Đến năm 2030 độ bao phủ bảo hiểm y tế toàn dân đạt 98% trở lên")
    ('letter', 4)
    >>> classify_heading("Điều 8. Điều kiện đăng ký thường trú", "legal")
    ('article', 5)
    """
    cleaned = strip_markdown(line).strip()
    if _PLACE_DATE_LINE.match(cleaned):
        return None
    for kind, depth, pattern in _LEGAL_RULES if layout == "legal" else _HEADING_RULES:
        if pattern.match(cleaned):
            return kind, depth
    return None


def heading_label(line: str, kind: str) -> str:
    """A short label for a section path: short headings whole, long item lines shortened.

    >>> heading_label("e) Đến năm 2030 độ bao phủ bảo hiểm y tế toàn dân đạt 98% trở lên; đảm bảo", "letter")
    'e)'
    """
    cleaned = re.sub(r"\s+", " ", strip_markdown(line)).strip()
    if kind in ("clause", "point"):
        # "2. Cư trú là …" → "khoản 2"; "a) Người bị …" → "điểm a": a path reads
        # "Điều 2. Giải thích từ ngữ › khoản 2 › điểm a".
        mark = re.match(r"^([0-9a-zđ]+)", cleaned)
        return f"{level_label(kind)} {mark.group(1) if mark else ''}".strip()
    if len(cleaned) <= _MAX_LABEL_CHARS and not (kind == "letter" and len(cleaned) > 40):
        return cleaned.rstrip(":")
    if kind == "letter":
        return cleaned.split(" ", 1)[0]
    words = cleaned.split(" ")
    label = ""
    for word in words:
        if len(label) + len(word) + 1 > 60:
            break
        label = f"{label} {word}".strip()
    return label.rstrip(",;:.") + " …"


def find_header_end(lines: list[Line], layout: str = "plan") -> int:
    """Offset where the header (issuer, number, date, title, Kính gửi) stops and the body starts."""
    for line in lines:
        cleaned = line.clean
        if not cleaned:
            continue
        if classify_heading(cleaned, layout) or _RECIPIENTS_BLOCK.match(cleaned):
            return line.start
        if _PREAMBLE_START.match(cleaned) and len(cleaned) >= 80:
            return line.start
        if len(cleaned) >= 300:
            return line.start
    return 0


def find_recipients_block(lines: list[Line]) -> tuple[int, int] | None:
    """Span of the closing "Nơi nhận:" list (heading plus its bullet lines)."""
    for index in range(len(lines) - 1, -1, -1):
        if _RECIPIENTS_BLOCK.match(lines[index].clean):
            end = lines[index].end
            for follower in lines[index + 1 :]:
                cleaned = follower.clean
                if not cleaned:
                    continue
                if _BULLET.match(follower.text) or cleaned.startswith("-"):
                    end = follower.end
                    continue
                break
            return lines[index].start, end
    return None


def find_signature_start(lines: list[Line], after: int) -> int | None:
    """Start of the signature block: the first non-bullet text after the "Nơi nhận" list."""
    for line in lines:
        if line.start < after or not line.clean:
            continue
        return line.start
    return None


def _node(label: str, kind: str, start: int, end: int, heading_end: int) -> SectionNode:
    return SectionNode(label=label, kind=kind, start=start, end=end, heading_end=heading_end)  # type: ignore[arg-type]


def parse_sections(text: str) -> SectionNode:
    """Build the section tree of ``text``; offsets are character offsets into ``text``.

    The root's direct children are, in order: the header block, the preamble, the parts (or
    top-level items when a document has no parts), the "Nơi nhận" block and the signature.
    """
    lines = split_lines(text)
    layout = layout_of(text)
    root = _node("", "root", 0, len(text), 0)
    header_end = find_header_end(lines, layout)
    recipients = find_recipients_block(lines)
    body_end = recipients[0] if recipients else len(text)
    signature_start = find_signature_start(lines, recipients[1]) if recipients else None

    if header_end > 0:
        root.children.append(_node(HEADER_LABEL, "block", 0, header_end, 0))

    stack: list[tuple[int, SectionNode]] = [(0, root)]
    body_lines = [line for line in lines if header_end <= line.start < body_end]
    first_heading = next(
        (line.start for line in body_lines if line.clean and classify_heading(line.clean, layout)), body_end
    )
    if first_heading > header_end and text[header_end:first_heading].strip():
        root.children.append(_node(PREAMBLE_LABEL, "block", header_end, first_heading, header_end))

    for line in body_lines:
        if line.start < first_heading or not line.clean:
            continue
        classified = classify_heading(line.clean, layout)
        if not classified:
            continue
        kind, depth = classified
        while stack[-1][0] >= depth:
            _, closed = stack.pop()
            closed.end = line.start
        node = _node(heading_label(line.text, kind), kind, line.start, body_end, line.end)
        stack[-1][1].children.append(node)
        stack.append((depth, node))
    while len(stack) > 1:
        _, closed = stack.pop()
        closed.end = body_end

    if recipients:
        start, end = recipients
        block_end = signature_start if signature_start is not None else len(text)
        root.children.append(_node(RECIPIENTS_LABEL, "block", start, max(end, min(block_end, end)), start))
        if signature_start is not None:
            root.children.append(_node(SIGNATURE_LABEL, "block", signature_start, len(text), signature_start))
    _trim(root, text)
    return root


def _trim(node: SectionNode, text: str) -> None:
    """Shrink spans so they start and end on non-blank text (quotes never begin with blanks)."""
    for child in node.children:
        _trim(child, text)
    if node.kind == "root":
        return
    while node.end > node.start and text[node.end - 1].isspace():
        node.end -= 1
    while node.start < node.end and text[node.start].isspace():
        node.start += 1
    node.heading_end = max(node.start, min(node.heading_end, node.end))


def iter_nodes(node: SectionNode, path: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], SectionNode]]:
    """Depth-first (path, node) pairs, root excluded."""
    out: list[tuple[tuple[str, ...], SectionNode]] = []
    for child in node.children:
        child_path = (*path, child.label)
        out.append((child_path, child))
        out.extend(iter_nodes(child, child_path))
    return out
