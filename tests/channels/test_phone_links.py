"""channels/phone_links.py: tel: URIs, and the phrase of an answer that becomes a tap-to-call link."""
from channels.phone_links import EMERGENCY_PHRASE, emergency_linked, emergency_number, linked, tel_uri, with_emergency_number


def test_a_phone_number_becomes_a_tel_uri_of_its_digits():
    assert tel_uri("+44 20 7946 0000") == "tel:+442079460000"
    assert tel_uri(" 0100-000.000 ") == "tel:0100000000"
    assert tel_uri("+1 (555) 000-1111") == "tel:+15550001111"
    assert tel_uri("999") == "tel:999" and tel_uri("112") == "tel:112"


def test_anything_else_gets_no_link():
    for text in ("", "  ", "ask at reception", "javascript:alert(1)", "9", "+", "1" * 16, "999; DROP", "tel:999"):
        assert tel_uri(text) is None, text


def test_the_first_occurrence_of_the_phrase_is_the_link():
    assert linked("Call 999 or 999.", "999", "tel:999") == [("Call ", None), ("999", "tel:999"), (" or 999.", None)]
    assert linked("999", "999", "tel:999") == [("999", "tel:999")]
    assert linked("Call us.", "999", "tel:999") == [("Call us.", None)]
    assert linked("Call 999.", "999", None) == [("Call 999.", None)]


def test_the_configured_number_is_said_instead_of_the_phrase():
    text = f"Call {EMERGENCY_PHRASE} now. If in doubt, call {EMERGENCY_PHRASE}."
    assert with_emergency_number(text, " 999 ") == "Call 999 now. If in doubt, call 999."
    for unset in ("", "  ", "not a number", "999; DROP"):
        assert with_emergency_number(text, unset) == text and emergency_number(unset) is None


def test_the_emergency_number_is_said_and_linked():
    text = f"Call {EMERGENCY_PHRASE} now."
    assert emergency_linked(text, "112") == [("Call ", None), ("112", "tel:112"), (" now.", None)]
    # a text the number was already said in (channels/nlg.py) is linked the same way
    assert emergency_linked("Call 112 now.", "112") == emergency_linked(text, "112")
    assert emergency_linked(text, "") == [(text, None)]
    assert emergency_linked(text, "not a number") == [(text, None)]
