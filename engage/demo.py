"""Demo data: a realistic programme and one account per role. Safe to load more than once."""

from __future__ import annotations

from flask import current_app
from sqlalchemy import select

from engage.auth.models import Role, User
from engage.extensions import db
from engage.panels.demo import load_demo_panels
from engage.programmes.models import CoreOfferChange, CoreOfferComponent, Programme
from engage.surveys.demo import load_demo_survey
from engage.tracker.demo import load_demo_board

DEMO_DOMAIN = "demo.engage.test"
PROGRAMME_SLUG = "community-mental-health-core-offer-review"

DEMO_NAMES = {
    Role.RESIDENT: "Robin Resident",
    Role.MEMBER: "Morgan Member",
    Role.LEAD: "Lee Lead",
    Role.SAFEGUARDING: "Sam Safeguarding",
    Role.ADMIN: "Alex Admin",
}

# The core service offer of the community mental health framework, as the programme first drafts it.
COMPONENTS = [
    (
        "Single point of access",
        "One phone number, web form and walk-in route for anyone worried about their mental health, "
        "including self-referral. No wrong door: whoever you contact first makes sure you reach the right "
        "support, without being sent back to your GP.",
    ),
    (
        "One holistic assessment",
        "A single, joined-up assessment of your mental health, physical health and social needs such as "
        "housing, money and work, so you tell your story once and it is shared with the people who support you.",
    ),
    (
        "Case manager and care coordination",
        "A named worker who coordinates your care across services, agrees a care plan with you and is the "
        "person to contact when things change.",
    ),
    (
        "Neighbourhood hubs",
        "Mental health support in your neighbourhood, alongside primary care, the voluntary sector and "
        "community groups, open at times that suit people who work or care for others.",
    ),
    (
        "Step up and step down care",
        "Support that increases quickly when you need more help and reduces gradually as you recover, "
        "without a new referral or a new waiting list each time.",
    ),
    (
        "Mind and body",
        "Physical health checks and support for people with severe mental illness, and help with the mental "
        "health side of long-term physical conditions.",
    ),
    (
        "Equality and diversity",
        "Services designed with the communities that use them least, with data on who is reached and who is "
        "not, and action to close the gaps.",
    ),
    (
        "18 to 25 transition",
        "Young adults are supported by a service that suits their age, with no cliff edge at 18 and planned "
        "handovers from children's and young people's services.",
    ),
    (
        "Interpreting and BSL access",
        "Interpreters, including British Sign Language interpreters, are booked for every appointment where "
        "they are needed, and information is available in easy read and other formats.",
    ),
]


def _demo_user(role: Role, password: str) -> User:
    email = f"{role.value}@{DEMO_DOMAIN}"
    user = db.session.execute(select(User).where(User.email == email)).scalar_one_or_none()
    if user is None:
        user = User(email=email, name=DEMO_NAMES[role], role=role)
        db.session.add(user)
    user.set_password(password)
    user.active = True
    return user


def load_demo() -> Programme:
    """Create (or refresh) the demo accounts and the demo programme."""
    password = current_app.config["DEMO_PASSWORD"]
    users = {role: _demo_user(role, password) for role in Role}
    programme = db.session.execute(select(Programme).where(Programme.slug == PROGRAMME_SLUG)).scalar_one_or_none()
    if programme is None:
        programme = Programme(
            slug=PROGRAMME_SLUG,
            title="Community mental health core offer review",
            area="Demo integrated care system",
            summary=(
                "We are redesigning community mental health services around a core offer that everyone can "
                "expect, wherever they live. Tell us what matters to you, review our drafts and see what "
                "changed because of what you said."
            ),
            return_address="Engagement team (demo)\nFreepost ENGAGE DEMO\nLondon",
        )
        db.session.add(programme)
        for position, (title, description) in enumerate(COMPONENTS, start=1):
            component = CoreOfferComponent(title=title, description=description, position=position)
            component.changes.append(
                CoreOfferChange(
                    before="",
                    after=description,
                    reason="First draft of the core offer.",
                    changed_by=users[Role.LEAD],
                )
            )
            programme.components.append(component)
    for role in (Role.LEAD, Role.MEMBER):
        if users[role] not in programme.people:
            programme.people.append(users[role])
    db.session.flush()
    load_demo_survey(programme, users[Role.LEAD])
    db.session.flush()
    load_demo_panels(programme, users[Role.LEAD], users[Role.MEMBER])
    load_demo_board(programme, users[Role.LEAD])
    return programme
