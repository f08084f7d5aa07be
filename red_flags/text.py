"""From a patient's text to the words the red-flag concepts are matched on.

Deterministic and cheap, with no model and no download, so that the NLU component,
the action server and the channels all read a message the same way:

1. ``normalise``: lower case, accents off, curly apostrophes straight, "A and E" / "A+E"
   as ``a&e``, "9-1-1" as ``911``.
2. ``tokens``: words, numbers and the punctuation that ends a sentence or a clause.
   Contractions and text-speak are spelled out ("can't", "cant", "cnt" -> "can not";
   "u" -> "you"; the list is ``spellings`` in red_flags.yml, so a clinician can add to it).
3. ``stem``: a small suffix stripper (legs -> leg, bleeding -> bleed, fainted -> faint,
   breathing / breathe -> breath) with a table of irregular forms (bled -> bleed,
   swollen -> swell). Stems need not be words: the concept forms go through the same
   function, so "my chest hurts" in the file also matches "chest hurting".
"""
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Dict, List, Mapping, Optional, Sequence, Tuple

# the end of a sentence, and the end of a clause inside one
SENTENCE_END = "."
CLAUSE_END = ","
# the stem of a year written in digits (1900 to 2099): "#year" in the content file
YEAR = "#year"

_A_AND_E = re.compile(r"\ba\s*(?:&|\+|and|n)\s*e\b")
_NINES = re.compile(r"\b(9|1)[\s.-]?(1|9)[\s.-]?(1|9|2)\b")
# a word (letters and digits, joined by ' & + or an inner hyphen), a sentence end, a clause end
_TOKEN = re.compile(r"\d+\.\d+|[a-z0-9]+(?:['&+][a-z0-9]+)*|[.!?;\n]+|[,:()\u2013\u2014]| - ")
_SENTENCE_PUNCTUATION = set(".!?;\n")

# contractions spelled out; applied before the text-speak of red_flags.yml
_CONTRACTIONS: Dict[str, Tuple[str, ...]] = {
    "can't": ("can", "not"), "cannot": ("can", "not"), "won't": ("will", "not"),
    "shan't": ("shall", "not"), "ain't": ("is", "not"), "i'm": ("i", "am"),
    "let's": ("let", "us"),
}
_SUFFIXES = (("n't", ("not",)), ("'re", ("are",)), ("'ve", ("have",)), ("'ll", ("will",)),
             ("'d", ("would",)), ("'m", ("am",)))
# "'s" is "is" after these; after a noun it is dropped ("mum's leg", "dad's collapsed")
_IS_AFTER = {"he", "she", "it", "that", "there", "what", "who", "where", "here", "this"}

_IRREGULAR: Dict[str, str] = {
    "bled": "bleed", "fell": "fall", "fallen": "fall", "swollen": "swell", "swole": "swell",
    "threw": "throw", "thrown": "throw", "spat": "spit", "woke": "wake", "woken": "wake",
    "felt": "feel", "went": "go", "gone": "go", "goes": "go", "came": "come", "lay": "lie",
    "lain": "lie", "lying": "lie", "saw": "see", "seen": "see", "broke": "break",
    "broken": "break", "froze": "freeze", "frozen": "freeze", "shook": "shake",
    "shaken": "shake", "was": "be", "were": "be", "is": "be", "am": "be", "are": "be",
    "been": "be", "being": "be", "has": "have", "had": "have", "having": "have",
    "does": "do", "did": "do", "done": "do", "doing": "do", "teeth": "tooth", "feet": "foot",
    "died": "die", "dies": "die", "dying": "die", "lost": "lose", "ate": "eat",
    "eaten": "eat", "bit": "bite", "bitten": "bite", "got": "get", "gotten": "get",
    "began": "begin", "begun": "begin", "kept": "keep", "stood": "stand", "sat": "sit",
    "spoke": "speak", "spoken": "speak", "told": "tell", "thought": "think", "said": "say",
    "made": "make", "took": "take", "taken": "take", "gave": "give", "given": "give",
    "knew": "know", "known": "know", "blew": "blow", "grew": "grow", "grown": "grow",
    "ran": "run", "children": "child", "women": "woman", "men": "man", "lips": "lip",
    "breathe": "breath", "rolls": "roll", "going": "go",
}
_DOUBLED = re.compile(r"([bdgmnprt])\1$")
_VOWEL = re.compile(r"[aeiouy]")


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """The stem of one lower-case word (see the module docstring)."""
    if word in _IRREGULAR:
        return _suffixes_off(_IRREGULAR[word])
    if word.isdigit() and len(word) == 4 and word[:2] in ("19", "20"):
        return YEAR
    if len(word) <= 3 or not word.isalpha():
        return word
    return _suffixes_off(word)


