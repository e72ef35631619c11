"""Error pages in the NHS.UK look, and bad input that never becomes a 500."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask
from flask.testing import FlaskClient

from engage.auth.models import Role, User
from engage.programmes.models import Programme
from engage.surveys.models import Survey
from tests.conftest import Auth


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


def test_digits_that_are_not_decimal_never_cause_a_server_error(
    client: FlaskClient,
    auth: Auth,
    make_user: Callable[..., User],
    make_programme: Callable[..., Programme],
    make_survey: Callable[..., Survey],
) -> None:
    # "²" passes str.isdigit() but int() refuses it: every number taken from a request must be checked
    # with isdecimal().
    lead = make_user(Role.LEAD)
    programme = make_programme(people=(lead,))
    survey = make_survey(programme)
    client.post(f"/surveys/{survey.slug}/start")
    assert client.post(f"/surveys/{survey.slug}/format", data={"format": "bsl", "question": "²"}).status_code == 302
    auth.login(lead)
    for url in (
        f"/programmes/{programme.slug}/you-said-we-did?component=²",
        f"/programmes/{programme.slug}/you-said-we-did.json?component=²",
        f"/you-said-we-did/{programme.slug}/coverage?days=²",
        f"/you-said-we-did/{programme.slug}/new?theme=²",
        f"/surveys/manage/{survey.id}/results?question=²",
        "/insights/compare?a=²&b=³",
    ):
        assert client.get(url).status_code < 500, url
