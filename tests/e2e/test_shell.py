"""`make shell`, as the README tells people to run it, driven in a real terminal (pexpect).

The action server it starts is on a free port and must be gone when the shell ends.
"""
import os
import re
import shutil
import signal
import time

import pexpect
import pytest
import requests
import yaml

from tests.conftest import ROOT
from tests.e2e.servers import free_port
from tests.model_helpers import MODEL, trained_model

pytestmark = pytest.mark.model

START_TIMEOUT = 300  # action server + loading the model on a busy 2-core machine
REPLY_TIMEOUT = 60
TEXTS = {name: variations[0]["text"] for name, variations in
         yaml.safe_load((ROOT / "domain.yml").read_text())["responses"].items()}
DISCLAIMER = "not medical advice"
# the disclaimer ends the answer: the full wording in the first answer of the conversation, then the short line
FULL_DISCLAIMER, SHORT_DISCLAIMER = TEXTS["utter_disclaimer"], TEXTS["utter_disclaimer_short"]
EMERGENCY_NUMBER = "999"
FREE_TEXT = "Type out your own message"
PROMPT = "Your input ->"


def action_server_answers(port: int) -> bool:
    try:
        return requests.get(f"http://127.0.0.1:{port}/health", timeout=2).status_code == 200
    except requests.RequestException:
        return False


@pytest.fixture
def shell(tmp_path):
    """A running `make shell` on free ports; stopped (with everything it started) afterwards."""
    trained_model()
    action_port, rasa_port = free_port(), free_port()
    env = {
        **os.environ,
        "TERM": "xterm",
        "PROMPT_TOOLKIT_NO_CPR": "1",  # do not wait for the terminal to report the cursor position
        "TQDM_DISABLE": "1",
        "TRACKER_DB": str(tmp_path / "conversations.db"),  # not the worktree's var/
        "EMERGENCY_NUMBER": EMERGENCY_NUMBER,
    }
    child = pexpect.spawn(
        shutil.which("make"),
        [
            "--no-print-directory",
            # never retrain here: `make test-model` has brought the model up to date
            "-o", str(MODEL.relative_to(ROOT)),
            "shell",
            f"ACTION_PORT={action_port}",
            f"RASA_PORT={rasa_port}",
            f"ACTION_SERVER_URL=http://127.0.0.1:{action_port}/webhook",
        ],
        cwd=str(ROOT), env=env, encoding="utf-8", codec_errors="replace",
        timeout=REPLY_TIMEOUT, dimensions=(60, 250),
    )
    child.action_port = action_port
    try:
        yield child
    finally:
        if child.isalive():
            # make leads its own process group (pexpect gives it a new session): the action
            # server and rasa shell are in it.
            os.killpg(child.pid, signal.SIGTERM)
        child.close(force=True)
        deadline = time.monotonic() + 30
        while action_server_answers(action_port) and time.monotonic() < deadline:
            time.sleep(0.5)
        assert not action_server_answers(action_port), "the action server started by `make shell` is still running"


def choose_free_text(child):
    """In the button menu (a questionary select), move to "Type out your own message..." and take it."""
    child.expect(FREE_TEXT)
    time.sleep(0.5)  # let the menu start reading keys
    child.send("\x1b[A")  # up from the first item wraps to the last one
    child.expect("\u00bb " + FREE_TEXT)
    child.send("\r")
    child.expect(PROMPT)


def test_a_patient_talks_to_the_assistant_in_make_shell(shell):
    shell.expect(PROMPT, timeout=START_TIMEOUT)
    assert action_server_answers(shell.action_port)

    shell.sendline("hello")
    shell.expect("I can explain each step")
    shell.expect(DISCLAIMER)
    shell.expect(re.escape("Start at step 1 (/ask_access)"))  # the topic buttons, as a menu
    choose_free_text(shell)

    shell.sendline("why do they inject dye and take x-rays?")
    shell.expect("Step 2 of 6")
    shell.expect(re.escape(FULL_DISCLAIMER))
    shell.expect(re.escape("Next step (/next_step)"))
    choose_free_text(shell)

    shell.sendline("next")
    shell.expect("Step 3 of 6")
    shell.expect(re.escape(SHORT_DISCLAIMER))
    shell.expect(re.escape("Next step (/next_step)"))

    # the same with the menu: the first item, "Next step", is selected; Enter takes it
    shell.expect(FREE_TEXT)
    time.sleep(0.5)
    shell.send("\r")
    shell.expect("Step 4 of 6")
    shell.expect(re.escape(SHORT_DISCLAIMER))
    choose_free_text(shell)

    # the emergency answer says the deployment's number, alone: no disclaimer, no menu
    shell.sendline("my chest suddenly hurts and I can't breathe")
    shell.expect(re.escape(f"Call {EMERGENCY_NUMBER} now, or go to the nearest emergency department."))
    shell.expect(re.escape("Do not drive yourself."))
    shell.expect(PROMPT)
    assert DISCLAIMER not in shell.before and FREE_TEXT not in shell.before

    shell.sendline("/stop")
    shell.expect(pexpect.EOF, timeout=REPLY_TIMEOUT)
