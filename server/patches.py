"""Every change this project makes to a Rasa or library internal, in one place.

PATCHES: Rasa 3.6 has no hook for what the server needs (see server/__init__.py), so each
entry replaces Rasa attributes when the server starts. Each names the attributes it replaces
(``module:attribute``, with the parameters the replacement relies on) and why. Each
replacement is wrapped with functools.wraps and carries the patch's name (MARK): a patch is
installed at most once, and logged once when it is.

COPIES: library code this project copies (a subclass's method) or replaces on one object
rather than globally; each is recorded with the SHA-256 of the source it was written
against, so a library that changed refuses to start instead of running a stale copy.

``install_all`` refuses to start on any version of Rasa or of these libraries other than the
pinned one (PINNED, as in requirements.lock): these are internals, and a new version may
change them without notice. Where Rasa has a supported hook, it is used instead: the REST
input guard is a request hook of the REST channel (channels/rest.py), the atomic Redis
lock store is named by class path in endpoints.yml (server/atomic_locks.py), and so is the
response generator that says the emergency number and joins each answer's disclaimer line
(channels/nlg.py; `rasa shell` reads it there too, without these patches).
"""
import hashlib
import importlib
import inspect
import logging
from dataclasses import dataclass
from importlib import metadata
from typing import Any, Callable, Dict, Iterable, Mapping, Optional, Tuple

from server.action_failures import say_when_actions_fail
from server.api_lockdown import lock_down_api
from server.current_session_only import send_current_session_only
from server.speedups import PARSE_MESSAGE_SOURCE_SHA256, cache_action_result_validator, parse_messages_in_a_worker_thread
from server.store_outage import answer_when_store_unavailable

RASA_VERSION = "3.6.21"
# the distributions whose internals are patched or copied here, at the versions they were written for
PINNED = {"rasa": RASA_VERSION, "python-socketio": "5.9.0", "python-engineio": "4.15.1", "sanic": "21.12.2"}
MARK = "__thrombectomy_assistant_patch__"
logger = logging.getLogger(__name__)


class PatchRefused(RuntimeError):
    """The patches cannot be installed on this Rasa."""


@dataclass(frozen=True)
class Patch:
    name: str
    # "module:attribute" -> the parameters the replacement relies on (parameters())
    targets: Mapping[str, str]
    why: str
    install: Callable[[], None]


@dataclass(frozen=True)
class Copy:
    target: str
    source_sha256: str
    where: str
    why: str


PATCHES = (
    Patch("lock_down_api",
          {"rasa.server:create_app": "agent, cors_origins, auth_token, response_timeout, jwt_secret, "
                                     "jwt_private_key, jwt_method, endpoints"},
          "With the HTTP API on, model changes over HTTP still answer 403 (server/api_lockdown.py).",
          lock_down_api),
    Patch("say_when_actions_fail",
          {"rasa.core.actions.action:RemoteAction.run": "self, output_channel, nlg, tracker, domain"},
          "An unreachable action server gets the patient 'try again shortly', not silence.",
          say_when_actions_fail),
    Patch("cache_action_result_validator",
          {"rasa.core.actions.action:RemoteAction._validate_action_result": "self, result"},
          "The same check of action answers with a validator built once (server/speedups.py).",
          cache_action_result_validator),
    Patch("parse_messages_in_a_worker_thread",
          {"rasa.core.processor:MessageProcessor.parse_message": "self, message, tracker, only_output_properties"},
          "The NLU pipeline runs in one worker thread, off the event loop (server/speedups.py).",
          parse_messages_in_a_worker_thread),
    Patch("answer_when_store_unavailable",
          {"rasa.core.tracker_store:FailSafeTrackerStore.retrieve": "self, sender_id",
           "rasa.core.tracker_store:FailSafeTrackerStore.save": "self, tracker",
           "rasa.core.processor:MessageProcessor.handle_message": "self, message",
           "rasa.core.agent:Agent.handle_message": "self, message"},
          "A conversation store or lock store that fails gets 'try again shortly', and no answer is sent "
          "that the store did not keep (server/store_outage.py).",
          answer_when_store_unavailable),
    Patch("send_current_session_only",
          {"rasa.core.actions.action:RemoteAction._action_call_format": "self, tracker, domain"},
          "Custom action calls carry the current session only (server/current_session_only.py).",
          send_current_session_only),
)

