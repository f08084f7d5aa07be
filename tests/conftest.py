"""Shared fixtures: the real domain, and trackers built from plain values."""
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

import pytest
import tomli
from rasa.shared.core.domain import Domain
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

ROOT = Path(__file__).resolve().parent.parent


def _project_packages() -> Tuple[str, ...]:
    """The packages pyproject.toml installs (its `include` patterns, without the "*")."""
    with open(ROOT / "pyproject.toml", "rb") as pyproject:
        include = tomli.load(pyproject)["tool"]["setuptools"]["packages"]["find"]["include"]
    return tuple(pattern.rstrip("*") for pattern in include)


PACKAGES = _project_packages()
SOURCE_FILE = ROOT.parent / "shared" / "source" / "venous-thrombectomy-walkthrough.txt"


@pytest.fixture(scope="session")
def domain() -> Dict[str, Any]:
    """The domain as the Rasa server sends it to the action server."""
    return Domain.load(str(ROOT / "domain.yml")).as_dict()


@pytest.fixture
def dispatcher() -> CollectingDispatcher:
    return CollectingDispatcher()


def make_tracker(
    text: str = "",
    intent: Optional[str] = None,
    entities: Optional[List[Dict[str, Any]]] = None,
    slots: Optional[Dict[str, Any]] = None,
    events: Optional[List[Dict[str, Any]]] = None,
) -> Tracker:
    latest_message = {
        "text": text,
        "intent": {"name": intent, "confidence": 1.0} if intent else {},
        "entities": entities or [],
    }
    return Tracker(
        sender_id="test-patient",
        slots=slots or {},
        latest_message=latest_message,
        events=events or [],
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name="action_listen",
    )


def term_entity(value: str) -> Dict[str, Any]:
    return {"entity": "medical_term", "value": value, "start": 0, "end": len(value)}


def response_names(dispatcher: CollectingDispatcher) -> List[str]:
    return [message.get("response") for message in dispatcher.messages]


def footers(dispatcher: CollectingDispatcher) -> List[Optional[str]]:
    """The response ending each message (actions/disclaimer.py), None for those without one."""
    return [message.get("footer") for message in dispatcher.messages]


def disclaimer_said(name: str = "utter_disclaimer") -> Dict[str, Any]:
    """A stored bot event of this session whose message ended with this disclaimer."""
    return {"event": "bot", "text": "...", "metadata": {"utter_action": "utter_step_access", "footer": name}}
