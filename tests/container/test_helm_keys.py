"""container.helm_keys: every key of our Helm values must be a key of the chart's values.yaml."""
from container import helm_keys

CHART = {"image": {"repository": "", "tag": ""}, "extraEnv": [], "resources": {}, "probe": {"httpGet": {"path": "/"}}}


def test_known_keys_pass_and_free_form_values_are_not_descended():
    ours = {"image": {"tag": "1"}, "extraEnv": [{"name": "A"}], "resources": {"limits": {"cpu": "2"}}}
    assert helm_keys.unknown_keys(ours, CHART) == []


def test_an_unknown_key_is_named_with_its_dotted_path():
    ours = {"imag": {}, "image": {"tags": "1"}, "probe": {"httpGet": {"paht": "/"}}}
    assert helm_keys.unknown_keys(ours, CHART) == ["imag", "image.tags", "probe.httpGet.paht"]


def test_main_exits_1_naming_each_unknown_key(tmp_path, capsys):
    ours, chart = tmp_path / "ours.yaml", tmp_path / "chart.yaml"
    chart.write_text("image:\n  tag: x\n")
    ours.write_text("image:\n  tag: y\n")
    assert helm_keys.main([str(ours), str(chart)]) == 0
    ours.write_text("image:\n  tag: y\n  digest: z\n")
    assert helm_keys.main([str(ours), str(chart)]) == 1
    assert "image.digest is not a key of" in capsys.readouterr().out
