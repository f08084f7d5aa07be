"""The assistant as a small cluster on loopback: several Rasa servers (replicas) sharing a
PostgreSQL tracker store and a Redis lock store, with nginx in front (`make cluster`, and the
cluster tests). All from Debian's packages; see docs/deploy.md for production."""
