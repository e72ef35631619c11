"""Safeguarding: possible risk disclosures, seen only by safeguarding leads."""

from flask import Blueprint

bp = Blueprint("safeguarding", __name__, url_prefix="/safeguarding")
