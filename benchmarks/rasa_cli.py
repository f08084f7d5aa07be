"""Run the project's rasa CLI from the project folder, quietly, and time it."""
import os
import subprocess
import time
from pathlib import Path
from typing import Dict, List, Optional

ROOT = Path(__file__).resolve().parent.parent
RASA = str(ROOT / ".venv" / "bin" / "rasa")

QUIET_ENV = {
    "TQDM_DISABLE": "1",
    "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
    "RASA_TELEMETRY_ENABLED": "false",
    "TF_CPP_MIN_LOG_LEVEL": "2",
}


def quiet_env() -> Dict[str, str]:
    return {**os.environ, **QUIET_ENV}


def run(args: List[str], log: Path, cwd: Optional[Path] = None) -> float:
    """`rasa ARGS` with its output in log; the wall-clock seconds it took. Raises on failure."""
    log.parent.mkdir(parents=True, exist_ok=True)
    start = time.monotonic()
    with log.open("w") as out:
        done = subprocess.run([RASA, *args], cwd=cwd or ROOT, env=quiet_env(), stdout=out, stderr=subprocess.STDOUT)
    seconds = time.monotonic() - start
    if done.returncode != 0:
        raise RuntimeError(f"rasa {' '.join(args)} failed ({done.returncode}); see {log}:\n{log.read_text()[-3000:]}")
    return seconds
