"""Accounts: sign in and out, invitations, communication and access needs."""

from flask import Blueprint

bp = Blueprint("auth", __name__)

from engage.auth import routes  # noqa: E402,F401  (routes register themselves on bp)
