"""channels/webhooks.py: what the messaging webhooks share, a body that is JSON and any JSON either read or the wrong shape."""
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from channels.facebook import messenger_texts
from channels.telegram import incoming_text
from channels.webhooks import WrongShape, parsed_json

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(
        st.sampled_from(["update_id", "message", "callback_query", "chat", "id", "type", "text", "data",
                         "entry", "messaging", "sender", "postback", "payload", "quick_reply", "is_echo",
                         "edited_message", "x"]), children, max_size=5),
    max_leaves=30)


@settings(max_examples=500, derandomize=True, database=None, deadline=None)
@given(JSON_VALUES)
def test_any_json_is_an_update_or_the_wrong_shape_never_an_error(value):
    for check in (incoming_text, messenger_texts):
        try:
            check(value)
        except WrongShape:
            pass


@pytest.mark.parametrize("raw, reason", [
    (b"", "BodyNotJson"), (b"{not json", "BodyNotJson"), (b'"\xff"', "BodyNotUnicode"),
    (b"[" * 100_000, "BodyNotJson"),
], ids=["empty", "not JSON", "not UTF-8", "nested too deep"])
def test_bodies_that_are_not_json(raw, reason):
    with pytest.raises(WrongShape) as wrong:
        parsed_json(raw)
    assert wrong.value.reason == reason


def test_json_bodies_are_parsed():
    assert parsed_json(json.dumps({"update_id": 1}).encode()) == {"update_id": 1}
