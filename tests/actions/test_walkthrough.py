import pytest

from actions import walkthrough
from actions.walkthrough import END, STEPS, target_position


def test_six_steps_then_afterwards():
    assert len(STEPS) == 6
    assert walkthrough.POSITIONS == STEPS + ("recovery",)


@pytest.mark.parametrize("intent", ["next_step", "previous_step", "repeat", "affirm"])
@pytest.mark.parametrize("current", [None, "", "not_a_step"])
def test_without_a_position_everything_starts_at_step_one(intent, current):
    assert target_position(intent, current) == "access"


@pytest.mark.parametrize("index", range(len(STEPS) - 1))
def test_next_after_step_k_is_step_k_plus_one(index):
    assert target_position("next_step", STEPS[index]) == STEPS[index + 1]
    assert target_position("affirm", STEPS[index]) == STEPS[index + 1]


def test_next_after_step_six_is_recovery_then_the_end():
    assert target_position("next_step", "completion") == "recovery"
    assert target_position("next_step", "recovery") == END


@pytest.mark.parametrize("index", range(1, len(STEPS)))
def test_previous_goes_back_one_step(index):
    assert target_position("previous_step", STEPS[index]) == STEPS[index - 1]


def test_previous_stays_at_step_one_and_returns_from_recovery():
    assert target_position("previous_step", "access") == "access"
    assert target_position("previous_step", "recovery") == "completion"


@pytest.mark.parametrize("position", walkthrough.POSITIONS)
def test_repeat_stays(position):
    assert target_position("repeat", position) == position


def test_an_unknown_intent_is_an_error():
    with pytest.raises(ValueError):
        target_position("greet", "access")


@pytest.mark.parametrize("number, step", enumerate(STEPS, start=1))
def test_step_for_intent_and_number(number, step):
    assert walkthrough.step_for_intent(f"ask_{step}") == step
    assert walkthrough.step_number(step) == number


@pytest.mark.parametrize("intent", [None, "ask_stent", "next_step", "access"])
def test_other_intents_name_no_step(intent):
    assert walkthrough.step_for_intent(intent) is None
