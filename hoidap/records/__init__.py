"""What the service remembers between requests: conversation turns (for follow-ups) and feedback.

Channels depend on the interfaces in :mod:`hoidap.records.base`; :mod:`hoidap.records.sqlite` is the
standard-library implementation. A PostgreSQL store only has to implement the same protocols.
"""

from hoidap.records.base import (
    Activity,
    ActivityLog,
    AskedQuestion,
    CitedSection,
    ConversationStore,
    Feedback,
    FeedbackStore,
    Records,
    Turn,
)
from hoidap.records.sqlite import SQLiteRecords, open_records

__all__ = [
    "Activity",
    "ActivityLog",
    "AskedQuestion",
    "CitedSection",
    "ConversationStore",
    "Feedback",
    "FeedbackStore",
    "Records",
    "SQLiteRecords",
    "Turn",
    "open_records",
]
