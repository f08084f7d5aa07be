"""`python -m settings`: write settings.mk and the docs' settings tables from settings/table.yml.

`python -m settings --check` writes nothing and exits 1 when any of them is out of step.
"""
import argparse
import sys
from pathlib import Path
from typing import Dict

from settings import load
from settings.render import MAKEFILE, makefile, with_table

ROOT = Path(__file__).resolve().parent.parent


def written(root: Path = ROOT) -> Dict[Path, str]:
    """Every file written from the table, with the text it should have."""
    settings = load()
    files = {root / MAKEFILE: makefile(settings)}
    for page in dict.fromkeys(s.page for s in settings):
        text = (root / page).read_text(encoding="utf-8")
        for table in dict.fromkeys(s.table for s in settings if s.page == page):
            text = with_table(text, table, [s for s in settings if s.table == table])
        files[root / page] = text
    return files


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m settings", description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 if a file is out of step")
    args = parser.parse_args(argv)
    stale = [path for path, text in written().items() if not path.exists() or path.read_text(encoding="utf-8") != text]
    if args.check:
        for path in stale:
            print(f"{path.relative_to(ROOT)} is out of step with settings/table.yml: run python -m settings")
        return 1 if stale else 0
    for path, text in written().items():
        if path in stale:
            path.write_text(text, encoding="utf-8")
            print(f"wrote {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
