"""`rasa run`, locked down: what `make run` and the end-to-end tests start.

- Rasa's HTTP API (conversations, trackers, models) is off unless ENABLE_API=1.
  With ENABLE_API=1 it needs RASA_API_TOKEN: without one the server refuses to
  start. The token is passed to Rasa inside this process, so it never shows in
  the process list. `--enable-api` and `--auth-token` on the command line are
  refused: only the environment switches the API on.
- Even with the API on, the model cannot be replaced, unloaded or retrained
  over HTTP (PUT /model, DELETE /model, POST /model/train answer 403): a clinic
  deploys a model by restarting the server with it (server/api_lockdown.py).
- When the action server cannot be reached (down, restarting, failing), the
  patient gets `utter_service_unavailable` (try again shortly or call the
  clinic) instead of silence; Rasa 3.6 would only log the error. The
  conversation is unchanged, so the same question works once it is back
  (server/action_failures.py).
- Bad input to the REST webhook (not JSON, wrong or missing fields, empty,
  over 2,000 characters, /restart, ...) gets a 4xx whose JSON body names the
  problem, instead of a 500, silence or a lost conversation (channels/rest_guard.py,
  a request hook of the REST channel).
- When the conversation store cannot be read (PostgreSQL restarting) or
  written (a locked or read-only database), the patient gets
  `utter_service_unavailable` too, and nothing is stored (server/store_outage.py):
  the answers to a message are held back until the conversation is saved, so
  no step and no "deleted" is ever said that the store did not keep. The
  server carries on by itself once the store is back.
- With the Redis lock store (several Rasa servers, LOCK_STORE_TYPE=redis), tickets are
  issued and returned atomically: `redis` is turned into the class path of
  server/atomic_locks.py's store before Rasa reads endpoints.yml (Rasa 3.6's own
  read-modify-write let two servers take two messages of one patient at once, and one
  was not stored).
- Custom action calls carry the current conversation session only
  (server/current_session_only.py), never a returning patient's old sessions.
- Custom action answers are checked with a validator built once (see
  server/speedups.py): the same check, without Rasa 3.6's per-call schema check.
- Messages are understood (the NLU pipeline) in one worker thread beside the
  event loop (server/speedups.py), so the sentence encoder's and DIET's TensorFlow
  work runs while the server answers others.
- Each of these changes to Rasa's internals is declared in server/patches.py, with
  the attributes it replaces and why; the server refuses to start on any Rasa but
  the pinned 3.6.21.
- Everything else is `rasa run` as usual, e.g. `--cors ORIGIN ...` (only those
  origins get CORS headers).

Usage: python -m server [rasa run options]
"""
import logging
import os
import sys
from typing import Dict, List, Mapping, Optional

import settings
from server.patches import PatchRefused, install_all
from server.patches import logger as patches_logger

LOCKED_OPTIONS = ("--enable-api", "--auth-token")
# LOCK_STORE_TYPE's values as endpoints.yml's lock_store type: `redis` is the atomic Redis store
LOCK_STORE_TYPES = {"redis": "server.atomic_locks.AtomicRedisLockStore"}
ON = ("1", "true", "yes", "on")


class StartRefused(Exception):
    """The server must not start with this configuration."""


def rasa_arguments(args: List[str], environ: Mapping[str, str]) -> List[str]:
    """The `rasa run` command line for these options and this environment."""
    for arg in args:
        if arg.split("=")[0] in LOCKED_OPTIONS:
            raise StartRefused(f"{arg.split('=')[0]} is not accepted here: set ENABLE_API=1 and RASA_API_TOKEN")
    command = ["run", *args]
    if settings.value("ENABLE_API", environ).lower() in ON:
        token = settings.value("RASA_API_TOKEN", environ)
        if not token:
            raise StartRefused("ENABLE_API=1 needs RASA_API_TOKEN (a long random secret); not starting")
        command += ["--enable-api", "--auth-token", token]
    return command


def lock_store_environment(environ: Mapping[str, str]) -> Dict[str, str]:
    """What to change in the environment for endpoints.yml's lock store: LOCK_STORE_TYPE=redis names the
    atomic store by its class path; in_memory and any other class path stay as they are."""
    kind = settings.value("LOCK_STORE_TYPE", environ)
    return {"LOCK_STORE_TYPE": LOCK_STORE_TYPES[kind]} if kind in LOCK_STORE_TYPES else {}


def log_patches_to_stderr() -> None:
    """Each patch is logged once as it is installed, before Rasa sets up its own logging."""
    log = logging.getLogger(patches_logger.name)
    if not log.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)-8s %(name)s  - %(message)s"))
        log.addHandler(handler)
    log.setLevel(logging.INFO)
    log.propagate = False


def main(argv: Optional[List[str]] = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    log_patches_to_stderr()
    try:
        command = rasa_arguments(argv, os.environ)
        install_all()
    except (StartRefused, PatchRefused) as refused:
        print(f"rasa server: {refused}", file=sys.stderr)
        return 2
    from rasa.__main__ import main as rasa_main

    os.environ.update(lock_store_environment(os.environ))

    sys.argv = ["rasa", *command]
    rasa_main()
    return 0
