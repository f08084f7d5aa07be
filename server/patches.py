"""Every run-time change this project makes to Rasa's internals, in one table.

Rasa 3.6 has no hook for what the server needs (see server/__init__.py), so each change
below replaces a Rasa attribute when the server starts. Each entry names the attributes it
replaces (``module:attribute``) and why. ``install_all`` refuses to start on any Rasa other
than the pinned one (RASA_VERSION, requirements.lock): these are internals, and a new Rasa
may change them without notice. Each patch is installed at most once: the replacement
carries the patch's name (MARK), so installing again changes nothing.

Not in this table, because they are subclasses or copies in their own modules rather than
run-time replacements: privacy/tracker_store.py (SQLTrackerStore.save, copied without
stream_events) and channels/socketio_server.py (python-socketio's session handling).
"""
import importlib
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Optional, Tuple

from server.action_failures import say_when_actions_fail
from server.api_lockdown import lock_down_api
from server.atomic_locks import answer_with_atomic_redis_locks
from server.current_session_only import send_current_session_only
from server.input_guard import guard_rest_input
from server.speedups import cache_action_result_validator, parse_messages_in_a_worker_thread
from server.store_outage import answer_when_store_unavailable

RASA_VERSION = "3.6.21"
MARK = "__thrombectomy_assistant_patch__"


class PatchRefused(RuntimeError):
    """The patches cannot be installed on this Rasa."""


@dataclass(frozen=True)
class Patch:
    name: str
    targets: Tuple[str, ...]
    why: str
    install: Callable[[], None]


PATCHES = (
    Patch("lock_down_api", ("rasa.server:create_app",),
          "With the HTTP API on, model changes over HTTP still answer 403 (server/api_lockdown.py).",
          lock_down_api),
    Patch("guard_rest_input", ("rasa.core.run:configure_app",),
          "Bad REST input gets a 4xx naming the problem; request size limits (server/input_guard.py).",
          guard_rest_input),
    Patch("say_when_actions_fail", ("rasa.core.actions.action:RemoteAction.run",),
          "An unreachable action server gets the patient 'try again shortly', not silence.",
          say_when_actions_fail),
    Patch("cache_action_result_validator", ("rasa.core.actions.action:RemoteAction._validate_action_result",),
          "The same check of action answers with a validator built once (server/speedups.py).",
          cache_action_result_validator),
    Patch("parse_messages_in_a_worker_thread", ("rasa.core.processor:MessageProcessor.parse_message",),
          "The NLU pipeline runs in one worker thread, off the event loop (server/speedups.py).",
          parse_messages_in_a_worker_thread),
    Patch("answer_when_store_unavailable",
          ("rasa.core.tracker_store:FailSafeTrackerStore.retrieve", "rasa.core.tracker_store:FailSafeTrackerStore.save",
           "rasa.core.processor:MessageProcessor.handle_message", "rasa.core.agent:Agent.handle_message"),
          "A conversation store or lock store that fails gets 'try again shortly', and no answer is sent "
          "that the store did not keep (server/store_outage.py).",
          answer_when_store_unavailable),
    Patch("send_current_session_only", ("rasa.core.actions.action:RemoteAction._action_call_format",),
          "Custom action calls carry the current session only (server/current_session_only.py).",
          send_current_session_only),
    Patch("answer_with_atomic_redis_locks", ("rasa.core.lock_store:RedisLockStore",),
          "`lock_store: type: redis` issues its tickets atomically (server/atomic_locks.py).",
          answer_with_atomic_redis_locks),
)


def named(name: str) -> Patch:
    return next(patch for patch in PATCHES if patch.name == name)


def owner_and_attribute(target: str) -> Tuple[Any, str]:
    """The object that holds a target's attribute, and the attribute's name."""
    module_name, path = target.split(":")
    owner: Any = importlib.import_module(module_name)
    *owners, attribute = path.split(".")
    for name in owners:
        owner = getattr(owner, name)
    return owner, attribute


def current(target: str) -> Any:
    owner, attribute = owner_and_attribute(target)
    return getattr(owner, attribute)


def is_installed(patch: Patch) -> bool:
    return all(getattr(current(target), MARK, None) == patch.name for target in patch.targets)


def install(patch: Patch) -> None:
    """Install one patch, once: installing it again changes nothing."""
    if is_installed(patch):
        return
    patch.install()
    for target in patch.targets:
        setattr(current(target), MARK, patch.name)


def install_all(rasa_version: Optional[str] = None, patches: Iterable[Patch] = PATCHES) -> None:
    """Every patch, on the pinned Rasa only."""
    if rasa_version is None:
        import rasa

        rasa_version = rasa.__version__
    if rasa_version != RASA_VERSION:
        raise PatchRefused(f"server/patches.py was written for Rasa {RASA_VERSION}, not {rasa_version}: "
                           "check every patch against the new Rasa before changing RASA_VERSION")
    for patch in patches:
        install(patch)
