"""`make bench`: speed and cost of this project beside a stock `rasa init` assistant, in one run.

For each assistant: training time and model size, then the real action server and Rasa
server (cluster/assistant.py), time from start to first answer, and simulated patients
(benchmarks/load.py) at each concurrency level over REST, with the servers' peak RSS.
Raw figures go to results/bench/, the summary to docs/benchmarks.md.
"""
import argparse
import json
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

import requests

from benchmarks import benchmarks_doc, load, rasa_cli
from benchmarks.procmem import PeakRss
from cluster.assistant import running_assistant

ROOT = rasa_cli.ROOT
OUT = ROOT / "results" / "bench"
PROJECT_MODEL = ROOT / "models" / "thrombectomy-assistant.tar.gz"
PY_SPY = ROOT / ".venv" / "bin" / "py-spy"


@dataclass
class Assistant:
    key: str
    title: str
    conversation: Sequence[str]
    model: Optional[Path] = None
    training_seconds: Optional[float] = None
    training_note: str = ""
    model_mib: Optional[float] = None
    first_answer_seconds: Optional[float] = None
    peak_rss_mib: Dict[str, float] = field(default_factory=dict)
    levels: List[load.LoadResult] = field(default_factory=list)
    profile: Optional[Path] = None

    def as_dict(self) -> Dict:
        return {"key": self.key, "model": str(self.model), "training_seconds": self.training_seconds,
                "model_mib": self.model_mib, "first_answer_seconds": self.first_answer_seconds,
                "peak_rss_mib": self.peak_rss_mib, "levels": [level.summary() for level in self.levels]}


def parse_levels(text: str) -> List[Tuple[int, float]]:
    """"1:20,10:20,50:60" -> [(1, 20.0), (10, 20.0), (50, 60.0)] (patients:seconds)."""
    return [(int(p), float(s)) for p, s in (item.split(":") for item in text.split(","))]


def mib(path: Path) -> float:
    return round(path.stat().st_size / 2**20, 1)


def time_project_training(project: Assistant, scratch: Path) -> None:
    """`rasa train --force` of the config, domain and data in the tree, into a scratch folder."""
    print("[bench] timing `rasa train --force` of this project", flush=True)
    project.training_seconds = rasa_cli.run(
        ["train", "--force", "--out", str(scratch / "project-models"), "--fixed-model-name", "timed"],
        OUT / "train-project.log")
    project.model = scratch / "project-models" / "timed.tar.gz"  # what the tree trains to now is what is served
    project.training_note = "`rasa train --force` (NLU and dialogue)"


def make_stock(stock: Assistant, scratch: Path) -> None:
    """`rasa init --no-prompt` writes and trains the moodbot; its model is the stock assistant."""
    print("[bench] `rasa init --no-prompt` (stock moodbot, trained)", flush=True)
    folder = scratch / "stock-init"
    folder.mkdir()
    stock.training_seconds = rasa_cli.run(["init", "--no-prompt", "--init-dir", str(folder)], OUT / "rasa-init.log",
                                          cwd=scratch)
    stock.training_note = "`rasa init --no-prompt` (writes the project, then trains NLU and dialogue)"
    stock.model = next((folder / "models").glob("*.tar.gz"))


def first_answer(url: str, text: str, deadline: float) -> None:
    while time.monotonic() < deadline:
        try:
            reply = requests.post(url + load.REST_PATH, json={"sender": "first-answer", "message": text}, timeout=60)
            if reply.status_code == 200 and load.has_text(reply.json()):
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"no answer from {url}")


