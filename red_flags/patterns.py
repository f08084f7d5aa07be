"""The little language of red_flags.yml's forms, compiled and matched.

A form is a phrase as a patient would write it, read word by word after the text has been
normalised and stemmed (red_flags.text):

- ``chest pain``: these words next to each other (any inflection: "chest pains");
- ``chest ... pain``: up to ``gap`` words in between, in this order ("my chest is really
  tight" for ``chest ... tight``);
- ``{pain}``: any entry of the word group ``pain`` (an entry may have several words);
- ``"fits"``: exactly this word, not stemmed and never corrected ("fits", not "fit").

A word of 5 letters or more that is not an English word matches a form word one typing
mistake away ("bleding", "unconcious", "siezure"); see ``Typos``.
"""
import gzip
import json
import logging
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Dict, FrozenSet, Iterable, List, Mapping, Optional, Sequence, Set, Tuple, Union

from red_flags.text import CLAUSE_END, Token, normalise, stem, tokens

logger = logging.getLogger(__name__)

GAP = "..."


class FormError(ValueError):
    """A form in the content file that cannot be read."""


@dataclass(frozen=True)
class Word:
    value: str
    exact: bool = False  # compare with the token's text, not its stem

    @property
    def key(self) -> str:
        """What a token must offer to match: its stem, or its text in quotes for an exact word."""
        return '"' + self.value + '"' if self.exact else self.value


@dataclass(frozen=True)
class Choice:
    """One place in a form: any of these word sequences."""

    options: Tuple[Tuple[Word, ...], ...]
    # the options by the key of their first word, as key sequences (built once)
    by_first: Mapping[str, Tuple[Tuple[str, ...], ...]] = field(default=None, compare=False, hash=False, repr=False)

    def __post_init__(self) -> None:
        by_first: Dict[str, List[Tuple[str, ...]]] = {}
        for option in self.options:
            by_first.setdefault(option[0].key, []).append(tuple(word.key for word in option))
        object.__setattr__(self, "by_first", {key: tuple(value) for key, value in by_first.items()})


@dataclass(frozen=True)
class Gap:
    words: int


@dataclass(frozen=True)
class ClauseEnd:
    """``$``: the end of a clause (context cues only)."""


Element = Union[Choice, Gap, ClauseEnd]

YEAR = "#year"
CLAUSE_END_MARK = "$"


@dataclass(frozen=True)
class Pattern:
    """A compiled form: its text as written and its elements."""

    text: str
    elements: Tuple[Element, ...]
    # for each place that needs a word: the keys its first word may have (a sentence without
    # one of each cannot hold the pattern), and the keys the second token may have (None: any)
    required: Tuple[FrozenSet[str], ...] = field(default=(), compare=False, hash=False, repr=False)
    second: Optional[FrozenSet[str]] = field(default=None, compare=False, hash=False, repr=False)

    def __post_init__(self) -> None:
        choices = [element for element in self.elements if isinstance(element, Choice)]
        object.__setattr__(self, "required", tuple(frozenset(choice.by_first) for choice in choices))
        object.__setattr__(self, "second", self._second_keys())

    def _second_keys(self) -> Optional[FrozenSet[str]]:
        first = self.elements[0]
        following = self.elements[1] if len(self.elements) > 1 else None
        keys: Set[str] = set()
        for option in first.options:
            if len(option) > 1:
                keys.add(option[1].key)
            elif isinstance(following, Choice):
                keys |= set(following.by_first)
            else:
                return None
        return frozenset(keys)

    def first_words(self) -> Iterable[Word]:
        first = self.elements[0]
        assert isinstance(first, Choice)
        return (option[0] for option in first.options)


def _plain_words(phrase: str, spellings: Mapping[str, Tuple[str, ...]]) -> Tuple[Word, ...]:
    return tuple(Word(token.stem) for token in tokens(normalise(phrase), spellings) if token.is_word)


def _split(form: str) -> List[str]:
    """The pieces of a form: words, "exact words", {groups} and gaps."""
    pieces, current, quoted = [], "", False
    for char in form:
        if char == '"':
            if quoted:
                pieces.append('"' + current + '"')
                current = ""
            elif current.strip():
                pieces.extend(current.split())
                current = ""
            quoted = not quoted
        elif char.isspace() and not quoted:
            if current:
                pieces.append(current)
            current = ""
        else:
            current += char
    if quoted:
        raise FormError(f"unclosed quote in form {form!r}")
    if current:
        pieces.append(current)
    return pieces


