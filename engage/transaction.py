"""One transaction per unit of work, and files that become final only when it commits.

Services change the session and flush; they never commit. A web request commits once, after its view
has answered without an error (any response of 400 or more rolls back), a CLI command commits when it
finishes and a job commits at the end of each step. Files that an operation stores are written under a
temporary name and renamed into place only after the commit succeeds; files it replaces or deletes are
removed only then. A rollback removes the temporary files instead, so a failed request leaves no orphan
file and no row that points at a missing one.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path

from flask import Flask, Response
from sqlalchemy import event
from sqlalchemy.orm import Session

from engage.extensions import db

PENDING = "engage_files_to_keep"
DOOMED = "engage_files_to_delete"
CALLBACKS = "engage_after_commit"
# Temporary files older than this belong to a request or job that died; the sweep removes them.
STALE_AFTER_SECONDS = 60 * 60
TEMPORARY_PREFIX = ".incoming-"


def keep_after_commit(temporary: Path, final: Path) -> None:
    """Rename `temporary` to `final` once the current transaction commits; delete it if it rolls back."""
    db.session.info.setdefault(PENDING, []).append((temporary, final))


def delete_after_commit(path: Path) -> None:
    """Delete `path` once the current transaction commits (a rollback keeps it)."""
    db.session.info.setdefault(DOOMED, []).append(path)


def after_commit(callback: Callable[[], None]) -> None:
    """Call `callback` once the current transaction commits (never if it rolls back).

    For work another process will do with what this transaction writes, such as starting a job.
    """
    db.session.info.setdefault(CALLBACKS, []).append(callback)


@event.listens_for(Session, "after_commit")
def _files_follow_commit(session: Session) -> None:
    for temporary, final in session.info.pop(PENDING, []):
        os.replace(temporary, final)
    for path in session.info.pop(DOOMED, []):
        Path(path).unlink(missing_ok=True)
    for callback in session.info.pop(CALLBACKS, []):
        callback()


@event.listens_for(Session, "after_rollback")
def _files_follow_rollback(session: Session) -> None:
    discard_pending(session)


def discard_pending(session: Session) -> None:
    """Forget pending work: temporary files are removed, files marked for deletion stay, callbacks are dropped."""
    for temporary, _ in session.info.pop(PENDING, []):
        Path(temporary).unlink(missing_ok=True)
    session.info.pop(DOOMED, None)
    session.info.pop(CALLBACKS, None)


def sweep_stale(folder: Path, older_than: float = STALE_AFTER_SECONDS) -> int:
    """Remove temporary upload files left by a process that was killed mid-request; returns how many."""
    cutoff = time.time() - older_than
    removed = 0
    for path in folder.glob(TEMPORARY_PREFIX + "*"):
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
                removed += 1
        except FileNotFoundError:
            continue  # another process swept it first
    return removed


def commit_or_roll_back(response: Response) -> Response:
    """Commit the request's work when it succeeded; roll it back when the answer is an error."""
    if response.status_code >= 400:
        db.session.rollback()
    else:
        db.session.commit()
    return response


def forget_files(error: BaseException | None) -> None:
    """At the end of an app context, remove temporary files that no commit claimed."""
    del error
    discard_pending(db.session())


def init_app(app: Flask) -> None:
    app.after_request(commit_or_roll_back)
    # Registered after Flask-SQLAlchemy's teardown, so it runs first, while the session is still this one.
    app.teardown_appcontext(forget_files)