COPIES = (
    Copy("rasa.core.processor:MessageProcessor.parse_message", PARSE_MESSAGE_SOURCE_SHA256, "server/speedups.py",
         "The worker-thread parse_message repeats the rest of Rasa's method after the NLU call."),
    Copy("rasa.core.tracker_store:SQLTrackerStore.save",
         "57165e46eab3de0866e77f03df0bf7fd5eac2c1de617ed431b934c9a4edfeef6", "privacy/tracker_store.py",
         "PrivateSQLTrackerStore.save is Rasa's, with each event redacted, the sender id hashed, 'forget me' "
         "deleting, and without stream_events (no event broker here)."),
    Copy("socketio.asyncio_server:AsyncServer._handle_eio_message",
         "0bee1a87de57766ec156b7e5b83065b44597c03922f63880bf7fd968c285b300", "channels/socketio_server.py",
         "Binary messages are refused before python-socketio stores them in _binary_packet "
         "(GHSA-5w7q-77mv-v69f: 5.9.0 cannot be upgraded under Rasa 3.6)."),
    Copy("engineio.server:Server.generate_id",
         "b6a591454237c0bb4e57dfef897c3d1f45477d0582474a4f48df35d12a552c25", "channels/socketio_server.py",
         "Session ids start with the replica's name (SOCKETIO_REPLICA), so nginx routes each web chat to its server."),
    Copy("engineio.payload:Payload.decode",
         "9c7975664d815d3d25856740f4b22cbfd872ce132c3aa0f423d8d8cb13eb0717", "channels/socketio_server.py",
         "Payload.max_decode_packets is raised so that no message is dropped for arriving in a crowd."),
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


def parameters(function: Callable) -> str:
    """A function's parameter names, as a patch relies on them (through functools.wraps, the original's)."""
    return ", ".join(inspect.signature(function).parameters)


def source_sha256(target: str) -> str:
    return hashlib.sha256(inspect.getsource(current(target)).encode("utf-8")).hexdigest()


def changed_internals(patches: Iterable[Patch] = PATCHES, copies: Iterable[Copy] = COPIES) -> Tuple[str, ...]:
    """What no longer is as the patches and copies expect: a missing attribute, other parameters, other source."""
    problems = []
    for patch in patches:
        for target, expected in patch.targets.items():
            try:
                found = parameters(current(target))
            except AttributeError:
                problems.append(f"{target} is gone (patch {patch.name})")
                continue
            if found != expected:
                problems.append(f"{target} takes ({found}), not ({expected}) (patch {patch.name})")
    for copy in copies:
        try:
            changed = source_sha256(copy.target) != copy.source_sha256
        except AttributeError:
            problems.append(f"{copy.target} is gone (copied in {copy.where})")
            continue
        if changed:
            problems.append(f"{copy.target} is not the source {copy.where} copies")
    return tuple(problems)


def wrong_versions(pinned: Mapping[str, str] = PINNED) -> Dict[str, str]:
    """Each pinned distribution installed at another version, with the version found."""
    return {name: found for name, version in pinned.items() if (found := metadata.version(name)) != version}


def is_installed(patch: Patch) -> bool:
    return all(getattr(current(target), MARK, None) == patch.name for target in patch.targets)


def install(patch: Patch) -> None:
    """Install one patch, once: installing it again changes nothing."""
    if is_installed(patch):
        return
    patch.install()
    for target in patch.targets:
        setattr(current(target), MARK, patch.name)
    logger.info(f"Patched {', '.join(patch.targets)}: {patch.why}")


def install_all(rasa_version: Optional[str] = None, patches: Iterable[Patch] = PATCHES,
                libraries: Optional[Mapping[str, str]] = None) -> None:
    """Every patch, on the pinned versions only, with every target and copy as it was written for.

    rasa_version: Rasa's own (rasa.__version__ when None); libraries: the installed version of the
    other pinned distributions (read from the installed packages when None). PatchRefused names
    the difference, and nothing is installed.
    """
    if rasa_version is None:
        import rasa

        rasa_version = rasa.__version__
    if rasa_version != RASA_VERSION:
        raise PatchRefused(f"server/patches.py was written for Rasa {RASA_VERSION}, not {rasa_version}: "
                           "check every patch against the new Rasa before changing RASA_VERSION")
    others = {name: version for name, version in PINNED.items() if name != "rasa"}
    found = wrong_versions(others) if libraries is None else {
        name: version for name, version in libraries.items() if others.get(name, version) != version}
    if found:
        raise PatchRefused("server/patches.py was written for " + ", ".join(
            f"{name} {others[name]}, not {version}" for name, version in found.items())
            + ": check every copy of it against the new version before changing PINNED")
    patches = tuple(patches)
    problems = changed_internals(patches)
    if problems:
        raise PatchRefused("server/patches.py no longer matches what it changes: " + "; ".join(problems))
    for patch in patches:
        install(patch)
