"""The five corpus documents keyed by doc_id (parsed, no index), and their targets."""

from __future__ import annotations

import pytest

from hoidap.domain import Document
from hoidap.propaganda.claims import ClaimChecker
from hoidap.propaganda.targets import Target, extract_all


@pytest.fixture(scope="session")
def documents(corpus_documents: dict[str, Document]) -> dict[str, Document]:
    return {document.doc_id: document for document in corpus_documents.values()}


@pytest.fixture(scope="session")
def targets(documents: dict[str, Document]) -> list[Target]:
    return extract_all(documents)


@pytest.fixture(scope="session")
def checker(documents: dict[str, Document], targets: list[Target]) -> ClaimChecker:
    return ClaimChecker(documents, targets)
