"""privacy/redact.py: identifiers replaced by placeholders, ordinary text and the NLU data left as they are."""
import time

import pytest

from privacy.redact import contains_identifier, redact
from tests.conftest import ROOT


@pytest.mark.parametrize("text, kept", [
    ("my number is 07700 900123, what happens first?", "my number is [phone], what happens first?"),
    ("call me on +44 7700 900123", "call me on [phone]"),
    ("my phone is (555) 123-4567", "my phone is [phone]"),
    ("it's 555-123-4567", "it's [phone]"),
    ("email jo.bloggs+vein@example.org please", "email [email] please"),
    ("JOHN_SMITH@clinic.co.uk", "[email]"),
    ("I was born 12/03/1980", "I was born [date]"),
    ("dob 1980-03-12", "dob [date]"),
    ("born on the 12th of March 1980", "born on the [date]"),
    ("DOB: March 12, 1980", "DOB: [date]"),
    ("my hospital number is MRN1234567", "my hospital number is [number]"),
    ("record 123456", "record [number]"),
    ("nhs number 943 476 5919", "nhs number [phone]"),
])
def test_identifiers_are_redacted_and_the_rest_kept(text, kept):
    assert redact(text) == kept
    assert contains_identifier(text)


@pytest.mark.parametrize("text", [
    "what happens in step 3?", "go to step 2 of 6", "call 911", "should I call 999 or 112?",
    "I am 45 years old", "what is a stent?", "", "my leg is cold and blue",
])
def test_ordinary_messages_are_left_alone(text):
    assert redact(text) == text
    assert not contains_identifier(text)


@pytest.mark.parametrize("text, kept", [
    # names after a cue phrase
    ("my name is Jane Doe, what happens first?", "my name is [name], what happens first?"),
    ("my name is jane doe and i have a question", "my name is [name] and i have a question"),
    ("my name's Jane", "my name's [name]"),
    ("my names Jane O'Brien-Smith", "my names [name]"),
    ("I'm called Will", "I'm called [name]"),
    ("I am called Dr Patel, the nurse said", "I am called [name], the nurse said"),
    ("call me Jane please", "call me [name] please"),
    ("just call me jane", "just call me [name]"),
    ("this is Jane Doe, what happens first?", "this is [name], what happens first?"),
    ("Hi, this is Dr. Patel from ward 4", "Hi, this is [name] from ward 4"),
    ("This is Jane's mum", "This is [name]'s mum"),
    ("Name: Jane Doe", "Name: [name]"),
    # street addresses
    ("I live at 12 Acacia Avenue, is parking free?", "I live at [address], is parking free?"),
    ("221B Baker Street", "[address]"),
    ("1600 Pennsylvania Ave NW, Washington", "[address], Washington"),
    ("Flat 3, 12 High St", "[address]"),
    ("5 high street", "[address]"),
    ("12 St Mary's Road", "[address]"),
    ("12 Acacia Close", "[address]"),
    ("350 5th Ave", "[address]"),
    ("123 N Main St", "[address]"),
    # postcodes and ZIP codes
    ("my postcode is SW1A 1AA", "my postcode is [postcode]"),
    ("M1 1AE", "[postcode]"),
    ("ec1a1bb, is that near?", "[postcode], is that near?"),
    ("Washington, DC 20500", "Washington, DC [postcode]"),
    ("zip 90210", "zip [postcode]"),
    ("my zip code is 90210", "my zip code is [postcode]"),
    ("12345-6789", "[postcode]"),
    # spelled-out e-mail addresses
    ("jane dot doe at example dot com", "[email]"),
    ("mail jane(at)example(dot)com please", "mail [email] please"),
    ("jane [at] nhs [dot] net", "[email]"),
    ("jane.doe at example.co.uk, thanks", "[email], thanks"),
    ("JANE AT EXAMPLE DOT ORG", "[email]"),
    # years of birth
    ("I was born in 1980, what happens first?", "I was born in [year], what happens first?"),
    ("born 1980", "born [year]"),
    ("year of birth 1980", "year of birth [year]"),
    ("DOB 1980", "DOB [year]"),
    ("dob: 1980", "dob: [year]"),
    ("date of birth is 1975", "date of birth is [year]"),
    ("born in March 1980", "born in [year]"),
    ("born in '80", "born in [year]"),
    # all at once
    ("my name is Jane, 12 Acacia Avenue, SW1A 1AA, jane at example dot com, born 1980",
     "my name is [name], [address], [postcode], [email], born [year]"),
])
def test_names_addresses_postcodes_spelled_emails_and_birth_years_are_redacted(text, kept):
    assert redact(text) == kept
    assert redact(kept) == kept  # stable


