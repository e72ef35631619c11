"""HTTP security headers applied to every response."""

from __future__ import annotations

from functools import cache

from flask import Flask, current_app, request
from werkzeug.wrappers import Response


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


def init_app(app: Flask) -> None:
    app.after_request(add_security_headers)
