"""The annual involvement report: how a programme involved people over a financial year, as a web page, a PDF
and a Word document."""

from flask import Blueprint

bp = Blueprint("annual", __name__, url_prefix="/annual-report")
