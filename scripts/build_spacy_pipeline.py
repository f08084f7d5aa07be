"""Build the project's spaCy pipeline from code, with nothing downloaded.

blank English + lookup lemmatizer (tables from spacy-lookups-data) + an entity
ruler whose patterns are the medical terms of data/nlu/terms.yml: every
canonical term and every synonym or misspelling listed for it, labelled
``medical_term``. Rasa's EntitySynonymMapper then maps a found surface form to
its canonical term.

Usage: python scripts/build_spacy_pipeline.py [OUTPUT_DIR]
"""
import sys
from pathlib import Path
from typing import Dict, List

import spacy
from rasa.shared.nlu.training_data.loading import load_data

ROOT = Path(__file__).resolve().parent.parent
TERMS_FILE = ROOT / "data" / "nlu" / "terms.yml"
DEFAULT_OUTPUT = ROOT / "build" / "spacy_pipeline"
LABEL = "medical_term"


def term_surface_forms(terms_file: Path = TERMS_FILE) -> Dict[str, str]:
    """Every surface form (lower case) mapped to its canonical term."""
    synonyms = load_data(str(terms_file)).entity_synonyms
    forms = {canonical.lower(): canonical for canonical in synonyms.values()}
    forms.update({surface.lower(): canonical for surface, canonical in synonyms.items()})
    return forms


def ruler_patterns(forms: Dict[str, str]) -> List[Dict[str, str]]:
    return [
        {"label": LABEL, "pattern": surface, "id": canonical}
        for surface, canonical in sorted(forms.items())
    ]


def build(output: Path = DEFAULT_OUTPUT) -> spacy.language.Language:
    nlp = spacy.blank("en")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    ruler = nlp.add_pipe("entity_ruler", config={"phrase_matcher_attr": "LOWER"})
    nlp.initialize()
    # initialize() clears the ruler, so the patterns go in afterwards.
    ruler.add_patterns(ruler_patterns(term_surface_forms()))
    nlp.meta["name"] = "thrombectomy_terms"
    nlp.meta["description"] = "Blank English with lemmas and the medical terms of data/nlu/terms.yml"
    output.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(output)
    return nlp


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_OUTPUT
    pipeline = build(target)
    print(f"spaCy pipeline with {len(pipeline.get_pipe('entity_ruler'))} term patterns written to {target}")
