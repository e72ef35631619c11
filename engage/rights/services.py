"""Opening and closing a data rights request."""

from __future__ import annotations

from engage import audit
from engage.auth.models import User
from engage.extensions import db
from engage.rights.models import RightsRequest
from engage.timeutil import utcnow


def open_request(actor: User, *, email: str, reference: str, phone: str, name: str) -> RightsRequest:
    """Record a request from the details the person gave; the audit names the request, never the details."""
    case = RightsRequest(email=email, reference=reference, phone=phone, name=name, created_by_id=actor.id)
    db.session.add(case)
    audit.record(actor.id, "rights_request_opened", case)
    return case


def close_request(actor: User | None, case: RightsRequest, outcome: str = "Closed without erasure") -> None:
    """Clear the details searched for, keeping the fact of the request and what was done."""
    case.email = case.reference = case.phone = case.name = ""
    case.closed_at = utcnow()
    case.outcome = outcome[:300]
    audit.record(actor.id if actor else None, "rights_request_closed", case, outcome.split(":")[0])
    db.session.flush()
