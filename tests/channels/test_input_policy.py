"""The one input policy every channel applies (channels/input_policy.py)."""
import pytest

from channels.input_policy import (
    EMERGENCY_MESSAGE,
    MAX_MESSAGE_CHARS,
    MAX_SENDER_CHARS,
    Refusal,
    check_message,
    check_sender_id,
    is_control_command,
)


@pytest.mark.parametrize("sender", ["patient-1", "jane doe", "+447700900123", "123456789", "web:abc", "🙂 me"])
def test_ordinary_conversation_ids_are_accepted(sender):
    assert check_sender_id(sender) == sender


@pytest.mark.parametrize("sender, reason", [
    ("", "SenderEmpty"),
    ("   ", "SenderEmpty"),
    ("s" * (MAX_SENDER_CHARS + 1), "SenderTooLong"),
    ("abc\u202efed", "SenderInvalid"),      # right-to-left override: shows as another id
    ("pat\u200bient", "SenderInvalid"),      # zero-width space: a look-alike of "patient"
    ("a\x00b", "SenderInvalid"),
    ("a\udc00", "SenderInvalid"),
    ("a\u2028b", "SenderInvalid"),           # line separator
    ("jane\u00a0doe", "SenderInvalid"),      # no-break space: a look-alike of "jane doe"
])
def test_conversation_ids_that_could_pass_for_another_are_refused(sender, reason):
    with pytest.raises(Refusal) as refused:
        check_sender_id(sender)
    assert refused.value.reason == reason


@pytest.mark.parametrize("text", ["what happens first?", "/ask_access", "hi 🙂", "a" * MAX_MESSAGE_CHARS])
def test_ordinary_messages_pass_unchanged(text):
    assert check_message(text) == text


@pytest.mark.parametrize("text, reason, status", [
    ("", "MessageEmpty", 400),
    ("\x00\x00", "MessageEmpty", 400),
    ("\u200b \u00a0\n", "MessageEmpty", 400),
    ("hi \ud800", "MessageNotUnicode", 400),
    ("/restart", "ControlCommandRefused", 400),
    (" /session_start ", "ControlCommandRefused", 400),
    ('/back{"x": 1}', "ControlCommandRefused", 400),
    ("a" * (MAX_MESSAGE_CHARS + 1), "MessageTooLong", 413),
    ("what is a stent " * 10_000, "MessageTooLong", 413),
])
def test_refused_messages_name_the_problem(text, reason, status):
    with pytest.raises(Refusal) as refused:
        check_message(text)
    assert (refused.value.reason, refused.value.status) == (reason, status)
    assert len(refused.value.message) > 20


def test_a_long_red_flag_message_becomes_the_emergency_intent_instead_of_a_refusal():
    story = "I had the procedure last week and I have been resting at home. " * 40
    assert check_message(story + "Now my chest hurts and I can't breathe.") == EMERGENCY_MESSAGE


def test_intent_payloads_other_than_control_commands_are_not_control_commands():
    assert not is_control_command("/ask_stent")
    assert not is_control_command("/restarting")
    assert is_control_command("/restart@0.9")
