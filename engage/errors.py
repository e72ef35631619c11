"""Error pages in the NHS.UK look, saying what happened without technical detail."""

from __future__ import annotations

from flask import Flask, current_app, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError, OperationalError
from werkzeug.exceptions import HTTPException, InternalServerError

from engage.extensions import db
from engage.media.storage import describe_size, takes_video

MESSAGES = {
    400: ("Sorry, there is a problem with that request", "Go back, check what you entered and try again."),
    403: ("You do not have permission to see this page", "If you think you should, ask your engagement lead."),
    404: (
        "Page not found",
        "If you typed the web address, check it is correct. If you pasted it, check you copied all of it.",
    ),
    405: ("Sorry, there is a problem with that request", "Go back and try again."),
    413: (
        "That was too large to send",
        "Go back and send less at once, or a smaller file. What you typed may still be on the page you came from.",
    ),
    429: ("Too many requests", "Wait a few minutes, then try again."),
}
CSRF_MESSAGE = (
    "Sorry, this page timed out",
    "For your security, forms expire. Go back, refresh the page and try again. "
    "Your browser usually keeps what you typed.",
)


def render_error(status: int, title: str, body: str) -> tuple[str, int]:
    return render_template("errors/error.html", status=status, title=title, body=body), status


def handle_http(error: HTTPException) -> tuple[str, int]:
    status = error.code or 500
    if status >= 500:
        return handle_server_error(error)
    if status in (400, 413) and takes_video(request.endpoint):
        return render_error(status, *_video_message(status))
    title, body = MESSAGES.get(status, MESSAGES[400])
    return render_error(status, title, body)


def _video_message(status: int) -> tuple[str, str]:
    """A video upload that was too large or did not arrive whole: nothing of it was kept."""
    if request.endpoint == "surveys.question":
        after = "Your other answers are saved. Go back to try again, or type your answer instead."
    else:
        after = "Nothing on that page was saved. Go back and try again with a smaller file, or link to the video."
    if status == 413:
        limit = describe_size(int(current_app.config["VIDEO_MAX_BYTES"]))
        return "That video is too large", f"Videos must be smaller than {limit}. {after}"
    return "Your video did not arrive", f"The upload stopped before it finished, so nothing was kept. {after}"


def handle_csrf(error: CSRFError) -> tuple[str, int]:
    del error
    return render_error(400, *CSRF_MESSAGE)


def handle_server_error(error: Exception) -> tuple[str, int]:
    """Nothing of a failed request is kept; a database that cannot be reached is a 503, not a 500."""
    cause = getattr(error, "original_exception", None) or error
    try:
        db.session.rollback()
    except DBAPIError:
        db.session.close()  # the connection is gone: there is nothing to roll back
    if isinstance(cause, DBAPIError) and (cause.connection_invalidated or isinstance(cause, OperationalError)):
        current_app.logger.error("Database unavailable: %s", type(cause.orig).__name__)
        return render_error(
            503,
            "Sorry, the service is unavailable",
            "What you just sent was not saved. Try again in a few minutes.",
        )
    return render_error(
        500, "Sorry, there is a problem with the service", "Try again later. Anything you had already saved is safe."
    )


def init_app(app: Flask) -> None:
    app.register_error_handler(CSRFError, handle_csrf)
    app.register_error_handler(HTTPException, handle_http)
    app.register_error_handler(InternalServerError, handle_server_error)