def _suffixes_off(word: str) -> str:
    if len(word) <= 3:
        return word
    base = word
    if base.endswith("ies") and len(base) > 4:
        base = base[:-3] + "y"
    elif base.endswith("s") and not base.endswith(("ss", "us", "is", "ous")):
        base = base[:-1]  # the plural or third person first: "dressings" as "dressing"
        if base in _IRREGULAR:
            base = _IRREGULAR[base]
    if base.endswith("ied") and len(base) > 4:
        base = base[:-3] + "y"
    elif base.endswith("ily") and len(base) > 5:
        base = base[:-3] + "y"
    elif base.endswith("ing") and len(base) >= 6 and _VOWEL.search(base[:-3]):
        base = _DOUBLED.sub(r"\1", base[:-3])
    elif base.endswith("eed"):
        pass
    elif base.endswith("ed") and len(base) >= 5 and _VOWEL.search(base[:-2]):
        base = _DOUBLED.sub(r"\1", base[:-2])
    elif base.endswith("ly") and len(base) >= 6:
        base = base[:-2]
    if base in _IRREGULAR and base != word:
        base = _IRREGULAR[base]
    if base.endswith("e") and len(base) > 3 and not base.endswith("ee"):
        base = base[:-1]
    return base


def normalise(text: str) -> str:
    """Lower case, accents off, plain apostrophes, A&E and 911 in one spelling each, single spaces."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(char for char in text if not unicodedata.combining(char)).lower()
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("`", "'")
    text = _A_AND_E.sub("a&e", text)
    text = _NINES.sub(lambda m: m.group(1) + m.group(2) + m.group(3), text)
    return re.sub(r"[ \t\r\f\v]+", " ", text).strip()


@dataclass(frozen=True)
class Token:
    """One word of the message (or a sentence or clause end), where it came from."""

    text: str  # the normalised word ("not" for the n't of "don't")
    stem: str  # its stem; for punctuation: SENTENCE_END or CLAUSE_END
    start: int  # character offsets in the normalised text
    end: int

    @property
    def is_word(self) -> bool:
        return self.stem not in (SENTENCE_END, CLAUSE_END)


def _spelled_out(word: str, spellings: Mapping[str, Tuple[str, ...]]) -> Tuple[str, ...]:
    if word in spellings:
        return spellings[word]
    if word in _CONTRACTIONS:
        return _CONTRACTIONS[word]
    if word.endswith("'s"):
        head = word[:-2]
        return (head, "is") if head in _IS_AFTER else (head,)
    for suffix, replacement in _SUFFIXES:
        if word.endswith(suffix) and len(word) > len(suffix):
            head = word[: -len(suffix)]
            if suffix == "n't":
                head = {"ca": "can", "wo": "will", "sha": "shall", "ai": "is"}.get(head, head)
            return (head,) + replacement
    if "'" in word:
        return tuple(part for part in word.split("'") if part)
    return (word,)


def tokens(normalised: str, spellings: Optional[Mapping[str, Tuple[str, ...]]] = None) -> List[Token]:
    """The tokens of a normalised text; ``spellings`` maps a word to the words it stands for."""
    spellings = spellings or {}
    result: List[Token] = []
    for found in _TOKEN.finditer(normalised):
        piece, start, end = found.group(), found.start(), found.end()
        if piece[0] in _SENTENCE_PUNCTUATION:
            if not result or result[-1].stem != SENTENCE_END:
                result.append(Token(piece[0], SENTENCE_END, start, end))
            continue
        if not piece[0].isalnum():
            result.append(Token(piece.strip(), CLAUSE_END, start, end))
            continue
        for word in _spelled_out(piece, spellings):
            for part in _spelled_out(word, {}) if word != piece else (word,):
                result.append(Token(part, stem(part), start, end))
    return result


def sentences(all_tokens: Sequence[Token]) -> List[List[Token]]:
    """The tokens split into sentences (sentence ends dropped, clause ends kept)."""
    result: List[List[Token]] = [[]]
    for token in all_tokens:
        if token.stem == SENTENCE_END:
            if result[-1]:
                result.append([])
        else:
            result[-1].append(token)
    return [sentence for sentence in result if sentence]
