"""The demo command: a realistic programme and one account per role, safe to run twice."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import func, select

from engage.auth.models import Role, User
from engage.extensions import db
from engage.programmes.models import CoreOfferComponent, Programme


def test_demo_loads_once_and_accounts_sign_in(app: Flask) -> None:
    runner = app.test_cli_runner()
    for _ in range(2):
        result = runner.invoke(args=["demo"])
        assert result.exit_code == 0, result.output
    with app.app_context():
        assert db.session.execute(select(func.count()).select_from(Programme)).scalar_one() == 1
        titles = db.session.execute(select(CoreOfferComponent.title)).scalars().all()
        assert len(titles) == 9
        assert {"Single point of access", "18 to 25 transition", "Interpreting and BSL access"} <= set(titles)
    client = app.test_client()
    for role in Role:
        response = client.post(
            "/login", data={"email": f"{role.value}@demo.engage.test", "password": app.config["DEMO_PASSWORD"]}
        )
        assert response.status_code == 302, role
        client.post("/logout")


def test_demo_password_comes_from_the_environment(app: Flask) -> None:
    app.config["DEMO_PASSWORD"] = "set by ENGAGE_DEMO_PASSWORD"
    app.test_cli_runner().invoke(args=["demo"])
    with app.app_context():
        lead = db.session.execute(select(User).where(User.email == "lead@demo.engage.test")).scalar_one()
        assert lead.check_password("set by ENGAGE_DEMO_PASSWORD")
