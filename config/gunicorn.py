"""gunicorn's settings for the web process: `gunicorn -c python:config.gunicorn config.wsgi`
(or `-c config/gunicorn.py`, which loads the file without the `config` package: Celery,
~16 MB resident in the master; Procfile.embedded).

One home for the Procfiles, docker/Dockerfile and the benchmarks; flags given on the command
line (`--bind`, or `--workers` in a benchmark) override these. docs/performance.md has the
measurements behind each choice. Values are the environment's strings or defaults: gunicorn
checks each is a positive integer and says which one is not.
"""

from __future__ import annotations

import gc
import os

# Processes rather than threads, so one request's CPU does not hold the GIL the others wait
# for; each process takes ~140 MB.
workers = os.environ.get("WEB_CONCURRENCY", "4")
threads = os.environ.get("WEB_THREADS", "2")
# Close each connection after its response (nginx's default towards an upstream), so every
# request is taken by whichever process is free. With keep-alive, each client's connection
# stays with the process that accepted it, and two busy clients on one process share its GIL
# while another process idles: a 100-post request's p99 under 4 clients doubled.
keepalive = os.environ.get("WEB_KEEPALIVE", "0")
control_socket_disable = True


def post_worker_init(worker: object) -> None:
    """The objects loaded at start (Django, the apps) live as long as the process: frozen,
    a full collection walks only what requests made since. Unfrozen, one took ~100 ms on
    this heap and held every request of the process for it: the 100-post request's p99
    (docs/performance.md)."""
    gc.freeze()
