"""components/redact_identifiers.py: the NLU component redacts training examples and messages."""


def test_the_nlu_component_redacts_training_examples_and_messages():
    from rasa.shared.nlu.constants import TEXT
    from rasa.shared.nlu.training_data.message import Message
    from rasa.shared.nlu.training_data.training_data import TrainingData

    from components.redact_identifiers import RedactIdentifiers

    component = RedactIdentifiers()
    message = Message(data={TEXT: "my number is 07700 900123, what happens first?"})
    plain = Message(data={TEXT: "what happens in step 3?"})
    component.process([message, plain])
    assert message.get(TEXT) == "my number is [phone], what happens first?"
    assert plain.get(TEXT) == "what happens in step 3?"
    named = Message(data={TEXT: "my name is Jane Doe, I live at 12 Acacia Avenue, what happens first?"})
    component.process([named])
    assert named.get(TEXT) == "my name is [name], I live at [address], what happens first?"
    example = Message(data={TEXT: "email me at a@b.org", "intent": "request_human"})
    component.process_training_data(TrainingData([example]))
    assert example.get(TEXT) == "email me at [email]"
