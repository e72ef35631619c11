"""Posters and flyers that bring people to a survey from a noticeboard: a short link and its QR code."""

from __future__ import annotations

import segno
from flask import Blueprint, abort, redirect, url_for
from werkzeug.wrappers import Response

from engage.extensions import db
from engage.notify.services import absolute_url
from engage.surveys.models import Survey

# Its own blueprint because the link must be short enough to type from a poster: /s/12, not /surveys/s/12.
bp = Blueprint("short", __name__, url_prefix="/s")


@bp.route("/<int:survey_id>")
def go(survey_id: int) -> Response:
    """A poster's short link: on to the survey's start page."""
    survey = db.session.get(Survey, survey_id)
    if survey is None:
        abort(404)
    return redirect(url_for("surveys.start", slug=survey.slug))


def short_link(survey: Survey) -> str:
    """The survey's short link, in full, at PUBLIC_URL."""
    return absolute_url("short.go", survey_id=survey.id)


def qr_code(url: str) -> str:
    """A QR code for the link, as a data URI: an SVG with no fixed size (a viewBox), so it prints sharp at the
    size the page gives it."""
    return segno.make(url, error="q").svg_data_uri(omitsize=True, dark="#212b32", light="#ffffff")
