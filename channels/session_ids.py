"""Web chat session ids: issued by the server, signed, and checked on every return.

A session id is ``<random>.<signature>``: 24 random bytes (URL-safe base64) and an
HMAC-SHA256 of them with the server's secret (``SESSION_SECRET``). Only the server
can make one, so a browser cannot pick an id, guess another patient's, or rebuild a
valid one from what is stored.

The conversation is stored under ``web:<random>``: namespaced, so it can never be
another channel's conversation, and without the signature, so a reader of the
tracker store cannot turn a stored sender id back into a session id.

Whoever holds the whole session id can continue that conversation: it is a bearer
secret, kept in the browser's local storage by the widget.
"""
import base64
import hashlib
import hmac
import re
import secrets
from typing import Any, Optional

SENDER_PREFIX = "web:"
RANDOM_BYTES = 24
MIN_SECRET_LENGTH = 32
# 24 bytes -> 32 URL-safe base64 characters; an HMAC-SHA256 -> 43
_SESSION_ID = re.compile(r"([A-Za-z0-9_-]{32})\.([A-Za-z0-9_-]{43})")


class SessionIds:
    """Issues session ids and maps a valid one to its stored sender id."""

    def __init__(self, secret: str) -> None:
        if len(secret or "") < MIN_SECRET_LENGTH:
            raise ValueError(f"the session secret must be at least {MIN_SECRET_LENGTH} characters long")
        self._key = secret.encode("utf-8")

    def _signature(self, random_part: str) -> str:
        digest = hmac.new(self._key, random_part.encode("ascii"), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")

    def issue(self) -> str:
        """A new session id, never issued before (in all likelihood: 192 random bits)."""
        random_part = secrets.token_urlsafe(RANDOM_BYTES)
        return f"{random_part}.{self._signature(random_part)}"

    def sender_id(self, session_id: Any) -> Optional[str]:
        """The stored sender id of a session id this server issued, else None.

        None for anything else: missing, not a string, unsigned, wrongly signed,
        signed with another secret, or a stored sender id sent back.
        """
        if not isinstance(session_id, str):
            return None
        match = _SESSION_ID.fullmatch(session_id)
        if match is None:
            return None
        random_part, signature = match.groups()
        if not hmac.compare_digest(signature, self._signature(random_part)):
            return None
        return SENDER_PREFIX + random_part
