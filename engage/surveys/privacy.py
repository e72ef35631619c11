"""A survey's privacy notice, written from its real settings and the retention schedule."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app

from engage.auth.models import Role
from engage.signals import retention_days
from engage.surveys.models import Survey

# What each kind is kept for when no schedule answers (the retention schedule's defaults).
DEFAULT_DAYS = {"responses": 730, "contacts": 183, "bsl_videos": 90}


@dataclass
class Notice:
    survey: Survey
    organisation: str
    contact: str
    questions: int
    free_text: int
    equality: list[str]
    offers_bsl: bool
    leads: int
    threshold: int
    days: dict[str, int]
    deleted_after: datetime | None  # when submitted answers go, if the survey has a closing date


def notice(survey: Survey) -> Notice:
    """Everything the notice says, taken from the survey, its programme and the retention schedule."""
    days = DEFAULT_DAYS | retention_days()
    questions = survey.questions
    return Notice(
        survey=survey,
        organisation=survey.programme.area,
        contact=current_app.config["PRIVACY_CONTACT"],
        questions=len(questions),
        free_text=sum(1 for q in questions if q.kind.is_text),
        equality=[q.prompt for q in questions if q.equality_key],
        offers_bsl=survey.bsl_id is not None or any(q.bsl_id is not None for q in questions),
        leads=sum(1 for person in survey.programme.people if person.role == Role.LEAD),
        threshold=int(current_app.config["SMALL_COUNT_THRESHOLD"]),
        days=days,
        deleted_after=survey.closes_at + timedelta(days=days["responses"]) if survey.closes_at else None,
    )
