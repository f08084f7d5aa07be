"""The id a conversation is stored under: a keyed hash of its sender id, never the id itself.

A sender id can be personal data: an SMS or WhatsApp phone number, a Telegram chat
id, a Messenger user id, or whatever a REST caller sent ("rest:jane.doe@example.com").
The tracker store (``privacy/tracker_store.py``) keeps each conversation under

    stored_sender_id(sender_id, key) = <channel prefix> + HMAC-SHA256(key, sender_id) in hex

and computes it again for every read, save and delete, so the Rasa server still
works with the real id in memory (replies reach the right phone, chat or browser)
while the database holds only the pseudonym.

The channel prefix is kept for the two namespaces this project's channels put in
front of every id they make, ``rest:`` (channels/rest.py) and ``web:``
(channels/session_ids.py): it says which channel a conversation came through, which
every user event's ``input_channel`` says anyway, and nothing about the person. It
lets an operator count or purge a channel's conversations. Every other id (the
messaging apps' own) is stored as the bare hash, so even its shape (a phone number
or a chat id) is not kept.

The key (``SENDER_ID_KEY``) must be the same on every Rasa server sharing a store
and must never change: with another key, no stored conversation is found again
(patients start afresh; the old rows stay until ``make purge`` removes them). This
is pseudonymisation, not anonymisation: whoever has the key and a candidate id (a
phone number, say) can compute its stored id.
"""
import hashlib
import hmac
import os
from typing import Mapping, Union

import settings

SENDER_ID_KEY = "SENDER_ID_KEY"
MIN_KEY_LENGTH = 32
KEPT_PREFIXES = ("rest:", "web:")
# what a stored id looks like: a kept prefix or none, then 64 hex digits
STORED_ID_LENGTH = 64


class SenderIdKeyError(ValueError):
    """SENDER_ID_KEY is unset or too short: the tracker store must not start."""


def sender_id_key(environ: Mapping[str, str] = os.environ) -> str:
    """The key of the stored ids, from the environment; SenderIdKeyError when unset or too short."""
    key = settings.value(SENDER_ID_KEY, environ)
    advice = (f"Set it to a long random secret (at least {MIN_KEY_LENGTH} characters), the same on every "
              "Rasa server sharing the conversation store and never changed afterwards (with another key "
              "no stored conversation is found again), e.g. "
              "python -c 'import secrets; print(secrets.token_urlsafe(48))' (`make run` makes one in var/).")
    if not key:
        raise SenderIdKeyError(f"{SENDER_ID_KEY} is not set: conversations are stored under a keyed hash "
                               f"of their sender id. {advice}")
    if len(key) < MIN_KEY_LENGTH:
        raise SenderIdKeyError(f"{SENDER_ID_KEY} is too short ({len(key)} characters). {advice}")
    return key


def stored_sender_id(sender_id: str, key: Union[str, bytes]) -> str:
    """The id under which the conversation of ``sender_id`` is stored, for this key."""
    key_bytes = key.encode("utf-8") if isinstance(key, str) else key
    sender_id = str(sender_id)
    prefix = next((p for p in KEPT_PREFIXES if sender_id.startswith(p)), "")
    return prefix + hmac.new(key_bytes, sender_id.encode("utf-8"), hashlib.sha256).hexdigest()
