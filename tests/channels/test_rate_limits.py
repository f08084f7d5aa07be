"""Token-bucket rate limits (channels/rate_limits.py), on a clock the test moves."""
import logging

import pytest

from channels.rate_limits import CLIENT_VARIABLE, CONVERSATION_VARIABLE, RateLimit, RateLimits


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def test_a_burst_up_to_the_limit_is_allowed_then_refused_until_time_refills_it():
    clock = Clock()
    limit = RateLimit("conversation", 6, clock=clock)
    assert all(limit.allow("a").allowed for _ in range(6))
    refused = limit.allow("a")
    assert not refused.allowed and refused.retry_after == 10
    assert limit.allow("b").allowed  # another conversation has its own bucket
    clock.now += 10  # 6 a minute: one more every 10 s
    assert limit.allow("a").allowed
    assert not limit.allow("a").allowed


def test_every_refusal_is_counted_in_the_log_without_the_key(caplog):
    clock = Clock()
    limit = RateLimit("client", 2, clock=clock)
    caplog.set_level(logging.WARNING, logger="channels.rate_limits")
    limit.allow("10.0.0.1"), limit.allow("10.0.0.1")
    assert not any(limit.allow("10.0.0.1").allowed for _ in range(50))
    clock.now += 11
    assert not limit.allow("10.0.0.1").allowed  # still over the limit: 11 s gives a third of a message
    logged = " ".join(record.getMessage() for record in caplog.records)
    assert "1 message(s) refused" in logged and "50 message(s) refused" in logged
    assert "10.0.0.1" not in logged
    clock.now += 60
    assert limit.allow("10.0.0.1").allowed
    assert "no longer over the limit" in caplog.records[-1].getMessage()


def test_a_conversation_is_told_it_is_over_a_limit_at_most_once_a_minute():
    clock = Clock()
    limits = RateLimits(RateLimit("conversation", 6), RateLimit("client", 6), clock=clock)
    assert limits.should_tell("a") and not limits.should_tell("a")
    assert limits.should_tell("b")  # each conversation is told, whichever limit it hit
    clock.now += 59
    assert not limits.should_tell("a")
    clock.now += 1
    assert limits.should_tell("a")


def test_zero_switches_a_limit_off():
    limit = RateLimit("conversation", 0)
    assert all(limit.allow("a").allowed for _ in range(10_000))


def test_limits_come_from_the_environment_with_defaults():
    limits = RateLimits.from_environment({CONVERSATION_VARIABLE: "5", CLIENT_VARIABLE: ""})
    assert (limits.conversation.per_minute, limits.client.per_minute) == (5, 120)
    with pytest.raises(ValueError, match=CONVERSATION_VARIABLE):
        RateLimits.from_environment({CONVERSATION_VARIABLE: "lots"})


def test_memory_stays_bounded_with_many_keys(monkeypatch):
    monkeypatch.setattr("channels.rate_limits.MAX_KEYS", 100)
    limit = RateLimit("conversation", 5)
    for n in range(1000):
        limit.allow(f"sender-{n}")
    assert len(limit._buckets) == 100