def compile_phrase(phrase: str, spellings: Mapping[str, Tuple[str, ...]]) -> Tuple[Word, ...]:
    """A group entry: plain words and "exact words", no gaps, no groups."""
    words: List[Word] = []
    for piece in _split(phrase):
        if piece.startswith('"'):
            words.append(Word(normalise(piece[1:-1]), exact=True))
        elif piece == GAP or piece.startswith("{"):
            raise FormError(f"a group entry has only words: {phrase!r}")
        else:
            words.extend(_plain_words(piece, spellings))
    if not words:
        raise FormError(f"empty phrase {phrase!r}")
    return tuple(words)


def compile_form(form: str, groups: Mapping[str, Tuple[Tuple[Word, ...], ...]],
                 spellings: Mapping[str, Tuple[str, ...]], gap: int) -> Pattern:
    elements: List[Element] = []
    for piece in _split(form):
        if piece == GAP:
            if not elements or isinstance(elements[-1], Gap):
                raise FormError(f"a form starts with a word and has no two gaps in a row: {form!r}")
            elements.append(Gap(gap))
        elif piece.startswith("{") and piece.endswith("}"):
            name = piece[1:-1]
            if name not in groups:
                raise FormError(f"unknown word group {{{name}}} in form {form!r}")
            elements.append(Choice(groups[name]))
        elif piece.startswith('"'):
            elements.append(Choice(((Word(normalise(piece[1:-1]), exact=True),),)))
        elif piece == YEAR:
            elements.append(Choice(((Word(YEAR),),)))
        elif piece == CLAUSE_END_MARK:
            if not elements:
                raise FormError(f"a form starts with a word: {form!r}")
            elements.append(ClauseEnd())
        else:
            for word in _plain_words(piece, spellings):
                elements.append(Choice(((word,),)))
    if not elements or isinstance(elements[-1], Gap) or not isinstance(elements[0], Choice):
        raise FormError(f"a form starts and ends with a word: {form!r}")
    return Pattern(form, tuple(elements))


# --- typing mistakes -------------------------------------------------------------------

def _damerau_at_most_one(a: str, b: str) -> bool:
    """True when a and b differ by at most one insertion, deletion, substitution or swap."""
    if a == b:
        return True
    la, lb = len(a), len(b)
    if abs(la - lb) > 1:
        return False
    if la == lb:
        diffs = [i for i in range(la) if a[i] != b[i]]
        if len(diffs) == 1:
            return True
        return (len(diffs) == 2 and diffs[1] == diffs[0] + 1
                and a[diffs[0]] == b[diffs[1]] and a[diffs[1]] == b[diffs[0]])
    if la > lb:
        a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    return a[i:] == b[i + 1:]


def _deletions(word: str) -> Set[str]:
    return {word[:i] + word[i + 1:] for i in range(len(word))}


def _inflections(word: str) -> Set[str]:
    """Spellings a stem is likely written in, to compare a typing mistake with."""
    forms = {word, word + "s", word + "es", word + "ed", word + "d", word + "ing", word + "e",
             word + "ly", word + "y", word + "ness"}
    if word.endswith("e"):
        forms |= {word[:-1] + "ing"}
    if len(word) > 2 and word[-1] in "bdgmnprt" and word[-2] in "aeiou":
        forms |= {word + word[-1] + "ing", word + word[-1] + "ed"}
    if word.endswith("y"):
        forms |= {word[:-1] + "ies", word[:-1] + "ied", word[:-1] + "iness"}
    return forms


# Closed-class words (pronouns, determiners, prepositions, conjunctions, auxiliaries) that
# the word lists below leave out: never taken for typing mistakes either.
_FUNCTION_WORDS = frozenset("""
a about above across after again against all almost along already also although always am among an and
another any anybody anyone anything anyway anywhere are around as at away be because been before behind
being below beside besides between beyond both but by can cannot could did do does doing done down during
each either else enough even ever every everybody everyone everything everywhere few for from further had
has have having he her here hers herself him himself his how however i if in inside into is it its itself
just least less many me might mine more most much must my myself near neither never no nobody none nor not
nothing now nowhere of off often on once one only onto or other others our ours ourselves out outside over
own per perhaps quite rather same several shall she should since so some somebody someone something
sometimes somewhere still such than that the their theirs them themselves then there these they this those
though through throughout till to together too toward towards under unless until up upon us very via was
we were what whatever when whenever where whereas wherever whether which while who whoever whole whom whose
why will with within without would yes yet you your yours yourself yourselves
""".split())


