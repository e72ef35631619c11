"""Accounts: sign in and out, invitations, communication and access needs."""

from flask import Blueprint

bp = Blueprint("auth", __name__)
