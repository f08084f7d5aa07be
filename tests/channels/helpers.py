"""What the channel tests share: the walkthrough's step buttons, and the topic buttons of the real domain."""
from rasa.shared.core.domain import Domain

from tests.conftest import ROOT

STEP_BUTTONS = [
    {"title": "Next step", "payload": "/next_step"},
    {"title": "Previous step", "payload": "/previous_step"},
    {"title": "All topics", "payload": "/help"},
]


def topic_buttons():
    """The 9 buttons of utter_topics, as the domain has them."""
    return Domain.load(str(ROOT / "domain.yml")).responses["utter_topics"][0]["buttons"]
