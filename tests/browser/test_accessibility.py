"""axe-core reports no WCAG 2.2 AA violations on any page, at 1280 and 320 px, blank and with errors."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

import pyotp
import pytest
from flask import Flask
from playwright.sync_api import Browser, BrowserContext
from sqlalchemy import select

from engage.annual.report import current_year
from engage.auth.models import Role, User
from engage.demo import PROGRAMME_SLUG
from engage.extensions import db
from engage.insights.models import TextCode, Theme
from engage.notify.models import OutboxMessage
from engage.panels.demo import DRAFT_TITLE
from engage.panels.models import Comment, Draft, Meeting
from engage.programmes.models import CoreOfferComponent, Indicator
from engage.rights.models import RightsRequest
from engage.safeguarding.models import SafeguardingFlag
from engage.surveys.demo import SLUG as SURVEY_SLUG
from engage.surveys.models import Answer, Survey
from engage.timeutil import utcnow
from engage.tracker.models import Quote, WeDid, YouSaid
from tests.browser.conftest import DEMO_PASSWORD, WIDTHS, axe_violations, broken_error_links, describe

PROGRAMME = f"/programmes/{PROGRAMME_SLUG}"
SURVEY = f"/surveys/{SURVEY_SLUG}"

# (role, path, status, submit): submit=True clicks the main form's button with the form left as it is.
PAGES = [
    ("anonymous", "/", 200, False),
    ("anonymous", "/accessibility", 200, False),
    ("anonymous", "/how-themes-are-found", 200, False),
    ("anonymous", "/privacy", 200, False),
    ("anonymous", "/login", 200, True),
    ("anonymous", "/login/forgotten-password", 200, True),
    ("anonymous", "/login/reset/not-a-real-token", 404, False),
    ("anonymous", PROGRAMME, 200, False),
    ("anonymous", f"{PROGRAMME}/history", 200, False),
    ("anonymous", "/invite/not-a-real-token", 404, False),
    ("anonymous", "/no-such-page", 404, False),
    ("anonymous", "/_test/server-error", 500, False),
    ("anonymous", "{invite}", 200, True),
    ("member", "/programmes/", 200, False),
    ("member", "/account", 200, True),
    ("member", "/account/password", 200, True),
    ("lead", "/account", 200, False),
    ("member", "/logout", 200, False),
    ("member", "/admin/users", 403, False),
    ("lead", "/programmes/", 200, False),
    ("lead", PROGRAMME, 200, False),
    ("lead", f"{PROGRAMME}/components/new", 200, True),
    ("lead", f"{PROGRAMME}/components/{{component}}/edit", 200, True),
    ("safeguarding", "/programmes/", 200, False),
    ("resident", "/programmes/", 200, False),
    ("admin", "/admin/users", 200, False),
    ("admin", "/admin/users/new", 200, True),
    ("admin", "/admin/users/{user}", 200, False),
    ("admin", "/admin/programmes", 200, False),
    ("admin", "/admin/programmes/new", 200, True),
    ("admin", "/admin/programmes/{programme}", 200, True),
    ("admin", "/admin/audit", 200, False),
    ("admin", "/admin/outbox", 200, False),
    ("admin", "/admin/outbox?kind=you_said_update", 200, False),
    ("admin", "/admin/outbox/{message}", 200, False),
    ("anonymous", SURVEY, 200, False),
    ("anonymous", SURVEY + "/resume", 200, True),
    ("anonymous", SURVEY + "?lang=ar", 200, False),
    ("anonymous", SURVEY + "?lang=pl", 200, False),
    ("lead", "/surveys/manage/{survey}/languages", 200, False),
    ("lead", "/surveys/manage/{survey}/languages/ar", 200, True),
    ("lead", "/surveys/manage/{survey}/translations", 200, False),
    ("anonymous", SURVEY + "/resume/NOTAREALCODE", 404, False),
    ("lead", "/surveys/manage/new?programme=" + PROGRAMME_SLUG, 200, True),
    ("lead", "/surveys/manage/{survey}", 200, False),
    ("lead", "/surveys/manage/{survey}/edit", 200, True),
    ("lead", "/surveys/manage/{survey}/questions/new", 200, True),
    ("lead", "/surveys/manage/{survey}/questions/{question}/edit", 200, True),
    ("lead", "/surveys/manage/{survey}/questions/{question}/delete", 200, False),
    ("lead", "/surveys/manage/{survey}/preview", 200, False),
    ("lead", "/surveys/manage/{survey}/results", 200, False),
    ("lead", "/surveys/manage/{survey}/results/{text_question}", 200, False),
    ("lead", "/surveys/manage/{survey}/import", 200, True),
    ("lead", "/surveys/manage/{survey}/preview?format=easy_read", 200, False),
    ("lead", "/surveys/manage/{survey}/preview?format=bsl", 200, False),
    ("lead", "/surveys/manage/{survey}/formats", 200, True),
    ("lead", "/surveys/manage/{survey}/formats/confirmation", 200, False),
    ("lead", "/surveys/manage/{survey}/formats/crisis", 200, False),
    ("lead", "/surveys/manage/{survey}/questions/{question}/formats", 200, True),
    ("lead", "/surveys/manage/{survey}/bsl-answers", 200, False),
    ("lead", "/surveys/manage/{survey}/bsl-answers/{bsl_answer}", 200, True),
    ("lead", "/surveys/manage/{survey}/enter", 200, True),
    ("lead", "/surveys/manage/{survey}/poster", 200, False),
    ("lead", "/surveys/manage/{survey}/instruments/references", 200, True),
    ("lead", "/panels/programme/" + PROGRAMME_SLUG + "/co-production", 200, False),
    ("lead", PROGRAMME + "/indicators", 200, False),
    ("anonymous", "/annual-report/" + PROGRAMME_SLUG + "/{year}", 200, False),
    ("lead", PROGRAMME + "/indicators/{indicator}", 200, True),
    ("lead", PROGRAMME + "/indicators/{indicator}/edit", 200, True),
    ("lead", PROGRAMME + "/components/{component}/indicators/new", 200, True),
    ("member", "/panels/programme/" + PROGRAMME_SLUG + "/co-production", 200, True),
    ("lead", "/surveys/manage/{survey}/poster?layout=flyers", 200, False),
    ("lead", "/representation/" + PROGRAMME_SLUG, 200, False),
    ("lead", "/representation/" + PROGRAMME_SLUG + "/population", 200, True),
    ("lead", "/representation/" + PROGRAMME_SLUG + "/postcodes", 200, True),
    ("lead", "/representation/" + PROGRAMME_SLUG + "/outreach/new", 200, True),
    ("anonymous", SURVEY + "/print", 200, False),
    ("anonymous", SURVEY + "/print?format=easy_read", 200, False),
    ("lead", "/insights/" + PROGRAMME_SLUG, 200, True),
    ("lead", "/insights/runs/{run}", 200, False),
    ("lead", "/insights/themes/{theme}", 200, True),
    ("lead", "/insights/themes/{theme}?also=1", 200, False),
    ("lead", "/insights/runs/{run}/codes", 200, False),
    ("lead", "/insights/runs/{run}/code?{code}", 200, False),
    ("lead", "/insights/compare?a={run}&b={run}", 200, False),
    ("member", "/panels/", 200, False),
    ("member", "/panels/my-comments", 200, False),
    ("member", "/panels/drafts/{draft}", 200, False),
    ("member", "/panels/drafts/{draft}/sections/{section}/comments", 200, True),
    ("member", "/panels/drafts/{draft}/changes/2", 200, False),
    ("lead", "/panels/programme/" + PROGRAMME_SLUG, 200, True),
    ("lead", "/panels/{panel}", 200, False),
    ("lead", "/panels/drafts/{draft}", 200, False),
    ("lead", "/panels/drafts/{draft}/publish", 200, False),
    ("lead", "/panels/comments/{comment}/decide", 200, True),
    ("anonymous", "/panels/{panel}/apply", 200, True),
    ("member", "/panels/my-involvement", 200, False),
    ("lead", "/panels/{panel}/invite", 200, True),
    ("lead", "/panels/{panel}/applications", 200, False),
    ("lead", "/panels/{panel}/meetings", 200, True),
    ("lead", "/panels/meetings/{meeting}", 200, False),
    ("lead", "/panels/{panel}/involvement", 200, True),
    ("anonymous", PROGRAMME + "/you-said-we-did", 200, False),
    ("anonymous", PROGRAMME + "/you-said-we-did?status=done", 200, False),
    ("anonymous", PROGRAMME + "/you-said-we-did?status=nonsense", 400, False),
    ("anonymous", PROGRAMME + "/you-said-we-did/easy-read", 200, False),
    ("anonymous", "/updates/stop/not-a-real-token", 404, False),
    ("lead", "/you-said-we-did/" + PROGRAMME_SLUG, 200, False),
    ("lead", "/you-said-we-did/" + PROGRAMME_SLUG + "/new", 200, True),
    ("lead", "/you-said-we-did/" + PROGRAMME_SLUG + "/new?theme={theme}", 200, True),
    ("lead", "/you-said-we-did/statements/{statement}", 200, False),
    ("lead", "/you-said-we-did/statements/{statement}/edit", 200, True),
    ("lead", "/you-said-we-did/statements/{statement}/delete", 200, False),
    ("lead", "/you-said-we-did/statements/{statement}/publish", 200, False),
    ("lead", "/you-said-we-did/actions/{action}/core-offer/{action_component}", 200, True),
    ("lead", "/you-said-we-did/quotes/{quote}", 200, True),
    ("lead", "/you-said-we-did/statements/{statement}/actions/new", 200, True),
    ("lead", "/you-said-we-did/actions/{action}", 200, True),
    ("lead", "/you-said-we-did/" + PROGRAMME_SLUG + "/coverage", 200, False),
    ("lead", "/you-said-we-did/" + PROGRAMME_SLUG + "/report", 200, False),
    ("safeguarding", "/safeguarding/", 200, False),
    ("safeguarding", "/safeguarding/{flag}", 200, False),
    ("anonymous", SURVEY + "/privacy", 200, False),
    ("lead", "/surveys/manage/{survey}/interpreter-requests", 200, False),
    ("admin", "/rights/", 200, False),
    ("admin", "/rights/new", 200, True),
    ("admin", "/rights/{rights_request}", 200, False),
    ("admin", "/rights/{rights_request}/erase", 200, True),
    ("admin", "/rights/retention", 200, False),
    ("admin", "/rights/retention/responses", 200, True),
]


@pytest.fixture(scope="session")
def ids(live_app: Flask, invite_path: str) -> dict[str, object]:
    with live_app.app_context():
        component = db.session.execute(select(CoreOfferComponent).order_by(CoreOfferComponent.id)).scalars().first()
        user = db.session.execute(select(User).where(User.email == "member@demo.engage.test")).scalar_one()
        survey = db.session.execute(select(Survey).where(Survey.slug == SURVEY_SLUG)).scalar_one()
        flag = db.session.execute(select(SafeguardingFlag.id)).scalars().first()
        assert component is not None and flag is not None
        text_question = next(q for q in survey.questions if q.kind.is_text)
        theme = db.session.execute(select(Theme).order_by(Theme.id)).scalars().first()
        draft = db.session.execute(select(Draft).where(Draft.title == DRAFT_TITLE)).scalar_one()
        comment = db.session.execute(select(Comment).order_by(Comment.id)).scalars().first()
        assert theme is not None, "the demo analysis found themes"
        action = db.session.execute(select(WeDid).order_by(WeDid.id)).scalars().first()
        code = db.session.execute(select(TextCode).where(TextCode.applied.is_(True))).scalars().first()
        assert code is not None, "the demo analysis coded its comments"
        # A request for the demo panel member: an account, comments, a membership and emails to show.
        rights_request = RightsRequest(email="member@demo.engage.test")
        db.session.add(rights_request)
        db.session.commit()
        return {
            "rights_request": rights_request.id,
            "component": component.id,
            "programme": component.programme_id,
            "user": user.id,
            "invite": invite_path,
            "survey": survey.id,
            "question": survey.questions[0].id,
            "text_question": text_question.id,
            "flag": flag,
            "run": theme.run_id,
            "theme": theme.id,
            "code": urlencode({"book": code.codebook.value, "key": code.key}),
            "draft": draft.id,
            "section": draft.current_sections[0].id,
            "panel": draft.panels[0].id,
            "comment": comment.id,
            "meeting": db.session.execute(select(Meeting.id)).scalars().first(),
            "statement": db.session.execute(select(YouSaid.id).order_by(YouSaid.id)).scalars().first(),
            "quote": db.session.execute(select(Quote.id).order_by(Quote.id)).scalars().first(),
            "action": action.id,
            "action_component": action.components[0].id,
            "message": db.session.execute(select(OutboxMessage.id).order_by(OutboxMessage.id)).scalars().first(),
            "bsl_answer": db.session.execute(select(Answer.id).where(Answer.video_id.is_not(None))).scalars().first(),
            "indicator": db.session.execute(select(Indicator.id).order_by(Indicator.id)).scalars().first(),
            "year": current_year(utcnow().date()),
        }


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize(("role", "path", "status", "submit"), PAGES, ids=[f"{p[0]}:{p[1]}" for p in PAGES])
def test_page_has_no_accessibility_violations(
    context_for: Callable[[str], BrowserContext],
    ids: dict[str, object],
    role: str,
    path: str,
    status: int,
    submit: bool,
    width: int,
) -> None:
    page = context_for(role).new_page()
    page.set_viewport_size({"width": width, "height": 900})
    try:
        response = page.goto(path.format(**ids))
        assert response is not None and response.status == status
        violations = axe_violations(page)
        assert not violations, f"blank page:\n{describe(violations)}"
        if submit:
            for field in page.locator("main form[method=post] textarea, main form[method=post] input[type=text]").all():
                field.fill("")  # an empty submit: clear what the page filled in
            with page.expect_navigation():
                page.locator("main form[method=post] button").first.click()
            assert page.locator(".nhsuk-error-summary").count() or page.locator(".nhsuk-notification-banner").count()
            violations = axe_violations(page)
            assert not violations, f"after an empty submit:\n{describe(violations)}"
            assert not broken_error_links(page), "error summary links must point at elements that exist"
    finally:
        page.close()


def test_two_step_pages_have_no_accessibility_violations(browser: Browser, base_url: str, live_app: Flask) -> None:
    """A new lead's first sign-in: set up the app (blank, then with an error), the recovery codes, then the code
    page at the next sign-in, at the narrowest width."""
    with live_app.app_context():
        lead = User(email="first.sign.in@demo.engage.test", name="First Sign-in", role=Role.LEAD)
        lead.set_password(DEMO_PASSWORD)
        db.session.add(lead)
        db.session.commit()
    context = browser.new_context(base_url=base_url, bypass_csp=True)
    page = context.new_page()
    page.set_viewport_size({"width": 320, "height": 900})

    def check(stage: str) -> None:
        violations = axe_violations(page)
        assert not violations, f"{stage}:\n{describe(violations)}"

    def password_step() -> None:
        page.goto("/login")
        page.fill("#email", "first.sign.in@demo.engage.test")
        page.fill("#password", DEMO_PASSWORD)
        with page.expect_navigation():
            page.click("main button")

    password_step()
    assert "/login/set-up-two-step" in page.url
    assert page.locator("img.engage-qr").get_attribute("alt")
    check("set up")
    with page.expect_navigation():
        page.click("main form button")
    assert page.locator(".nhsuk-error-summary").count()
    check("set up, with an error")
    secret = page.inner_text(".engage-secret").replace(" ", "")
    page.fill("#code", pyotp.TOTP(secret).now())
    with page.expect_navigation():
        page.click("main form button")
    assert page.locator(".engage-codes code").count() == 10
    check("recovery codes")
    context.clear_cookies()
    password_step()
    assert "/login/code" in page.url
    check("security code")
    page.fill("#code", "000000")
    with page.expect_navigation():
        page.click("main form button")
    check("security code, with an error")
    context.close()
