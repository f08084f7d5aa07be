"""The console's access log: one line per login, logout, view, mark and export: who, what, when.

Never message text: a line names the page, the period or the kind of mark, nothing a patient typed.
"""
import logging
from datetime import datetime, timezone
from pathlib import Path
from typing import Optional

LOGGER = "console.access"


def open_log(path: Path) -> logging.Logger:
    """The access logger, appending to path (and to the console's standard error)."""
    logger = logging.getLogger(LOGGER)
    logger.setLevel(logging.INFO)
    logger.propagate = False
    for handler in list(logger.handlers):
        logger.removeHandler(handler)
        handler.close()
    path.parent.mkdir(parents=True, exist_ok=True)
    for handler in (logging.FileHandler(path, encoding="utf-8"), logging.StreamHandler()):
        handler.setFormatter(logging.Formatter("%(message)s"))
        logger.addHandler(handler)
    return logger


def line(user: Optional[str], action: str, client: str, detail: str = "") -> str:
    when = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    return f"{when} user={user or '-'} client={client} action={action}" + (f" {detail}" if detail else "")


def record(user: Optional[str], action: str, client: str, detail: str = "") -> None:
    logging.getLogger(LOGGER).info(line(user, action, client, detail))
