"""Keeping the console's own table (console.derived) in step with the store, in the background.

When the console starts, the table may be empty (a new or deleted CONSOLE_DB) or behind. A thread
(``Syncer.start``) fills it in steps of ``FILL_STEP`` events, oldest first, so a page never waits for
the whole store: until the first fill is done, a page is built from what has been read so far and says
so (``Status.complete`` is false, with how far the fill has got). Once it is done, each page brings the
table up to date before it is built (``Syncer.refresh``: the new events, and any deletion), as before,
and the thread syncs every ``interval`` seconds (CONSOLE_SYNC_SECONDS) without any page view: so a
conversation deleted by "forget me" or ``make purge`` leaves the console's table (its copy of the
redacted text, its embeddings) and the marks within that interval. After each sync, the thread also
embeds the not-understood messages that have no embedding yet (console.similar), newest first, resting
between batches as long as each took.

One lock: a sync (the thread's or a page's) runs alone.
"""
import logging
import threading
import time
from dataclasses import dataclass
from typing import Callable, Optional

from console import marks
from console.derived import Derived
from console.store import ConversationStore, StoreError

LOGGER = logging.getLogger("console.sync")
# events read in one step of the first fill (a few tenths of a second on the project's 2-core machine)
FILL_STEP = 50_000
# the most time the embedding of a backlog takes before the next sync
AFTER_SYNC_SECONDS = 5.0


@dataclass(frozen=True)
class Status:
    complete: bool  # the whole store has been read once: pages show every stored message
    read: Optional[int]  # events read so far (during the first fill; None after it)
    read_up_to: Optional[int]  # the highest id read (the same)
    top: int  # the store's highest id when last looked at
    synced_at: Optional[float]  # when the table was last brought up to date (complete or not)
    error: Optional[str] = None  # why the last sync failed, if it did

    @property
    def percent(self) -> float:
        return 100.0 if self.complete or not self.top else min(99.9, self.read_up_to / self.top * 100)


class Syncer:
    def __init__(self, derived: Derived, store: ConversationStore, interval: float,
                 staff_marks: Optional[marks.Marks] = None, after_sync: Optional[Callable[[], bool]] = None,
                 fill_step: int = FILL_STEP, clock: Callable[[], float] = time.time):
        self.derived, self.store, self.interval, self.staff_marks = derived, store, interval, staff_marks
        self.after_sync, self.fill_step, self.clock = after_sync, fill_step, clock
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: Optional[threading.Thread] = None
        self._complete = False
        self._top = 0
        self._synced_at: Optional[float] = None
        self._error: Optional[str] = None

    def status(self) -> Status:
        """Where the sync is; how many events were read is counted only during the first fill (a page
        after it does not pay for the count)."""
        read, read_up_to = self.derived.progress() if not self._complete else (None, None)
        return Status(complete=self._complete, read=read, read_up_to=read_up_to, top=self._top,
                      synced_at=self._synced_at, error=self._error)

    def step(self) -> Status:
        """One step: during the first fill, the next FILL_STEP events (and any deletion); after it, a whole
        sync. Then the marks whose message is gone are deleted."""
        with self._lock:
            try:
                self._top = self.store.top_id()
                if self._complete:
                    self.derived.sync(self.store)
                elif self.derived.sync(self.store, self.fill_step).read < self.fill_step:
                    self._complete = True
                if self.staff_marks is not None:
                    marks.current(self.staff_marks, self.store)
            except StoreError as error:
                self._error = str(error)
                raise
            self._synced_at, self._error = self.clock(), None
        return self.status()

    def refresh(self) -> Status:
        """What a page calls first: once the first fill is done, bring the table up to date (waiting for a
        sync under way); before, do not wait, and say how far the fill has got."""
        if self._complete:
            return self.step()
        return self.status()

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="console-sync", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=30)

    def _after_sync(self) -> bool:
        """Run after_sync until it has nothing more to do, or for at most AFTER_SYNC_SECONDS (the next sync
        is not held up for long); whether it has more to do. After each call it rests as long as the call
        took, so a backlog (the embedding of a large store's messages) leaves at least half the time to pages."""
        deadline = self.clock() + min(self.interval, AFTER_SYNC_SECONDS)
        while True:
            started = time.monotonic()
            more = self.after_sync()
            if not more:
                return False
            if self._stop.wait(time.monotonic() - started) or self.clock() >= deadline:
                return True

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                more = not self.step().complete  # the first fill goes on at once
                if not more and self.after_sync is not None:
                    more = self._after_sync()  # so does the embedding of a backlog
                if more:
                    continue
            except StoreError as error:
                LOGGER.warning("console: the background sync failed: %s; trying again in %g s", error, self.interval)
            except Exception as error:  # the thread must not die: pages would stop saying so
                self._error = f"{error.__class__.__name__}: {error}"
                LOGGER.exception("console: the background sync failed; trying again in %g s", self.interval)
            self._stop.wait(self.interval)
