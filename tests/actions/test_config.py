from actions.config import ClinicContact, ContentReview, clinic_contact, content_review, out_of_hours


def test_unset_or_blank_means_not_configured():
    assert clinic_contact({}) is None
    assert clinic_contact({"CLINIC_NAME": "Clinic"}) is None
    assert clinic_contact({"CLINIC_NAME": "  ", "CLINIC_PHONE": "123"}) is None


def test_values_are_trimmed_and_hours_are_optional():
    contact = clinic_contact({"CLINIC_NAME": " Clinic ", "CLINIC_PHONE": "123 "})
    assert contact == ClinicContact(name="Clinic", phone="123", hours="")


def test_the_out_of_hours_line_is_optional_and_trimmed():
    assert out_of_hours({}) == "" and out_of_hours({"CLINIC_OUT_OF_HOURS": "  "}) == ""
    assert out_of_hours({"CLINIC_OUT_OF_HOURS": " call NHS 111 "}) == "call NHS 111"


def test_the_content_review_needs_both_who_and_when():
    assert content_review({}) is None
    assert content_review({"CONTENT_REVIEWED_BY": "Dr Lee"}) is None
    assert content_review({"CONTENT_REVIEWED_ON": "1 March 2027"}) is None
    assert content_review({"CONTENT_REVIEWED_BY": " Dr Lee ", "CONTENT_REVIEWED_ON": "1 March 2027"}) == \
        ContentReview(reviewed_by="Dr Lee", reviewed_on="1 March 2027")
