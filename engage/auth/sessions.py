"""Signed-in sessions: when they start, and when they end without the user signing out."""

from __future__ import annotations

import time

from flask import current_app, flash, redirect, request, session, url_for
from flask_login import current_user, login_user, logout_user
from werkzeug.wrappers import Response

from engage.auth import two_step
from engage.auth.models import User


def start_session(user: User) -> None:
    """Sign the user in on a fresh session, starting the idle and absolute clocks."""
    session.clear()  # nothing from before sign-in carries over
    login_user(user)
    session["signed_in_at"] = session["seen_at"] = time.time()


def end_stale_sessions() -> Response | None:
    """Sign out after a spell without activity (sooner for roles that see identifiable data) or a long session.

    A session with no clocks (one from before they were kept) counts as stale.
    """
    if request.endpoint == "static" or not current_user.is_authenticated:
        return None
    config, now = current_app.config, time.time()
    idle = config["STAFF_IDLE_SECONDS"] if two_step.required_for(current_user) else config["SESSION_IDLE_SECONDS"]
    started, seen = session.get("signed_in_at", 0), session.get("seen_at", 0)
    if now - seen <= idle and now - started <= config["SESSION_ABSOLUTE_SECONDS"]:
        if now - seen > 60:  # a minute's precision is enough, and spares a new cookie on every request
            session["seen_at"] = now
        return None
    logout_user()
    session.clear()
    flash("You were signed out because you had not used Engage for a while. Sign in again to carry on.")
    target = request.full_path.rstrip("?") if request.method == "GET" else None
    return redirect(url_for("auth.login", next=target), code=303)
