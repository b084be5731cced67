"""The five corpus documents keyed by doc_id (parsed, no index), their targets, and the claim
checker of the session's real index (claims are checked through the QA service's search)."""

from __future__ import annotations

import pytest

from hoidap.domain import Document
from hoidap.propaganda.claims import ClaimChecker
from hoidap.propaganda.service import propaganda_for
from hoidap.propaganda.targets import Target, extract_all
from hoidap.qa.service import QAService


@pytest.fixture(scope="session")
def documents(corpus_documents: dict[str, Document]) -> dict[str, Document]:
    return {document.doc_id: document for document in corpus_documents.values()}


@pytest.fixture(scope="session")
def targets(documents: dict[str, Document]) -> list[Target]:
    return extract_all(documents)


@pytest.fixture(scope="session")
def checker(shared_service: QAService) -> ClaimChecker:
    return propaganda_for(shared_service).checker
