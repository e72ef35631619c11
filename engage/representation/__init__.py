"""Who we haven't heard from: respondents' equality profile beside the population's, deprivation from
postcodes, and outreach logged against the gaps."""

from flask import Blueprint

bp = Blueprint("representation", __name__, url_prefix="/representation")
