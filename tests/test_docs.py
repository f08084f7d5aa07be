"""The README and docs/: every relative link reaches a file (and its heading), and the README stays short."""
import re
from pathlib import Path

from tests.conftest import ROOT

PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
LINK = re.compile(r"\]\(([^)\s]+)\)")
README_WORDS = 1200


def heading_anchors(page: Path) -> set:
    """GitHub's anchors for a page's headings: lower case, punctuation dropped, spaces as hyphens."""
    headings = re.findall(r"(?m)^#+ (.*)$", page.read_text())
    return {re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-") for heading in headings}


def broken_links(page: Path) -> list:
    broken = []
    for target in LINK.findall(page.read_text()):
        if re.match(r"[a-z]+:", target):
            continue
        path, _, anchor = target.partition("#")
        linked = (page.parent / path).resolve() if path else page
        if not linked.exists() or (anchor and linked.suffix == ".md" and anchor not in heading_anchors(linked)):
            broken.append(target)
    return broken


def test_the_link_check_sees_a_broken_file_and_a_broken_anchor(tmp_path):
    (tmp_path / "other.md").write_text("# Other page\n\n## A heading, with punctuation!\n")
    page = tmp_path / "page.md"
    page.write_text("[ok](other.md#a-heading-with-punctuation) [gone](missing.md) [no](other.md#nowhere) "
                    "[web](https://example.org/x) [self](#title)\n# Title\n")
    assert broken_links(page) == ["missing.md", "other.md#nowhere"]


def test_every_relative_link_in_the_readme_and_docs_resolves():
    assert {page.name: broken_links(page) for page in PAGES if broken_links(page)} == {}


def test_the_readme_reads_in_five_minutes():
    words = len((ROOT / "README.md").read_text().split())
    assert words <= README_WORDS, f"README.md has {words} words: move details to docs/, by reader"
