"""The claims table (claims.yml beside this module) and the responses it reviews (domain.yml), read as plain data."""
import hashlib
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

import yaml

from content.sentences import sentences as split_response

CLAIMS_FILE = Path(__file__).resolve().parent / "claims.yml"
ROOT = Path(__file__).resolve().parent.parent
DOMAIN_FILE = ROOT / "domain.yml"

# what a statement rests on when it is not a passage of the source
KINDS = {
    "source": "a passage of the source walkthrough",
    "general_definition": "a plain, general definition of a term",
    "not_in_source_referral": "the guide does not say: ask your care team",
    "safety_advice": "general advice on when to get help",
    "conversational": "no factual claim",
}


@dataclass(frozen=True)
class Response:
    """One patient-facing response as the claims table sees it: its text and its buttons' titles."""

    name: str
    text: str
    titles: Tuple[str, ...] = ()

    @property
    def sentences(self) -> List[str]:
        """Numbered from 1 in the table: the heading, the body's sentences, then the button titles."""
        return split_response({"text": self.text, "buttons": [{"title": title} for title in self.titles]})

    @property
    def fingerprint(self) -> str:
        """SHA-256 of what a patient reads: the text, then each button title on a line of its own."""
        return hashlib.sha256("\n".join([self.text, *self.titles]).encode("utf-8")).hexdigest()


def response_from_variation(name: str, variation: Dict[str, Any]) -> Response:
    return Response(name, variation.get("text", ""), tuple(button["title"] for button in variation.get("buttons") or []))


def load_responses(domain_file: Path = DOMAIN_FILE) -> Dict[str, Response]:
    """Every response in the domain, by name (its first variation: the table reviews one text per response)."""
    with open(domain_file, encoding="utf-8") as stream:
        domain = yaml.safe_load(stream)
    return {name: response_from_variation(name, variations[0]) for name, variations in domain["responses"].items()}


def variation_counts(domain_file: Path = DOMAIN_FILE) -> Dict[str, int]:
    with open(domain_file, encoding="utf-8") as stream:
        return {name: len(variations) for name, variations in yaml.safe_load(stream)["responses"].items()}


def load_table(claims_file: Path = CLAIMS_FILE) -> Dict[str, Any]:
    """claims.yml: `source` (the walkthrough and its fingerprint) and `responses` (an entry per response)."""
    with open(claims_file, encoding="utf-8") as stream:
        return yaml.safe_load(stream)


def source_file(table: Dict[str, Any]) -> Path:
    """The source walkthrough, named in the table relative to the repository."""
    return (ROOT / table["source"]["file"]).resolve()


def source_lines(table: Dict[str, Any]) -> Dict[int, str]:
    """The source's lines by number, from 1."""
    text = source_file(table).read_text(encoding="utf-8")
    return dict(enumerate(text.split("\n"), start=1))


def file_fingerprint(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def source_date(table: Optional[Dict[str, Any]] = None) -> str:
    """The source's date (claims.yml's `source: published`) as patients read it: "11 February 2022"."""
    published = (table or load_table())["source"]["published"]
    published = published if isinstance(published, date) else date.fromisoformat(str(published))
    return f"{published.day} {published:%B %Y}"
