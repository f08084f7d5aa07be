"""The dependency audit (`make audit`, `python -m security.audit`): requirements.lock against the
triaged advisory list in advisories.yml (advisories.py reads both), and pip-audit when it can run."""
