"""Panels: reference groups and experts-by-experience panels reviewing drafts, with a decision on every comment."""

from flask import Blueprint

bp = Blueprint("panels", __name__, url_prefix="/panels")

from engage.panels import people_routes, routes  # noqa: E402,F401
