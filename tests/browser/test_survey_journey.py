"""A resident completes the demo survey with the keyboard only; axe checks every page on the way."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

from engage.surveys.demo import SLUG
from tests.browser.conftest import WIDTHS, axe_violations, broken_error_links, describe

FIELDS = "main form input[type=radio], main form textarea, main form input[type=text]"


def _tab_to(page: Page, selector: str, limit: int = 40) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement && document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"could not reach {selector} with the Tab key on {page.url}")


def _check(page: Page, state: str) -> None:
    violations = axe_violations(page)
    assert not violations, f"{state} {page.url}:\n{describe(violations)}"
    assert not broken_error_links(page), f"error summary link points nowhere on {page.url}"


# How many times to press the down arrow on the format radios (standard is selected first). "arabic" is the
# standard format in a right-to-left language.
FORMATS = {"standard": 0, "easy_read": 1, "bsl": 2, "arabic": 0}
PLACEHOLDER_VIDEO = Path(__file__).resolve().parents[2] / "engage" / "surveys" / "demo_media" / "bsl-placeholder.webm"


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("chosen", FORMATS)
def test_complete_the_demo_survey_with_the_keyboard_only(
    browser: Browser, base_url: str, width: int, chosen: str
) -> None:
    context = browser.new_context(base_url=base_url, bypass_csp=True, viewport={"width": width, "height": 900})
    page = context.new_page()
    page.goto(f"/surveys/{SLUG}" + ("?lang=ar" if chosen == "arabic" else ""))
    _check(page, "start page")
    _tab_to(page, "main input[name=format]:checked")
    for _ in range(FORMATS[chosen]):
        page.keyboard.press("ArrowDown")
    _tab_to(page, "main button")
    page.keyboard.press("Enter")
    page.wait_for_url("**/questions/**")
    arabic = chosen == "arabic"  # the interface's own words come in Arabic too
    assert ("السؤال 1 من" if arabic else "Question 1 of") in page.title()
    _check(page, "first question")
    if chosen == "easy_read":
        assert page.locator(".engage-easy-read__picture[alt]").count() == 1
        assert "How good was your mental health support?" in page.content()
    if chosen == "bsl":
        assert page.locator("video track[kind=captions]").count() == 1
        assert page.locator(".engage-bsl__transcript-title").inner_text() == "English transcript"
    if arabic:
        words = page.locator('main [lang="ar"][dir="rtl"]').first
        assert "كيف كانت تجربتك" in words.inner_text()
        assert page.evaluate("e => getComputedStyle(e).direction", words.element_handle()) == "rtl"
        assert page.evaluate("document.documentElement.scrollWidth") <= width, "nothing spills sideways"

    # Continue without answering the required rating: the error summary appears and takes focus.
    _tab_to(page, "main button[value=next]")
    page.keyboard.press("Enter")
    page.wait_for_selector(".nhsuk-error-summary")
    assert page.title().startswith("خطأ:" if arabic else "Error:")
    _check(page, "first question with an error")

    answers = {
        "radio": lambda: (
            page.keyboard.press("ArrowDown"),
            page.keyboard.press("ArrowDown"),
            page.keyboard.press("Space"),
        ),
        "textarea": lambda: page.keyboard.type("Being able to call the same person each time."),
        "video": lambda: page.locator("main input[type=file]").set_input_files(PLACEHOLDER_VIDEO),
        "text": lambda: page.keyboard.type("N17"),
    }
    sent_video = ""
    for _ in range(20):
        if "/questions/" not in page.url:
            break
        kind = page.evaluate(
            "s => { const i = document.querySelector(s); return i.tagName === 'TEXTAREA' ? 'textarea' : i.type; }",
            FIELDS,
        )
        if kind == "textarea" and chosen == "bsl" and not sent_video:
            kind = sent_video = (
                "video"  # the first free-text answer is a signed video (a file picked with the keyboard)
            )
        _tab_to(page, "main form input[type=file]" if kind == "video" else FIELDS)
        answers[kind]()
        _tab_to(page, "main button[value=next]")
        with page.expect_navigation():
            page.keyboard.press("Enter")
        _check(page, "question page")

    assert page.url.endswith("/contact")
    _tab_to(page, "main button")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("/check")
    _check(page, "check your answers")
    assert "Being able to call the same person each time." in page.content() or chosen == "bsl"
    if chosen == "bsl":
        assert "A video of your answer in BSL" in page.content()
    _tab_to(page, "main button")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("/confirmation")
    _check(page, "confirmation")
    content = page.content()
    sent = "Thank you. We have your answers" if chosen == "easy_read" else "Your answers have been sent"
    assert ("تم إرسال إجاباتك" if arabic else sent) in content and "116 123" in content and "999" in content
    if arabic:
        assert "شكرًا لك. لقد وصلتنا إجاباتك." in content
    context.close()


def test_save_and_email_pages_have_no_violations(browser: Browser, base_url: str) -> None:
    context = browser.new_context(base_url=base_url, bypass_csp=True)
    page = context.new_page()
    page.goto(f"/surveys/{SLUG}")
    with page.expect_navigation():
        page.click("main button")
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"/surveys/{SLUG}/save")
        _check(page, "save page")
        with page.expect_navigation():
            page.click("main button")
        assert page.locator(".engage-token").count() == 2
        _check(page, "resume code page")
        with page.expect_navigation():
            page.click("main form button")  # the optional email form, left empty
        assert page.locator(".nhsuk-error-summary").count() == 1
        _check(page, "resume code page with an error")
    context.close()
