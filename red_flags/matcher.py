"""Finds the red-flag concepts of red_flags.yml in a message and weighs their context.

For each sentence: the words that have an ordinary sense there are marked, every form of
every concept is looked for, and each mention found is checked against the context rules
in their order; the first rule that applies discounts it. The message's red flag is the
concept of the first mention left (a form with ``&`` needs all its parts left somewhere
in the message). See the comments at the top of red_flags.yml for what each rule does.

Cost: linear in the length of the text. Every pattern is looked up by the word it starts
with and its gaps are bounded; a sentence longer than ``WINDOW`` tokens is read in
overlapping windows; reading stops at the first sentence with a red flag (nothing later
can come first). A text longer than ``MAX_CHARS`` (12 times the longest message the
assistant answers) is read as its first and last ``MAX_CHARS // 2`` characters, so that
no message holds up the server for long: about 0.1 s at most, where a 100,000-character
message read whole took up to a second. Only the channels' screening of over-long
messages (which are refused, with the emergency answer if they describe a red flag) sees
such texts; a red flag in the middle of one is the cost of that bound.
"""
from dataclasses import dataclass, field
from typing import Dict, FrozenSet, List, Optional, Sequence, Set, Tuple

from red_flags.content import Concept, Content, Form, Rule
from red_flags.patterns import Pattern, PatternIndex, Sentence, Span, Typos, stems_of
from red_flags.text import Token, normalise, sentences, tokens

MAX_CHARS = 24_000
# A sentence longer than WINDOW tokens is read in windows, so that the work per sentence is
# bounded: each window owns the mentions that start in its WINDOW tokens, and also reads the
# BEFORE tokens in front of them (for context cues) and the AFTER tokens behind them (more
# than the longest form spans).
WINDOW = 40
BEFORE = 15
AFTER = 25
# participles that make "has ..." a fact after "if" ("if he has collapsed"), beside -ed words
_PARTICIPLES = frozenset({"gone", "fallen", "bled", "broken", "swollen", "stopped", "been", "thrown",
                          "woken", "shaken", "frozen", "lost", "begun"})


@dataclass(frozen=True)
class Mention:
    """One place a concept's form (or part of it) was found."""

    concept: str
    form: str
    part: int  # which part of an ``&`` form
    sentence: int
    span: Span
    words: str  # the words of the sentence it covers
    discounted_by: Optional[str] = None  # the context rule that says it is not now


@dataclass
class Assessment:
    """What the safety net found in one message."""

    red_flag: Optional[str] = None  # the concept name, if this is an emergency
    form: Optional[str] = None
    mentions: List[Mention] = field(default_factory=list)
    # names of the context rules whose cues are in the message (mentions or not), leaving
    # out negations and questions that do not start as the rule says: a message with one
    # is not given to the semantic check (the cue would make its own red-flag words a
    # question, a hypothetical, the past...)
    context_cues: Set[str] = field(default_factory=set)
    # the sentences (normalised text; windows of a long one) read, and those with no mention
    # and no context cue (for the semantic check)
    sentences: List[str] = field(default_factory=list)
    plain_sentences: List[str] = field(default_factory=list)  # statements only
    questions: List[bool] = field(default_factory=list)  # for each sentence: is it a question?

    @property
    def all_questions(self) -> bool:
        return bool(self.questions) and all(self.questions)

    @property
    def discounted(self) -> List[Mention]:
        return [mention for mention in self.mentions if mention.discounted_by]


# words of the forms that do not name a symptom
_COMMON_WORDS = frozenset({"there", "this", "that", "with", "your", "from", "what", "when", "into", "down",
                           "over", "back", "keep", "still", "more", "much", "some", "very", "really",
                           "just", "been", "going", "feel", "like", "hav", "have", "come", "take", "need",
                           "call", "help", "side", "time", "hour", "minute", "every", "each", "after",
                           "look", "make", "sense", "word", "move", "left", "right", "well", "away",
                           "through", "start", "think", "find", "said", "thing", "something", "about"})

QUESTION_WORDS = frozenset({"what", "when", "why", "how", "which", "who", "where", "is", "are", "does", "do",
                            "did", "can", "could", "will", "would", "should", "shall", "may", "might", "am",
                            "was", "were", "has", "have"})


