"""The walkthrough: the six procedure steps in order, then what comes after.

This is the one place that defines the order. Navigation and content names are
both derived from it.
"""
from typing import Optional, Tuple

STEPS: Tuple[str, ...] = (
    "access",
    "venography",
    "catheter_advance",
    "clot_removal",
    "underlying_cause",
    "completion",
)

# After the last step the walkthrough goes on to what happens afterwards.
AFTERWARDS = "recovery"

POSITIONS: Tuple[str, ...] = STEPS + (AFTERWARDS,)

# Returned by ``target_position`` when "next" is asked after the last position.
END = "end"

NAVIGATION_INTENTS = ("next_step", "previous_step", "repeat", "affirm")


def step_for_intent(intent: Optional[str]) -> Optional[str]:
    """The step an ``ask_<step>`` intent asks about, or None."""
    if intent and intent.startswith("ask_") and intent[len("ask_"):] in STEPS:
        return intent[len("ask_"):]
    return None


def step_number(step: str) -> int:
    """1-based number of a step."""
    return STEPS.index(step) + 1


def _known(position: Optional[str]) -> Optional[str]:
    return position if position in POSITIONS else None


def target_position(intent: str, current: Optional[str]) -> str:
    """Where a navigation intent leads from the current position.

    With no position yet every navigation intent starts at step 1.
    """
    current = _known(current)
    if current is None:
        return STEPS[0]
    index = POSITIONS.index(current)
    if intent in ("next_step", "affirm"):
        return POSITIONS[index + 1] if index + 1 < len(POSITIONS) else END
    if intent == "previous_step":
        return POSITIONS[max(index - 1, 0)]
    if intent == "repeat":
        return current
    raise ValueError(f"not a navigation intent: {intent}")


def has_next(position: str) -> bool:
    return position in POSITIONS and POSITIONS.index(position) + 1 < len(POSITIONS)


def has_previous(position: str) -> bool:
    return position in POSITIONS and POSITIONS.index(position) > 0
