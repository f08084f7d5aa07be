"""Resident memory of a server process and its children, from /proc/PID/status."""
import threading
from pathlib import Path
from typing import Dict, List


def _children(pid: int) -> List[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(child) for child in (task / "children").read_text().split()]
        except OSError:
            pass
    return found


def process_tree(pid: int) -> List[int]:
    pids, todo = [], [pid]
    while todo:
        current = todo.pop()
        pids.append(current)
        todo += _children(current)
    return pids


def status_kib(pid: int, key: str) -> int:
    """A `kB` field of /proc/PID/status (VmRSS: now, VmHWM: peak so far); 0 if the process is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def tree_rss_kib(pid: int) -> int:
    return sum(status_kib(p, "VmRSS") for p in process_tree(pid))


class PeakRss:
    """Samples the RSS of named process trees in a thread; `peak_mib()` after `stop()`.

    The peak is the larger of the highest sample and the kernel's own high-water mark
    (VmHWM) of the main process, so a spike between two samples is not missed.
    """

    def __init__(self, pids: Dict[str, int], interval: float = 0.25):
        self.pids, self.interval = pids, interval
        self.peaks_kib = {name: 0 for name in pids}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self) -> "PeakRss":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def _measure(self) -> None:
        for name, pid in self.pids.items():
            self.peaks_kib[name] = max(self.peaks_kib[name], tree_rss_kib(pid), status_kib(pid, "VmHWM"))

    def _sample(self) -> None:
        while not self._stop.wait(self.interval):
            self._measure()

    def stop(self) -> None:
        if not self._stop.is_set():
            self._stop.set()
            self._thread.join()
            self._measure()

    def peak_mib(self) -> Dict[str, float]:
        return {name: round(kib / 1024, 1) for name, kib in self.peaks_kib.items()}
