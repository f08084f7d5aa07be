"""actions/disclaimer.py: the disclaimer joins the answer just sent, never lost, full once a session."""
from rasa_sdk.executor import CollectingDispatcher

from actions import responses
from actions.disclaimer import full_once_per_session, said_in_session, utter_disclaimer
from tests.conftest import disclaimer_said, footers, make_tracker, response_names

BUTTONS = [{"title": "Next step", "payload": "/next_step"}]


def test_the_answer_just_sent_gets_the_short_line_and_the_buttons():
    dispatcher = CollectingDispatcher()
    dispatcher.utter_message(response="utter_topic_stent", buttons=[{"title": "A", "payload": "/a"}])
    utter_disclaimer(dispatcher, BUTTONS)
    [message] = dispatcher.messages
    assert message["footer"] == responses.DISCLAIMER_SHORT
    assert message["buttons"] == [{"title": "A", "payload": "/a"}, *BUTTONS]


def test_with_nothing_to_join_the_disclaimer_is_a_message_of_its_own():
    for before in ([], [{"text": "plain text, no response"}], "already ended"):
        dispatcher = CollectingDispatcher()
        if before == "already ended":
            dispatcher.utter_message(response="utter_topic_stent")
            utter_disclaimer(dispatcher, [])
        else:
            for message in before:
                dispatcher.utter_message(**message)
        count = len(dispatcher.messages)
        utter_disclaimer(dispatcher, BUTTONS)
        assert len(dispatcher.messages) == count + 1
        assert dispatcher.messages[-1]["response"] == responses.DISCLAIMER_SHORT
        assert dispatcher.messages[-1]["buttons"] == BUTTONS


def test_the_first_disclaimer_of_a_session_is_the_full_one_even_as_a_message_of_its_own():
    dispatcher = CollectingDispatcher()
    utter_disclaimer(dispatcher, BUTTONS)
    full_once_per_session(dispatcher, make_tracker())
    assert response_names(dispatcher) == [responses.DISCLAIMER]
    dispatcher = CollectingDispatcher()
    utter_disclaimer(dispatcher, BUTTONS)
    full_once_per_session(dispatcher, make_tracker(events=[disclaimer_said()]))
    assert response_names(dispatcher) == [responses.DISCLAIMER_SHORT]


def test_only_the_first_short_line_becomes_the_full_one():
    dispatcher = CollectingDispatcher()
    for name in ("utter_term_stent", "utter_term_ivus"):
        dispatcher.utter_message(response=name)
        utter_disclaimer(dispatcher, [])
    full_once_per_session(dispatcher, make_tracker())
    assert footers(dispatcher) == [responses.DISCLAIMER, responses.DISCLAIMER_SHORT]


def test_the_full_disclaimer_counts_as_said_whether_it_ended_an_answer_or_stood_alone():
    alone = {"event": "bot", "text": "...", "metadata": {"utter_action": responses.DISCLAIMER}}
    assert said_in_session([disclaimer_said()]) and said_in_session([alone])
    assert not said_in_session([disclaimer_said(responses.DISCLAIMER_SHORT), {"event": "user", "text": "hi"}])
