from actions.config import ClinicContact, clinic_contact


def test_unset_or_blank_means_not_configured():
    assert clinic_contact({}) is None
    assert clinic_contact({"CLINIC_NAME": "Clinic"}) is None
    assert clinic_contact({"CLINIC_NAME": "  ", "CLINIC_PHONE": "123"}) is None


def test_values_are_trimmed_and_hours_are_optional():
    contact = clinic_contact({"CLINIC_NAME": " Clinic ", "CLINIC_PHONE": "123 "})
    assert contact == ClinicContact(name="Clinic", phone="123", hours="")
