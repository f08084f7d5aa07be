"""red_flags/matcher.py, through red_flag, is_red_flag and assess: every concept caught, context weighed, long texts.

The examples here were written for these tests; the larger development set is
tests/safety_dev/ (measured by ``python -m tests.safety_dev.measure``). The content file's
own forms and exemplars, and the training data in data/nlu, are read by the matcher here too.
"""
import time

import pytest
from rasa.shared.nlu.training_data.loading import load_data

from red_flags import assess, is_red_flag, matcher, red_flag
from tests.conftest import ROOT

CHEST = "chest pain or heart attack"
LUNG = "signs of a clot in the lung (pulmonary embolism)"
BREATH = "severe breathlessness"
COUGH = "coughing up blood"
BLEED = "bleeding that will not stop, or a growing lump at the puncture site"
LIMB = "cold, pale, blue, purple or hugely swollen leg or arm"
STROKE = "stroke signs (face, arm, speech)"
FAINT = "fainting, collapse or not responding"
SEIZURE = "seizure or fit"
ALLERGY = "severe allergic reaction to the dye"
HEADACHE = "sudden worst-ever headache"
GUT = "vomiting blood, coffee-ground vomit, black or bloody stools"
HEART = "racing or pounding heart with dizziness or fainting"
FEVER = "high fever with shaking or confusion"
PAIN = "sudden severe pain"
CALL = "asking for emergency help"

# (concept, message): at least two per concept, different styles
RED_FLAGS = [
    (CHEST, "I've got a crushing feeling in my chest"),
    (CHEST, "there's a pressure in my chest since this morning"),
    (CHEST, "my dad thinks he's having a heart attack"),
    (LUNG, "it hurts in my side every time I breathe in"),
    (LUNG, "I think the clot has travelled to my lungs"),
    (BREATH, "she can't catch her breath"),
    (BREATH, "I'm really short of breath"),
    (BREATH, "his lips have gone blue"),
    (COUGH, "he coughed up some blood just now"),
    (COUGH, "there's blood in my phlegm"),
    (BLEED, "blood is soaking through the bandage on my groin"),
    (BLEED, "the needle spot keeps bleeding"),
    (BLEED, "the lump in my groin is getting bigger by the minute"),
    (LIMB, "my toes have gone purple and icy"),
    (LIMB, "I can't feel my foot"),
    (LIMB, "my leg swelled to twice its size and turned purple"),
    (STROKE, "his speech is slurred and one side of his face has dropped"),
    (STROKE, "she can't lift her arm"),
    (FAINT, "mum just passed out in the kitchen"),
    (FAINT, "he's gone floppy and his eyes are rolling back"),
    (SEIZURE, "my husband is having a seizure"),
    (SEIZURE, "she's fitting and won't stop"),
    (ALLERGY, "my throat is closing up after the dye"),
    (ALLERGY, "my lips and tongue are swelling"),
    (HEADACHE, "worst headache of my life, came on suddenly"),
    (HEADACHE, "I banged my head and I'm on blood thinners"),
    (GUT, "my vomit looks like coffee grounds"),
    (GUT, "my poo has gone black like tar"),
    (HEART, "my heart is racing and I feel dizzy"),
    (HEART, "palpitations. I feel faint."),
    (FEVER, "I've got a high temperature and I can't stop shaking"),
    (FEVER, "she has a fever and is very confused"),
    (FEVER, "I think it is blood poisoning"),
    (PAIN, "the pain in my groin is unbearable"),
    (PAIN, "sudden tearing pain in my back"),
    (HEADACHE, "his head suddenly hurts like never before"),
    (CALL, "something is really wrong with my mum, help"),
    (CALL, "call an ambulance"),
    (CALL, "should I ring 999?"),
    (CALL, "we're on our way to A&E"),
]


@pytest.mark.parametrize("concept, text", RED_FLAGS)
def test_each_concept_is_caught_and_named(concept, text):
    assert red_flag(text) == concept


def test_every_concept_has_examples_in_these_tests():
    assert {concept for concept, _ in RED_FLAGS} == {concept.name for concept in matcher().content.concepts}


def test_case_and_curly_apostrophes_do_not_hide_a_red_flag():
    assert is_red_flag("I CAN\u2019T BREATHE")


# --- misspellings and text-speak ---------------------------------------------------------

@pytest.mark.parametrize("text", [
    "i cnt breath",
    "cant breathe",
    "my groin is bleding and it wont stop",
    "he is unconcious",
    "shes having a siezure",
    "my husband collasped",
    "im vommiting blood",
    "hart attack i think",
    "legs purple n cold pls help",
    "chset pain",
    "my tounge is swelling",
    "ambulence please",
])
def test_misspellings_and_text_speak_are_caught(text):
    assert is_red_flag(text), text


@pytest.mark.parametrize("text", [
    "can I paint my nails before the procedure?",  # paint is a word: not "faint"
    "do I need to bring a chess set to pass the time?",  # chess is a word: not "chest"
    "the nurses are on strike next week, will it be cancelled?",  # strike is not "stroke"
])
def test_english_words_are_not_taken_for_typing_mistakes(text):
    assert not is_red_flag(text), text


