"""HTTP security headers applied to every response."""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from typing import TYPE_CHECKING

from flask import Flask, current_app, request
from werkzeug.exceptions import BadRequest, SecurityError
from werkzeug.wrappers import Response
from werkzeug.wsgi import get_host

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment


@cache
def content_security_policy(media_hosts: tuple[str, ...] = ()) -> str:
    """No inline script or style; fonts fall back to system fonts rather than load from a third party.

    Videos may also come from the organisation's own media servers (MEDIA_HOSTS).
    """
    media = " ".join(["'self'", *(f"https://{host}" for host in media_hosts)])
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self' data:",
            "font-src 'self'",
            f"media-src {media}",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


def add_security_headers(response: Response) -> Response:
    """Set CSP, nosniff, referrer, framing and (over HTTPS) HSTS headers."""
    headers = response.headers
    headers.setdefault("Content-Security-Policy", content_security_policy(tuple(current_app.config["MEDIA_HOSTS"])))
    headers["X-Content-Type-Options"] = "nosniff"
    headers["Referrer-Policy"] = "strict-origin-when-cross-origin"
    headers["X-Frame-Options"] = "DENY"
    headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
    headers["Cross-Origin-Opener-Policy"] = "same-origin"
    if request.is_secure:
        headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
    if "Cache-Control" not in headers and request.endpoint not in ("static", "pages.assets"):
        # Pages can hold personal data: never keep them in shared caches or the back-forward cache.
        headers["Cache-Control"] = "no-store"
    return response


class TrustedHosts:
    """Refuse a request addressed to a host not in TRUSTED_HOSTS before Flask sees it.

    Links are built from PUBLIC_URL, never the Host header, but a request for another name is someone probing
    (or a misconfigured proxy): it gets a plain 400, since no page of ours belongs to that host.
    """

    def __init__(self, wsgi_app: WSGIApplication, hosts: list[str]) -> None:
        self.wsgi_app, self.hosts = wsgi_app, hosts

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        try:
            get_host(environ, trusted_hosts=self.hosts)
        except SecurityError:
            return BadRequest("This site does not answer to that host name.")(environ, start_response)
        return self.wsgi_app(environ, start_response)


def init_app(app: Flask) -> None:
    app.after_request(add_security_headers)
