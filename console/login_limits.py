"""Login attempts, limited per client address: after MAX_FAILURES failed logins within WINDOW
seconds, that client's logins are refused until the oldest failure is WINDOW seconds old."""
import time
from collections import defaultdict, deque
from typing import Callable, Deque, Dict

MAX_FAILURES = 5
WINDOW = 15 * 60


class LoginLimits:
    def __init__(self, max_failures: int = MAX_FAILURES, window: float = WINDOW,
                 clock: Callable[[], float] = time.monotonic):
        self.max_failures, self.window, self.clock = max_failures, window, clock
        self._failures: Dict[str, Deque[float]] = defaultdict(deque)

    def _recent(self, client: str) -> Deque[float]:
        failures = self._failures[client]
        while failures and failures[0] <= self.clock() - self.window:
            failures.popleft()
        return failures

    def blocked(self, client: str) -> bool:
        return len(self._recent(client)) >= self.max_failures

    def retry_after(self, client: str) -> int:
        failures = self._recent(client)
        return max(1, int(failures[0] + self.window - self.clock()) + 1) if failures else 0

    def failed(self, client: str) -> None:
        self._recent(client).append(self.clock())

    def succeeded(self, client: str) -> None:
        self._failures.pop(client, None)
