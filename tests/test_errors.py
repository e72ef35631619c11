"""Error pages in the NHS.UK look, and bad input that never becomes a 500."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient


def test_404_page_uses_the_service_look(client: FlaskClient) -> None:
    response = client.get("/no/such/page")
    html = response.get_data(as_text=True)
    assert response.status_code == 404
    assert "Page not found" in html and "nhsuk-header" in html and "Skip to main content" in html


def test_500_page_says_nothing_technical(app: Flask) -> None:
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.route("/boom")
    def boom() -> str:
        raise RuntimeError("secret internals")

    response = app.test_client().get("/boom")
    html = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in html
    assert "secret internals" not in html and "Traceback" not in html


def test_too_large_a_request_gets_a_friendly_page(app: Flask, client: FlaskClient) -> None:
    app.config["MAX_CONTENT_LENGTH"] = 1000
    response = client.post("/login", data={"email": "x" * 5000})
    assert response.status_code == 413
    assert "That was too large to send" in response.get_data(as_text=True)


def test_healthz_reports_the_database(client: FlaskClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}
