"""Panels: reference groups and experts-by-experience panels reviewing drafts, with a decision on every comment."""

from flask import Blueprint

bp = Blueprint("panels", __name__, url_prefix="/panels")