# --- context: not an emergency now ---------------------------------------------------------

# (rule, message that it discounts, a message close to it that is still an emergency)
CONTEXT = [
    ("question about warning signs", "what signs should make me call 911?", "call 911 now"),
    ("question about warning signs", "when should I go to A&E?", "I'm going to A&E"),
    ("question about warning signs", "what are the symptoms of a stroke, like face drooping?",
     "her face is drooping"),
    ("hypothetical", "what if I start bleeding at home and it won't stop?", "I'm bleeding at home and it won't stop"),
    ("hypothetical", "if my leg goes cold, what do I do?", "my leg has gone cold, what do I do?"),
    ("hypothetical", "in case I can't breathe during the scan, is there oxygen?",
     "I can't breathe, is there oxygen?"),
    ("general question", "will my leg swell up massively after?", "my leg has swollen up massively"),
    ("general question", "can a clot travel to the lungs during the procedure?", "the clot travelled to my lungs"),
    ("worry about the future", "I'm scared I'll faint when I see the needle", "I fainted when I saw the needle"),
    ("question about a risk", "is coughing blood a sign of a clot?", "I'm coughing blood"),
    ("question with a condition", "should I call an ambulance if I faint?", "should I call an ambulance?"),
    ("past that is over", "last year I had a clot in my lung, can I still have this?",
     "I have a clot in my lung, can I still have this?"),
    ("past that is over", "my dad had a stroke in 2019, can he have this?", "my dad is having a stroke"),
    ("long-standing habit", "my feet are always cold, is that a problem?", "my feet are cold, is that a problem?"),
    ("negation", "no chest pain, just asking about the stent", "chest pain, just asking about the stent"),
    ("negation", "my leg is not cold or blue", "my leg is cold and blue"),
    ("negation", "I don't feel dizzy or faint, just hungry", "I feel faint, just hungry"),
    ("over now", "the chest pain has gone", "the chest pain is getting worse"),
    ("someone else's story", "a man on a forum said he had a seizure from the dye, is that common?",
     "my husband is having a seizure after the dye"),
    ("someone else's story", "my neighbour told me she had chest pain after hers",
     "my neighbour has chest pain after hers"),
    ("someone else's story", "I read online that a woman's leg went cold and blue after",
     "my leg went cold and blue after"),
]


@pytest.mark.parametrize("rule, discounted, emergency", CONTEXT)
def test_each_context_rule_discounts_its_case_and_not_the_emergency_beside_it(rule, discounted, emergency):
    assessment = assess(discounted)
    assert assessment.red_flag is None, discounted
    assert rule in {mention.discounted_by for mention in assessment.mentions}
    assert is_red_flag(emergency), emergency


@pytest.mark.parametrize("text", [
    "not coughing up any blood, just a dry tickly cough",  # "blood ... cough" starts at "blood"
    "no breathing problems, no chest pain, just a question about the stent",
    "the groin isn't bleeding, dressing is dry",
])
def test_a_negated_word_stays_negated_when_a_longer_form_joins_it_to_a_later_word(text):
    assessment = assess(text)
    assert assessment.red_flag is None, text
    assert all(mention.discounted_by == "negation" for mention in assessment.mentions), assessment.mentions


def test_every_context_rule_is_tested():
    assert {rule for rule, _, _ in CONTEXT} == {rule.name for rule in matcher().content.context.rules}


@pytest.mark.parametrize("text", [
    "what if I'm having a heart attack right now?",  # "right now"
    "I had a PE years ago and now my chest hurts",  # the past, and now
    "I've never had pain like this in my chest",  # "never ... like this"
    "no, I can't breathe",  # "no," answers something else
    "not sure if it's anything but his face is drooping",  # a doubt, then the sign
    "I don't know if I need an ambulance, my dad has collapsed",
    "what do I do if my husband has collapsed?",  # it has happened
    "I'm worried about my leg, it has gone cold and purple",
    "when should I call 999? my chest is killing me",
    "is this bleeding normal? it won't stop",
    "I had the procedure last week and since this afternoon my chest hurts",
    "my wife says she can't breathe",  # "says": a report of now, not someone else's story
    "my friend told me to message you, my dad is coughing up blood",  # the story cue is elsewhere
    "I read the leaflet and now my chest hurts",  # "now"
    "no chest pain earlier, but now I'm coughing up blood",  # a negation reaches no new mention
    "the groin isn't sore, but it is bleeding and won't stop",
])
def test_when_in_doubt_it_is_an_emergency(text):
    assert is_red_flag(text), text


