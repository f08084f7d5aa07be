"""`rasa run`, locked down: what `make run` and the end-to-end tests start.

- Rasa's HTTP API (conversations, trackers, models) is off unless ENABLE_API=1.
  With ENABLE_API=1 it needs RASA_API_TOKEN: without one the server refuses to
  start. The token is passed to Rasa inside this process, so it never shows in
  the process list. `--enable-api` and `--auth-token` on the command line are
  refused: only the environment switches the API on.
- Even with the API on, the model cannot be replaced, unloaded or retrained
  over HTTP (PUT /model, DELETE /model, POST /model/train answer 403): a clinic
  deploys a model by restarting the server with it.
- When the action server cannot be reached (down, restarting, failing), the
  patient gets `utter_service_unavailable` (try again shortly or call the
  clinic) instead of silence; Rasa 3.6 would only log the error. The
  conversation is unchanged, so the same question works once it is back.
- Bad input to the REST webhook (not JSON, wrong or missing fields, empty,
  over 2,000 characters, /restart, ...) gets a 4xx whose JSON body names the
  problem, instead of a 500, silence or a lost conversation (input_guard.py).
- When the conversation store cannot be read (PostgreSQL restarting) or
  written (a locked or read-only database), the patient gets
  `utter_service_unavailable` too, and nothing is stored (store_outage.py):
  the answers to a message are held back until the conversation is saved, so
  no step and no "deleted" is ever said that the store did not keep. The
  server carries on by itself once the store is back.
- With the Redis lock store (several Rasa servers), tickets are issued and
  returned atomically (atomic_locks.py): Rasa 3.6's read-modify-write let two
  servers take two messages of one patient at once, and one was not stored.
- Custom action calls carry the current conversation session only
  (current_session_only.py), never a returning patient's old sessions.
- Custom action answers are checked with a validator built once (see
  rasa_speedups.py): the same check, without Rasa 3.6's per-call schema check.
- Messages are understood (the NLU pipeline) in one worker thread beside the
  event loop (rasa_speedups.py), so the sentence encoder's and DIET's TensorFlow
  work runs while the server answers others.
- Everything else is `rasa run` as usual, e.g. `--cors ORIGIN ...` (only those
  origins get CORS headers).

Usage: python scripts/rasa_server.py [rasa run options]
"""
import logging
import os
import sys
from typing import List, Mapping, Optional

from atomic_locks import answer_with_atomic_redis_locks  # noqa: E402 (beside this script)
from current_session_only import send_current_session_only  # noqa: E402
from input_guard import guard_rest_webhook, limit_request_sizes  # noqa: E402
from rasa_speedups import cache_action_result_validator, parse_messages_in_a_worker_thread  # noqa: E402
from store_outage import SERVICE_UNAVAILABLE, answer_when_store_unavailable  # noqa: E402

logger = logging.getLogger("rasa_server")

REFUSED = {("PUT", "/model"), ("DELETE", "/model"), ("POST", "/model/train")}
LOCKED_OPTIONS = ("--enable-api", "--auth-token")
ON = ("1", "true", "yes", "on")


class StartRefused(Exception):
    """The server must not start with this configuration."""


def rasa_arguments(args: List[str], environ: Mapping[str, str]) -> List[str]:
    """The `rasa run` command line for these options and this environment."""
    for arg in args:
        if arg.split("=")[0] in LOCKED_OPTIONS:
            raise StartRefused(f"{arg.split('=')[0]} is not accepted here: set ENABLE_API=1 and RASA_API_TOKEN")
    command = ["run", *args]
    if environ.get("ENABLE_API", "").strip().lower() in ON:
        token = environ.get("RASA_API_TOKEN", "").strip()
        if not token:
            raise StartRefused("ENABLE_API=1 needs RASA_API_TOKEN (a long random secret); not starting")
        command += ["--enable-api", "--auth-token", token]
    return command


async def refuse_model_changes(request):
    from sanic import response

    if (request.method, request.path.rstrip("/")) in REFUSED:
        return response.json(
            {"status": "failure", "reason": "Forbidden",
             "message": "Models are not changed over HTTP here: restart the server with the new model.",
             "code": 403}, status=403)
    return None


def lock_down_api() -> None:
    """Every Rasa app with the HTTP API gets the middleware that refuses model changes."""
    import rasa.server

    create_app = rasa.server.create_app

    def create_locked_app(*args, **kwargs):
        app = create_app(*args, **kwargs)
        app.register_middleware(refuse_model_changes, "request")
        return app

    rasa.server.create_app = create_locked_app


def guard_rest_input() -> None:
    """Every app `rasa run` builds (API on or off) checks REST webhook requests first (input_guard.py)."""
    import rasa.core.run

    configure_app = rasa.core.run.configure_app
    if getattr(configure_app, "guards_rest_input", False):
        return

    def configure_guarded_app(*args, **kwargs):
        app = configure_app(*args, **kwargs)
        limit_request_sizes(app)
        app.register_middleware(guard_rest_webhook, "request")
        return app

    configure_guarded_app.guards_rest_input = True
    rasa.core.run.configure_app = configure_guarded_app


def say_when_actions_fail() -> None:
    """A custom action that cannot run answers with SERVICE_UNAVAILABLE instead of nothing."""
    from rasa.core.actions.action import ActionExecutionRejection, RemoteAction, create_bot_utterance
    from rasa.shared.exceptions import RasaException

    if getattr(RemoteAction.run, "says_when_it_fails", False):
        return
    run = RemoteAction.run

    async def run_or_apologise(self, output_channel, nlg, tracker, domain):
        try:
            return await run(self, output_channel, nlg, tracker, domain)
        except ActionExecutionRejection:
            raise
        except RasaException as error:
            logger.error(f"Custom action '{self.name()}' failed, the patient is told to try again: {error}")
            message = await nlg.generate(SERVICE_UNAVAILABLE, tracker, output_channel.name())
            return [create_bot_utterance(message)] if message else []

    run_or_apologise.says_when_it_fails = True
    RemoteAction.run = run_or_apologise


def main(argv: Optional[List[str]] = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    try:
        command = rasa_arguments(argv, os.environ)
    except StartRefused as refused:
        print(f"rasa server: {refused}", file=sys.stderr)
        return 2
    lock_down_api()
    guard_rest_input()
    say_when_actions_fail()
    cache_action_result_validator()
    parse_messages_in_a_worker_thread()
    answer_when_store_unavailable()
    send_current_session_only()
    answer_with_atomic_redis_locks()
    from rasa.__main__ import main as rasa_main

    sys.argv = ["rasa", *command]
    rasa_main()
    return 0


if __name__ == "__main__":
    sys.exit(main())
