"""Site-wide pages: home, accessibility statement, privacy notice, health check, NHS.UK assets."""

from flask import Blueprint

bp = Blueprint("pages", __name__)
