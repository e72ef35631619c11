"""Data rights: find everything held about one person, hand it over (subject access), erase it, and keep
nothing longer than the retention schedule says."""

from flask import Blueprint

bp = Blueprint("rights", __name__, url_prefix="/rights")
