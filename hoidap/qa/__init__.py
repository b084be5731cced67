"""Question answering over the indexed documents.

The public face for the floors above: :class:`~hoidap.qa.service.QAService` (``hoidap.qa.service``),
the answer shapes (``hoidap.qa.schemas``), and statement verification — does a statement match what
the documents state (``ClaimChecker`` from ``hoidap.qa.verify``, re-exported here), used by the
true/false answerer below and by claim checking in ``hoidap.propaganda``.
"""

from hoidap.qa.verify import ClaimCheck, ClaimChecker, ClaimPassage, Mismatch, Verdict

__all__ = ["ClaimCheck", "ClaimChecker", "ClaimPassage", "Mismatch", "Verdict"]
