"""Emergency wins: every custom action answers a red-flag message with the emergency text only."""
import pytest

from actions.care_team import ActionContactCareTeam, ActionDeclineMedicalAdvice
from actions.explain import ActionExplainStep, ActionExplainTerm, ActionExplainTopic
from tests.conftest import make_tracker, response_names, term_entity

ACTIONS = [
    (ActionExplainStep, "ask_access"),
    (ActionExplainStep, "next_step"),
    (ActionExplainTopic, "ask_stent"),
    (ActionExplainTerm, "ask_term"),
    (ActionDeclineMedicalAdvice, "ask_medical_advice"),
    (ActionContactCareTeam, "request_human"),
]


@pytest.mark.parametrize("action_class, intent", ACTIONS)
async def test_a_red_flag_message_gets_only_the_emergency_answer(action_class, intent, dispatcher, domain):
    tracker = make_tracker("my groin won't stop bleeding, is the stent ok?", intent,
                           entities=[term_entity("stent")], slots={"current_step": "access"})
    events = await action_class().run(dispatcher, tracker, domain)
    assert response_names(dispatcher) == ["utter_emergency"]
    assert events == []
