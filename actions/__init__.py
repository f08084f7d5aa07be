"""Custom actions for the venous thrombectomy patient assistant.

Modules, one job each:
- ``walkthrough``: the ordered steps and how to move between them
- ``responses``: names of the domain responses and the buttons built from them
- ``config``: clinic settings read from the environment
- ``base``: the base action that lets a red-flag message win over everything
- ``explain``: step, topic and term answers
- ``care_team``: contact details (with the out-of-hours line) and declining personal medical advice
- ``disclaimer``: the disclaimer as the last line of every procedure answer's message
- ``about``: about this information (the source, the clinic's review, the full disclaimer)
- ``clarify``: "did you mean ...?" when the classifier is unsure between a few topics
- ``selector``: the answer of a topic the guide does not cover, chosen within the intent
- ``out_of_scope``: the out-of-scope answer, or the getting-ready answer
"""
