"""Patterns for personal identifiers that patients may type, and their redaction.

Pure Python, no Rasa: used by the tracker store (``privacy/tracker_store.py``)
before anything is written, and by the first NLU component
(``components/redact_identifiers.py``). Each identifier becomes a placeholder in
brackets, so the stored text still reads as a sentence: "my number is [phone],
what happens first?".

  [email]     e-mail addresses, also spelled out: "jane dot doe at example dot com",
              "jane(at)example(dot)com"
  [postcode]  UK postcodes ("SW1A 1AA", "ec1a1bb"); US ZIP codes where they look like
              one: ZIP+4, or five digits after a state abbreviation ("NY 10001") or "zip"
  [date]      dates: 12/03/1980, 1980-03-12, 12th of March 1980, March 12, 1980
  [year]      a year after a birth cue: "born in 1980", "year of birth 1980", "DOB 1980"
  [address]   house number + street name + street type: "12 Acacia Avenue",
              "221B Baker Street", "1600 Pennsylvania Ave NW", "Flat 3, 12 High St"
  [phone]     seven or more digits, however grouped
  [number]    record-number-like: letters then six or more digits, or six or more digits
  [name]      the words after "my name is", "my name's", "I'm called", "I am called",
              "name:", "call me" and "this is" (for "this is", capitalised words only),
              unless they are ordinary words (``privacy.words``): "call me back",
              "I'm called in at 8", "This is Normal" are left alone

Short numbers are kept: "step 3", and the emergency numbers the red-flag
patterns look for (911, 999, 112), are not personal data; so are ages ("I am 45")
and years that follow no birth cue.

What no pattern can catch (names without a cue phrase, free-form addresses, the
health details that are the conversation itself) is listed in docs/privacy.md.
"""
import re
from typing import Callable, Match, Pattern, Tuple, Union

from privacy.words import NOT_A_NAME_AFTER_STRONG_CUE, NOT_A_STREET_NAME, ORDINARY_WORDS, TITLES

_MONTH = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|jun(?:e)?|jul(?:y)?|aug(?:ust)?"
          r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)")

# --- spelled-out e-mail addresses: "at" / "dot" as words, or in brackets
_AT = r"(?:\s*[(\[{<]\s*at\s*[)\]}>]\s*|\s+at\s+|\s*@\s*)"
_DOT = r"(?:\s*[(\[{<]\s*dot\s*[)\]}>]\s*|\s+dot\s+|\.)"
# the address must end in a top-level domain, so "look at the leg dot" is not one
_TLD = (r"(?:com|org|net|edu|gov|mil|int|info|biz|io|me|uk|us|ie|ca|au|nz|de|fr|es|it|nl|be|ch|eu"
        r"|nhs|ac|co|scot|wales|london)")
# (at most four dots on each side: keeps the search linear on "a.a.a.a...")
_SPELLED_EMAIL = (r"\b[\w+-]+(?:" + _DOT + r"[\w+-]+){0,4}" + _AT
                  + r"[\w-]+(?:" + _DOT + r"[\w-]+){0,3}" + _DOT + _TLD + r"\b")

# --- postcodes
# outward code (A9, A99, AA9, AA99, A9A, AA9A), optional space, inward code (9AA, letters never C I K M O V);
# not "b12 2nd" (an ordinal)
_UK_POSTCODE = r"\b[a-z]{1,2}\d[a-z\d]?\s?\d(?!(?:st|nd|rd|th)\b)[abd-hjlnp-uw-z]{2}\b"
_US_STATES = ("AL|AK|AZ|AR|CA|CO|CT|DE|DC|FL|GA|HI|ID|IL|IN|IA|KS|KY|LA|ME|MD|MA|MI|MN|MS|MO|MT|NE|NV|NH"
              "|NJ|NM|NY|NC|ND|OH|OK|OR|PA|RI|SC|SD|TN|TX|UT|VT|VA|WA|WV|WI|WY|PR|GU|VI")
