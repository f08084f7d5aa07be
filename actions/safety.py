"""Red-flag symptoms: deterministic patterns over the patient's own words.

Used twice, so that the classifier can never talk us out of an emergency:
by the NLU component ``components.red_flag_override`` (forces the
``emergency`` intent) and by every custom action (answers with the emergency
instruction instead of anything else).

The patterns lean towards catching too much: a false alarm costs a patient a
moment, a missed one can cost far more.
"""
import re
from typing import Optional, Pattern, Tuple

_BODY_PART = r"(?:leg|legs|foot|feet|toes?|arm|arms|hand|hands|limb|calf|thigh)"
_PERSON = r"(?:my|his|her|their|the)"
# "blood" in words that are not about bleeding: blood thinners, blood flow, ...
_NOT_BLOOD_WORD = r"(?!\s*(?:tests?|thinners?|flow\w*|vessels?|pressure|clots?|work|counts?|sugar|supply))"

_PATTERNS: Tuple[Tuple[str, str], ...] = (
    ("chest pain",
     r"\bchest\b.{0,30}\b(?:pain|pains|hurt|hurts|hurting|tight|tightness|pressure|ache|aches|aching|crushing|heavy|squeez\w*)"
     r"|\b(?:pain|pains|tightness|pressure|ache|crushing|squeezing|stabbing|sharp)\b.{0,25}\b(?:in|across|on)\s+" + _PERSON + r"\s+chest"),
    ("breathing",
     r"\b(?:can'?t|cannot|can not|couldn'?t|could not|struggling to|struggle to|hard to|trouble|difficulty|unable to|not able to)\s+"
     r"(?:\w+\s+)?(?:breathe|breath|breathing|catch\s+" + _PERSON + r"?\s*breath)"
     r"|\bcan'?t get\s+" + _PERSON + r"\s+breath|\bshort(?:ness)?\s+of\s+breath|\bbreathless|\bgasping|\bout of breath|\bcan'?t get (?:enough )?air"
     r"|\bbreathing (?:is )?(?:hard|difficult|fast|weird|strange)|\bchoking"),
    ("coughing blood",
     r"\bcough\w*\s+(?:up\s+)?(?:some\s+)?blood|\bblood\b.{0,20}\bcough|\bspit\w*\s+(?:up\s+)?blood|\bvomit\w*\s+blood"),
    ("heavy bleeding",
     r"\b(?:bleed\w*|blood)\b" + _NOT_BLOOD_WORD + r".{0,40}\b(?:won'?t stop|will not stop|wont stop|not stopping"
     r"|doesn'?t stop|does not stop|keeps? (?:coming|going)|everywhere|heavily|soak\w*|pour\w*|gush\w*|spurt\w*)"
     r"|\b(?:heavy|heavily|lots of|so much|a lot of|loads of|really bad)\s+(?:bleeding|blood)\b" + _NOT_BLOOD_WORD +
     r"|\bbleeding (?:a lot|lots|through)"
     r"|\b(?:pouring|gushing|spurting|squirting)\b.{0,15}\bblood|\bsoaked\b.{0,20}\bblood|\bpool of blood|\bbleeding out"
     r"|\b(?:keeps?|keep on|still|won'?t stop|not stopped) bleeding"
     r"|\b(?:lump|bulge|swelling)\b.{0,30}\b(?:growing|getting bigger|bigger and bigger)"),
    ("fainting",
     r"\bfaint\w*|\bpass(?:ed|es|ing)? out|\bcollaps\w+|\bblack(?:ed|ing)? out|\bunconscious|\bunresponsive|\bwon'?t wake"
     r"|\bkeeled over|\bhit the floor"),
    ("cold or blue limb",
     r"\b" + _BODY_PART + r"\b.{0,30}\b(?:cold|icy|freezing|blue|pale|white|purple|grey|gray|mottled|dead)\b"
     r"|\b(?:cold|icy|freezing|blue|pale|white|purple|mottled)\b.{0,15}\b" + _BODY_PART + r"\b"
     r"|\b" + _BODY_PART + r"\b (?:is|are|has gone|have gone|went|feels?|gone|getting) (?:\w+ )?numb"
     r"|\b(?:can'?t|cannot|unable to|can not)\s+(?:move|feel|wiggle)\s+" + _PERSON + r"?\s*" + _BODY_PART),
    ("stroke signs",
     r"\bslurr\w*|\bdroop\w*|\bface\b.{0,20}\b(?:fallen|dropped|lopsided|numb)"
     r"|\b(?:can'?t|cannot|unable to)\s+(?:lift|move|raise|use)\s+" + _PERSON + r"\s+(?:arm|hand|leg|face)"
     r"|\barm\b.{0,20}\b(?:weak|heavy|floppy)|\bsudden\w*\b.{0,20}\b(?:confus\w+|weakness|numbness|vision|blind)"
     r"|\b(?:is|are|'s|seems?|acting|very|really|so)\s+confused\b|\bnot making (?:any )?sense|\btalking nonsense"
     r"|\bcan'?t (?:speak|talk|get (?:the|my|his|her) words out)|\btrouble (?:speaking|talking)"
     r"|\bhaving a stroke|\bstroke (?:signs|symptoms)|\bmini.?stroke"),
    ("racing heart or dizziness",
     r"\bheart\b.{0,20}\b(?:racing|pounding|beating (?:really |very |so )?fast|going crazy|fluttering)"
     r"|\bpulse\b.{0,20}\b(?:racing|pounding|fast|crazy|all over)|\b(?:racing|pounding)\s+(?:heart|pulse)|\bpalpitations"
     r"|\blight.?headed|\bdizzy|\bdizziness"),
    ("sudden swelling or severe pain",
     r"\b(?:sudden\w*|massive\w*|huge|rapid\w*|very|badly|hugely)\b.{0,20}\b(?:swell\w*|swollen)"
     r"|\bswell\w*\s+(?:up\s+)?(?:fast|quickly|suddenly|badly)"
     r"|\b(?:severe|unbearable|excruciating|agoni[sz]ing|worst|terrible|extreme)\s+(?:\w+\s+)?pain"
     r"|\bpain\b.{0,30}\b(?:unbearable|excruciating|agoni[sz]ing|severe|terrible|extreme)"),
    ("explicit emergency",
     r"\bemergency\b(?!\s+(?:number|department))|\bambulance|\b(?:911|999|112)\b|\bdying\b"),
)

_COMPILED: Tuple[Tuple[str, Pattern[str]], ...] = tuple(
    (name, re.compile(pattern)) for name, pattern in _PATTERNS
)


def normalise(text: str) -> str:
    """Lower case, plain apostrophes, single spaces."""
    text = text.lower().replace("\u2019", "'").replace("\u2018", "'")
    return re.sub(r"\s+", " ", text).strip()


def red_flag(text: Optional[str]) -> Optional[str]:
    """The name of the first red flag found in the text, or None."""
    if not text:
        return None
    clean = normalise(text)
    for name, pattern in _COMPILED:
        if pattern.search(clean):
            return name
    return None


def is_red_flag(text: Optional[str]) -> bool:
    return red_flag(text) is not None
