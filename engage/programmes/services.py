"""Named operations on programmes and the core offer."""

from __future__ import annotations

import re
import unicodedata

from sqlalchemy import Select, func, select

from engage import audit
from engage.auth.models import Role, User
from engage.exceptions import EngageError
from engage.extensions import db
from engage.programmes.models import CoreOfferChange, CoreOfferComponent, Programme
from engage.timeutil import utcnow


class ProgrammeError(EngageError):
    """A change that cannot be made; the message is for the user."""


def slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:60] or "programme"


def _unique_slug(title: str) -> str:
    base = slugify(title)
    slug, n = base, 2
    while db.session.execute(select(Programme.id).where(Programme.slug == slug)).first():
        slug, n = f"{base}-{n}", n + 1
    return slug


def all_programmes() -> list[Programme]:
    return list(db.session.execute(select(Programme).order_by(Programme.title)).scalars())


def programmes_for(user: User) -> list[Programme]:
    """Programmes the user works on; administrators see them all."""
    if user.role == Role.ADMIN:
        return all_programmes()
    return [programme for programme in all_programmes() if user in programme.people]


def programme_or_404(slug: str) -> Programme:
    """The programme with this slug, or a 404 for the view that asked."""
    return db.first_or_404(select(Programme).where(Programme.slug == slug))


def create_programme(actor: User, *, title: str, area: str, summary: str, return_address: str = "") -> Programme:
    """Start a new programme."""
    programme = Programme(
        slug=_unique_slug(title), title=title, area=area, summary=summary, return_address=return_address
    )
    db.session.add(programme)
    audit.record(actor.id, "programme_created", programme)
    db.session.flush()
    return programme


def update_programme(
    actor: User, programme: Programme, *, title: str, area: str, summary: str, return_address: str = ""
) -> None:
    """Change a programme's title, area, summary or return address."""
    programme.title, programme.area, programme.summary = title, area, summary
    programme.return_address = return_address
    audit.record(actor.id, "programme_updated", programme)
    db.session.flush()


def set_people(actor: User, programme: Programme, user_ids: list[int]) -> None:
    """Attach exactly these leads and members to the programme."""
    people = list(db.session.execute(select(User).where(User.id.in_(user_ids))).scalars()) if user_ids else []
    programme.people = people
    audit.record(actor.id, "programme_people_set", programme, "users=" + ",".join(str(p.id) for p in people))
    db.session.flush()


def add_component(
    actor: User, programme: Programme, *, title: str, description: str, reason: str
) -> CoreOfferComponent:
    """Add a core offer component; its first description is the first entry in its history."""
    position = db.session.execute(
        select(func.coalesce(func.max(CoreOfferComponent.position), 0)).where(
            CoreOfferComponent.programme_id == programme.id
        )
    ).scalar_one()
    component = CoreOfferComponent(programme=programme, title=title, description=description, position=position + 1)
    db.session.add(component)
    component.changes.append(CoreOfferChange(before="", after=description, reason=reason, changed_by_id=actor.id))
    audit.record(actor.id, "component_added", component)
    db.session.flush()
    return component


def change_component(
    actor: User, component: CoreOfferComponent, *, title: str, description: str, reason: str
) -> CoreOfferChange | None:
    """Edit a component, keeping the old description in its history. Returns the change, if any."""
    if title == component.title and description == component.description:
        raise ProgrammeError("You have not changed anything")
    change = None
    if description != component.description:
        change = CoreOfferChange(before=component.description, after=description, reason=reason, changed_by_id=actor.id)
        component.changes.append(change)
    if title != component.title:
        audit.record(actor.id, "component_renamed", component)
    component.title, component.description, component.updated_at = title, description, utcnow()
    audit.record(actor.id, "component_changed", component)
    db.session.flush()
    return change


def history_query(programme: Programme) -> Select[tuple[CoreOfferChange]]:
    """Every change to the programme's core offer, newest first (for pagination)."""
    return (
        select(CoreOfferChange)
        .join(CoreOfferComponent)
        .where(CoreOfferComponent.programme_id == programme.id)
        .order_by(CoreOfferChange.changed_at.desc(), CoreOfferChange.id.desc())
    )