def start_profile(pid: int, seconds: float, target: Path) -> subprocess.Popen:
    """py-spy samples the Rasa server for `seconds`, writing collapsed stacks (flamegraph input)."""
    return subprocess.Popen([str(PY_SPY), "record", "--pid", str(pid), "--duration", str(int(seconds)),
                             "--format", "raw", "--nonblocking", "--output", str(target)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)


def start(assistant: Assistant, stack: ExitStack) -> Tuple[str, Dict[str, int]]:
    """Start its action server and Rasa server; time from start to the first answer."""
    assistant.model_mib = mib(assistant.model)
    processes: Dict = {}
    began = time.monotonic()
    url = stack.enter_context(running_assistant(assistant.model, load.NO_RATE_LIMITS, processes=processes))
    first_answer(url, assistant.conversation[0], began + 300)
    assistant.first_answer_seconds = round(time.monotonic() - began, 1)
    return url, {"rasa": processes["rasa"].popen.pid, "actions": processes["actions"].popen.pid}


def run_level(assistant: Assistant, url: str, rasa_pid: int, patients: int, seconds: float, think: float,
              profile: bool) -> None:
    print(f"[bench] {assistant.key}: {patients} patients for {seconds:.0f} s", flush=True)
    spy = None
    if profile:
        assistant.profile = OUT / f"profile-{assistant.key}.txt"
        spy = start_profile(rasa_pid, seconds, assistant.profile)
    result = load.run(url, assistant.conversation, patients, seconds, think_seconds=think)
    if spy is not None:
        spy.wait(timeout=120)
    print(f"[bench] {assistant.key}: {result.summary()}", flush=True)
    for problem in (result.errors + result.lost)[:5]:
        print(f"[bench]   {problem}", flush=True)
    assistant.levels.append(result)


def measure(assistants: Sequence[Assistant], levels: List[Tuple[int, float]], think: float, profile: bool) -> None:
    """Both assistants run at once (an idle one costs nothing) and take turns at each level, so a change
    in the shared machine's background load falls on both alike."""
    with ExitStack() as stack:
        started = {assistant.key: start(assistant, stack) for assistant in assistants}
        pids = {f"{key}/{name}": pid for key, (_, named) in started.items() for name, pid in named.items()}
        with PeakRss(pids) as memory:
            for assistant in assistants:  # warm-up, not counted
                load.run(started[assistant.key][0], assistant.conversation, patients=1, seconds=3)
            for patients, seconds in levels:
                for assistant in assistants:
                    url, named = started[assistant.key]
                    run_level(assistant, url, named["rasa"], patients, seconds, think,
                              profile and (patients, seconds) == levels[-1])
        peaks = memory.peak_mib()
        for assistant in assistants:
            assistant.peak_rss_mib = {name: peaks[f"{assistant.key}/{name}"] for name in ("rasa", "actions")}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--levels", default="1:20,10:20,50:60",
                        help="concurrency levels, patients:seconds, comma-separated (default: %(default)s)")
    parser.add_argument("--think", type=float, default=0.0,
                        help="seconds a patient waits after each answer (default 0: as fast as answered)")
    parser.add_argument("--no-train", dest="train", action="store_false",
                        help="skip timing this project's training (quick runs)")
    parser.add_argument("--profile", action=argparse.BooleanOptionalAction, default=None,
                        help="py-spy the Rasa servers during the last level (results/bench/profile-*.txt);"
                             " default: when .venv/bin/py-spy is installed (it is not in the lock)")
    parser.add_argument("--command", default="make bench", help="the command shown in the report")
    args = parser.parse_args(argv)
    if args.profile is None:
        args.profile = PY_SPY.exists()
        if not args.profile:
            print(f"[bench] no profile: {PY_SPY.relative_to(ROOT)} is not installed (pip install py-spy to get one)")
    elif args.profile and not PY_SPY.exists():
        parser.error(f"--profile needs {PY_SPY.relative_to(ROOT)} (pip install py-spy)")
    levels = parse_levels(args.levels)
    OUT.mkdir(parents=True, exist_ok=True)

    project = Assistant("project", "This project", load.PROJECT_CONVERSATION, model=PROJECT_MODEL)
    stock = Assistant("stock", "Stock Rasa (`rasa init` moodbot)", load.STOCK_CONVERSATION)
    with tempfile.TemporaryDirectory(prefix="bench-") as scratch:
        if args.train:
            time_project_training(project, Path(scratch))
        make_stock(stock, Path(scratch))
        measure((project, stock), levels, args.think, args.profile)
        (OUT / "bench.json").write_text(json.dumps(
            {"args": vars(args), "assistants": [project.as_dict(), stock.as_dict()]}, indent=2))
        report = benchmarks_doc.write(ROOT / "docs" / "benchmarks.md", project, stock, levels, args)
    print(f"[bench] wrote {report.relative_to(ROOT)}")
    print(benchmarks_doc.summary(project, stock))
    return 0


if __name__ == "__main__":
    sys.exit(main())
