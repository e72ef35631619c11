"""Serve stored media: public pictures, videos and captions to anyone; BSL answers only to their leads."""

from __future__ import annotations

from flask import abort, send_file
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response as HttpResponse

from engage.auth.permissions import can_manage
from engage.extensions import db
from engage.media import bp
from engage.media.models import MediaFile
from engage.media.storage import path_of
from engage.programmes.models import Programme


@bp.route("/<name>")
def serve(name: str) -> HttpResponse:
    media = db.session.execute(select(MediaFile).where(MediaFile.stored_name == name)).scalar_one_or_none()
    if media is None:
        abort(404)
    if media.private:
        programme = db.session.get(Programme, media.programme_id) if media.programme_id else None
        if not current_user.is_authenticated:
            abort(401)
        if programme is None or not can_manage(current_user, programme):
            abort(403)
    path = path_of(media)
    if not path.exists():
        abort(404)
    response = send_file(path, mimetype=media.content_type, conditional=True, max_age=0)
    response.headers["Content-Disposition"] = "inline"
    response.headers["Cache-Control"] = "private, no-store" if media.private else "public, max-age=3600"
    return response
