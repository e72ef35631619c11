"""Real-browser checks beyond axe: the harness can fail, the CSP holds, the keyboard works."""

from __future__ import annotations

import io
from collections.abc import Callable
from urllib.parse import urlsplit

import zxingcpp
from flask import Flask
from PIL import Image
from playwright.sync_api import Browser, BrowserContext, Page
from sqlalchemy import select

from engage.auth.models import User
from engage.demo import PROGRAMME_SLUG
from engage.extensions import db
from engage.panels.demo import DRAFT_TITLE
from engage.panels.models import Comment, Draft, Stance
from engage.surveys import answering, instruments
from engage.surveys.demo import SLUG as SURVEY_SLUG
from engage.surveys.models import Answer, Format, Response, ResponseStatus, Survey
from engage.timeutil import utcnow
from engage.tracker.models import Quote, YouSaid
from tests.browser.conftest import DEMO_PASSWORD, axe_violations, sign_in


def test_axe_reports_a_known_violation(context_for: Callable[[str], BrowserContext]) -> None:
    page = context_for("anonymous").new_page()
    page.set_content('<html lang="en"><head><title>t</title></head><body><main><img src="x.png"></main></body></html>')
    assert "image-alt" in {v["id"] for v in axe_violations(page)}
    page.close()


def test_pages_load_under_the_real_csp_without_violations(browser: Browser, base_url: str) -> None:
    context = browser.new_context(base_url=base_url)
    page = context.new_page()
    problems: list[str] = []
    page.on(
        "console",
        lambda message: (
            problems.append(message.text)
            if "Content Security Policy" in message.text and "font" not in message.text
            else None
        ),
    )
    for path in ("/", "/login", f"/programmes/{PROGRAMME_SLUG}", "/accessibility"):
        page.goto(path)
        assert "js-enabled" in (page.get_attribute("body", "class") or ""), "NHS.UK frontend JavaScript did not run"
    context.close()
    assert not problems, problems


def _tab_to(page: Page, selector: str, limit: int = 30) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement && document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"could not reach {selector} with the Tab key")


