"""The Rasa server process and its hardening: `python -m server [rasa run options]`.

`make run`, `make cluster` and the end-to-end tests start the Rasa server this way: `rasa run`
with these changes installed first, one module per concern.

- start.py: the command line (the HTTP API only with ENABLE_API=1 and RASA_API_TOKEN) and the start.
- api_lockdown.py: no model changes over HTTP, even with the API on.
- action_failures.py: a failing action server gets the patient "try again shortly", not silence.
- store_outage.py: a conversation store that cannot be read or written gets the same answer, and
  no answer is sent that the store did not keep.
- atomic_locks.py: the Redis lock store whose tickets are issued and returned atomically (endpoints.yml
  names it by class path; start.py turns LOCK_STORE_TYPE=redis into that path).
- current_session_only.py: custom actions get the current conversation session only.
- speedups.py: action answers checked by a validator built once; NLU in a worker thread.
- patches.py: the one table of the Rasa internals the modules above replace, checked against the
  pinned Rasa version; start.py installs them all.

The REST webhook's input guard is not here: it is a request hook of the REST channel itself
(channels/rest.py, channels/rest_guard.py), which Rasa supports without any patch.
"""
