"""Keeping patients' personal data out of storage and logs (see README, "Conversations and privacy")."""
