"""The evaluated documents as text, read exactly as ingestion reads them.

Both the verbatim-quote check and the LangChain baselines need the documents' text; reading it
with the ingestion loaders (same names, same normalisation) means a quote hoidap took from its
index compares against the very text it was taken from, and the baselines split the same text.
"""

from __future__ import annotations

from pathlib import Path

from hoidap.ingest.loaders import LoadError, load_text
from hoidap.ingest.pipeline import collect_files


class CorpusUnavailable(RuntimeError):
    """The corpus folder is missing, empty or has an unreadable document (message in Vietnamese)."""


def load_corpus(corpus: Path) -> dict[str, str]:
    """``{source name: text}`` for every supported document under ``corpus`` (names as ingestion gives them)."""
    if not corpus.is_dir():
        raise CorpusUnavailable(f"Không tìm thấy thư mục văn bản {corpus}. Hãy chỉ đúng thư mục bằng --corpus.")
    documents: dict[str, str] = {}
    for source, path in collect_files([corpus]):
        try:
            documents[source] = load_text(path)
        except LoadError as error:
            raise CorpusUnavailable(f"Không đọc được văn bản {source}: {error}. Hãy sửa hoặc bỏ tệp này.") from error
    if not documents:
        raise CorpusUnavailable(f"Thư mục {corpus} không có văn bản nào (.txt .md .docx .pdf .html).")
    return documents
