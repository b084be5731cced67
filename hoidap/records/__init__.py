"""What the service remembers between requests: conversation turns (for follow-ups) and feedback.

Channels depend on the interfaces in :mod:`hoidap.records.base`; :mod:`hoidap.records.sqlite` is the
standard-library implementation, :mod:`hoidap.records.postgres` the one replicas share
(``HOIDAP_DATABASE_URL``); both pass the same behaviour tests.
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
from hoidap.records.postgres import PostgresRecords
from hoidap.records.sqlite import SQLiteRecords, open_records

__all__ = [
    "Activity",
    "ActivityLog",
    "AskedQuestion",
    "CitedSection",
    "ConversationStore",
    "Feedback",
    "FeedbackStore",
    "PostgresRecords",
    "Records",
    "SQLiteRecords",
    "Turn",
    "open_records",
]
