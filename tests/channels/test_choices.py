"""channels/choices.py: a reply that names a choice ("1", "Next step") is the payload offered to that sender."""
from channels.choices import ChoiceMemory
from tests.channels.helpers import STEP_BUTTONS


def test_a_number_is_the_payload_offered_last_to_that_sender():
    memory = ChoiceMemory()
    memory.offer("+1555", STEP_BUTTONS)
    assert memory.resolve("+1555", "1") == "/next_step"
    assert memory.resolve("+1555", " 2. ") == "/previous_step"
    assert memory.resolve("+1555", "3)") == "/help"
    assert memory.resolve("+1555", "4") == "4"  # not offered: left to the NLU
    assert memory.resolve("+1999", "1") == "1"  # another sender was offered nothing


def test_a_label_is_understood_whatever_the_case():
    memory = ChoiceMemory()
    memory.offer("a", STEP_BUTTONS)
    assert memory.resolve("a", "previous STEP!") == "/previous_step"
    assert memory.resolve("a", "next") == "next"  # free text goes to the NLU, which knows "next"
    assert memory.resolve("a", "what is a stent?") == "what is a stent?"


def test_a_new_turn_forgets_the_old_choices():
    memory = ChoiceMemory()
    memory.offer("a", STEP_BUTTONS)
    memory.start_turn("a")
    assert memory.resolve("a", "1") == "1"


def test_numbers_continue_across_messages_of_one_turn():
    memory = ChoiceMemory()
    assert memory.offer("a", STEP_BUTTONS[:2]) == 1
    assert memory.offer("a", [{"title": "Stents", "payload": "/ask_stent"}]) == 3
    assert memory.resolve("a", "3") == "/ask_stent"


def test_memory_is_bounded():
    memory = ChoiceMemory(max_senders=2)
    for sender in ("a", "b", "c"):
        memory.offer(sender, STEP_BUTTONS)
    assert memory.resolve("a", "1") == "1"
    assert memory.resolve("c", "1") == "/next_step"


def test_sender_ids_may_be_numbers():
    memory = ChoiceMemory()
    memory.offer(42, STEP_BUTTONS)
    assert memory.resolve("42", "1") == "/next_step"
