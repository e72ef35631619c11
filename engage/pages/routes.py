"""Home, statements, health check and the NHS.UK frontend assets."""

from __future__ import annotations

from pathlib import Path

from flask import current_app, jsonify, render_template, request, send_from_directory
from flask_login import login_required
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.wrappers import Response

from analysis.plain import check as plain_advice
from engage.extensions import db
from engage.pages import bp
from engage.programmes import services as programmes
from engage.signals import retention_days

# The most characters advised on at once (the longest text an author writes, an introduction, is 4,000).
MAX_ADVISED = 10_000
# What each kind is kept for when no retention schedule answers (its defaults).
DEFAULT_DAYS = {"responses": 730, "contacts": 183, "bsl_videos": 90, "declined_applications": 183}


@bp.route("/")
def home() -> str:
    """What Engage is, and the programmes people can take part in."""
    return render_template("pages/home.html", programmes=programmes.all_programmes())


@bp.route("/accessibility")
def accessibility() -> str:
    """Accessibility statement (Public Sector Bodies Accessibility Regulations 2018)."""
    return render_template("pages/accessibility.html")


@bp.route("/privacy")
def privacy() -> str:
    """Privacy notice, with the retention schedule as it stands."""
    days = DEFAULT_DAYS | retention_days()
    return render_template("pages/privacy.html", days=days, contact=current_app.config["PRIVACY_CONTACT"])


@bp.route("/how-themes-are-found")
def themes_method() -> str:
    """How Engage finds themes and reads comments: the method, its limits and how well it agrees with people."""
    return render_template("pages/themes_method.html")


@bp.route("/plain-english", methods=["POST"])
@login_required
def plain_english() -> dict[str, list[str]]:
    """Plain English advice on the words an author is typing (static/plain.js asks as they write)."""
    data = request.get_json(silent=True) or {}
    text = data.get("text") if isinstance(data.get("text"), str) else ""
    return {"advice": [item.message for item in plain_advice(text[:MAX_ADVISED], data.get("easy_read") is True)]}


@bp.route("/healthz")
def healthz() -> tuple[Response, int]:
    """Liveness and database reachability, for load balancers and monitoring."""
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        db.session.rollback()
        return jsonify(status="error", database="unreachable"), 503
    return jsonify(status="ok", database="ok"), 200


@bp.route("/assets/<path:filename>")
def assets(filename: str) -> Response:
    """NHS.UK frontend images, at the /assets path its compiled CSS refers to."""
    folder = Path(current_app.static_folder or "") / "assets"
    return send_from_directory(folder, filename, max_age=86400)
