"""Every environment variable the assistant reads, declared once in settings/table.yml.

    from settings import value
    value("RATE_LIMIT_CLIENT_PER_MINUTE")  # the environment's value, stripped, or the table's default

`value` raises UnknownSetting for a name that is not in the table, so a variable cannot be read
without being declared (and documented: the docs tables are written from the table).
"""
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Dict, Mapping, Optional, Tuple, Union

import yaml

TABLE = Path(__file__).with_name("table.yml")


class UnknownSetting(KeyError):
    """A variable read by the code but not declared in settings/table.yml."""


@dataclass(frozen=True)
class Setting:
    name: str
    table: str
    page: str
    meaning: str
    default: str = ""
    default_note: str = ""
    secret: bool = False
    make: Union[bool, str] = False

    @property
    def make_default(self) -> Optional[str]:
        """The Makefile's default (a make expression), or None when the Makefile sets none."""
        if self.make is True:
            return self.default
        return self.make or None


def load(path: Path = TABLE) -> Tuple[Setting, ...]:
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    settings = []
    for table, section in document.items():
        for name, fields in section["settings"].items():
            fields = {key: (str(field) if key == "default" else field) for key, field in fields.items()}
            settings.append(Setting(name=name, table=table, page=section["page"], **fields))
    return tuple(settings)


@lru_cache(maxsize=None)
def by_name() -> Dict[str, Setting]:
    return {setting.name: setting for setting in load()}


def setting(name: str) -> Setting:
    try:
        return by_name()[name]
    except KeyError:
        raise UnknownSetting(f"{name} is not declared in settings/table.yml") from None


def default(name: str) -> str:
    return setting(name).default


def value(name: str, environ: Optional[Mapping[str, str]] = None) -> str:
    """The variable's value in environ (os.environ by default), stripped; its default when unset or empty."""
    declared = setting(name)
    environ = os.environ if environ is None else environ
    return (environ.get(name) or "").strip() or declared.default


def makefile_defaults() -> Dict[str, str]:
    """What the Makefile exports when unset (settings.mk), for processes started without make.

    These are the variables endpoints.yml reads (Rasa refuses an unset ${VARIABLE}), and the
    other literal defaults of make targets (RETENTION_DAYS, ACTION_HOST).
    """
    return {s.name: s.default for s in by_name().values() if s.make is True}
