"""Shared by the tests that need the trained model."""
from pathlib import Path

import pytest

from tests.conftest import ROOT

MODEL = ROOT / "models" / "thrombectomy-assistant.tar.gz"


def trained_model() -> Path:
    """The trained model; a missing model is an error, never a skip."""
    if not MODEL.exists():
        pytest.fail(f"{MODEL} is missing: run `make train` (make test-model does it for you)")
    return MODEL