def _is_question(sentence: List[Token], normalised: str) -> bool:
    """Ends with a question mark, or starts with a question word ("will I bleed a lot")."""
    first = next((token.text for token in sentence if token.is_word), "")
    return "?" in normalised[sentence[-1].end:sentence[-1].end + 4] or first in QUESTION_WORDS


@dataclass(frozen=True)
class _Window:
    tokens: List[Token]
    owns: Tuple[int, int]  # positions (in tokens) where the mentions it reports may start


def _windows(all_sentences: List[List[Token]]) -> List[_Window]:
    """The sentences; a long one as overlapping windows (see WINDOW)."""
    result = []
    for sentence in all_sentences:
        if len(sentence) <= WINDOW + AFTER:
            result.append(_Window(sentence, (0, len(sentence))))
            continue
        for own in range(0, len(sentence), WINDOW):
            start = max(0, own - BEFORE)
            result.append(_Window(sentence[start:own + WINDOW + AFTER], (own - start, own - start + WINDOW)))
    return result


class _Clauses:
    """Clause boundaries of one sentence: clause-end tokens and clause-break words."""

    def __init__(self, sentence: Sentence, breaks: FrozenSet[str]) -> None:
        self.boundary = [not token.is_word or token.stem in breaks for token in sentence.tokens]
        self.before = [0]
        for is_boundary in self.boundary:
            self.before.append(self.before[-1] + int(is_boundary))
        sentence.breaks = {i for i, token in enumerate(sentence.tokens) if token.is_word and self.boundary[i]}

    def between(self, a: int, b: int) -> int:
        """Boundaries strictly between positions a and b (a < b)."""
        return self.before[b] - self.before[a + 1] if b > a + 1 else 0

    def crosses(self, span: Span) -> bool:
        return any(self.boundary[p] for p in range(span.start + 1, span.end - 1)) if span.end - span.start > 2 else False

    def same(self, a: int, b: int) -> bool:
        a, b = min(a, b), max(a, b)
        return not self.boundary[a] and not self.boundary[b] and self.between(a, b) == 0 if a != b else True

    def start_of(self, position: int) -> int:
        while position > 0 and not self.boundary[position - 1]:
            position -= 1
        return position

    def end_of(self, position: int) -> int:
        while position < len(self.boundary) and not self.boundary[position]:
            position += 1
        return position


