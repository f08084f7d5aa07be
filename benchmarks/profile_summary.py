"""Where a server spent its time: py-spy's collapsed stacks ("f1;f2;f3 COUNT" lines) summed per function."""
import re
from collections import Counter
from pathlib import Path
from typing import List, Tuple

LINE_NUMBER = re.compile(r":\d+\)$")


def inclusive_shares(collapsed: Path, must_contain: str = "rasa/") -> List[Tuple[str, float]]:
    """(function, share of samples with it on the stack), largest first, for frames matching must_contain."""
    counts: Counter = Counter()
    total = 0
    for line in collapsed.read_text().splitlines():
        stack, _, number = line.rpartition(" ")
        if not number.isdigit():
            continue
        total += int(number)
        for frame in {LINE_NUMBER.sub(")", frame) for frame in stack.split(";")}:
            if must_contain in frame:
                counts[frame] += int(number)
    return [(frame, n / total) for frame, n in counts.most_common()] if total else []


def top_lines(collapsed: Path, limit: int = 16) -> List[str]:
    """Markdown table rows of the Rasa functions on the stack most often (the entry points skipped)."""
    skip = ("rasa/__main__.py", "rasa/cli/", "rasa/api.py", "rasa/core/run.py", "rasa/core/channels/",
            "rasa/core/agent.py", "rasa/engine/runner/")
    rows = [(f, s) for f, s in inclusive_shares(collapsed) if not any(k in f for k in skip)]
    return [f"| {share:.0%} | `{frame}` |" for frame, share in rows[:limit]]
