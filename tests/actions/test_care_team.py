import pytest

from actions.care_team import ActionContactCareTeam, ActionDeclineMedicalAdvice
from tests.conftest import footers, make_tracker, response_names, term_entity

CLINIC = {"CLINIC_NAME": "Vein Clinic North", "CLINIC_PHONE": "+44 20 7946 0000"}


@pytest.fixture
def no_clinic(monkeypatch):
    for key in ("CLINIC_NAME", "CLINIC_PHONE", "CLINIC_HOURS", "CLINIC_OUT_OF_HOURS"):
        monkeypatch.delenv(key, raising=False)


async def test_contact_without_configuration_says_so(no_clinic, dispatcher, domain):
    await ActionContactCareTeam().run(dispatcher, make_tracker("a nurse please", "request_human"), domain)
    assert response_names(dispatcher) == ["utter_care_team_contact_unset"]


async def test_contact_comes_from_the_environment(no_clinic, monkeypatch, dispatcher, domain):
    for key, value in CLINIC.items():
        monkeypatch.setenv(key, value)
    await ActionContactCareTeam().run(dispatcher, make_tracker("phone number?", "request_human"), domain)
    [message] = dispatcher.messages
    assert message["response"] == "utter_care_team_contact"
    assert message["clinic_name"] == "Vein Clinic North"
    assert message["clinic_phone"] == "+44 20 7946 0000"


async def test_opening_hours_are_added_when_set(no_clinic, monkeypatch, dispatcher, domain):
    for key, value in {**CLINIC, "CLINIC_HOURS": "Mon-Fri 9-17"}.items():
        monkeypatch.setenv(key, value)
    await ActionContactCareTeam().run(dispatcher, make_tracker("phone?", "request_human"), domain)
    assert response_names(dispatcher) == ["utter_care_team_contact", "utter_care_team_hours"]
    assert dispatcher.messages[1]["clinic_hours"] == "Mon-Fri 9-17"


@pytest.mark.parametrize("clinic", [{}, CLINIC])
async def test_the_out_of_hours_line_comes_from_the_environment_and_is_never_invented(
        clinic, no_clinic, monkeypatch, dispatcher, domain):
    for key, value in clinic.items():
        monkeypatch.setenv(key, value)
    await ActionContactCareTeam().run(dispatcher, make_tracker("who do I call at night?", "request_human"), domain)
    assert "utter_care_team_out_of_hours" not in response_names(dispatcher)
    monkeypatch.setenv("CLINIC_OUT_OF_HOURS", "call the ward on 0100 000 001")
    again = type(dispatcher)()
    await ActionContactCareTeam().run(again, make_tracker("who do I call at night?", "request_human"), domain)
    assert response_names(again)[-1] == "utter_care_team_out_of_hours"
    assert again.messages[-1]["clinic_out_of_hours"] == "call the ward on 0100 000 001"


async def test_medical_advice_is_declined_with_referral_and_disclaimer(no_clinic, dispatcher, domain):
    tracker = make_tracker("should I stop my blood thinners?", "ask_medical_advice")
    await ActionDeclineMedicalAdvice().run(dispatcher, tracker, domain)
    assert response_names(dispatcher) == [
        "utter_medical_advice_declined", "utter_care_team_contact_unset", "utter_emergency_signs",
    ]
    assert footers(dispatcher) == [None, None, "utter_disclaimer"]
    assert [button["payload"] for button in dispatcher.messages[-1]["buttons"]] == ["/ask_access", "/help"]


async def test_declining_still_gives_the_general_facts_that_apply(no_clinic, dispatcher, domain):
    tracker = make_tracker("do I really need a stent?", "ask_medical_advice", entities=[term_entity("stent")])
    await ActionDeclineMedicalAdvice().run(dispatcher, tracker, domain)
    assert response_names(dispatcher) == [
        "utter_medical_advice_declined", "utter_term_stent", "utter_care_team_contact_unset", "utter_emergency_signs",
    ]
    assert footers(dispatcher)[-1] == "utter_disclaimer"


async def test_a_symptom_question_gets_the_care_team_and_the_emergency_signs_never_the_procedure_text(
        no_clinic, dispatcher, domain):
    tracker = make_tracker("is it normal that my leg is still swollen a week after?", "ask_medical_advice")
    await ActionDeclineMedicalAdvice().run(dispatcher, tracker, domain)
    names = response_names(dispatcher)
    assert "utter_care_team_contact_unset" in names and "utter_emergency_signs" in names
    assert not any(name.startswith(("utter_step_", "utter_topic_")) for name in names)
