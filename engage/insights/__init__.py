"""Insights: theme free text with BERTopic and TextBlob as background jobs, and let leads curate the themes."""

from flask import Blueprint

bp = Blueprint("insights", __name__, url_prefix="/insights")
