"""Quick replies for apps without buttons, and the length limits apps set."""
from typing import Any, Dict, Iterator, List, Sequence

Button = Dict[str, Any]
ELLIPSIS = "…"


def truncate(text: str, limit: int) -> str:
    """At most ``limit`` characters, ending with an ellipsis when cut."""
    text = text.strip()
    if len(text) <= limit:
        return text
    return text[: limit - len(ELLIPSIS)].rstrip() + ELLIPSIS


def fits_bytes(text: str, limit: int) -> bool:
    return len(text.encode("utf-8")) <= limit


def chunked(items: Sequence[Any], size: int) -> Iterator[List[Any]]:
    for start in range(0, len(items), size):
        yield list(items[start:start + size])


def numbered_choices(buttons: Sequence[Button], first: int = 1) -> str:
    """``1. Next step`` lines, one per button, numbered from ``first``."""
    return "\n".join(f"{number}. {button['title']}" for number, button in enumerate(buttons, start=first))


def with_numbered_choices(text: str, buttons: Sequence[Button], first: int = 1) -> str:
    """The text, then the choices on the following lines (one message)."""
    if not buttons:
        return text
    return f"{text.rstrip()}\n{numbered_choices(buttons, first)}"
