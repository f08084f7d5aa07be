"""Every environment variable the project reads has a row in a settings table in docs/, once."""
import re

from tests.conftest import ROOT

PACKAGES = ("actions", "channels", "cluster", "components", "privacy", "red_flags", "scripts", "security", "server")
# os.environ.get("X"), environ["X"], a_helper(environ, "X"), getenv("X"), and module constants naming a variable: X_VARIABLE = "X"
READS = (re.compile(r'environ(?:\.get\(|\[|, )"([A-Z][A-Z0-9_]+)"'), re.compile(r'getenv\("([A-Z][A-Z0-9_]+)"'),
         re.compile(r'(?m)^[A-Z_]*(?:VARIABLE|KEY|SECRET|TOKEN)[A-Z_]* = "([A-Z][A-Z0-9_]+)"'))
# channels/env.py: each messaging app's variables, by the name of its credentials.yml field
CHANNEL_FIELD = re.compile(r'"[a-z_-]+": \(?"([A-Z][A-Z0-9_]+)"')
# set by the Makefile for Rasa or Sanic, not by a clinic
NOT_SETTINGS = {"SANIC_HOST", "SANIC_KEEP_ALIVE_TIMEOUT", "SQLALCHEMY_SILENCE_UBER_WARNING", "TQDM_DISABLE"}


def variables_read() -> set:
    names = set()
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            text = path.read_text()
            for pattern in READS:
                names |= set(pattern.findall(text))
            if path.name == "env.py":
                names |= set(CHANNEL_FIELD.findall(text))
    for config in ("endpoints.yml", "credentials.yml"):
        lines = [line for line in (ROOT / config).read_text().splitlines() if not line.lstrip().startswith("#")]
        names |= set(re.findall(r"\$\{([A-Z][A-Z0-9_]+)\}", "\n".join(lines)))
    return names - NOT_SETTINGS


def settings_rows() -> dict:
    """variable -> the docs pages whose tables have a row starting with it."""
    rows = {}
    for page in sorted((ROOT / "docs").glob("*.md")):
        for first_cell in re.findall(r"(?m)^\| (`[A-Z][^|]*)\|", page.read_text()):
            for name in re.findall(r"`([A-Z][A-Z0-9_]+)`", first_cell):
                rows.setdefault(name, []).append(page.name)
    return rows


def test_the_scan_finds_the_variables_read_in_each_way():
    names = variables_read()
    assert {"TRACKER_DB", "RATE_LIMIT_CLIENT_PER_MINUTE", "SOCKETIO_REPLICA", "TELEGRAM_ACCESS_TOKEN",
            "FACEBOOK_API_URL", "SENDER_ID_KEY", "RASA_API_TOKEN", "CLINIC_PHONE"} <= names


def test_every_variable_read_has_a_settings_row():
    missing = sorted(variables_read() - set(settings_rows()))
    assert missing == [], "add a row for each to the settings tables in docs/operations.md or docs/channels.md"


def test_each_variable_has_one_home():
    """privacy.md explains the privacy settings; their rows live in operations.md only."""
    twice = {name: pages for name, pages in settings_rows().items() if len(pages) > 1}
    assert twice == {}