_ZIP_AFTER_CUE = (r"(\b(?-i:" + _US_STATES + r")[,.]?\s+|\b(?:zip|zip\s*code|zipcode|postal\s*code|post\s*code)"
                  r"\b(?:\s+(?:is|was))?[\s:#-]*)\d{5}(?:-\d{4})?\b")
_ZIP_PLUS_4 = r"\b\d{5}-\d{4}\b"

# --- year of birth: the cue stays, the year goes ("born in [year]")
_YEAR_OF_BIRTH = (r"(\b(?:born(?:\s+in)?(?:\s+the\s+year)?|year\s+of\s+birth|birth\s*year|date\s+of\s+birth"
                  r"|d\.?o\.?b\b\.?)(?:\s*(?:is|was|[:=-]))?\s*)(?:(?:in\s+)?" + _MONTH + r"\.?,?\s+)?"
                  r"(?:(?:19|20)\d{2}|['’]\d{2})\b")

# --- street addresses
_DIRECTION = r"(?-i:N|S|E|W|NE|NW|SE|SW)"
# street types that are also ordinary words ("2 clots close to the knee", "a 3 hour drive"): the street
# name before them must be capitalised
_AMBIGUOUS_STREET_TYPES = frozenset(
    "close drive dr way walk place pl court ct park hill row square sq green grove view rise circle cir "
    "plaza end gate yard wharf".split())
_STREET_TYPES = (r"street|st|road|rd|avenue|ave|av|lane|ln|boulevard|blvd|crescent|cres|terrace|terr|tce"
                 r"|gardens|gdns|mews|parkway|pkwy|highway|hwy|broadway|" + "|".join(sorted(_AMBIGUOUS_STREET_TYPES)))
_ADDRESS = (r"(?:\b(?:flat|apt|apartment|unit|suite)\.?\s*#?\s*\d{1,4}[a-z]?,?\s+)?"   # Flat 3,
            r"\b\d{1,5}[a-z]?(?:\s*-\s*\d{1,5}[a-z]?)?,?\s+"                           # 12, 221B, 12-14
            r"(?:" + _DIRECTION + r"\.?\s+)?"                                          # (123) N Main St
            r"((?:(?:[a-z][\w'’.-]*|\d{1,3}(?:st|nd|rd|th))\s+){1,3}?)"                 # Acacia / St Mary's
            r"(" + _STREET_TYPES + r")\b"                                              # Avenue
            r"(?:\.?\s+" + _DIRECTION + r"\b)?")                                       # (Ave) NW


def _street_or_unchanged(match: Match) -> str:
    words = match.group(1).split()
    if any(word.lower().strip(".") in NOT_A_STREET_NAME for word in words):
        return match.group(0)
    if match.group(2).lower() in _AMBIGUOUS_STREET_TYPES and not all(word[0].isupper() or word[0].isdigit()
                                                                     for word in words):
        return match.group(0)
    return "[address]"


# --- names after a cue phrase
_NAME_CUE = re.compile(
    r"\b(?:(?P<strong>my\s+name\s+is\b|my\s+name['’]?s\b|i['’]?m\s+(?:called|named)\b|i\s+am\s+(?:called|named)\b"
    r"|name\s*:)|(?P<call>call\s+me\b)|(?P<this>this\s+is\b))[ \t]*",
    re.IGNORECASE)
_WORD = re.compile(r"[ \t]*([A-Za-z][A-Za-z'’-]*)(\.(?=\s))?")
_POSSESSIVE = re.compile(r"['’]s$", re.IGNORECASE)
_MAX_NAME_WORDS = 3


def _capitalised(word: str) -> bool:
    return word[0].isupper() and (len(word) == 1 or not word.isupper())


