"""settings/table.yml: every environment variable the project reads is declared there, once, and the
docs' settings tables and settings.mk (the Makefile's defaults) are written from it."""
import os
import re
import subprocess

import pytest

import settings
from settings import UnknownSetting, default, makefile_defaults, value
from settings.__main__ import main, written
from tests.conftest import PACKAGES, ROOT

# os.environ.get("X"), environ["X"], a_helper(environ, "X"), getenv("X"), settings.value("X", ...),
# and module constants naming a variable: X_VARIABLE = "X"
READS = (re.compile(r'environ(?:\.get\(|\[|, )"([A-Z][A-Z0-9_]+)"'), re.compile(r'getenv\("([A-Z][A-Z0-9_]+)"'),
         re.compile(r'(?:value|default)\("([A-Z][A-Z0-9_]+)"'),
         re.compile(r'(?m)^[A-Z_]*(?:VARIABLE|KEY|SECRET|TOKEN)[A-Z_]* = "([A-Z][A-Z0-9_]+)"'))
# channels/env.py: each messaging app's variables, by the name of its credentials.yml field
CHANNEL_FIELD = re.compile(r'"[a-z_-]+": \(?"([A-Z][A-Z0-9_]+)"')
# set by the Makefile for Rasa, Sanic or tqdm, or the system's PATH passed on to a child process: not by a clinic
NOT_SETTINGS = {"PATH", "SANIC_HOST", "SANIC_KEEP_ALIVE_TIMEOUT", "SQLALCHEMY_SILENCE_UBER_WARNING", "TQDM_DISABLE"}


def variables_read() -> set:
    """Every variable read by the project's code and by endpoints.yml and credentials.yml."""
    names = set()
    for package in (*PACKAGES, "scripts"):
        for path in (ROOT / package).rglob("*.py"):
            text = path.read_text()
            for pattern in READS:
                names |= set(pattern.findall(text))
            if path.name == "env.py":
                names |= set(CHANNEL_FIELD.findall(text))
    return (names | variables_in("endpoints.yml") | variables_in("credentials.yml")) - NOT_SETTINGS


def variables_in(config: str) -> set:
    """The ${VARIABLES} a Rasa configuration file reads (not those in its comments)."""
    lines = [line for line in (ROOT / config).read_text().splitlines() if not line.lstrip().startswith("#")]
    return set(re.findall(r"\$\{([A-Z][A-Z0-9_]+)\}", "\n".join(lines)))


def variables_the_makefile_uses() -> set:
    text = (ROOT / "Makefile").read_text()
    return set(re.findall(r"\$\(([A-Z][A-Z0-9_]+)\)", text)) | set(re.findall(r"\$\$\{([A-Z][A-Z0-9_]+)", text))


def settings_rows() -> dict:
    """variable -> the docs pages whose tables have a row starting with it."""
    rows = {}
    for page in sorted((ROOT / "docs").glob("*.md")):
        for first_cell in re.findall(r"(?m)^\| (`[A-Z][^|]*)\|", page.read_text()):
            for name in re.findall(r"`([A-Z][A-Z0-9_]+)`", first_cell):
                rows.setdefault(name, []).append(page.name)
    return rows


def make_variables(environ: dict) -> dict:
    """The variables as make sees them after reading the Makefile (make -p), in this environment."""
    result = subprocess.run(["make", "-pn", "help"], cwd=ROOT, env={"PATH": os.environ["PATH"], **environ},
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return dict(re.findall(r"(?m)^([A-Z][A-Z0-9_]*) :?= ?(.*)$", result.stdout))


def test_the_scan_finds_the_variables_read_in_each_way():
    names = variables_read()
    assert {"TRACKER_DB", "RATE_LIMIT_CLIENT_PER_MINUTE", "SOCKETIO_REPLICA", "TELEGRAM_ACCESS_TOKEN",
            "FACEBOOK_API_URL", "SENDER_ID_KEY", "RASA_API_TOKEN", "CLINIC_PHONE"} <= names


def test_every_variable_read_is_declared_in_the_table():
    assert sorted(variables_read() - set(settings.by_name())) == []


def test_every_declared_variable_is_read_by_the_code_or_the_makefile():
    assert sorted(set(settings.by_name()) - variables_read() - variables_the_makefile_uses()) == []


def test_every_setting_says_what_it_is_for():
    for declared in settings.load():
        assert len(declared.meaning) > 10 and declared.page.startswith("docs/"), declared.name
        assert isinstance(declared.secret, bool) and isinstance(declared.make, (bool, str)), declared.name


def test_the_written_files_are_in_step_with_the_table():
    assert main(["--check"]) == 0, "run `make settings` (python -m settings) and commit what it writes"


def test_the_check_sees_a_file_out_of_step(tmp_path):
    files = written()
    page = next(path for path in files if path.name == "operations.md")
    assert "| `TRACKER_DB` | the SQLite file" in files[page]
    copy = tmp_path / "docs"
    copy.mkdir()
    (copy / "operations.md").write_text(page.read_text().replace("`sqlite`", "`oracle`"))
    (copy / "channels.md").write_text((ROOT / "docs" / "channels.md").read_text())
    rewritten = written(tmp_path)
    assert "`oracle`" not in rewritten[tmp_path / "docs" / "operations.md"]
    assert rewritten[tmp_path / "settings.mk"] == (ROOT / "settings.mk").read_text()


def test_each_variable_has_one_row_in_the_docs():
    """privacy.md explains the privacy settings; their rows live in operations.md only."""
    rows = settings_rows()
    assert set(rows) == set(settings.by_name())
    assert {name: pages for name, pages in rows.items() if len(pages) > 1} == {}


def test_secrets_have_no_default():
    assert [s.name for s in settings.load() if s.secret and s.default] == []


def test_the_makefile_exports_the_tables_defaults():
    seen = make_variables({})
    expected = {s.name: s.make_default for s in settings.load() if s.make_default is not None}
    assert {name: seen.get(name) for name in expected} == expected


def test_the_environment_overrides_the_makefiles_defaults():
    assert make_variables({"TRACKER_DB": "/srv/conversations.db"})["TRACKER_DB"] == "/srv/conversations.db"


def test_makefile_defaults_are_what_endpoints_yml_needs():
    assert variables_in("endpoints.yml") - {"ACTION_SERVER_URL"} <= set(makefile_defaults())
    assert makefile_defaults()["TRACKER_DB_DIALECT"] == "sqlite"


@pytest.mark.parametrize("environ, expected", [
    ({}, "120"), ({"RATE_LIMIT_CLIENT_PER_MINUTE": ""}, "120"), ({"RATE_LIMIT_CLIENT_PER_MINUTE": "  "}, "120"),
    ({"RATE_LIMIT_CLIENT_PER_MINUTE": " 0 "}, "0"), ({"RATE_LIMIT_CLIENT_PER_MINUTE": "7"}, "7"),
])
def test_a_value_is_the_environments_stripped_or_the_default(environ, expected):
    assert value("RATE_LIMIT_CLIENT_PER_MINUTE", environ) == expected


def test_a_variable_without_a_default_is_empty_when_unset():
    assert value("CLINIC_PHONE", {}) == "" and default("TRACKER_DB_HOST") == ""


def test_reading_an_undeclared_variable_is_an_error():
    with pytest.raises(UnknownSetting, match="NOT_A_SETTING is not declared in settings/table.yml"):
        value("NOT_A_SETTING", {"NOT_A_SETTING": "1"})
