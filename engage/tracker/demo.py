"""The demo board: themes of the demo responses and panel comments, turned into published "you said, we did".

The statements are written for the demo from the themes the analysis finds and the demo panel's comments;
quotes are the real comments behind them, redacted and approved as a lead would.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from sqlalchemy import select

from engage.auth.models import User
from engage.extensions import db
from engage.insights import jobs
from engage.insights import services as insights
from engage.insights.models import AnalysisRun, RunStatus, Theme, ThemeAssignment
from engage.panels.models import Comment
from engage.programmes import indicators
from engage.programmes.models import CoreOfferComponent, Indicator, Programme
from engage.surveys.models import Answer, Contact
from engage.tracker import actions, statements
from engage.tracker.models import ActionStatus, YouSaid

RUN_TITLE = "Demo survey themes"
# Demo respondents who asked to hear back, so publishing fills the outbox as it would for real people.
DEMO_CONTACTS = 12


def _analysis(programme: Programme, lead: User) -> AnalysisRun:
    """The demo survey's themes, computed here once (a few seconds) so the board has real themes to cite."""
    run = (
        db.session.execute(
            select(AnalysisRun).where(AnalysisRun.programme_id == programme.id, AnalysisRun.status == RunStatus.DONE)
        )
        .scalars()
        .first()
    )
    if run is None:
        questions = [q.id for q in insights.text_questions(programme)]
        run = insights.create_run(lead, programme, RUN_TITLE, insights.Scope(question_ids=questions))
        jobs.execute(run.id)
        db.session.expire_all()
        run = db.session.get(AnalysisRun, run.id)
    return run


def _theme(run: AnalysisRun, *words: str) -> Theme | None:
    """The largest theme whose keywords include one of these words."""
    matching = [t for t in run.themes if not t.is_noise and set(words) & set(t.keywords)]
    return max(matching, key=lambda t: t.size, default=None)


def _comment(programme: Programme, starts: str) -> Comment | None:
    return next((c for c in statements.programme_comments(programme) if c.text.startswith(starts)), None)


def _component(programme: Programme, title: str) -> CoreOfferComponent:
    return next(c for c in programme.components if c.title == title)


def load_demo_board(programme: Programme, lead: User) -> None:
    """Statements, quotes, actions and core offer changes, once."""
    if db.session.execute(select(YouSaid.id).where(YouSaid.programme_id == programme.id)).first():
        return
    run = _analysis(programme, lead)
    crisis, listened, support = _theme(run, "crisis"), _theme(run, "listened", "listen"), _theme(run, "support")
    bsl = _comment(programme, "Let Deaf people")
    wait = _comment(programme, "Five working days")
    always_open = _comment(programme, "Open 24 hours")
    access, assessment = (
        _component(programme, "Single point of access"),
        _component(programme, "One holistic assessment"),
    )
    interpreting = _component(programme, "Interpreting and BSL access")
    _ask_to_hear_back(crisis, listened)
    findable: list[bool] = []  # whether Jordan has been given a quoted answer yet

    def statement(
        title: str, text: str, easy: str, themes: list[Theme | None], comments: list[Comment | None]
    ) -> YouSaid:
        fields = statements.Statement(title, text, easy, [t.id for t in themes if t], [c.id for c in comments if c])
        you_said = statements.create_you_said(lead, programme, fields)
        for key, _ in statements.candidate_quotes(you_said)[:2]:
            statements.approve_quote(lead, statements.add_quote(lead, you_said, key))
        findable.append(any(findable) or _findable_person(you_said))
        return you_said

    def act(
        you_said: YouSaid,
        what: str,
        components: list[CoreOfferComponent],
        change: Callable[[str], str] | None = None,
        **values: object,
    ) -> None:
        owner = "Community mental health transformation team"
        component_ids = [c.id for c in components]
        fields = actions.ActionFields(what=what, owner=owner, component_ids=component_ids, **values)  # type: ignore[arg-type]
        action = actions.add_action(lead, you_said, fields)
        if change is not None:
            actions.change_description(lead, action, components[0], change(components[0].description))

    if bsl is not None:
        contact_in_bsl = statement(
            "Let Deaf people contact us in BSL",
            "Panel members told us that the single point of access must work for Deaf people, not only by phone.",
            "Deaf people want to talk to us in BSL.\nNot only by phone.",
            [],
            [bsl],
        )
        act(
            contact_in_bsl,
            "Add BSL video relay and a BSL option to the single point of access",
            [interpreting, access],
            change=lambda d: d + " You can contact the single point of access in BSL through video relay.",
            status=ActionStatus.IN_PROGRESS,
            progress=50,
            target_date=date.today() + timedelta(days=90),
        )
        statements.publish(lead, contact_in_bsl)
    if crisis is not None or wait is not None:
        call_back = _demo_indicator(lead, access)
        waiting = statement(
            "Waiting to hear back is hard, especially in a crisis",
            "People told us about getting help in a crisis and waiting for a call back after asking for help. "
            "Some were helped quickly; others waited too long, or could not get through.",
            "Some people waited a long time for a call back.\nWaiting is hard when you need help.",
            [crisis],
            [wait],
        )
        act(
            waiting,
            "Call everyone back within 2 working days, and the same day in a crisis",
            [access],
            change=lambda d: d + " We call you back within 2 working days, and the same day in a crisis.",
            status=ActionStatus.DONE,
            completed_on=date.today() - timedelta(days=7),
            indicator_ids=[call_back.id],
        )
        act(
            waiting,
            "Open the single point of access from 8am to 8pm",
            [access],
            status=ActionStatus.PLANNED,
            target_date=date.today() + timedelta(days=120),
        )
        statements.publish(lead, waiting)
    if always_open is not None:
        open_all_day = statement(
            "Open the single point of access 24 hours a day",
            "A panel member asked for the single point of access to be open at any time of day or night.",
            "",
            [],
            [always_open],
        )
        act(
            open_all_day,
            "Open the single point of access 24 hours a day",
            [access],
            status=ActionStatus.NOT_TAKEN_FORWARD,
            reason="Out of hours the crisis line already answers 24 hours a day; the single point of access will "
            "open 8am to 8pm.",
        )
        statements.publish(lead, open_all_day)
    if listened is not None:
        heard = statement(
            "Being listened to makes the difference",
            "Many people told us that what helped most was a therapist or worker who listened, and that telling "
            "their story again and again to new people made things harder.",
            "Being listened to helps.\nTelling your story again and again is hard.",
            [listened],
            [],
        )
        act(
            heard,
            "Tell your story once: one assessment, shared with the teams who support you",
            [assessment],
            status=ActionStatus.IN_PROGRESS,
            progress=20,
            target_date=date.today() + timedelta(days=180),
        )
        statements.publish(lead, heard)
    if support is not None and support not in (crisis, listened):
        statement(  # left as a draft with no action: it shows on the coverage page
            "Support workers and CPNs are valued",
            "People praised support workers and community psychiatric nurses who knew them.",
            "",
            [support],
            [],
        )


