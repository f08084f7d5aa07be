"""The claims table: every patient-facing sentence in domain.yml traced to the source, for clinical sign-off.

`claims.yml` (beside this file) is the table a clinician reads and signs; `python -m content report`
writes it as a page. The checks that keep it true are in `content.checks`; tests/content/ runs them.
"""
