"""Demo panels and a draft that has been through one review: comments, decisions and version 2."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from flask import current_app
from sqlalchemy import select

from engage.auth.models import Role, User
from engage.extensions import db
from engage.panels import meetings, services
from engage.panels.models import Draft, MemberRole, Outcome, Panel, PanelKind, Stance
from engage.programmes.models import Programme
from engage.timeutil import utcnow

DRAFT_TITLE = "Core service offer: single point of access"
EXTRA_MEMBERS = [("jordan.member@demo.engage.test", "Jordan Member"), ("priya.member@demo.engage.test", "Priya Member")]

SECTIONS = [
    (
        "What the single point of access is",
        "One way into community mental health services for anyone aged 18 or over who is worried about their "
        "mental health, or about someone else's. You do not need a GP referral.",
        "Single point of access",
    ),
    (
        "How to get in touch",
        "Call one phone number, Monday to Friday, 9am to 5pm, or fill in a form online.",
        "Single point of access",
    ),
    (
        "What happens next",
        "A mental health practitioner calls you back within 5 working days to talk about what would help.",
        "One holistic assessment",
    ),
]

REVISED = {
    "How to get in touch": "Call one phone number, every day, 8am to 8pm, fill in a form online, or drop in to "
    "your neighbourhood hub. You can ask for a British Sign Language interpreter or another language.",
    "What happens next": "A mental health practitioner calls you back within 2 working days, or the same day if "
    "you are in crisis, to talk about what would help. You tell your story once: we share it, with your "
    "agreement, with the people who support you.",
}


def _member(email: str, name: str) -> User:
    user = db.session.execute(select(User).where(User.email == email)).scalar_one_or_none()
    if user is None:
        user = User(email=email, name=name, role=Role.MEMBER)
        db.session.add(user)
    user.set_password(current_app.config["DEMO_PASSWORD"])
    return user


def load_demo_panels(programme: Programme, lead: User, member: User) -> None:
    """Create the demo panels and reviewed draft, once."""
    if db.session.execute(select(Draft).where(Draft.title == DRAFT_TITLE)).scalar_one_or_none() is not None:
        return
    jordan, priya = (_member(email, name) for email, name in EXTRA_MEMBERS)
    programme.people.extend(p for p in (jordan, priya) if p not in programme.people)  # as an administrator would
    db.session.flush()
    experts = services.create_panel(
        lead,
        programme,
        kind=PanelKind.EXPERTS,
        name="Experts by experience panel",
        purpose="People who use or have used community mental health services shape the core offer "
        "before it is agreed.",
        terms="We meet monthly. Members are paid for their time under the involvement payment policy, "
        "or can decline payment.",
    )
    residents = services.create_panel(
        lead,
        programme,
        kind=PanelKind.REFERENCE_GROUP,
        name="Resident reference group",
        purpose="Local residents check that the core offer makes sense to people who have never used services.",
        terms="We meet every two months, in person or online.",
    )
    services.add_member(lead, experts, member, MemberRole.CHAIR)
    services.add_member(lead, experts, jordan, MemberRole.MEMBER)
    services.add_member(lead, residents, priya, MemberRole.MEMBER)
    services.add_member(lead, residents, member, MemberRole.MEMBER)

    components = {c.title: c.id for c in programme.components}
    draft = services.create_draft(
        lead,
        programme,
        title=DRAFT_TITLE,
        purpose="Tell us whether this describes the single point of access you would want to use.",
        deadline=None,
    )
    for heading, body, component in SECTIONS:
        services.add_section(lead, draft, heading=heading, body=body, component_id=components.get(component))
    services.send_for_review(lead, draft, [experts.id, residents.id])
    touch, after = draft.current_sections[1], draft.current_sections[2]
    comments = [
        (
            member,
            touch,
            Stance.CONCERN,
            "9 to 5 is no use to people who work, or who struggle most in the evening.",
            Outcome.ACCEPTED,
            "",
        ),
        (
            jordan,
            touch,
            Stance.SUGGESTION,
            "Let Deaf people get in touch in BSL, not only by phone.",
            Outcome.ACCEPTED,
            "",
        ),
        (
            priya,
            touch,
            Stance.SUGGESTION,
            "Open 24 hours a day.",
            Outcome.NOT_ACCEPTED,
            "Out of hours the crisis line answers 24 hours a day; the single point of access will open 8am to 8pm.",
        ),
        (
            member,
            after,
            Stance.CONCERN,
            "Five working days is too long to wait when you have finally asked for help.",
            Outcome.PARTLY,
            "We will call back within 2 working days, and the same day in a crisis; faster needs more staff.",
        ),
        (
            priya,
            after,
            Stance.AGREE,
            "Being called back by a practitioner, not an administrator, is right.",
            Outcome.ACCEPTED,
            "",
        ),
    ]
    made = []
    for author, section, stance, text, outcome, reason in comments:
        comment = services.add_comment(author, section, stance, text)
        services.decide(lead, comment, outcome, reason)
        made.append(comment)
    services.close_review(lead, draft, confirmed=False)
    revisions = [
        services.Revision(
            section_id=section.id,
            heading=section.heading,
            body=REVISED.get(section.heading, section.body),
            answers=[c.id for c in made if c.section_id == section.id and section.heading in REVISED],
        )
        for section in draft.current_sections
    ]
    services.publish_next_version(lead, draft, revisions)
    services.send_for_review(lead, draft, [experts.id, residents.id])
    _meeting_and_involvement(lead, experts, draft, member, jordan)


def _meeting_and_involvement(lead: User, panel: Panel, draft: Draft, member: User, jordan: User) -> None:
    when = datetime.combine(utcnow().date() - timedelta(days=7), time(14, 0))
    fields = meetings.MeetingFields(
        starts_at=when, place="Wood Green neighbourhood hub, room 2", online_link="",
        agenda="1. Welcome\n2. Single point of access: what changed in version 2\n3. Next steps",
        adjustments=["bsl", "hearing_loop", "easy_read"], paper_ids=[draft.id],
    )  # fmt: skip
    meeting = meetings.save_meeting(lead, panel, fields)
    meetings.record_outcome(
        lead, meeting, attended=[member.id, jordan.id], notes="Members welcomed the longer opening hours.",
        actions="- Lead to ask the crisis line about BSL video calls",
    )  # fmt: skip
    for person, minutes, pay, voucher, declined in [(member, 120, 5000, 0, False), (jordan, 120, 0, 0, True)]:
        meetings.add_involvement(
            lead, panel,
            meetings.InvolvementFields(
                user_id=person.id, day=when.date(), activity="Panel meeting", minutes=minutes, payment_pence=pay,
                voucher_pence=voucher, expenses_pence=640, declined_payment=declined,
            ),
        )  # fmt: skip
