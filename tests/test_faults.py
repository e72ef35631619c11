"""Faults leave nothing half-done: a killed upload, a database that stops answering."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import psycopg
from sqlalchemy import func, select

from engage import create_app
from engage.auth.models import LoginFailure
from engage.extensions import db

ROOT = Path(__file__).resolve().parents[1]
SERVER = "postgresql://postgres@127.0.0.1:5432"

# Starts an upload whose client sends the first bytes of a picture and then stalls, so the process can be
# killed while the temporary file is half written.
STALLED_UPLOAD = """
import sys, time
from engage import create_app
from engage.media.models import MediaKind
from engage.media.storage import store

class Stalls:
    started = False
    def read(self, size=-1):
        if not self.started:
            self.started = True
            return b"\\x89PNG\\r\\n\\x1a\\n" + bytes(56)
        print("stalled", flush=True)
        time.sleep(120)
        return b""

app = create_app({"TESTING": True, "SECRET_KEY": "x" * 40, "SQLALCHEMY_DATABASE_URI": "sqlite://",
                  "UPLOAD_DIR": sys.argv[1]})
with app.app_context():
    store(Stalls(), MediaKind.IMAGE)
"""

# A TCP relay to PostgreSQL that can be killed, to stop the database as the app sees it.
RELAY = """
import socket, threading
listener = socket.socket()
listener.bind(("127.0.0.1", 0))
listener.listen()
print(listener.getsockname()[1], flush=True)

def pipe(source, target):
    try:
        while data := source.recv(65536):
            target.sendall(data)
    except OSError:
        pass
    finally:
        source.close()
        target.close()

while True:
    client, _ = listener.accept()
    server = socket.create_connection(("127.0.0.1", 5432))
    threading.Thread(target=pipe, args=(client, server), daemon=True).start()
    threading.Thread(target=pipe, args=(server, client), daemon=True).start()
"""


def _python(script: str, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", script, *args], cwd=ROOT, stdout=subprocess.PIPE, text=True, env=os.environ.copy()
    )


def test_an_upload_killed_mid_way_leaves_a_temporary_file_that_the_sweep_removes(tmp_path: Path) -> None:
    uploads = tmp_path / "uploads"
    upload = _python(STALLED_UPLOAD, str(uploads))
    try:
        assert upload.stdout is not None and upload.stdout.readline().strip() == "stalled"
        upload.send_signal(signal.SIGKILL)
        upload.wait(timeout=10)
    finally:
        upload.kill()
        upload.wait()
        upload.stdout.close()  # type: ignore[union-attr]
    left = list(uploads.iterdir())
    assert len(left) == 1 and left[0].name.startswith(".incoming-"), "only a temporary name, never a final one"
    config = {
        "TESTING": True,
        "SECRET_KEY": "x" * 40,
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'engage.sqlite'}",
        "UPLOAD_DIR": str(uploads),
    }
    create_app(config)
    assert left[0].exists(), "a recent temporary file may belong to an upload still arriving"
    an_hour_ago = time.time() - 3700
    os.utime(left[0], (an_hour_ago, an_hour_ago))
    app = create_app(config)
    assert not left[0].exists(), "starting the app sweeps what a killed process left"

    with app.app_context():
        db.create_all()
    stale = uploads / ".incoming-left-by-a-worker"
    stale.write_bytes(b"part of a video")
    os.utime(stale, (an_hour_ago, an_hour_ago))
    result = app.test_cli_runner().invoke(args=["purge-drafts"])
    assert "and 1 partial uploads" in result.output and not stale.exists(), "the daily command sweeps too"


def _login_failures(url: str) -> int:
    app = create_app({"TESTING": True, "SECRET_KEY": "x" * 40, "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        count = db.session.execute(select(func.count()).select_from(LoginFailure)).scalar_one()
    with app.app_context():
        db.engine.dispose()  # in a context of its own, once the session has given its connection back
    return count


def test_a_stopped_database_gives_a_503_page_and_writes_nothing() -> None:
    with psycopg.connect(f"{SERVER}/test", autocommit=True) as admin:
        admin.execute("DROP DATABASE IF EXISTS engage_faults WITH (FORCE)")
        admin.execute("CREATE DATABASE engage_faults")
    relay = _python(RELAY)
    try:
        assert relay.stdout is not None
        port = relay.stdout.readline().strip()
        config: dict[str, Any] = {
            "TESTING": True,
            "SECRET_KEY": "x" * 40,
            "WTF_CSRF_ENABLED": False,
            "PROPAGATE_EXCEPTIONS": False,  # answer as in production, not by raising into the test
            "SQLALCHEMY_DATABASE_URI": f"postgresql://postgres@127.0.0.1:{port}/engage_faults",
        }
        app = create_app(config)
        with app.app_context():
            db.create_all()
        client = app.test_client()
        wrong = {"email": "someone@example.org", "password": "not the password"}
        assert client.post("/login", data=wrong).status_code == 200
        assert _login_failures(f"{SERVER}/engage_faults") == 1

        relay.send_signal(signal.SIGKILL)
        relay.wait(timeout=10)
        stopped = client.post("/login", data=wrong)
        assert stopped.status_code == 503
        assert "Sorry, the service is unavailable" in stopped.get_data(as_text=True)
        assert _login_failures(f"{SERVER}/engage_faults") == 1, "nothing of the failed request was written"
        with app.app_context():
            db.engine.dispose()
    finally:
        relay.kill()
        relay.wait()
        relay.stdout.close()  # type: ignore[union-attr]
        with psycopg.connect(f"{SERVER}/test", autocommit=True) as admin:
            admin.execute("DROP DATABASE IF EXISTS engage_faults WITH (FORCE)")
