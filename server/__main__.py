"""`python -m server [rasa run options]`: the hardened `rasa run` (server/start.py)."""
import sys

from server.start import main

sys.exit(main())
