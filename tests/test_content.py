"""The patient-facing texts: complete, plain, in our own words, no invented numbers."""
import re
import string

import pytest
import spacy
import textstat
from rasa.shared.nlu.training_data.loading import load_data

from actions import responses, walkthrough
from channels.phone_links import EMERGENCY_PHRASE
from content.sentences import sentences, word_count
from tests.conftest import ROOT, SOURCE_FILE

PLACEHOLDER_VALUES = {
    "step_number": "2",
    "step_total": "6",
    "clinic_name": "the Vein Clinic",
    "clinic_phone": "01234 567890",
    "clinic_hours": "Monday to Friday, 9 to 5",
    "clinic_out_of_hours": "call the ward on 01234 567000",
    "source_date": "11 February 2022",
    "content_reviewed_by": "Dr Ann Lee, vascular surgeon",
    "content_reviewed_on": "1 March 2027",
}
MAX_GRADE = 8.0
SHARED_RUN = 8  # words in a row that may not be shared with the source
MAX_SENTENCE_WORDS = 20
# Safety wording kept as it is until the emergency wording is reviewed (issue 14, item 4): its lists of
# symptoms run longer, and only a clinician may split them.
LONG_SENTENCES_ALLOWED = {"utter_emergency_signs"}


@pytest.fixture(scope="module")
def texts(domain):
    """Every response text, keyed by response name (first variation)."""
    return {name: variations[0]["text"] for name, variations in domain["responses"].items()}


@pytest.fixture(scope="module")
def answers(texts):
    """The texts that are answers, not button labels."""
    return {name: text for name, text in texts.items() if not name.startswith("utter_button_")}


@pytest.fixture(scope="module")
def synonyms():
    return load_data(str(ROOT / "data" / "nlu" / "terms.yml")).entity_synonyms


@pytest.fixture(scope="module")
def canonical_terms(synonyms):
    return sorted(set(synonyms.values()))


def fill(text):
    return text.format(**PLACEHOLDER_VALUES)


def words(text):
    text = text.lower().replace("\u2014", " ").replace("-", " ")
    return re.findall(r"[a-z0-9']+", text)


def runs(text, size=SHARED_RUN):
    tokens = words(text)
    return {tuple(tokens[i:i + size]) for i in range(len(tokens) - size + 1)}


def test_every_step_and_position_has_an_answer(texts):
    for position in walkthrough.POSITIONS:
        assert responses.position_response(position) in texts


def test_every_step_answer_names_its_step_first(texts):
    for step in walkthrough.STEPS:
        heading = texts[responses.step_response(step)].split("\n")[0]
        assert heading.startswith("Step {step_number} of {step_total}: ")


def test_every_topic_intent_has_an_answer(domain, texts):
    not_topics = {"ask_term", "ask_medical_advice", "ask_about_information"} | {f"ask_{step}" for step in walkthrough.STEPS}
    topic_intents = [i for i in domain["intents"] if i.startswith("ask_") and i not in not_topics]
    assert len(topic_intents) == 6
    for intent in topic_intents:
        assert responses.topic_for_intent(intent, domain) is not None, intent


def test_every_response_the_actions_name_exists(texts):
    names = [value for key, value in vars(responses).items() if key.isupper() and isinstance(value, str)]
    assert len(names) >= 12
    assert [name for name in names if name not in texts] == []


def test_there_are_at_least_twenty_terms_and_each_has_a_definition(canonical_terms, texts):
    assert len(canonical_terms) >= 20
    assert [t for t in canonical_terms if responses.term_response(t) not in texts] == []


def test_every_definition_belongs_to_a_term(canonical_terms, texts):
    defined = {responses.term_response(t) for t in canonical_terms} | {responses.TERM_UNKNOWN}
    assert [n for n in texts if n.startswith("utter_term_") and n not in defined] == []


def test_answers_name_what_they_answer_on_the_first_line(answers):
    """A short heading line, then the body on the next lines (one chat message:
    Rasa's channels split a text into separate messages at blank lines)."""
    no_heading = {responses.TOPICS, responses.CARE_TEAM_HOURS, responses.CARE_TEAM_OUT_OF_HOURS, *responses.DISCLAIMERS}
    for name, text in answers.items():
        if name not in no_heading:
            heading, _, body = text.partition("\n")
            assert len(heading) <= 80 and len(body.split()) >= 5 and "\n\n" not in text, name


