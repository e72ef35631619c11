"""Actions ("we did") on a statement, and the core offer changes they make."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from engage import audit
from engage.auth.models import User
from engage.extensions import db
from engage.programmes.models import CoreOfferChange, CoreOfferComponent, Indicator, Programme
from engage.timeutil import utcnow
from engage.tracker.loop import tell_contributors
from engage.tracker.models import ActionStatus, ActionUpdate, WeDid, YouSaid
from engage.tracker.statements import TrackerError


@dataclass
class ActionFields:
    what: str
    owner: str
    detail: str = ""
    status: ActionStatus = ActionStatus.PLANNED
    reason: str = ""
    progress: int = 0
    target_date: date | None = None
    completed_on: date | None = None
    evidence_url: str = ""
    component_ids: list[int] = field(default_factory=list)
    indicator_ids: list[int] = field(default_factory=list)


def _check_action(programme: Programme, fields: ActionFields) -> tuple[list[CoreOfferComponent], list[Indicator]]:
    if not 0 <= fields.progress <= 100:
        raise TrackerError("Progress must be a whole number from 0 to 100", "progress")
    if fields.status == ActionStatus.NOT_TAKEN_FORWARD and not fields.reason.strip():
        raise TrackerError("Say why this is not being taken forward", "reason")
    if fields.evidence_url and not fields.evidence_url.startswith(("https://", "http://")):
        raise TrackerError("The evidence link must start with https://", "evidence_url")
    components = {c.id: c for c in programme.components}
    if any(i not in components for i in fields.component_ids):
        raise TrackerError("Choose components of this programme's core offer", "component_ids")
    if not fields.component_ids:
        raise TrackerError("Choose at least one part of the core offer this action changes", "component_ids")
    indicators = {i.id: i for c in programme.components for i in c.indicators}
    if any(i not in indicators for i in fields.indicator_ids):
        raise TrackerError("Choose indicators of this programme's core offer", "indicator_ids")
    return [components[i] for i in fields.component_ids], [indicators[i] for i in fields.indicator_ids]


def _apply_action(
    action: WeDid, fields: ActionFields, linked: tuple[list[CoreOfferComponent], list[Indicator]]
) -> None:
    components, action.indicators = linked
    action.what, action.owner, action.detail = fields.what, fields.owner, fields.detail
    action.status = fields.status
    action.reason = fields.reason if fields.status == ActionStatus.NOT_TAKEN_FORWARD else ""
    action.progress = 100 if fields.status == ActionStatus.DONE else fields.progress
    action.target_date, action.evidence_url = fields.target_date, fields.evidence_url
    action.completed_on = (fields.completed_on or date.today()) if fields.status == ActionStatus.DONE else None
    action.components, action.updated_at = components, utcnow()


def change_description(actor: User, action: WeDid, component: CoreOfferComponent, description: str) -> None:
    """Give a component of the action a new description, kept in the core offer's history and linked to the action.

    The lead starts from the current text and confirms a word-by-word preview first (see the view), so
    nothing is deleted by retyping. An empty or unchanged description is refused.
    """
    if component not in action.components:
        raise TrackerError("Choose a part of the core offer that this action changes")
    if not description.strip():
        raise TrackerError("Enter the new description. A part of the core offer cannot be left empty", "description")
    if description == component.description:
        raise TrackerError("This is the description it has now. Change it, or go back", "description")
    component.changes.append(
        CoreOfferChange(
            before=component.description,
            after=description,
            # The history is public at once; the statement's own words appear there only once it is published.
            reason="Changed in response to what people told us",
            changed_by_id=actor.id,
            we_did=action,
        )
    )
    component.description, component.updated_at = description, utcnow()
    audit.record(actor.id, "component_changed", component, f"we_did={action.id}")
    db.session.flush()


def add_action(actor: User, you_said: YouSaid, fields: ActionFields) -> WeDid:
    linked = _check_action(you_said.programme, fields)
    action = WeDid()
    you_said.actions.append(action)
    _apply_action(action, fields, linked)
    first = ActionUpdate(by_id=actor.id, status=action.status, progress=action.progress, note="Action added")
    action.updates.append(first)
    db.session.add(action)
    db.session.flush()
    audit.record(actor.id, "we_did_added", action, f"you_said={you_said.id}")
    db.session.flush()
    return action


def update_action(actor: User, action: WeDid, fields: ActionFields, note: str) -> None:
    """Change an action; a dated timeline entry records it, and contributors hear of a new status once."""
    linked = _check_action(action.you_said.programme, fields)
    before = action.status
    _apply_action(action, fields, linked)
    action.updates.append(ActionUpdate(by_id=actor.id, status=action.status, progress=action.progress, note=note))
    audit.record(actor.id, "we_did_updated", action, f"status={action.status.value}")
    if action.status != before and action.you_said.is_published:
        event = f"action:{action.id}:{action.status.value}"
        tell_contributors(action.you_said, event, "action_update", action=action, note=note)
    db.session.flush()


def last_update_at(action: WeDid) -> datetime:
    return max([u.at for u in action.updates] or [action.created_at])