def _name_length(rest: str, strong: bool, capitalised_only: bool) -> int:
    """How many characters at the start of ``rest`` (the text after a cue) are a name; 0 if none.

    An optional title, then up to three words: after a strong cue the first word is a name unless
    it is one of NOT_A_NAME_AFTER_STRONG_CUE; every other word must not be an ordinary word. A
    possessive ends the name and stays outside it ("[name]'s mum").
    """
    position, end, names = 0, 0, 0
    while names < _MAX_NAME_WORDS:
        match = _WORD.match(rest, position)
        if match is None:
            break
        word = match.group(1)
        possessive = _POSSESSIVE.search(word)
        bare = word[:possessive.start()] if possessive else word
        lower = bare.lower()
        if names == 0 and not possessive and lower in TITLES:
            position = match.end()  # a title (with its dot) belongs to the name that follows
            continue
        if capitalised_only and not _capitalised(bare):
            break
        if lower in (NOT_A_NAME_AFTER_STRONG_CUE if strong and names == 0 else ORDINARY_WORDS):
            break
        names += 1
        end = position = match.start(1) + len(bare)
        if possessive:
            break
    return end if names else 0


def _redact_names(text: str) -> str:
    pieces, position = [], 0
    for cue in _NAME_CUE.finditer(text):
        if cue.start() < position:
            continue  # inside a name already redacted
        length = _name_length(text[cue.end():], strong=bool(cue.group("strong")),
                              capitalised_only=bool(cue.group("this")))
        if length:
            pieces += [text[position:cue.end()], "[name]"]
            position = cue.end() + length
    return "".join(pieces) + text[position:]


Replacement = Union[str, Callable[[Match], str]]

# Order matters: e-mail addresses before anything with digits (digits inside an address); postcodes
# and ZIP+4 before phone numbers (nine digits); dates before years and phone numbers (a date is also
# a digit run); addresses before phone numbers; names last, after every placeholder is in place
# ("call me on [phone]").
_PATTERNS: Tuple[Tuple[Replacement, str], ...] = (
    ("[email]", r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"),
    ("[email]", _SPELLED_EMAIL),
    ("[postcode]", _ZIP_PLUS_4),
    (r"\1[postcode]", _ZIP_AFTER_CUE),
    ("[postcode]", _UK_POSTCODE),
    ("[date]",
     r"\b\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}\b"                      # 12/03/1980, 1.3.80
     r"|\b\d{4}[/.-]\d{1,2}[/.-]\d{1,2}\b"                       # 1980-03-12
     r"|\b\d{1,2}(?:st|nd|rd|th)?\s+(?:of\s+)?" + _MONTH + r"\.?,?\s+\d{2,4}\b"   # 12th of March 1980
     r"|\b" + _MONTH + r"\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{2,4}\b"),          # March 12, 1980
    (r"\1[year]", _YEAR_OF_BIRTH),
    (_street_or_unchanged, _ADDRESS),
    # at least seven digits, possibly grouped by spaces, dots, dashes or brackets,
    # possibly with a leading + (07700 900123, +44 7700 900123, (555) 123-4567)
    ("[phone]", r"(?<![\w+])\+?\(?\d(?:[\s().-]{0,2}\d){6,}(?!\w)"),
    # record-number-like: letters then six or more digits (MRN1234567, A123456)
    ("[number]", r"\b[a-z]{1,4}[\s#:-]{0,2}\d{6,}\b|\b\d{6,}\b"),
)

_COMPILED: Tuple[Tuple[Replacement, Pattern[str]], ...] = tuple(
    (replacement, re.compile(pattern, re.IGNORECASE)) for replacement, pattern in _PATTERNS
)


def redact(text):
    """The text with every personal identifier replaced by its placeholder.

    Anything that is not a string (None, numbers) is returned as it is.
    """
    if not isinstance(text, str) or not text:
        return text
    for replacement, pattern in _COMPILED:
        text = pattern.sub(replacement, text)
    return _redact_names(text)


def contains_identifier(text) -> bool:
    return isinstance(text, str) and redact(text) != text
