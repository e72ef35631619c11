"""Surveys: the builder for leads, one question per page for residents, results and exports."""

from flask import Blueprint

bp = Blueprint("surveys", __name__, url_prefix="/surveys")
