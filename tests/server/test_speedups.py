"""The speed-ups change no behaviour: the cached validator accepts and rejects exactly what
Rasa's own check does, and the NLU pipeline in a worker thread understands as before."""
import asyncio
import threading

import jsonschema
import pytest
from rasa.core.actions.action import RemoteAction
from rasa.core.processor import MessageProcessor

from server.speedups import (
    PARSE_MESSAGE_SOURCE_SHA256,
    RasaChanged,
    cache_action_result_validator,
    parse_message_source_sha256,
    parse_messages_in_a_worker_thread,
)

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


# --- the NLU pipeline in a worker thread ---------------------------------------------------

def test_the_copied_parse_message_matches_the_pinned_rasa():
    assert parse_message_source_sha256() == PARSE_MESSAGE_SOURCE_SHA256


def test_a_changed_parse_message_is_refused(monkeypatch):
    async def someone_elses_parse_message(self, message, tracker=None, only_output_properties=True):
        return {}

    monkeypatch.setattr(MessageProcessor, "parse_message", someone_elses_parse_message)
    with pytest.raises(RasaChanged, match="3.6.21"):
        parse_messages_in_a_worker_thread()
    assert MessageProcessor.parse_message is someone_elses_parse_message


@pytest.mark.model
def test_messages_are_understood_in_the_worker_thread_as_before(monkeypatch):
    from rasa.core.agent import Agent

    from tests.model_helpers import trained_model

    agent = Agent.load(str(trained_model()))
    texts = ["how do they get into the vein?", "my chest hurts", "what is a stent"]
    loop = asyncio.new_event_loop()
    try:
        before = [loop.run_until_complete(agent.parse_message(text)) for text in texts]
        monkeypatch.setattr(MessageProcessor, "parse_message", MessageProcessor.parse_message)
        threads = []
        parse_with_graph = MessageProcessor._parse_message_with_graph

        def noting_the_thread(self, *args, **kwargs):
            threads.append(threading.current_thread().name)
            return parse_with_graph(self, *args, **kwargs)

        monkeypatch.setattr(MessageProcessor, "_parse_message_with_graph", noting_the_thread)
        parse_messages_in_a_worker_thread()
        after = [loop.run_until_complete(agent.parse_message(text)) for text in texts]
    finally:
        loop.close()
    assert [data["intent"]["name"] for data in after] == [data["intent"]["name"] for data in before]
    assert [data["intent"]["name"] for data in after][1] == "emergency"
    assert [data.get("red_flag") for data in after] == [data.get("red_flag") for data in before]
    assert len(threads) == len(texts) and all(name.startswith("nlu") for name in threads)
    assert threading.current_thread().name not in threads