def test_sign_in_with_the_keyboard_only(browser: Browser, base_url: str) -> None:
    context = browser.new_context(base_url=base_url)
    page = context.new_page()
    page.goto("/login")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Skip to main content"
    _tab_to(page, "#email")
    page.keyboard.type("member@demo.engage.test")
    page.keyboard.press("Tab")
    page.keyboard.type(DEMO_PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url("**/programmes/")
    assert "Community mental health core offer review" in page.content()
    context.close()


def test_error_summary_takes_focus_and_links_move_to_the_field(browser: Browser, base_url: str) -> None:
    context = browser.new_context(base_url=base_url)
    page = context.new_page()
    page.goto("/login")
    with page.expect_navigation():
        page.click("main button")
    # NHS.UK frontend's script moves focus to the summary once it has loaded. (Polled with evaluate:
    # wait_for_function would need eval, which our CSP rightly blocks.)
    focused = False
    for _ in range(50):
        focused = page.evaluate("!!document.activeElement?.classList.contains('nhsuk-error-summary')")
        if focused:
            break
        page.wait_for_timeout(100)
    assert focused
    page.click(".nhsuk-error-summary a[href='#password']")
    assert page.evaluate("document.activeElement.id") == "password"
    context.close()


def test_a_member_comments_on_a_section_with_the_keyboard_only(browser: Browser, base_url: str) -> None:
    context = browser.new_context(base_url=base_url)
    page = context.new_page()
    sign_in(page, "jordan.member@demo.engage.test", DEMO_PASSWORD)
    page.goto("/panels/")
    _tab_to(page, "main a[href*='/panels/drafts/']")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    _tab_to(page, "main a[href$='/comments']")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    _tab_to(page, "main input[type=radio]")
    page.keyboard.press("ArrowDown")  # from "I agree" to "I have a concern"
    page.keyboard.press("Space")
    _tab_to(page, "main textarea")
    page.keyboard.type("Please say how long the callback takes at weekends.")
    _tab_to(page, "main form button")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    content = page.content()
    assert "Your comment is saved" in content and "Please say how long the callback takes at weekends." in content
    assert "I have a concern" in content
    context.close()


# Markup a member or a resident might type: an element, a redirect and a button that borrows the lead's form.
INJECTED = (
    '<img src=x id="injected-img" onerror="document.title=1">'
    '<meta http-equiv="refresh" content="0;url=https://evil.example">'
    '</textarea><button id="injected-button" formaction="/logout">Save</button>'
)


def test_injected_markup_never_reaches_the_dom(live_app: Flask, context_for: Callable[[str], BrowserContext]) -> None:
    """A comment, a survey answer and a quote holding markup, read by a lead on the pages that show them."""
    with live_app.app_context():
        survey = db.session.execute(select(Survey).where(Survey.slug == SURVEY_SLUG)).scalar_one()
        question = next(q for q in survey.questions if q.kind.is_text)
        response, _ = answering.start_response(survey, Format.STANDARD)
        answering.save_answer(response, question, text=INJECTED)
        answering.submit(response)
        draft = db.session.execute(select(Draft).where(Draft.title == DRAFT_TITLE)).scalar_one()
        member = db.session.execute(select(User).where(User.email == "member@demo.engage.test")).scalar_one()
        section_id = draft.current_sections[0].id
        comment = Comment(section_id=section_id, author_id=member.id, stance=Stance.CONCERN, text=INJECTED)
        statement_id = db.session.execute(select(YouSaid.id).order_by(YouSaid.id)).scalars().first()
        quote = Quote(you_said_id=statement_id, text=INJECTED)
        db.session.add_all([comment, quote])
        db.session.commit()
        paths = [
            f"/panels/comments/{comment.id}/decide",
            f"/you-said-we-did/quotes/{quote.id}",
            f"/surveys/manage/{survey.id}/results/{question.id}",
        ]
    page = context_for("lead").new_page()
    for path in paths:
        page.goto(path)
        assert "/login" not in page.url and "evil.example" not in page.url, path
        injected = page.locator("#injected-img, #injected-button, main meta, textarea ~ button[formaction]")
        assert injected.count() == 0, f"{path}: injected markup became elements"
        assert page.title() != "1", f"{path}: an injected handler ran"
        shown = (page.text_content("main") or "") + "".join(
            page.locator("main textarea").evaluate_all("fields => fields.map(field => field.value)")
        )
        assert "<img src=x" in shown, f"{path}: the words are shown as words"
    page.close()


def test_the_analysis_page_follows_its_run_to_the_themes(
    context_for: Callable[[str], BrowserContext],
) -> None:
    page = context_for("lead").new_page()
    page.goto(f"/insights/{PROGRAMME_SLUG}")
    page.get_by_label("Name this analysis").fill("Followed in the browser")
    page.locator("input[name=questions]").first.check()
    page.get_by_role("button", name="Start analysis").click()
    page.wait_for_url("**/insights/runs/*")
    # Nobody reloads the page: its script follows the run and shows the themes when it is done.
    page.get_by_text("Themes, largest first").wait_for(timeout=90_000)
    assert page.locator("[data-progress-url]").count() == 0
    page.close()


def test_plain_english_advice_appears_as_the_author_types(
    context_for: Callable[[str], BrowserContext],
) -> None:
    page = context_for("lead").new_page()
    page.goto(f"/you-said-we-did/{PROGRAMME_SLUG}/new")
    advice = page.locator("#statement-plain")
    assert advice.inner_text().strip() == "", "nothing to advise on an empty field"
    page.get_by_label("What people told us").fill("Callbacks will be prioritised in order to facilitate access.")
    advice.get_by_text("say “to” instead").wait_for()
    assert "passive" in advice.inner_text()
    page.get_by_label("What people told us").fill("We will call you back within two days.")
    advice.get_by_text("Plain English advice").wait_for(state="detached")
    page.close()


def test_charts_name_their_bars_and_values_at_320_px_and_in_high_contrast(
    context_for: Callable[[str], BrowserContext],
) -> None:
    page = context_for("anonymous").new_page()
    page.set_viewport_size({"width": 320, "height": 900})
    for forced in ("none", "active"):
        page.emulate_media(forced_colors=forced)
        page.goto(f"/programmes/{PROGRAMME_SLUG}/you-said-we-did")
        rows = page.locator(".engage-bars__row")
        assert rows.count() >= 2, "the board's charts draw their bars"
        for row in rows.all():
            label, bar, value = (row.locator(f".engage-bars__{part}") for part in ("label", "bar", "value"))
            assert label.inner_text().strip() and value.inner_text().strip()
            box = bar.bounding_box()
            assert box is not None and 100 <= box["width"] <= 320 and box["height"] >= 16
        assert page.evaluate("document.documentElement.scrollWidth") <= 320, "nothing spills sideways"
    page.close()


def test_a_posters_qr_code_reads_back_as_the_short_link_to_the_survey(
    live_app: Flask, context_for: Callable[[str], BrowserContext]
) -> None:
    with live_app.app_context():
        survey = db.session.execute(select(Survey).where(Survey.slug == SURVEY_SLUG)).scalar_one()
        survey_id, title = survey.id, survey.title
    page = context_for("lead").new_page()
    for layout in ("", "?layout=flyers"):
        page.goto(f"/surveys/manage/{survey_id}/poster{layout}")
        code = page.get_by_role("img", name="QR code: scan it with your phone camera")
        shot = code.screenshot()
        read = zxingcpp.read_barcodes(Image.open(io.BytesIO(shot)))
        assert len(read) == 1, "one QR code, readable from the screen"
        link = read[0].text
        assert link.endswith(f"/s/{survey_id}")
        typed = link.split("://", 1)[1]
        assert page.get_by_text(f"go to {typed}").count() >= 1, "the short link is printed beside the code"
    page.goto(urlsplit(link).path)
    assert page.locator("h1").inner_text().strip() == title
    page.close()


def test_instrument_scores_read_as_labelled_charts_with_tables_at_320_px(
    live_app: Flask, context_for: Callable[[str], BrowserContext]
) -> None:
    with live_app.app_context():
        demo = db.session.execute(select(Survey).where(Survey.slug == SURVEY_SLUG)).scalar_one()
        lead = db.session.execute(select(User).where(User.email == "lead@demo.engage.test")).scalar_one()
        survey = Survey(programme_id=demo.programme_id, slug="scored-in-the-browser", title="Scored in the browser")
        db.session.add(survey)
        db.session.flush()
        for key in ("fft", "dialog"):
            instruments.add_instrument(lead, survey, key)
        for n in range(12):
            response = Response(survey=survey, status=ResponseStatus.SUBMITTED, submitted_at=utcnow())
            for question in survey.questions:
                options = question.choices()
                if options:
                    response.answers.append(Answer(question=question, choices=[options[n % len(options)]]))
            db.session.add(response)
        db.session.commit()
        survey_id = survey.id
    page = context_for("lead").new_page()
    page.set_viewport_size({"width": 320, "height": 900})
    page.goto(f"/surveys/manage/{survey_id}/results")
    assert page.get_by_text("% positive").count() == 1
    for caption in ("Friends and Family Test answers", "DIALOG subscores", "DIALOG: mean rating of each part"):
        assert page.locator("caption", has_text=caption).count() >= 1, caption
    rows = page.locator("#instruments ~ section .engage-bars__row")
    assert rows.count() >= 8
    for row in rows.all():
        assert row.locator(".engage-bars__label").first.inner_text().strip()
        assert row.locator(".engage-bars__value").first.inner_text().strip()
    assert page.evaluate("document.documentElement.scrollWidth") <= 320, "nothing spills sideways"
    assert axe_violations(page) == []
    page.close()
