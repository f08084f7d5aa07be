"""webpage/config.py: web/config.js from the settings and domain.yml, safely encoded."""
import json

from actions import responses
from channels.formatting import heading_and_body
from webpage.config import HEADER, config_js, domain_texts, main, widget_config

CLINIC = {"CLINIC_NAME": "Vein Clinic North", "CLINIC_PHONE": "+44 20 7946 0000"}
TEXTS = domain_texts()


def body(response):
    return heading_and_body(TEXTS[response])[1]


def text_of(paragraph):
    return "".join(part["text"] for part in paragraph)


def parsed(script):
    """The object config.js assigns, read back as JSON."""
    assert script.startswith(HEADER + "window.THROMBECTOMY_ASSISTANT = ") and script.endswith(";\n")
    return json.loads(script[len(HEADER + "window.THROMBECTOMY_ASSISTANT = "):-2])


def test_without_the_clinic_details_the_notice_points_to_the_appointment_letter():
    config = widget_config("http://localhost:5005", {})
    contact, emergency = config["offline"]
    assert config["socketUrl"] == "http://localhost:5005"
    assert text_of(contact) == body(responses.CARE_TEAM_CONTACT_UNSET) and "appointment letter" in text_of(contact)
    assert not any("href" in part for part in contact)
    assert text_of(emergency) == body(responses.EMERGENCY) and "emergency" in text_of(emergency)


def test_a_name_without_a_phone_is_not_enough():
    contact, _ = widget_config("http://x", {"CLINIC_NAME": "Vein Clinic North"})["offline"]
    assert text_of(contact) == body(responses.CARE_TEAM_CONTACT_UNSET)


def test_with_the_clinic_details_the_notice_names_the_clinic_and_links_its_number():
    contact, _ = widget_config("http://x", CLINIC)["offline"]
    expected = body(responses.CARE_TEAM_CONTACT).replace("{clinic_name}", "Vein Clinic North")
    assert text_of(contact) == expected.replace("{clinic_phone}", "+44 20 7946 0000")
    assert [part for part in contact if "href" in part] == [{"text": "+44 20 7946 0000", "href": "tel:+442079460000"}]


def test_a_phone_setting_that_is_no_number_is_shown_but_not_linked():
    contact, _ = widget_config("http://x", {**CLINIC, "CLINIC_PHONE": "ask at reception"})["offline"]
    assert "ask at reception" in text_of(contact) and not any("href" in part for part in contact)


def test_no_setting_can_end_the_script_or_the_markup():
    hostile = '</script><script>alert(1)</script> & "quotes" \u2028 \u2029 \\'
    script = config_js("http://x/</script>", {"CLINIC_NAME": hostile, "CLINIC_PHONE": "0100 000 000"})
    code = script[len(HEADER):]
    for character in ("<", ">", "&", "\u2028", "\u2029"):
        assert character not in code
    config = parsed(script)
    assert config == widget_config("http://x/</script>", {"CLINIC_NAME": hostile, "CLINIC_PHONE": "0100 000 000"})
    assert hostile in text_of(config["offline"][0])


def test_the_command_writes_the_file(tmp_path, monkeypatch):
    for name in CLINIC:
        monkeypatch.setenv(name, CLINIC[name])
    out = tmp_path / "config.js"
    assert main(["--rasa-url", "https://assistant.example-clinic.org", "--out", str(out)]) == 0
    assert parsed(out.read_text()) == widget_config("https://assistant.example-clinic.org", CLINIC)


def test_with_an_emergency_number_the_notice_says_it_and_the_advice_links_to_it():
    contact, emergency = widget_config("http://x", {"EMERGENCY_NUMBER": "112"})["offline"]
    assert text_of(emergency) == body(responses.EMERGENCY).replace("your local emergency number", "112")
    assert [part for part in emergency if "href" in part] == [{"text": "112", "href": "tel:112"}]
    assert text_of(contact) == body(responses.CARE_TEAM_CONTACT_UNSET).replace("your local emergency number", "112")
    _, unset = widget_config("http://x", {})["offline"]
    assert not any("href" in part for part in unset)


def test_the_page_names_the_source_and_its_date_in_the_about_answers_words():
    source = widget_config("http://x", {})["source"]
    assert source == body(responses.ABOUT_INFORMATION).replace("{source_date}", "11 February 2022")
    assert "health professionals" in source and "INVAMED" in source and "{" not in source
