"""Uploaded pictures, BSL videos and captions: checked by content, stored outside static/, served with care."""

from flask import Blueprint

bp = Blueprint("media", __name__, url_prefix="/media")
