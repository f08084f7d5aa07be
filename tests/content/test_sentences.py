"""content/sentences.py: a response cut into the numbered sentences the claims table refers to."""
from content.sentences import sentences, split_line, word_count


def test_the_heading_is_the_first_sentence_then_the_body_line_by_line():
    text = "Step {step_number} of {step_total}: mapping\nThe doctor looks. Then \"dye\" goes in!\nIs it done? Yes."
    assert sentences({"text": text}) == [
        "Step {step_number} of {step_total}: mapping", "The doctor looks.", "Then \"dye\" goes in!", "Is it done?", "Yes."]


def test_a_numbered_list_item_is_one_sentence_with_its_number():
    assert split_line("3. Moving in: a thin tube goes in. It is guided.") == [
        "3. Moving in: a thin tube goes in.", "It is guided."]


def test_a_full_stop_inside_a_sentence_does_not_end_it():
    line = "They answer the phone: Monday to Friday, 9.30 to 5."
    assert split_line(line) == [line]


def test_each_button_title_is_a_sentence_after_the_text():
    response = {"text": "Pick one.", "buttons": [{"title": "Yes, delete it", "payload": "/affirm"},
                                                 {"title": "No", "payload": "/deny"}]}
    assert sentences(response) == ["Pick one.", "Yes, delete it", "No"]


def test_words_are_counted_as_a_reader_counts_them():
    assert word_count("An X-ray of step {step_number}, isn't it?") == 7
