"""The stock baseline of `make evaluate` is the configuration Rasa itself uses for `rasa init`."""
from pathlib import Path

import rasa
from rasa.shared.utils.io import read_yaml_file

from tests.conftest import ROOT

RASA_DEFAULT = Path(rasa.__file__).parent / "engine" / "recipes" / "config_files" / "default_config.yml"


def test_the_stock_config_is_rasas_default_configuration():
    ours = read_yaml_file(ROOT / "benchmarks" / "stock" / "config.yml")
    default = read_yaml_file(RASA_DEFAULT)
    assert ours["pipeline"] == default["pipeline"]
    assert ours["policies"] == default["policies"]
    assert ours["language"] == default["language"]
