"""The assistant's intents, from domain.yml: what a message may be marked as."""
from functools import lru_cache
from pathlib import Path
from typing import Tuple

import yaml

DOMAIN = Path(__file__).resolve().parent.parent / "domain.yml"
# Rasa's own, never a training target
NOT_TRAINABLE = {"nlu_fallback"}


@lru_cache(maxsize=None)
def intents(domain: Path = DOMAIN) -> Tuple[str, ...]:
    names = yaml.safe_load(domain.read_text(encoding="utf-8")).get("intents") or []
    names = [name if isinstance(name, str) else next(iter(name)) for name in names]
    return tuple(sorted(set(names) - NOT_TRAINABLE))