@lru_cache(maxsize=1)
def english_words() -> FrozenSet[str]:
    """Words that are never taken for a typing mistake ("paint" is not "faint").

    The English word lists of spaCy's lookup lemmatizer (spacy-lookups-data, already
    installed for the NLU pipeline: the lemma table and the WordNet index, about 126,000
    word forms), and the closed-class words above. Without the package typing mistakes
    are matched more widely, never less.
    """
    words: Set[str] = set(_FUNCTION_WORDS)
    try:
        from importlib import resources

        data = resources.files("spacy_lookups_data").joinpath("data")
        with data.joinpath("en_lemma_lookup.json.gz").open("rb") as raw:
            table = json.load(gzip.open(raw))
        words |= set(table) | set(table.values())
        for name in ("en_lemma_index.json.gz", "en_lemma_exc.json.gz"):
            with data.joinpath(name).open("rb") as raw:
                for entries in json.load(gzip.open(raw)).values():
                    words |= set(entries)
    except Exception as error:  # pragma: no cover - the package is in requirements.lock
        logger.warning(f"English word list not available ({error}); typing mistakes matched more widely.")
    return frozenset(words)


class Typos:
    """Finds the form words a mistyped word stands for.

    A word is compared only if it has ``min_length`` letters or more and is not an English
    word (``english_words``) or a form word itself; it matches a form word that is one
    insertion, deletion, substitution or swap of two letters away from one of that word's
    usual spellings (stem, +s, +ed, +ing, ...) or from its stem.
    """

    def __init__(self, stems: Iterable[str], min_length: int = 5, known: Optional[FrozenSet[str]] = None) -> None:
        self.min_length = min_length
        self._known = known
        self.stems = frozenset(stem_ for stem_ in stems if stem_.isalpha())
        self._surfaces: Dict[str, Set[str]] = {}
        for stem_ in self.stems:
            for surface in _inflections(stem_):
                if len(surface) >= min_length - 1:
                    self._surfaces.setdefault(surface, set()).add(stem_)
        self._by_deletion: Dict[str, Set[str]] = {}
        for surface in self._surfaces:
            for key in _deletions(surface) | {surface}:
                self._by_deletion.setdefault(key, set()).add(surface)
        self._cache: Dict[str, FrozenSet[str]] = {}

    @property
    def known(self) -> FrozenSet[str]:
        if self._known is None:
            self._known = english_words()
        return self._known

    def corrections(self, word: str, word_stem: str) -> FrozenSet[str]:
        """The form stems this word may be a mistyping of (empty for most words)."""
        if len(word) < self.min_length or len(word) > 30 or not word.isalpha() or word_stem in self.stems:
            return frozenset()
        cached = self._cache.get(word)
        if cached is not None:
            return cached
        found: Set[str] = set()
        if word not in self.known and word not in self._surfaces:
            candidates: Set[str] = set()
            for key in _deletions(word) | {word}:
                candidates |= self._by_deletion.get(key, set())
            for surface in candidates:
                if _damerau_at_most_one(word, surface):
                    found |= self._surfaces[surface]
        result = frozenset(found)
        if len(self._cache) < 100_000:
            self._cache[word] = result
        return result


# --- matching ----------------------------------------------------------------------------

@dataclass(frozen=True)
class Span:
    """Where a pattern was found in a sentence: token positions [start, end) and its words."""

    start: int
    end: int
    words: FrozenSet[int]  # positions of the tokens that matched the pattern's words


