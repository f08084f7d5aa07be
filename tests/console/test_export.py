"""console/export.py: the marked messages as Rasa NLU YAML that Rasa itself reads."""
from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLReader
from rasa.shared.nlu.training_data.loading import load_data

from console.export import nlu_yaml


def test_the_export_parses_as_rasa_training_data_with_placeholders_kept(tmp_path):
    text = nlu_yaml([("ask_recovery", "my name is [name], when can I drive?"), ("ask_stent", "a tube left\ninside?"),
                     ("ask_recovery", "when can I fly: [date]?"), ("ask_recovery", "my name is [name], when can I drive?")])
    assert 'version: "3.1"' in text
    data = RasaYAMLReader().reads(text)
    assert sorted((m.get("intent"), m.get("text")) for m in data.intent_examples) == [
        ("ask_recovery", "my name is [name], when can I drive?"), ("ask_recovery", "when can I fly: [date]?"),
        ("ask_stent", "a tube left inside?")]
    assert all(not m.get("entities") for m in data.intent_examples)
    (tmp_path / "nlu.yml").write_text(text)
    assert len(load_data(str(tmp_path / "nlu.yml")).intent_examples) == 3


def test_nothing_marked_is_still_a_valid_file():
    assert RasaYAMLReader().reads(nlu_yaml([])).intent_examples == []
