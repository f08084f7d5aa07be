"""A few seconds of `make bench`'s load (benchmarks/load.py) against the real servers."""
import pytest

from benchmarks import load
from tests.e2e.servers import running_assistant
from tests.model_helpers import trained_model

pytestmark = pytest.mark.model


def test_simulated_patients_get_an_answer_with_text_to_every_message():
    with running_assistant(trained_model(), load.NO_RATE_LIMITS) as url:
        result = load.run(url, load.PROJECT_CONVERSATION, patients=3, seconds=4)
    print("\n", result.summary())
    assert result.errors == []
    assert result.lost == []
    assert result.messages >= len(load.PROJECT_CONVERSATION)
