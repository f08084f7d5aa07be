"""red_flags/patterns.py: typing mistakes within one edit, and forms compiled into words, gaps and groups."""
from red_flags.content import CONTENT_FILE, load
from red_flags.patterns import Typos, compile_form
from red_flags.text import stem


def test_typing_mistakes_are_one_edit_on_words_of_five_letters_or_more():
    typos = Typos({"bleed", "faint", "leg"}, known=frozenset({"paint"}))
    assert typos.corrections("blleding", stem("blleding")) == {"bleed"}
    assert typos.corrections("fainnt", stem("fainnt")) == {"faint"}
    assert typos.corrections("fiant", stem("fiant")) == {"faint"}  # two letters swapped
    assert typos.corrections("paint", stem("paint")) == set()  # an English word
    assert typos.corrections("lgs", stem("lgs")) == set()  # too short
    assert typos.corrections("bloodd", stem("bloodd")) == set()  # not a form word


def test_forms_read_words_gaps_groups_and_exact_words():
    content = load(CONTENT_FILE)
    pattern = compile_form('chest ... {pain} "now"', content.groups, content.spellings, 3)
    assert [type(element).__name__ for element in pattern.elements] == ["Choice", "Gap", "Choice", "Choice"]
