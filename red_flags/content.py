"""red_flags.yml read into concepts, ordinary senses and context rules, checked as it loads.

A mistake in the file (an unknown group, a concept without forms or exemplars, a rule of
an unknown kind) stops loading with a ``ContentError`` that names the place: the safety
net never runs on half a file.
"""
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, FrozenSet, List, Mapping, Optional, Sequence, Tuple

import yaml

from red_flags.patterns import FormError, Pattern, Word, compile_form, compile_phrase
from red_flags.text import normalise, stem, tokens

CONTENT_FILE = Path(__file__).parent / "red_flags.yml"
FORM_AND = " & "
RULE_KINDS = ("negation", "before", "frame", "anywhere", "after")
# names that `unless` may use for the lists at the top of `context`
UNLESS_LISTS = ("now", "right_before", "intensity")


class ContentError(ValueError):
    """red_flags.yml cannot be used as it is."""


@dataclass(frozen=True)
class Form:
    """A concept's form: one pattern, or several joined by ``&`` (all in the message)."""

    text: str
    parts: Tuple[Pattern, ...]


@dataclass(frozen=True)
class Concept:
    name: str
    description: str
    forms: Tuple[Form, ...]
    exemplars: Tuple[str, ...]


@dataclass(frozen=True)
class OrdinarySense:
    stems: FrozenSet[str]  # the words (stemmed) that lose their symptom sense in the phrases
    exact: FrozenSet[str]  # the same for "exact" words
    phrases: Tuple[Pattern, ...]
    explanation: str


@dataclass(frozen=True)
class Rule:
    name: str
    kind: str
    explanation: str
    cues: Tuple[Pattern, ...]
    between: FrozenSet[str] = frozenset()
    max_between: Optional[int] = None
    max_distance: Optional[int] = None
    after: FrozenSet[str] = frozenset()
    not_after: FrozenSet[str] = frozenset()
    not_before: FrozenSet[str] = frozenset()
    starts: FrozenSet[str] = frozenset()
    unless_lists: Tuple[str, ...] = ()
    unless: Tuple[Pattern, ...] = ()
    perfect_tense_is_a_fact: bool = False
    at_clause_start: Optional[int] = None
    list_continuation: bool = False


@dataclass(frozen=True)
class Context:
    clause_breaks: FrozenSet[str]
    now: Tuple[Pattern, ...]
    right_before: FrozenSet[str]
    intensity: Tuple[Pattern, ...]
    list_continues: Tuple[Pattern, ...]
    rules: Tuple[Rule, ...]


@dataclass(frozen=True)
class Content:
    gap: int
    typo_min_length: int
    spellings: Mapping[str, Tuple[str, ...]]
    concepts: Tuple[Concept, ...]
    ordinary: Tuple[OrdinarySense, ...]
    context: Context
    groups: Mapping[str, Tuple[Tuple[Word, ...], ...]] = field(default_factory=dict)
    # sentences close in topic to a red flag that are not one (the semantic check's anchors)
    not_emergencies: Tuple[str, ...] = ()

    def concept(self, name: str) -> Concept:
        return next(concept for concept in self.concepts if concept.name == name)


def _list(value: Any, where: str) -> List[Any]:
    if not isinstance(value, list) or not value:
        raise ContentError(f"{where}: expected a non-empty list")
    return value


def _text(value: Any, where: str) -> str:
    if isinstance(value, bool):
        raise ContentError(f'{where}: YAML read a word as {value} (write "no", "yes", "on" and "off" in quotes)')
    if not isinstance(value, (str, int)) or not str(value).strip():
        raise ContentError(f"{where}: expected text")
    return str(value)


def _stems(words: Sequence[Any], spellings: Mapping[str, Tuple[str, ...]], where: str) -> FrozenSet[str]:
    result = set()
    for word in words:
        for token in tokens(normalise(_text(word, where)), spellings):
            if token.is_word:
                result.add(token.stem)
    return frozenset(result)


def _groups(raw: Mapping[str, Any], spellings: Mapping[str, Tuple[str, ...]],
            where: str) -> Dict[str, Tuple[Tuple[Word, ...], ...]]:
    groups = {}
    for name, entries in (raw or {}).items():
        try:
            groups[name] = tuple(compile_phrase(_text(entry, f"{where}.{name}"), spellings)
                                 for entry in _list(entries, f"{where}.{name}"))
        except FormError as error:
            raise ContentError(f"{where}.{name}: {error}") from None
    return groups


def _patterns(items: Sequence[Any], groups, spellings, gap: int, where: str) -> Tuple[Pattern, ...]:
    result = []
    for item in items:
        try:
            result.append(compile_form(_text(item, where), groups, spellings, gap))
        except FormError as error:
            raise ContentError(f"{where}: {error}") from None
    return tuple(result)


def _spellings(raw: Mapping[str, Any]) -> Dict[str, Tuple[str, ...]]:
    spellings = {}
    for word, meaning in (raw or {}).items():
        spellings[normalise(str(word))] = tuple(normalise(_text(meaning, f"spellings.{word}")).split())
    return spellings


def _concept(raw: Mapping[str, Any], groups, spellings, gap: int, index: int) -> Concept:
    where = f"concepts[{index}]"
    name = _text(raw.get("name"), f"{where}.name")
    where = f"concept {name!r}"
    forms = []
    for form in _list(raw.get("forms"), f"{where}.forms"):
        text = _text(form, f"{where}.forms")
        parts = _patterns(text.split(FORM_AND), groups, spellings, gap, f"{where}.forms")
        forms.append(Form(text, parts))
    exemplars = tuple(_text(example, f"{where}.exemplars")
                      for example in _list(raw.get("exemplars"), f"{where}.exemplars"))
    return Concept(name, _text(raw.get("description"), f"{where}.description").strip(), tuple(forms), exemplars)


