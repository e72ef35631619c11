"""Error pages in the NHS.UK look, saying what happened without technical detail."""

from __future__ import annotations

from flask import Flask, render_template
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from engage.extensions import db

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
    title, body = MESSAGES.get(status, MESSAGES[400])
    return render_error(status, title, body)


def handle_csrf(error: CSRFError) -> tuple[str, int]:
    del error
    return render_error(400, *CSRF_MESSAGE)


def handle_server_error(error: Exception) -> tuple[str, int]:
    del error
    db.session.rollback()
    return render_error(
        500, "Sorry, there is a problem with the service", "Try again later. Anything you had already saved is safe."
    )


def init_app(app: Flask) -> None:
    app.register_error_handler(CSRFError, handle_csrf)
    app.register_error_handler(HTTPException, handle_http)
    app.register_error_handler(InternalServerError, handle_server_error)
