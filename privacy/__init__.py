"""Keeping patients' personal data out of storage and logs (see docs/operations.md, "Conversations and privacy")."""

# Set by action_delete_conversation (actions/privacy.py); the tracker store
# (privacy/tracker_store.py) deletes the conversation when it sees it set.
DELETION_SLOT = "data_deletion_requested"
