"""The cached validator accepts and rejects exactly what Rasa's own check does."""
import sys

import jsonschema
import pytest
from rasa.core.actions.action import RemoteAction

from tests.conftest import ROOT

sys.path.insert(0, str(ROOT / "scripts"))
from rasa_speedups import cache_action_result_validator  # noqa: E402

VALID = {
    "events": [{"event": "slot", "name": "current_step", "value": "venography"}],
    "responses": [{"response": "utter_disclaimer", "buttons": [{"title": "Next step", "payload": "/next_step"}]}],
}
INVALID = [{"events": "not a list"}, {"events": [{"no_event_key": 1}]}, {"responses": [1, 2]}]


@pytest.fixture
def remote_action(monkeypatch):
    monkeypatch.setattr(RemoteAction, "_validate_action_result", RemoteAction._validate_action_result)
    cache_action_result_validator()
    return RemoteAction("action_explain_step", action_endpoint=None)


def test_a_valid_answer_passes(remote_action):
    assert remote_action._validate_action_result(VALID) is True


@pytest.mark.parametrize("result", INVALID)
def test_an_invalid_answer_fails_as_before(result, remote_action):
    with pytest.raises(jsonschema.ValidationError) as rasa_error:
        jsonschema.validate(result, RemoteAction.action_response_format_spec())
    with pytest.raises(jsonschema.ValidationError) as cached_error:
        remote_action._validate_action_result(result)
    assert cached_error.value.message.startswith(rasa_error.value.message)
    assert "Failed to validate Action server response" in cached_error.value.message
