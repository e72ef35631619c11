"""gunicorn settings, read when gunicorn starts in this folder: `.venv/bin/gunicorn wsgi:app`."""

import multiprocessing

from gunicorn.http.wsgi import Response

# Synchronous workers, one per core: threaded workers add tail latency under load (bench/README.md).
workers = multiprocessing.cpu_count()
threads = 1
bind = "127.0.0.1:8000"

_default_headers = Response.default_headers


def _without_server(self: Response) -> list[str]:
    """No `Server` header: naming the server and its version only helps someone looking for a known flaw."""
    return [line for line in _default_headers(self) if not line.startswith("Server:")]


Response.default_headers = _without_server


def post_worker_init(worker: object) -> None:
    """Have each worker's analysis job runner import its libraries at start, so no lead's first job waits."""
    import os

    if not os.environ.get("REDIS_URL"):
        from engage.insights.jobs import warm

        warm()