def test_only_known_placeholders_are_used(texts):
    for name, text in texts.items():
        fields = {field for _, field, _, _ in string.Formatter().parse(text) if field}
        assert fields <= set(PLACEHOLDER_VALUES), name


@pytest.mark.parametrize("name", ["utter_step_access", "utter_topic_stent", "utter_term_guidewire",
                                  "utter_disclaimer", "utter_emergency", "utter_greet"])
def test_typical_answers_are_not_empty(name, answers):
    assert len(words(answers[name])) >= 5


def test_every_answer_reads_at_grade_eight_or_below(answers):
    grades = {name: textstat.flesch_kincaid_grade(fill(text)) for name, text in answers.items()}
    too_hard = {name: grade for name, grade in grades.items() if grade > MAX_GRADE}
    assert too_hard == {}


def test_no_sentence_is_longer_than_twenty_words(domain):
    too_long = {(name, sentence) for name, variations in domain["responses"].items() if name not in LONG_SENTENCES_ALLOWED
                for variation in variations for sentence in sentences(variation)
                if word_count(sentence) > MAX_SENTENCE_WORDS}
    assert too_long == set()


def test_the_sentences_allowed_to_run_long_are_still_there(domain):
    assert LONG_SENTENCES_ALLOWED <= set(domain["responses"])


def test_no_answer_invents_a_number(answers):
    """Digits appear only in placeholders and as list markers of the overview."""
    for name, text in answers.items():
        bare = re.sub(r"\{\w+\}", "", text)
        bare = re.sub(r"(?m)^\d\. ", "", bare)
        assert not re.search(r"\d", bare), name


def test_no_run_of_eight_words_is_copied_from_the_source(answers):
    source_runs = runs(SOURCE_FILE.read_text(encoding="utf-8"))
    copied = {name: sorted(runs(text) & source_runs) for name, text in answers.items()}
    assert {name: found for name, found in copied.items() if found} == {}


def test_the_training_data_does_not_copy_the_source_either():
    source_runs = runs(SOURCE_FILE.read_text(encoding="utf-8"))
    for path in sorted((ROOT / "data").rglob("*.yml")):
        assert runs(path.read_text(encoding="utf-8")) & source_runs == set(), path


def test_the_disclaimer_and_emergency_answers_say_what_they_must(texts):
    for name in responses.DISCLAIMERS:
        assert "not medical advice" in texts[name] and "care team" in texts[name], name
        assert "\n" not in texts[name], name  # one line: it ends an answer's message (channels/nlg.py)
    emergency = texts[responses.EMERGENCY].lower()
    assert EMERGENCY_PHRASE in emergency and "emergency department" in emergency and "do not drive yourself" in emergency


def test_the_short_disclaimer_is_short(texts):
    assert len(words(texts[responses.DISCLAIMER_SHORT])) < len(words(texts[responses.DISCLAIMER])) <= 30
    assert len(words(texts[responses.DISCLAIMER_SHORT])) <= 15


def test_every_emergency_number_mention_is_the_phrase_the_configured_number_replaces(texts):
    """channels/nlg.py says EMERGENCY_NUMBER where a text says EMERGENCY_PHRASE: any other wording would
    keep saying "your local emergency number" in a deployment that set its number."""
    mentions = {name: len(re.findall(r"emergency (?:phone )?(?:number|line)|\b(?:999|112|911)\b", text, re.I))
                for name, text in texts.items()}
    phrases = {name: text.count(EMERGENCY_PHRASE) for name, text in texts.items()}
    assert {name: n for name, n in mentions.items() if n} == {name: n for name, n in phrases.items() if n}
    assert len([name for name, n in phrases.items() if n]) >= 8


@pytest.fixture(scope="module")
def nlp():
    return spacy.load(ROOT / "build" / "spacy_pipeline")


def test_every_term_and_spelling_is_recognised_as_an_entity(nlp, synonyms, canonical_terms):
    forms = {term: term for term in canonical_terms}
    forms.update(synonyms)
    wrong = {}
    for surface, canonical in forms.items():
        doc = nlp(f"what does {surface} mean exactly")
        found = [(ent.text.lower(), ent.label_) for ent in doc.ents]
        mapped = [synonyms.get(text, text) for text, _ in found]
        if found != [(surface.lower(), "medical_term")] or mapped != [canonical]:
            wrong[surface] = found
    assert wrong == {}


def test_lemmas_come_from_the_lookup_tables(nlp):
    assert [token.lemma_ for token in nlp("removing clots")] == ["remove", "clot"]