@pytest.mark.parametrize("text", [
    "my heart is set on having it done before Christmas",
    "will the clot break into pieces?",
    "I'm getting cold feet about the procedure",
    "I'm dying to know how long it takes",
    "I've got a cold, can I still have the procedure?",
    "I have a purple bruise on my leg from the injection",
    "it nearly gave me a heart attack when they told me the price",
    "my husband threw a fit when they said no driving for a week",
    "the kids collapsed laughing at my surgical stockings",
    "I went purple with embarrassment in that gown",
    "don't breathe a word to my mum, will it take long?",
    "I'm confused about step 3",
    "I can't speak English very well",
    "do I need blood tests before the procedure?",
    "should I keep taking my blood thinners?",
    "how do they check that blood flows through the vein again?",
    "I'm fit and healthy, will I recover quickly?",
    "what does collapsed vein mean?",
    "what is the emergency number of the clinic",
])
def test_words_in_their_ordinary_sense_are_not_red_flags(text):
    assert red_flag(text) is None, text


ORDINARY = [
    "will my leg be numb from the local anaesthetic?",
    "can you help me understand the stent part?",
    "what is a closure device",
    "how long does it take",
    "how do they stop the bleeding when the tube comes out?",
    "is it normal to have a little bruising in the groin?",
    "",
    None,
]


@pytest.mark.parametrize("text", ORDINARY)
def test_ordinary_questions_are_not_red_flags(text):
    assert red_flag(text) is None


def test_the_assessment_says_what_was_found_and_why_it_was_discounted():
    assessment = assess("No chest pain. But my leg has gone blue.")
    assert assessment.red_flag == LIMB
    [discounted] = assessment.discounted
    assert (discounted.concept, discounted.words, discounted.discounted_by) == (CHEST, "chest pain", "negation")
    assert assessment.sentences == ["no chest pain", "but my leg has gone blue"]


# --- long texts --------------------------------------------------------------------------

def test_a_red_flag_after_a_long_story_is_caught():
    story = "I had the procedure last week and I have been resting at home. " * 30
    assert red_flag(story + "Tonight my leg went cold and white.") == LIMB


LONG_TEXTS = {
    "question": "what is a stent " * 6250,
    "story": "I had the procedure last week and I have been resting at home. " * 1600,
    "blood": "blood " * 16000,
    "not": "not " * 25000,
    "if": "if " * 30000,
    "one word": "x" * 100_000,
    "typos": "bleding unconcious siezure collasped " * 2700,
}


@pytest.mark.parametrize("name", LONG_TEXTS)
def test_a_100000_character_text_is_read_within_a_time_bound(name):
    matcher()
    started = time.perf_counter()
    assess(LONG_TEXTS[name])
    # about 0.3 s on an idle 2-core machine; read whole and without windows, these took
    # from 2 s to nearly 3 minutes
    assert time.perf_counter() - started < 5.0


def test_a_message_of_the_longest_size_answered_is_read_quickly():
    text = ("My mum had the procedure on Monday and she has been resting, eating and walking a little "
            "as the nurses told her, and we wanted to ask about the stockings. ") * 12
    assert len(text) <= 2000
    matcher()
    started = time.perf_counter()
    for _ in range(10):
        assert red_flag(text) is None
    assert (time.perf_counter() - started) / 10 < 0.1


def test_a_red_flag_at_the_end_of_a_very_long_text_is_caught():
    assert red_flag("I was fine yesterday. " * 4500 + "Now I can't breathe.") == BREATH


# --- the content file's forms and exemplars ---------------------------------------------

def test_every_plain_form_written_as_a_message_is_a_red_flag():
    # catches an ordinary sense that swallows a form ("blood poisoning" under `blood`)
    plain = [(concept.name, form.text) for concept in matcher().content.concepts for form in concept.forms
             if not any(mark in form.text for mark in '{}."&')]
    assert len(plain) > 100
    assert [item for item in plain if red_flag(item[1]) is None] == []


def test_every_exemplar_is_caught_by_its_own_concept():
    for concept in matcher().content.concepts:
        for exemplar in concept.exemplars:
            assert is_red_flag(exemplar), (concept.name, exemplar)


# --- the training data -------------------------------------------------------------------

def _examples():
    return load_data(str(ROOT / "data" / "nlu")).training_examples


def test_every_emergency_training_example_is_caught():
    emergency = [e.get("text") for e in _examples() if e.get("intent") == "emergency"]
    assert emergency
    assert [text for text in emergency if not is_red_flag(text)] == []


# Training examples of other intents that are flagged on purpose (when in doubt, an emergency).
FLAGGED_ON_PURPOSE = {
    # a stroke now, in hospital or not: the emergency answer does no harm
    "my dad had a stroke and they want to do a thrombectomy in his brain, how long does that take",
    "for a stroke clot, do they go in through the groin too",
    # a red-flag condition named as a topic, or once in the past without a time long ago
    "pulmonary embolism treatment, how is it done",
    "after a scan once my speech went funny for an hour, is that a problem for the op",
    "had black stools once on apixaban, they stopped, does it matter",
}


def test_other_training_examples_are_not_taken_for_emergencies():
    other = [e.get("text") for e in _examples() if e.get("intent") != "emergency"]
    flagged = {text for text in other if is_red_flag(text)}
    assert flagged <= FLAGGED_ON_PURPOSE
    assert len(flagged) <= 0.005 * len(other)