class Sentence:
    """One sentence's tokens, with the keys each token may match (typos included).

    A token's keys are its stem, the stems of the form words it may be a mistyping of, and
    its text in quotes (for exact words), less the ones an ordinary sense took away
    (``take_away``).
    """

    def __init__(self, sentence_tokens: Sequence[Token], typos: Optional[Typos]) -> None:
        self.tokens = list(sentence_tokens)
        self.keys: List[FrozenSet[str]] = []
        for token in self.tokens:
            if not token.is_word:
                self.keys.append(frozenset())
                continue
            extra = typos.corrections(token.text, token.stem) if typos else frozenset()
            self.keys.append(frozenset({token.stem, '"' + token.text + '"'}) | extra)
        # positions of the words that end a clause ("but", ...): set by the caller
        self.breaks: Set[int] = set()

    def __len__(self) -> int:
        return len(self.tokens)

    def text(self) -> str:
        return " ".join(token.text for token in self.tokens)

    def take_away(self, position: int, keys: Iterable[str]) -> None:
        """This token does not stand for these keys here (an ordinary sense)."""
        self.keys[position] = self.keys[position] - frozenset(keys)

    def find(self, pattern: Pattern, start: int) -> Optional[Span]:
        """The shortest match of the pattern that starts at ``start``."""
        return self._match(pattern.elements, 0, start, start, frozenset())

    def _match(self, elements: Tuple[Element, ...], index: int, position: int, start: int,
               matched: FrozenSet[int]) -> Optional[Span]:
        if index == len(elements):
            return Span(start, position, matched)
        element = elements[index]
        size = len(self.tokens)
        if isinstance(element, Choice):
            if position >= size:
                return None
            keys = self.keys
            for key in keys[position]:
                for option in element.by_first.get(key, ()):
                    after = position + 1
                    for following in option[1:]:
                        if after >= size or following not in keys[after]:
                            break
                        after += 1
                    else:
                        found = self._match(elements, index + 1, after, start,
                                            matched | frozenset(range(position, after)))
                        if found is not None:
                            return found
            return None
        if isinstance(element, ClauseEnd):
            if position == size or not self.tokens[position].is_word or position in self.breaks:
                return self._match(elements, index + 1, position, start, matched)
            return None
        skipped, cursor = 0, position  # a gap
        while cursor <= size:
            found = self._match(elements, index + 1, cursor, start, matched)
            if found is not None:
                return found
            if cursor == size:
                return None
            if self.tokens[cursor].is_word:
                skipped += 1
                if skipped > element.words:
                    return None
            cursor += 1
        return None


class PatternIndex:
    """Patterns looked up by the stem (or exact word) they start with."""

    def __init__(self, patterns: Iterable[Tuple[object, Pattern]]) -> None:
        self.by_key: Dict[str, List[Tuple[object, Pattern]]] = {}
        for owner, pattern in patterns:
            for word in set(pattern.first_words()):
                self.by_key.setdefault(word.key, []).append((owner, pattern))

    def find_all(self, sentence: Sentence) -> List[Tuple[object, Pattern, Span]]:
        """Every (owner, pattern, span): for each pattern and start, the shortest match.

        Only patterns that can be in this sentence are tried: each of their places needs a
        word the sentence has, and the token after the first must fit the second place.
        """
        found = []
        present: Set[str] = set().union(*sentence.keys) if sentence.keys else set()
        here: Dict[str, List[Tuple[object, Pattern]]] = {}
        for key in present:
            viable = [(owner, pattern) for owner, pattern in self.by_key.get(key, ())
                      if all(required & present for required in pattern.required)]
            if viable:
                here[key] = viable
        if not here:
            return found
        keys_at = sentence.keys
        last = len(keys_at) - 1
        for position, keys in enumerate(keys_at):
            next_keys = keys_at[position + 1] if position < last else frozenset()
            for key in keys:
                for owner, pattern in here.get(key, ()):
                    if pattern.second is not None and pattern.second.isdisjoint(next_keys):
                        continue
                    span = sentence.find(pattern, position)
                    if span is not None:
                        found.append((owner, pattern, span))
        return found


def stems_of(patterns: Iterable[Pattern]) -> Set[str]:
    """Every stemmed word in these patterns (what typing mistakes are compared with)."""
    result: Set[str] = set()
    for pattern in patterns:
        for element in pattern.elements:
            if isinstance(element, Choice):
                for option in element.options:
                    result |= {word.value for word in option if not word.exact}
    return result


__all__ = ["CLAUSE_END", "FormError", "Pattern", "PatternIndex", "Sentence", "Span", "Typos",
           "compile_form", "compile_phrase", "english_words", "stem", "stems_of"]