@pytest.mark.parametrize("text", [
    "this is my first time", "This is Normal", "This is Normal?", "this is normal, right?",
    "Is this Normal?", "This is DVT?", "This is Step 3?", "this is a thrombectomy", "This Is My First Time",
    "I'm called in at 8", "i'm called early", "I am called back tomorrow", "I'm called for surgery at 9",
    "call me back", "can someone call me", "call me on the ward", "please call me later", "call me if it changes",
    "call me, please", "call me tomorrow", "my name is spelt wrong on the letter", "my name is not on the list",
    "2 clots close to the knee", "a 3 hour drive", "it took 20 minutes walk", "the 2 main veins",
    "12 acacia close",  # a lower-case name before an ambiguous street type: not caught (docs/privacy.md)
    "I have 2 stents in the road to recovery", "step 4 lane", "vitamin b12 2nd dose", "MRI at 3pm",
    "I am 45 years old", "in 1980 I had a DVT", "is it 15 minutes?", "she was born in Leeds",
    "look at the leg", "a red dot at the groin", "what is a stent dot", "what happens in step 3 at the end?",
    "10001 things", "NY is far", "I am 12345 steps away",
])
def test_ordinary_sentences_stay_as_they_are(text):
    assert redact(text) == text


def nlu_examples():
    import re

    import yaml

    for path in sorted((ROOT / "data" / "nlu").glob("*.yml")) + sorted((ROOT / "tests" / "nlu").rglob("*.yml")):
        for block in yaml.safe_load(path.read_text()).get("nlu") or []:
            for line in (block.get("examples") or "").splitlines():
                if line.strip().startswith("- "):
                    yield re.sub(r"\[([^\]]+)\]\([^)]+\)", r"\1", line.strip()[2:])


def response_texts():
    import yaml

    for variants in yaml.safe_load((ROOT / "domain.yml").read_text())["responses"].values():
        for variant in variants:
            yield variant.get("text") or ""
            for button in variant.get("buttons") or []:
                yield button.get("title") or ""


def test_the_nlu_examples_and_answers_get_a_new_placeholder_only_where_there_is_a_name():
    """Names, addresses, postcodes, spelled-out e-mails and birth years: of every NLU example
    (training, held-out, blind) and every answer, only the one with a name changes. The model
    sees the same training data, and ordinary English stays as it was."""
    texts = list(nlu_examples()) + list(response_texts())
    assert len(texts) > 2500
    changed = {}
    for text in texts:
        redacted = redact(text)
        if any(placeholder in redacted for placeholder in ("[name]", "[address]", "[postcode]", "[year]")):
            changed[text] = redacted
        assert ("[email]" in redacted) == ("@" in text), (text, redacted)
    assert changed == {"hi, my name's Carol": "hi, my name's [name]"}


def test_long_messages_are_redacted_quickly():
    for text in ("a." * 1000, "a dot " * 333, "a(dot)" * 333, "12 acacia " * 200, "my name is " * 180,
                 "call me " * 250, "born " * 400, "SW1 " * 500):
        started = time.perf_counter()
        redact(text[:2000])
        assert time.perf_counter() - started < 0.5, text[:20]


def test_non_text_passes_through():
    assert redact(None) is None
    assert redact(3) == 3


def test_generated_identifiers_in_many_formats_leave_no_digits_behind():
    import random
    import re

    rng = random.Random(5)
    formats = ("{a}{b}", "{a} {b}", "+44 {a} {b}", "({a}) {b}", "{a}-{b}", "{a}.{b}", "0{a}{b}",
               "MRN{a}{b}", "record #{a}{b}", "{d}/{m}/{y}", "{y}-{m}-{d}", "{d}.{m}.{y}")
    for _ in range(300):
        value = rng.choice(formats).format(
            a=rng.randint(100, 99999), b=rng.randint(1000, 999999),
            d=rng.randint(1, 28), m=rng.randint(1, 12), y=rng.randint(1920, 2025))
        text = f"hi, {value}, what happens first?"
        redacted = redact(text)
        assert not re.search(r"\d{3}", redacted), (text, redacted)
        assert redacted.endswith(", what happens first?")
        assert redact(redacted) == redacted  # stable
