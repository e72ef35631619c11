"""A lead keys in a paper response with the keyboard only; a resident reads the board and filters it."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask
from playwright.sync_api import BrowserContext
from sqlalchemy import select

from engage.demo import PROGRAMME_SLUG
from engage.extensions import db
from engage.surveys.demo import SLUG
from engage.surveys.models import Channel, Response, Survey
from tests.browser.conftest import axe_violations, describe
from tests.browser.test_survey_journey import _tab_to


def test_a_paper_response_is_keyed_in_with_the_keyboard_only(
    live_app: Flask, context_for: Callable[[str], BrowserContext]
) -> None:
    with live_app.app_context():
        survey_id = db.session.execute(select(Survey.id).where(Survey.slug == SLUG)).scalar_one()
    page = context_for("lead").new_page()
    page.goto(f"/surveys/manage/{survey_id}/enter")
    assert not axe_violations(page)
    _tab_to(page, "#paper_number")
    page.keyboard.type("PAPER-0042")
    _tab_to(page, "main form textarea")
    page.keyboard.type("The leaflet from the drop-in told me who to call.")
    _tab_to(page, "main form button")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    banner = page.locator(".nhsuk-notification-banner").inner_text()
    assert "Response saved, reference ENG-" in banner
    violations = axe_violations(page)
    assert not violations, describe(violations)
    with live_app.app_context():
        response = db.session.execute(select(Response).where(Response.paper_number == "PAPER-0042")).scalar_one()
        assert response.channel == Channel.PAPER and response.entered_by_id is not None
        assert any("leaflet from the drop-in" in a.text for a in response.answers)
    page.close()


def test_a_resident_filters_the_board_with_the_keyboard(context_for: Callable[[str], BrowserContext]) -> None:
    page = context_for("anonymous").new_page()
    page.goto(f"/programmes/{PROGRAMME_SLUG}/you-said-we-did")
    assert page.locator("h2", has_text="You said:").count() == 4
    _tab_to(page, "#status")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")  # Done
    _tab_to(page, "main form button")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("status=done") or "status=done" in page.url
    headings = page.locator("h2", has_text="You said:").all_inner_texts()
    assert headings == ["You said: Waiting to hear back is hard, especially in a crisis"]
    violations = axe_violations(page)
    assert not violations, describe(violations)
    page.close()
