"""channels/buttons.py: numbered choices in the message text, titles cut to a limit, buttons in chunks."""
from channels.buttons import chunked, numbered_choices, truncate, with_numbered_choices
from tests.channels.helpers import STEP_BUTTONS


def test_numbered_choices_follow_the_text_in_one_message():
    text = with_numbered_choices("Please note\nNot medical advice.", STEP_BUTTONS[:2])
    assert text == "Please note\nNot medical advice.\n1. Next step\n2. Previous step"
    assert "\n\n" not in text  # Rasa's connectors send each paragraph as its own message


def test_numbering_can_continue():
    assert numbered_choices(STEP_BUTTONS[:1], first=3) == "3. Next step"
    assert with_numbered_choices("Hi", []) == "Hi"


def test_truncate_keeps_the_limit():
    assert truncate("Contact my care team", 20) == "Contact my care team"
    cut = truncate("Contact my care team now please", 20)
    assert len(cut) <= 20 and cut.endswith("…") and cut.startswith("Contact my care")


def test_chunked():
    assert list(chunked([1, 2, 3, 4, 5, 6, 7], 3)) == [[1, 2, 3], [4, 5, 6], [7]]
