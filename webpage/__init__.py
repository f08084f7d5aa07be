"""The demo clinic page: its configuration and the small web server that serves it.

- ``config``: web/config.js, the widget's settings and the texts of its "cannot connect"
  notice, written from the settings and domain.yml (`make web-config`).
- ``server``: serves web/ compressed (gzip) and cached (ETag, Last-Modified, 304) on
  loopback (`python -m webpage`, used by `make run` and the browser tests).
"""