class RedFlagMatcher:
    def __init__(self, content: Content, typos: bool = True) -> None:
        self.content = content
        forms = [(concept, form, part_index, part)
                 for concept in content.concepts for form in concept.forms
                 for part_index, part in enumerate(form.parts)]
        self._concept_index = PatternIndex(((concept.name, form.text, part_index), part)
                                           for concept, form, part_index, part in forms)
        self._ordinary_index = PatternIndex((sense, phrase) for sense in content.ordinary for phrase in sense.phrases)
        context = content.context
        # every context pattern in one index, tagged by what it is
        self._context_index = PatternIndex(
            [(("cue", rule.name), cue) for rule in context.rules for cue in rule.cues]
            + [(("now", ""), pattern) for pattern in context.now]
            + [(("intensity", ""), pattern) for pattern in context.intensity]
            + [(("list", ""), pattern) for pattern in context.list_continues]
            + [(("unless", rule.name), pattern) for rule in context.rules for pattern in rule.unless])
        self._rules: Dict[str, Rule] = {rule.name: rule for rule in context.rules}
        self._concept_order = {concept.name: index for index, concept in enumerate(content.concepts)}
        all_patterns: List[Pattern] = [part for _, _, _, part in forms]
        concept_stems = frozenset(stems_of(all_patterns))
        self.typos = Typos(concept_stems, content.typo_min_length) if typos else None
        # the words that name symptoms (for "a negative word before a symptom word")
        self._symptom_stems = frozenset(word for word in concept_stems
                                        if len(word) >= 4 and word not in _COMMON_WORDS)

    # --- the message ------------------------------------------------------------------

    def assess(self, text: Optional[str]) -> Assessment:
        assessment = Assessment()
        if not text or not isinstance(text, str):
            return assessment
        if len(text) > MAX_CHARS:
            text = text[: MAX_CHARS // 2] + "\n" + text[-(MAX_CHARS // 2):]
        normalised = normalise(text)
        all_tokens = tokens(normalised, self.content.spellings)
        for number, window in enumerate(_windows(sentences(all_tokens))):
            sentence = Sentence(window.tokens, self.typos)
            words = normalised[window.tokens[0].start:window.tokens[-1].end]
            assessment.sentences.append(words)
            question = _is_question(window.tokens, normalised)
            assessment.questions.append(question)
            mentions_before = len(assessment.mentions)
            had_cue = self._read_sentence(number, sentence, assessment, window.owns)
            if len(assessment.mentions) == mentions_before and not had_cue and not question:
                assessment.plain_sentences.append(words)
            elif self._has_whole_mention(assessment.mentions[mentions_before:]):
                break  # no later sentence can come first: the rest is not read
        self._decide(assessment)
        return assessment

    def _has_whole_mention(self, mentions: List[Mention]) -> bool:
        return any(mention.discounted_by is None and len(self._form(mention.concept, mention.form).parts) == 1
                   for mention in mentions)

    def _decide(self, assessment: Assessment) -> None:
        left: Dict[Tuple[str, str], Set[int]] = {}
        for mention in assessment.mentions:
            if mention.discounted_by is None:
                left.setdefault((mention.concept, mention.form), set()).add(mention.part)
        candidates = []
        for mention in assessment.mentions:
            if mention.discounted_by is not None:
                continue
            form = self._form(mention.concept, mention.form)
            if len(left[(mention.concept, mention.form)]) == len(form.parts):
                candidates.append(mention)
        if candidates:
            first = min(candidates, key=lambda m: (m.sentence, m.span.start, self._concept_order[m.concept]))
            assessment.red_flag, assessment.form = first.concept, first.form

    def _form(self, concept_name: str, form_text: str) -> Form:
        concept: Concept = self.content.concept(concept_name)
        return next(form for form in concept.forms if form.text == form_text)

    # --- one sentence -------------------------------------------------------------------

    def _read_sentence(self, number: int, sentence: Sentence, assessment: Assessment,
                       owns: Tuple[int, int]) -> bool:
        """Adds the sentence's mentions to the assessment; True if it has a context cue."""
        clauses = _Clauses(sentence, self.content.context.clause_breaks)
        for sense, phrase, span in self._ordinary_index.find_all(sentence):
            for position in span.words:
                sentence.take_away(position, sense.stems | sense.exact)
        cues: Dict[str, List[Span]] = {}
        unless: Dict[str, List[Span]] = {}
        now: List[Span] = []
        intensity: List[Span] = []
        lists: List[Span] = []
        for (what, rule_name), _, span in self._context_index.find_all(sentence):
            if what == "cue":
                cues.setdefault(rule_name, []).append(span)
            elif what == "unless":
                unless.setdefault(rule_name, []).append(span)
            else:
                {"now": now, "intensity": intensity, "list": lists}[what].append(span)
        gating = {name for name, spans in cues.items() if self._gates(self._rules[name], spans, sentence, clauses)}
        gating |= {"negation"} if self._negates_a_symptom_word(cues.get("negation", []), sentence) else set()
        assessment.context_cues |= gating
        found: List[Tuple[str, str, int, Span]] = []
        seen: Set[Tuple[str, str, int, int]] = set()
        for (concept, form, part), _, span in self._concept_index.find_all(sentence):
            key = (concept, form, part, span.start)
            if key not in seen and owns[0] <= span.start < owns[1]:
                seen.add(key)
                found.append((concept, form, part, span))
        covered = frozenset(position for *_, span in found for position in range(span.start, span.end))
        mentions: List[Mention] = []
        for concept, form, part, span in sorted(found, key=lambda item: (item[3].start, -item[3].end)):
            reading = _Reading(sentence, clauses, span, cues, now, intensity, lists, unless,
                               self.content.context.right_before, covered)
            discounted_by = next((rule.name for rule in self.content.context.rules if reading.applies(rule)), None)
            words = " ".join(token.text for token in sentence.tokens[span.start:span.end])
            mentions.append(Mention(concept, form, part, number, span, words, discounted_by))
        assessment.mentions.extend(self._with_inherited(mentions))
        return bool(gating)

    def _negates_a_symptom_word(self, spans: List[Span], sentence: Sentence) -> bool:
        """A negative word right before (within 2 words) a word of some concept's forms."""
        return any(self._symptom_stems & sentence.keys[position]
                   for cue in spans for position in range(cue.end, min(cue.end + 2, len(sentence.keys))))

    @staticmethod
    def _gates(rule: Rule, spans: List[Span], sentence: Sentence, clauses: "_Clauses") -> bool:
        if rule.kind == "negation":
            return False
        if rule.kind != "frame":
            return True
        for cue in spans:
            start = clauses.start_of(cue.start)
            first = [token.stem for token in sentence.tokens[start:start + 3] if token.is_word][:2]
            if any(word in rule.starts for word in first):
                return True
        return False


    def _with_inherited(self, mentions: List[Mention]) -> List[Mention]:
        """Mentions that read words already discounted take the discount, in two cases:

        - a mention that starts inside a mention of the same concept discounted by a rule
          other than negation: the same words read once ("is coughing blood a sign of a
          clot?" holds "coughing blood" and "coughing ... clot"; "if I cough blood after,
          is that the clot?" holds "cough ... clot" across the comma);
        - a mention (of any concept) whose first word is a word of a negated mention: a
          negated word stays negated when a longer form joins it to a word further on
          ("not coughing up any blood, just a dry cough" holds "blood ... cough"; "no
          breathing problems, no chest pain" holds "breathing ... pain").
        """
        # each negated word, and the rule that negated it (the first mention's, as before)
        negated: Dict[int, str] = {}
        for other in mentions:
            if other.discounted_by and self._rules[other.discounted_by].kind == "negation":
                for position in other.span.words:
                    negated.setdefault(position, other.discounted_by)
        result = []
        for mention in mentions:
            if mention.discounted_by is None and mention.span.start in negated:
                mention = Mention(mention.concept, mention.form, mention.part, mention.sentence,
                                  mention.span, mention.words, negated[mention.span.start])
            if mention.discounted_by is None:
                for other in mentions:
                    if (other.concept == mention.concept and other.discounted_by
                            and self._rules[other.discounted_by].kind != "negation"
                            and other.span.start <= mention.span.start < other.span.end):
                        mention = Mention(mention.concept, mention.form, mention.part, mention.sentence,
                                          mention.span, mention.words, other.discounted_by)
                        break
            result.append(mention)
        return result


class _Reading:
    """One mention in its sentence, and whether a context rule discounts it."""

    def __init__(self, sentence: Sentence, clauses: _Clauses, span: Span, cues: Dict[str, List[Span]],
                 now: List[Span], intensity: List[Span], lists: List[Span], unless: Dict[str, List[Span]],
                 right_before: FrozenSet[str], covered: FrozenSet[int] = frozenset()) -> None:
        self.sentence, self.clauses, self.span = sentence, clauses, span
        self.covered = covered  # positions inside any mention of this sentence
        self.cues, self.now, self.intensity, self.lists, self.unless = cues, now, intensity, lists, unless
        self.right_before = right_before
        self.clause_start = clauses.start_of(span.start)
        self.clause_end = clauses.end_of(span.start)

    def _in_clause(self, spans: Sequence[Span], start: Optional[int] = None, end: Optional[int] = None) -> bool:
        start = self.clause_start if start is None else start
        end = self.clause_end if end is None else end
        return any(start <= other.start and other.end <= end for other in spans)

    def _unless(self, rule: Rule) -> bool:
        span = self.span
        if "now" in rule.unless_lists and self._in_clause(self.now):
            return True
        if "intensity" in rule.unless_lists and self._in_clause(self.intensity):
            return True
        if "right_before" in rule.unless_lists and span.start > 0:
            previous = self.sentence.tokens[span.start - 1]
            if previous.is_word and previous.stem in self.right_before:
                return True
        return self._in_clause(self.unless.get(rule.name, []))

    def applies(self, rule: Rule) -> bool:
        if self.clauses.crosses(self.span):
            return False
        spans = [cue for cue in self.cues.get(rule.name, []) if not self._after_cancelling_word(rule, cue)]
        if rule.kind == "negation":
            return self._negated(rule, spans) and not self._unless(rule)
        if rule.kind == "before":
            found = any(self._before(rule, cue) for cue in spans) or (
                rule.list_continuation and self._continues_list(rule, spans))
        elif rule.kind == "frame":
            found = self._frame(rule, spans)
        elif rule.kind == "anywhere":
            found = any(self._near(rule, cue) for cue in spans if self._in_clause([cue]))
        else:  # after
            found = any(cue.start >= self.span.end for cue in spans if self._in_clause([cue]))
        return found and not self._unless(rule)

    # --- the kinds of rule --------------------------------------------------------------

    def _after_cancelling_word(self, rule: Rule, cue: Span) -> bool:
        """A word before or after the cue makes it something else ("not sure if", "won't go
        away", "can't stop shaking")."""
        tokens_ = self.sentence.tokens
        if cue.start > 0 and tokens_[cue.start - 1].stem in rule.not_after:
            return True
        return cue.end < len(tokens_) and tokens_[cue.end].stem in rule.not_before

    def _near(self, rule: Rule, cue: Span) -> bool:
        if rule.max_distance is None:
            return True
        span = self.span
        if cue.end <= span.start:
            distance = span.start - cue.end
        elif span.end <= cue.start:
            distance = cue.start - span.end
        else:
            distance = 0
        return distance <= rule.max_distance

    def _words_between(self, start: int, end: int) -> List[str]:
        return [token.stem for token in self.sentence.tokens[start:end]]

    def _negated(self, rule: Rule, spans: List[Span]) -> bool:
        span, tokens_ = self.span, self.sentence.tokens
        for cue in spans:
            if cue.end <= span.start and self.clauses.same(cue.start, span.start):
                between = range(cue.end, span.start)
                if all(self.sentence.tokens[p].stem in rule.between or p in self.covered for p in between) and \
                        sum(1 for p in between if p not in self.covered) <= (rule.max_between or 0):
                    return True
            elif span.start < cue.start and cue.end <= span.end and not (cue.words & span.words):
                # a negative word inside the mention, in the clause of its last word
                if self.clauses.between(cue.start, span.end - 1) == 0 and not self.clauses.boundary[cue.start]:
                    return True
        after = span.end
        while after < len(tokens_) and not tokens_[after].is_word:
            after += 1
        if after < len(tokens_) and tokens_[after].stem in rule.after:
            following = after + 1
            if following == len(tokens_) or self.clauses.boundary[following]:
                return True
        return False

    def _before(self, rule: Rule, cue: Span) -> bool:
        span = self.span
        if not (cue.start < span.start and cue.end <= span.end):
            return False
        if not self.clauses.same(cue.start, span.start):
            return False
        if rule.at_clause_start is not None:
            if cue.start - self.clauses.start_of(cue.start) > rule.at_clause_start:
                return False
        if rule.max_between is not None and cue.end <= span.start:
            between = self._words_between(cue.end, span.start)
            if len(between) > rule.max_between or not all(word in rule.between for word in between):
                return False
        if rule.perfect_tense_is_a_fact and self._perfect(cue.end, span.start + 1):
            return False
        return True

    def _perfect(self, start: int, end: int) -> bool:
        """ "has" or "have" followed by a past participle between these positions."""
        tokens_ = self.sentence.tokens
        for position in range(start, min(end, len(tokens_) - 1)):
            if tokens_[position].text in ("has", "have"):
                following = tokens_[position + 1].text
                if following.endswith("ed") or following in _PARTICIPLES:
                    return True
        return False

    def _continues_list(self, rule: Rule, spans: List[Span]) -> bool:
        """The mention's clause starts with "like", "such as", ... after a clause with a cue."""
        start = self.clause_start
        if start == 0 or not any(item.start == start for item in self.lists):
            return False
        previous_end = start - 1
        while previous_end > 0:
            previous_start = self.clauses.start_of(previous_end - 1) if previous_end > 0 else 0
            if any(previous_start <= cue.start and cue.end <= previous_end for cue in spans):
                return True
            if not any(item.start == previous_start for item in self.lists):
                return False
            previous_end = previous_start - 1
        return False

    def _frame(self, rule: Rule, spans: List[Span]) -> bool:
        start = self.clause_start
        first_words = [token.stem for token in self.sentence.tokens[start:start + 3] if token.is_word]
        if not any(word in rule.starts for word in first_words[:2]):
            return False
        return any(cue.start >= self.span.end for cue in spans if self._in_clause([cue]))
