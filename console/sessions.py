"""Staff sessions, kept in the console's memory: a signed random id in a cookie, a CSRF token
for every POST, an absolute lifetime (CONSOLE_SESSION_MINUTES) and logout.

A restart of the console logs everyone out. A cookie whose signature, id or lifetime does not
check out is no session.
"""
import hmac
import secrets
import time
from dataclasses import dataclass
from typing import Callable, Dict, Optional

from console.signing import sign, unsign


@dataclass(frozen=True)
class Session:
    user: str
    expires: float
    csrf: str

    def csrf_ok(self, token: Optional[str]) -> bool:
        return bool(token) and hmac.compare_digest(self.csrf, token)


class Sessions:
    def __init__(self, secret: bytes, lifetime_seconds: float, clock: Callable[[], float] = time.time):
        self.secret, self.lifetime, self.clock = secret, lifetime_seconds, clock
        self._sessions: Dict[str, Session] = {}

    def start(self, user: str) -> str:
        """A new session for user; the cookie value that names it."""
        self._forget_expired()
        session_id = secrets.token_urlsafe(32)
        self._sessions[session_id] = Session(user, self.clock() + self.lifetime, secrets.token_urlsafe(32))
        return sign(self.secret, session_id)

    def get(self, cookie: Optional[str]) -> Optional[Session]:
        session_id = unsign(self.secret, cookie)
        session = self._sessions.get(session_id) if session_id else None
        if session is None or session.expires <= self.clock():
            self._sessions.pop(session_id, None)
            return None
        return session

    def end(self, cookie: Optional[str]) -> None:
        session_id = unsign(self.secret, cookie)
        if session_id:
            self._sessions.pop(session_id, None)

    def _forget_expired(self) -> None:
        now = self.clock()
        for session_id in [key for key, session in self._sessions.items() if session.expires <= now]:
            del self._sessions[session_id]
