"""How many messages one conversation, and one client, may send: token buckets, in this process.

An attack test sent 10,000 new conversations from one client in 4 minutes (57 MB of
conversation store) and 1,000 web-chat messages in 10 seconds, and nothing stopped
either. Here each conversation may send RATE_LIMIT_CONVERSATION_PER_MINUTE messages a
minute, and each client address RATE_LIMIT_CLIENT_PER_MINUTE (over all its
conversations), each with a burst of that many at once; a message over the limit is
refused before the assistant sees it, and the sender is told (each channel in its own way;
at most once every TELL_EVERY_SECONDS, so a flood does not get a flood of notices back).

Refusals are counted and logged (never the message text, never the id: a short keyed
digest of it), once when a key starts being refused and then at most every
LOG_EVERY_SECONDS with the number refused since, so a flood is visible without
flooding the log.

A limit of 0 switches that limit off. The counts live in this server process: with
several Rasa servers behind a load balancer each applies the limits to what it
receives (docs/deploy.md).
"""
import hashlib
import logging
import os
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Callable, Dict, Mapping, Optional

import settings

logger = logging.getLogger(__name__)

CONVERSATION_VARIABLE = "RATE_LIMIT_CONVERSATION_PER_MINUTE"
CLIENT_VARIABLE = "RATE_LIMIT_CLIENT_PER_MINUTE"
DEFAULT_CONVERSATION_PER_MINUTE = int(settings.default(CONVERSATION_VARIABLE))
DEFAULT_CLIENT_PER_MINUTE = int(settings.default(CLIENT_VARIABLE))
LOG_EVERY_SECONDS = 10.0
# the sender is told at most this often that they are over the limit
TELL_EVERY_SECONDS = 60.0
# buckets kept at most per limit; the fullest (least recently used) are forgotten first
MAX_KEYS = 100_000


# keys the digests in the logs: stable while this process runs, never the same twice
_LOG_KEY = os.urandom(16)


def digest(key: str) -> str:
    """A short stand-in for an id or address in the logs: the same key gives the same digest in one run."""
    return hashlib.blake2s(key.encode("utf-8", "surrogatepass"), digest_size=6, key=_LOG_KEY).hexdigest()


@dataclass
class _Bucket:
    tokens: float
    updated: float
    refused: int = 0          # refused since the last log line
    logged: float = 0.0       # when the last log line about this key was written
    refusing: bool = False    # refusing now


@dataclass
class RateLimit:
    """At most ``per_minute`` messages a minute per key, ``per_minute`` of them at once; 0: no limit."""

    what: str
    per_minute: int
    clock: Callable[[], float] = time.monotonic
    _buckets: "OrderedDict[str, _Bucket]" = field(default_factory=OrderedDict)

    @property
    def enabled(self) -> bool:
        return self.per_minute > 0

    def _bucket(self, key: str, now: float) -> _Bucket:
        bucket = self._buckets.pop(key, None)
        if bucket is None:
            bucket = _Bucket(tokens=float(self.per_minute), updated=now)
            while len(self._buckets) >= MAX_KEYS:
                self._buckets.popitem(last=False)
        else:
            refill = (now - bucket.updated) * self.per_minute / 60.0
            bucket.tokens, bucket.updated = min(float(self.per_minute), bucket.tokens + refill), now
        self._buckets[key] = bucket  # most recently used last
        return bucket

    def allow(self, key: str) -> "Decision":
        """Take one message for ``key`` if the limit allows it."""
        if not self.enabled:
            return Decision(True)
        now = self.clock()
        bucket = self._bucket(key, now)
        if bucket.tokens >= 1.0:
            bucket.tokens -= 1.0
            if bucket.refusing:
                self._log(key, bucket, now, ended=True)
            bucket.refusing = False
            return Decision(True)
        first = not bucket.refusing
        bucket.refusing = True
        bucket.refused += 1
        if first or now - bucket.logged >= LOG_EVERY_SECONDS:
            self._log(key, bucket, now)
        wait = (1.0 - bucket.tokens) * 60.0 / self.per_minute
        return Decision(False, retry_after=max(1, round(wait)))

    def _log(self, key: str, bucket: _Bucket, now: float, ended: bool = False) -> None:
        if bucket.refused or ended:
            state = "no longer over the limit" if ended else "over the limit"
            logger.warning(f"Rate limit: {self.what} {digest(key)} is {state}; {bucket.refused} message(s) refused "
                           f"since the last report (limit {self.per_minute} a minute).")
        bucket.refused, bucket.logged = 0, now


@dataclass(frozen=True)
class Decision:
    allowed: bool
    retry_after: int = 0        # seconds until one more message is allowed


@dataclass
class RateLimits:
    """The two limits every channel applies: per conversation and per client address."""

    conversation: RateLimit
    client: RateLimit
    clock: Callable[[], float] = time.monotonic
    _told: "OrderedDict[str, float]" = field(default_factory=OrderedDict)

    def should_tell(self, conversation: str) -> bool:
        """Whether to tell this conversation it is over a limit: at most once every TELL_EVERY_SECONDS."""
        now = self.clock()
        told = self._told.pop(conversation, None)
        if told is not None and now - told < TELL_EVERY_SECONDS:
            self._told[conversation] = told
            return False
        self._told[conversation] = now
        while len(self._told) > MAX_KEYS:
            self._told.popitem(last=False)
        return True

    @classmethod
    def from_environment(cls, environ: Optional[Mapping[str, str]] = None) -> "RateLimits":
        environ = os.environ if environ is None else environ
        conversation = _per_minute(environ, CONVERSATION_VARIABLE, DEFAULT_CONVERSATION_PER_MINUTE)
        client = _per_minute(environ, CLIENT_VARIABLE, DEFAULT_CLIENT_PER_MINUTE)
        return cls(RateLimit("conversation", conversation), RateLimit("client", client))


def _per_minute(environ: Mapping[str, str], variable: str, default: int) -> int:
    value = environ.get(variable, "").strip()
    if not value:
        return default
    if not value.isdigit():
        raise ValueError(f"{variable} must be a whole number of messages a minute (0 switches it off), not {value!r}")
    return int(value)


_shared: Dict[str, RateLimits] = {}


def shared_limits() -> RateLimits:
    """The limits of this server process, from the environment (read once)."""
    if "limits" not in _shared:
        _shared["limits"] = RateLimits.from_environment()
    return _shared["limits"]
