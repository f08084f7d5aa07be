"""The input policy and rate limits in front of the non-REST channels (channels/screening.py)."""
import pytest
import yaml
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

from channels.input_policy import EMERGENCY_MESSAGE
from channels.rate_limits import RateLimit, RateLimits
from channels.screening import screened
from tests.conftest import ROOT

RESPONSES = yaml.safe_load((ROOT / "domain.yml").read_text())["responses"]


def text_of(response):
    return RESPONSES[response][0]["text"]


class Assistant:
    """What the channel hands messages on to (Rasa's handler in the real server)."""

    def __init__(self):
        self.received = []

    async def __call__(self, message):
        self.received.append(message.text)


def limits(conversation=0, client=0):
    return RateLimits(RateLimit("conversation", conversation), RateLimit("client", client))


def message(text, sender="12345"):
    return UserMessage(text, CollectingOutputChannel(), sender, input_channel="telegram")


def said(msg):
    return [m["text"] for m in msg.output_channel.messages]


async def test_an_ordinary_message_goes_on_to_the_assistant_unanswered_by_the_channel():
    assistant = Assistant()
    msg = message("what happens first?")
    await screened(assistant, limits())(msg)
    assert assistant.received == ["what happens first?"] and said(msg) == []


@pytest.mark.parametrize("text, answer", [
    ("what is a stent " * 200, "utter_message_too_long"),
    ("hi \ud800 there", "utter_message_unreadable"),
])
async def test_a_refused_message_is_answered_by_the_channel_and_never_reaches_the_assistant(text, answer):
    assistant = Assistant()
    msg = message(text)
    await screened(assistant, limits())(msg)
    assert assistant.received == [] and said(msg) == [text_of(answer)]


@pytest.mark.parametrize("text", ["", "\x00", "/restart", "\u200b"])
async def test_empty_messages_and_control_commands_are_not_processed_or_answered(text):
    assistant = Assistant()
    msg = message(text)
    await screened(assistant, limits())(msg)
    assert assistant.received == [] and said(msg) == []


async def test_a_long_red_flag_message_reaches_the_assistant_as_the_emergency_intent():
    assistant = Assistant()
    await screened(assistant, limits())(message("I was fine yesterday. " * 150 + "my leg has gone cold and blue"))
    assert assistant.received == [EMERGENCY_MESSAGE]


@pytest.mark.parametrize("sender", ["", "abc\u202e", "x" * 251])
async def test_a_conversation_id_that_breaks_the_policy_is_refused(sender):
    assistant = Assistant()
    msg = message("hello", sender=sender)
    await screened(assistant, limits())(msg)
    assert assistant.received == [] and said(msg) == []


async def test_over_the_conversation_limit_the_patient_is_told_once_and_a_red_flag_still_gets_the_emergency_answer():
    assistant = Assistant()
    handle = screened(assistant, limits(conversation=3))
    outputs = []
    for n in range(6):
        msg = message(f"question {n}")
        await handle(msg)
        outputs.append(said(msg))
    red_flag = message("my chest hurts and I can't breathe")
    await handle(red_flag)
    assert assistant.received == ["question 0", "question 1", "question 2"]
    assert outputs[3:] == [[text_of("utter_rate_limited")], [], []]
    assert said(red_flag) == [text_of("utter_emergency")]
    other = message("hello", sender="67890")
    await handle(other)
    assert assistant.received[-1] == "hello"


async def test_the_client_limit_counts_all_of_one_clients_conversations():
    assistant = Assistant()
    handle = screened(assistant, limits(client=2))
    for sender in ("a", "b", "c"):
        await handle(message("hello", sender=sender), client="192.0.2.7")
    await handle(message("hello", sender="d"), client="192.0.2.8")
    assert len(assistant.received) == 3  # a, b and d: c was the client's third
