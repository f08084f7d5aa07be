"""red_flags/content.py: red_flags.yml loads, every entry explains itself, and a mistake in it stops it loading."""
from pathlib import Path

import pytest
import yaml

from red_flags.content import CONTENT_FILE, ContentError, load


def test_the_content_file_loads_and_every_concept_has_a_description_forms_and_exemplars():
    content = load(CONTENT_FILE)
    assert len(content.concepts) >= 15
    for concept in content.concepts:
        assert concept.description and len(concept.forms) >= 1 and len(concept.exemplars) >= 3, concept.name


def test_every_context_rule_and_ordinary_sense_explains_itself():
    content = load(CONTENT_FILE)
    assert all(len(rule.explanation) > 40 and rule.cues for rule in content.context.rules)
    assert all(sense.explanation and sense.phrases for sense in content.ordinary)


@pytest.mark.parametrize("change, message", [
    (lambda raw: raw["concepts"][0].update(forms=[]), "forms"),
    (lambda raw: raw["concepts"][0].update(exemplars=None), "exemplars"),
    (lambda raw: raw["concepts"][0]["forms"].append("{no_such_group} pain"), "no_such_group"),
    (lambda raw: raw["context"]["rules"][0].update(kind="sometimes"), "kind"),
    (lambda raw: raw["context"]["rules"][0]["cues"].append(False), "quotes"),
    (lambda raw: raw["concepts"][1].update(name=raw["concepts"][0]["name"]), "same name"),
])
def test_a_mistake_in_the_content_file_stops_it_loading(tmp_path: Path, change, message):
    raw = yaml.safe_load(CONTENT_FILE.read_text(encoding="utf-8"))
    change(raw)
    broken = tmp_path / "red_flags.yml"
    broken.write_text(yaml.safe_dump(raw), encoding="utf-8")
    with pytest.raises(ContentError, match=message):
        load(broken)