def _unless(entries: Sequence[Any], groups, spellings, gap: int, where: str):
    lists, phrases = [], []
    for entry in entries or ():
        if entry in UNLESS_LISTS:
            lists.append(entry)
        else:
            phrases.append(entry)
    return tuple(lists), _patterns(phrases, groups, spellings, gap, where)


def _rule(raw: Mapping[str, Any], groups, spellings, gap: int, index: int) -> Rule:
    where = f"context.rules[{index}]"
    name = _text(raw.get("name"), f"{where}.name")
    where = f"context rule {name!r}"
    kind = raw.get("kind")
    if kind not in RULE_KINDS:
        raise ContentError(f"{where}: kind must be one of {', '.join(RULE_KINDS)}, not {kind!r}")
    rule_groups = dict(groups)
    rule_groups.update(_groups(raw.get("groups") or {}, spellings, f"{where}.groups"))
    unless_lists, unless = _unless(raw.get("unless"), rule_groups, spellings, gap, f"{where}.unless")
    return Rule(
        name=name, kind=kind,
        explanation=_text(raw.get("explanation"), f"{where}.explanation").strip(),
        cues=_patterns(_list(raw.get("cues"), f"{where}.cues"), rule_groups, spellings, gap, f"{where}.cues"),
        between=_stems(raw.get("between") or [], spellings, f"{where}.between"),
        max_between=raw.get("max_between"),
        max_distance=raw.get("max_distance"),
        after=_stems(raw.get("after") or [], spellings, f"{where}.after"),
        not_after=_stems(raw.get("not_after") or [], spellings, f"{where}.not_after"),
        not_before=_stems(raw.get("not_before") or [], spellings, f"{where}.not_before"),
        starts=_stems(raw.get("starts") or [], spellings, f"{where}.starts"),
        unless_lists=unless_lists, unless=unless,
        perfect_tense_is_a_fact=bool(raw.get("perfect_tense_is_a_fact")),
        at_clause_start=raw.get("at_clause_start"),
        list_continuation=bool(raw.get("list_continuation")),
    )


def _ordinary(raw: Mapping[str, Any], groups, spellings, gap: int, index: int) -> OrdinarySense:
    where = f"ordinary_senses[{index}]"
    words = _list(raw.get("words"), f"{where}.words")
    exact = frozenset(normalise(word) for word in words if str(word).startswith('"'))
    plain = [word for word in words if not str(word).startswith('"')]
    return OrdinarySense(
        stems=_stems(plain, spellings, where) if plain else frozenset(),
        exact=exact,
        phrases=_patterns(_list(raw.get("phrases"), f"{where}.phrases"), groups, spellings, gap, f"{where}.phrases"),
        explanation=_text(raw.get("explanation"), f"{where}.explanation").strip(),
    )


def load(path: Path = CONTENT_FILE) -> Content:
    """The content file, compiled; ContentError if anything in it cannot be used."""
    try:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise ContentError(f"{path}: {error}") from None
    if not isinstance(raw, dict) or raw.get("version") != 1:
        raise ContentError(f"{path}: expected a mapping with version: 1")
    settings = raw.get("settings") or {}
    gap = int(settings.get("gap", 5))
    typo_min_length = int(settings.get("typo_min_length", 5))
    spellings = _spellings(raw.get("spellings"))
    groups = _groups(raw.get("groups"), spellings, "groups")
    concepts = tuple(_concept(item, groups, spellings, gap, index)
                     for index, item in enumerate(_list(raw.get("concepts"), "concepts")))
    names = [concept.name for concept in concepts]
    if len(set(names)) != len(names):
        raise ContentError("concepts: two concepts have the same name")
    ordinary_groups = dict(groups)
    ordinary_groups.update(_groups(raw.get("ordinary_groups") or {}, spellings, "ordinary_groups"))
    ordinary = tuple(_ordinary(item, ordinary_groups, spellings, gap, index)
                     for index, item in enumerate(raw.get("ordinary_senses") or []))
    context_raw = raw.get("context") or {}
    context = Context(
        clause_breaks=_stems(context_raw.get("clause_breaks") or [], spellings, "context.clause_breaks"),
        now=_patterns(_list(context_raw.get("now"), "context.now"), groups, spellings, gap, "context.now"),
        right_before=_stems(context_raw.get("right_before") or [], spellings, "context.right_before"),
        intensity=_patterns(context_raw.get("intensity") or [], groups, spellings, gap, "context.intensity"),
        list_continues=_patterns(context_raw.get("list_continues") or [], groups, spellings, gap,
                                 "context.list_continues"),
        rules=tuple(_rule(item, groups, spellings, gap, index)
                    for index, item in enumerate(_list(context_raw.get("rules"), "context.rules"))),
    )
    not_emergencies = tuple(_text(text, "not_emergencies") for text in raw.get("not_emergencies") or [])
    return Content(gap, typo_min_length, spellings, concepts, ordinary, context, groups, not_emergencies)


__all__ = ["CONTENT_FILE", "Concept", "Content", "ContentError", "Context", "Form", "OrdinarySense",
           "Rule", "load", "stem"]
