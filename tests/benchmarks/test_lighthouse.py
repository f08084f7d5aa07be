"""benchmarks/lighthouse.py: scores read from Lighthouse's report, written into the docs, held to their minimum."""
import pytest

from benchmarks.lighthouse import BEGIN, END, below_minimum, failed_audits, scores, scores_block, with_scores


def report(accessibility=1.0, failing=()):
    audits = {"a": {"id": "a", "title": "Passes", "score": 1, "scoreDisplayMode": "binary"},
              "m": {"id": "m", "title": "Manual", "score": None, "scoreDisplayMode": "manual"}}
    audits.update({title: {"id": title, "title": title, "score": 0, "scoreDisplayMode": "binary"} for title in failing})
    return {"lighthouseVersion": "12.8.2", "audits": audits, "categories": {
        "accessibility": {"score": accessibility}, "best-practices": {"score": 0.74},
        "performance": {"score": 0.934}, "seo": {"score": 0.91}}}


def test_scores_are_out_of_100():
    assert scores(report()) == {"accessibility": 100, "best-practices": 74, "performance": 93, "seo": 91}


def test_the_block_lists_each_form_factor_and_the_failing_audits():
    block = scores_block({"mobile": report(failing=["Uses deprecated APIs"]), "desktop": report()}, "12.8.2")
    assert block.startswith(BEGIN) and block.endswith(END)
    assert "| mobile | 100 | 74 | 93 | 91 |" in block and "| desktop | 100 | 74 | 93 | 91 |" in block
    assert "Audits under 90: Uses deprecated APIs." in block
    assert failed_audits(report(failing=["x"])) == ["x"]


def test_the_docs_block_is_replaced_and_nothing_else():
    page = f"# Title\n\nbefore\n{BEGIN}\nold\n{END}\nafter\n"
    assert with_scores(page, f"{BEGIN}\nnew\n{END}") == f"# Title\n\nbefore\n{BEGIN}\nnew\n{END}\nafter\n"
    with pytest.raises(LookupError):
        with_scores("# no block\n", f"{BEGIN}\nnew\n{END}")


def test_accessibility_under_100_fails():
    assert below_minimum({"mobile": report(), "desktop": report()}) == []
    assert below_minimum({"mobile": report(accessibility=0.98)}) == ["mobile accessibility 98 < 100"]
