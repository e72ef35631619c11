"""Programmes and their core offer: public pages, change history, editing by leads."""

from flask import Blueprint

bp = Blueprint("programmes", __name__, url_prefix="/programmes")
