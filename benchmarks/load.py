"""Simulated patients holding conversations with a Rasa server over REST.

The one load generator: `make bench` (benchmarks/bench.py) and the smoke test in
`make test` (tests/e2e/test_bench_smoke.py) both call `run`.

Each simulated patient talks to POST /webhooks/rest/webhook, one message at a time
(it waits for the answer, then sends the next), going through its conversation and
starting a new one (a new sender id) until the time is up. Messages already sent when
the time is up are waited for and counted.
"""
import asyncio
import time
import uuid
from dataclasses import dataclass, field
from typing import Dict, List, Sequence

import aiohttp

REST_PATH = "/webhooks/rest/webhook"

# A patient before a venous thrombectomy: a greeting, the first step, next, next,
# a term, a topic, thanks, goodbye.
# The simulated patients send their next message the moment an answer arrives, far faster
# than a person types, and all from one address: the rate limits (channels/rate_limits.py)
# are off for the servers under load, so the figures are the assistant's speed, not the limiter's.
NO_RATE_LIMITS = {"RATE_LIMIT_CONVERSATION_PER_MINUTE": "0", "RATE_LIMIT_CLIENT_PER_MINUTE": "0"}

PROJECT_CONVERSATION = (
    "hello",
    "what happens first?",
    "/next_step",
    "ok and what comes after that?",
    "sorry, what's a guidewire?",
    "how long does the whole thing take?",
    "thanks, that helps",
    "bye",
)

# The same kind of conversation with the `rasa init` moodbot.
STOCK_CONVERSATION = (
    "hi",
    "I'm sad",
    "yes",
    "are you a bot?",
    "bye",
)


@dataclass
class LoadResult:
    """What a load run measured."""

    patients: int
    seconds: float = 0.0
    latencies: List[float] = field(default_factory=list)  # seconds, one per answered message
    errors: List[str] = field(default_factory=list)  # no HTTP 200 with a JSON list, or no answer at all
    lost: List[str] = field(default_factory=list)  # HTTP 200 but no message with text
    conversations: int = 0

    @property
    def messages(self) -> int:
        return len(self.latencies) + len(self.errors)

    def percentile(self, q: float) -> float:
        """Nearest-rank percentile of the latencies, in milliseconds."""
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        rank = max(1, -(-len(ordered) * q // 100))  # ceil(n * q / 100)
        return 1000 * ordered[int(rank) - 1]

    @property
    def messages_per_second(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0

    def summary(self) -> Dict[str, float]:
        return {
            "patients": self.patients, "seconds": round(self.seconds, 1), "messages": self.messages,
            "conversations": self.conversations, "p50_ms": round(self.percentile(50), 1),
            "p95_ms": round(self.percentile(95), 1), "p99_ms": round(self.percentile(99), 1),
            "messages_per_second": round(self.messages_per_second, 2),
            "errors": len(self.errors), "lost": len(self.lost),
        }


def has_text(reply) -> bool:
    return isinstance(reply, list) and any(isinstance(m, dict) and m.get("text") for m in reply)


async def _say(session: aiohttp.ClientSession, url: str, sender: str, text: str, result: LoadResult) -> None:
    start = time.perf_counter()
    try:
        async with session.post(url, json={"sender": sender, "message": text}) as response:
            body = await response.json(content_type=None) if response.status == 200 else await response.text()
            status = response.status
    except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as error:
        result.errors.append(f"{text!r}: {type(error).__name__}: {error}")
        return
    if status != 200 or not isinstance(body, list):
        result.errors.append(f"{text!r}: HTTP {status}: {str(body)[:200]}")
        return
    result.latencies.append(time.perf_counter() - start)
    if not has_text(body):
        result.lost.append(f"{text!r}: {str(body)[:200]}")


async def _patient(session, url: str, conversation: Sequence[str], deadline: float, result: LoadResult,
                   name: str, think_seconds: float) -> None:
    while time.monotonic() < deadline:
        sender = f"{name}-{uuid.uuid4().hex[:12]}"
        for text in conversation:
            if time.monotonic() >= deadline:
                return
            await _say(session, url, sender, text, result)
            if think_seconds:
                await asyncio.sleep(think_seconds)
        result.conversations += 1


async def run_async(base_url: str, conversation: Sequence[str], patients: int, seconds: float,
                    think_seconds: float = 0.0, timeout: float = 60.0) -> LoadResult:
    """`patients` simulated patients talk to base_url for `seconds` seconds."""
    result = LoadResult(patients)
    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=timeout)) as session:
        start = time.monotonic()
        deadline = start + seconds
        await asyncio.gather(*(
            _patient(session, base_url + REST_PATH, conversation, deadline, result, f"patient{n}", think_seconds)
            for n in range(patients)))
        result.seconds = time.monotonic() - start
    return result


def run(base_url: str, conversation: Sequence[str], patients: int, seconds: float,
        think_seconds: float = 0.0, timeout: float = 60.0) -> LoadResult:
    return asyncio.run(run_async(base_url, conversation, patients, seconds, think_seconds, timeout))