# The demo's one resident who is findable everywhere: Jordan is on the experts panel (a comment of theirs is
# quoted), and also answered the survey, was quoted, and left contact details. An administrator can find,
# export and erase them under Data rights.
FINDABLE_EMAIL, FINDABLE_NAME = "jordan.member@demo.engage.test", "Jordan Member"


def _demo_indicator(lead: User, access: CoreOfferComponent) -> Indicator:
    """How long people wait for a call back, falling month by month (invented figures, and the source says so)."""
    today = date.today()
    fields = indicators.IndicatorFields(
        name="Working days from asking for help to a call back",
        unit="days",
        lower_is_better=True,
        baseline=6.5,
        baseline_on=today - timedelta(days=150),
        target=2,
        target_by=today + timedelta(days=90),
        source="Demo figures, invented for the demo (a real one would name its report, such as the referrals log)",
    )
    indicator = indicators.add_indicator(lead, access, fields)
    for months_ago, value in ((4, 6.1), (3, 5.2), (2, 3.8), (1, 2.6)):
        indicators.add_measurement(lead, indicator, today - timedelta(days=30 * months_ago), value, "")
    return indicator


def _findable_person(you_said: YouSaid) -> bool:
    """Give the response behind the statement's first answer quote Jordan's contact details (before it is
    published, so Jordan is told like anyone who asked to hear back). Returns whether there was one."""
    quote = next((q for q in you_said.quotes if q.answer_id is not None), None)
    if quote is None or quote.answer_id is None:
        return False
    response_id = db.session.get(Answer, quote.answer_id).response_id  # type: ignore[union-attr]
    contact = db.session.execute(select(Contact).where(Contact.response_id == response_id)).scalar_one_or_none()
    contact = contact or Contact(response_id=response_id)
    contact.name, contact.email, contact.wants_updates, contact.may_contact = FINDABLE_NAME, FINDABLE_EMAIL, True, True
    db.session.add(contact)
    db.session.flush()
    return True


def _ask_to_hear_back(*themes: Theme | None) -> None:
    """Give some demo respondents in these themes contact consent, so publishing tells them (in the outbox)."""
    ids = [t.id for t in themes if t is not None]
    if not ids:
        return
    query = (
        select(Answer.response_id)
        .join(ThemeAssignment, ThemeAssignment.answer_id == Answer.id)
        .where(ThemeAssignment.theme_id.in_(ids))
        .distinct()
        .order_by(Answer.response_id)
        .limit(DEMO_CONTACTS)
    )
    for n, response_id in enumerate(db.session.execute(query).scalars(), start=1):
        db.session.add(
            Contact(response_id=response_id, email=f"respondent-{n:02d}@demo.engage.test", wants_updates=True)
        )
    db.session.flush()
