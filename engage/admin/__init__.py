"""Administration: users and roles, programmes and their people, the audit trail."""

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")
