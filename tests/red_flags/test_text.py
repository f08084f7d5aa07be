"""red_flags/text.py: text normalised, contractions spelled out, words tokenised and stemmed."""
from red_flags.text import normalise, stem, tokens


def test_text_is_normalised_and_contractions_spelled_out():
    assert normalise("I CAN\u2019T go to A and E") == "i can't go to a&e"
    assert [token.text for token in tokens(normalise("I can't, won't"))] == ["i", "can", "not", ",", "will", "not"]
    assert stem("bleeding") == stem("bled") == stem("bleeds") == "bleed"
    assert stem("breathing") == stem("breathe") == "breath"
