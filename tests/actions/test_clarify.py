"""'Did you mean ...?' when the classifier is unsure (actions/clarify.py)."""
import pytest

from actions.clarify import ActionClarify, candidate_intents
from tests.conftest import make_tracker, response_names


def parse(*ranking, **extra):
    return {"intent": {"name": "nlu_fallback", "confidence": 0.3},
            "intent_ranking": [{"name": "nlu_fallback", "confidence": 0.3}]
            + [{"name": name, "confidence": confidence} for name, confidence in ranking], **extra}


def tracker_for(parse_data):
    tracker = make_tracker("the thing with the tube", "nlu_fallback")
    tracker.latest_message.update(parse_data)
    return tracker


def test_close_topics_are_offered_best_first_at_most_three(domain):
    ranking = parse(("ask_catheter_advance", 0.28), ("ask_clot_removal", 0.26), ("ask_access", 0.2),
                    ("ask_stent", 0.15), ("greet", 0.01))
    assert candidate_intents(ranking, domain) == ["ask_catheter_advance", "ask_clot_removal", "ask_access"]


def test_intents_without_a_label_and_far_behind_ones_are_not_offered(domain):
    ranking = parse(("ask_stent", 0.29), ("affirm", 0.28), ("ask_duration", 0.05))
    assert candidate_intents(ranking, domain) == ["ask_stent"]


@pytest.mark.parametrize("parse_data", [
    parse(("out_of_scope", 0.29), ("ask_stent", 0.28)),
    parse(("ask_stent", 0.5), unknown_words=True),
    parse(("greet", 0.2), ("thank", 0.2)),
    {"intent_ranking": []},
])
def test_no_candidate_means_the_honest_fallback(domain, parse_data):
    assert candidate_intents(parse_data, domain) == []


async def test_did_you_mean_offers_buttons_that_ask_each_topic_and_something_else(dispatcher, domain):
    await ActionClarify().run(dispatcher, tracker_for(parse(("ask_venography", 0.25), ("ask_term", 0.22))), domain)
    assert response_names(dispatcher) == ["utter_did_you_mean"]
    buttons = dispatcher.messages[0]["buttons"]
    assert [button["payload"] for button in buttons] == ["/ask_venography", "/out_of_scope"]
    assert [button["title"] for button in buttons] == ["Dye and X-ray pictures", "Something else"]


async def test_without_candidates_the_out_of_scope_answer_and_the_topics(dispatcher, domain):
    await ActionClarify().run(dispatcher, tracker_for(parse(("out_of_scope", 0.3))), domain)
    assert response_names(dispatcher) == ["utter_out_of_scope", "utter_topics"]


async def test_a_red_flag_still_wins(dispatcher, domain):
    tracker = tracker_for(parse(("ask_stent", 0.25)))
    tracker.latest_message["text"] = "my chest hurts and I can't breathe"
    await ActionClarify().run(dispatcher, tracker, domain)
    assert response_names(dispatcher) == ["utter_emergency"]
