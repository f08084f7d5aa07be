"""The assistant's own two servers as processes: the action server and a Rasa server (one replica)."""
from pathlib import Path
from typing import Dict, Optional, Sequence

from cluster.processes import ROOT, Process

RASA = str(ROOT / ".venv" / "bin" / "rasa")
# `rasa run`, locked down (HTTP API off unless ENABLE_API=1 with a token): what `make run` starts
RASA_SERVER = [str(ROOT / ".venv" / "bin" / "python"), "-m", "server"]


def action_server(port: int, env: Dict[str, str], log_dir: Optional[Path] = None) -> Process:
    """The action server on 127.0.0.1:port (rasa_sdk binds to SANIC_HOST, as `make run` sets it)."""
    process = Process("action-server", [RASA, "run", "actions", "--port", str(port), "--actions", "actions"],
                      {**env, "SANIC_HOST": "127.0.0.1"}, log_dir=log_dir)
    return process


def rasa_server(model: Path, port: int, env: Dict[str, str], credentials: str = "credentials.yml",
                rasa_args: Sequence[str] = (), name: str = "rasa-server",
                log_dir: Optional[Path] = None) -> Process:
    """A Rasa server on 127.0.0.1:port with endpoints.yml (its stores come from env)."""
    return Process(name, [
        *RASA_SERVER, "--model", str(model), "--port", str(port), "--interface", "127.0.0.1",
        "--endpoints", "endpoints.yml", "--credentials", str(credentials), *rasa_args,
    ], env, log_dir=log_dir)
