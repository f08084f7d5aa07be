"""Check Helm values against a chart's values.yaml: every key used must be one the chart has.

    python -m container.helm_keys OUR_VALUES CHART_VALUES     exit 1 naming each unknown key

A key under a chart value that is an empty map or not a map (extraEnv, resources,
podSecurityContext: free-form) is the chart's to pass on and is not checked further.
"""
import sys
from typing import Any, List, Mapping, Optional

import yaml


def unknown_keys(ours: Mapping[str, Any], chart: Any, path: str = "") -> List[str]:
    unknown = []
    for key, value in ours.items():
        where = f"{path}.{key}" if path else str(key)
        if not isinstance(chart, Mapping) or key not in chart:
            unknown.append(where)
        elif isinstance(value, Mapping) and isinstance(chart[key], Mapping) and chart[key]:
            unknown += unknown_keys(value, chart[key], where)
    return unknown


def main(argv: Optional[List[str]] = None) -> int:
    ours_path, chart_path = sys.argv[1:] if argv is None else argv
    with open(ours_path) as ours, open(chart_path) as chart:
        unknown = unknown_keys(yaml.safe_load(ours), yaml.safe_load(chart))
    for key in unknown:
        print(f"{ours_path}: {key} is not a key of {chart_path}")
    return 1 if unknown else 0


if __name__ == "__main__":
    sys.exit(main())
