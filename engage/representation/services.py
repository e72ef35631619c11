"""Who we have heard from, beside who lives here: equality profiles against the population, deprivation from
postcodes, and outreach logged against the gaps."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from flask import current_app
from sqlalchemy import Select, delete, func, insert, select

from engage import audit
from engage.auth.models import User
from engage.extensions import db
from engage.programmes.models import Programme
from engage.representation.census import ENGLAND_2021, SOURCE
from engage.representation.models import OutreachAction, Population, PopulationFigure, PostcodeDecile
from engage.signals import area_given
from engage.surveys.equality import PREFER_NOT
from engage.surveys.models import Answer, Question, Response, ResponseStatus, Survey
from engage.tracker.reach import safe_cells

DEPRIVATION = "deprivation"
GROUP_LABELS = {
    "age": "Age",
    "sex": "Sex",
    "gender_identity": "Gender identity",
    "ethnicity": "Ethnic group",
    "disability": "Disability",
    "sexual_orientation": "Sexual orientation",
    "religion": "Religion",
    "carer": "Unpaid carers",
    DEPRIVATION: "Deprivation of the neighbourhood",
}
DECILES = [str(n) for n in range(1, 11)]
DECILE_LABELS = {"1": "1 (most deprived tenth)", "10": "10 (least deprived tenth)"}
# A group is under-represented when fewer than this share of the people expected from it took part.
UNDER = 0.8


def category_label(group: str, category: str) -> str:
    """How a category reads on the page: deciles say which end is the most deprived."""
    return DECILE_LABELS.get(category, category) if group == DEPRIVATION else category


@dataclass
class Row:
    category: str
    people: int
    shown: bool  # False: the count is withheld (small, or it would let a small one be worked out)
    share: float  # per cent of those in the group who answered
    population: float | None  # per cent of the population
    expected: float | None  # people we would expect from this category, given how many answered

    @property
    def small(self) -> bool:
        return self.people < current_app.config["SMALL_COUNT_THRESHOLD"]

    @property
    def gap(self) -> float | None:
        """Percentage points by which respondents fall short of (negative) or exceed the population."""
        return None if self.population is None else round(self.share - self.population, 1)

    @property
    def under(self) -> bool:
        """Fewer took part than UNDER of those expected, where we would expect enough people to tell."""
        threshold = current_app.config["SMALL_COUNT_THRESHOLD"]
        return self.expected is not None and self.expected >= threshold and self.people < UNDER * self.expected


@dataclass
class GroupProfile:
    key: str
    answered: int  # people who chose a category (not "Prefer not to say")
    preferred_not: int
    rows: list[Row]

    @property
    def label(self) -> str:
        return GROUP_LABELS.get(self.key, self.key)

    @property
    def under(self) -> list[Row]:
        return [row for row in self.rows if row.under]

    def category_label(self, category: str) -> str:
        return category_label(self.key, category)


@dataclass
class Profile:
    responses: int
    source: str
    local: bool  # the lead's own figures, not the census
    groups: list[GroupProfile] = field(default_factory=list)
    threshold: int = 0

    @property
    def under(self) -> list[tuple[GroupProfile, Row]]:
        return [(group, row) for group in self.groups for row in group.under]


def population_of(programme: Programme) -> tuple[dict[str, dict[str, float]], str, bool]:
    """The figures a programme is compared with, their source, and whether they are the lead's own."""
    population = db.session.execute(
        select(Population).where(Population.programme_id == programme.id)
    ).scalar_one_or_none()
    if population is None:
        figures = {key: dict(shares) for key, shares in ENGLAND_2021.items()}
        # Each tenth of England's neighbourhoods holds about a tenth of its people (deciles of areas of similar size).
        figures[DEPRIVATION] = dict.fromkeys(DECILES, 10.0)
        return figures, SOURCE, False
    local: dict[str, dict[str, float]] = {}
    for figure in population.figures:
        local.setdefault(figure.group, {})[figure.category] = figure.percent
    return local, population.source, True


def submitted(
    programme: Programme, survey: Survey | None = None, between: tuple[datetime, datetime] | None = None
) -> Select[tuple[int]]:
    """Ids of the submitted responses to one survey, or to all of a programme's surveys (sent between two
    moments, if given)."""
    query = select(Response.id).join(Survey).where(Response.status == ResponseStatus.SUBMITTED)
    if between is not None:
        query = query.where(Response.submitted_at >= between[0], Response.submitted_at < between[1])
    if survey is not None:
        return query.where(Response.survey_id == survey.id)
    return query.where(Survey.programme_id == programme.id)


def counts(response_ids: Select[tuple[int]]) -> tuple[int, dict[str, Counter[str]]]:
    """How many responses, and in each equality group how many people chose each category."""
    total = db.session.execute(select(func.count()).select_from(response_ids.subquery())).scalar_one()
    chosen: dict[str, Counter[str]] = {}
    answers = (
        select(Question.equality_key, Answer.choices)
        .join(Question, Question.id == Answer.question_id)
        .where(Answer.response_id.in_(response_ids), Question.equality_key.is_not(None))
    )
    for key, choices in db.session.execute(answers):
        for choice in choices or []:
            chosen.setdefault(key, Counter())[choice] += 1
    deciles = select(Response.imd_decile, func.count()).where(
        Response.id.in_(response_ids), Response.imd_decile.is_not(None)
    )
    for decile, n in db.session.execute(deciles.group_by(Response.imd_decile)):
        chosen.setdefault(DEPRIVATION, Counter())[str(decile)] = n
    return total, chosen


def profile(
    programme: Programme, survey: Survey | None = None, between: tuple[datetime, datetime] | None = None
) -> Profile:
    """The respondents' equality profile beside the population's, group by group, with small counts withheld."""
    figures, source, local = population_of(programme)
    total, chosen = counts(submitted(programme, survey, between))
    threshold = current_app.config["SMALL_COUNT_THRESHOLD"]
    result = Profile(total, source, local, threshold=threshold)
    for key in [k for k in GROUP_LABELS if k in figures]:
        people = chosen.get(key, Counter())
        preferred_not = people.pop(PREFER_NOT, 0)
        answered = sum(people.values())
        population = figures[key]
        # Categories in the population's order, then any respondents chose that the figures lack.
        categories = list(population) + sorted(c for c in people if c not in population)
        shown = dict(safe_cells(answered, dict(people), threshold))
        rows = [
            Row(
                category=category,
                people=people.get(category, 0),
                shown=category in shown,
                share=round(100 * people.get(category, 0) / answered, 1) if answered else 0.0,
                population=population.get(category),
                expected=(
                    round(answered * population[category] / 100, 1) if category in population and answered else None
                ),
            )
            for category in categories
        ]
        result.groups.append(GroupProfile(key, answered, preferred_not, rows))
    return result


def share_in(found: Profile, group: str, category: str) -> float | None:
    """One category's share of the people who answered its group, in per cent (None: nobody answered it)."""
    profile_group = next((g for g in found.groups if g.key == group), None)
    if profile_group is None or not profile_group.answered:
        return None
    row = next((r for r in profile_group.rows if r.category == category), None)
    return row.share if row else 0.0


@area_given.connect
def _place(_sender: Any, response: Response, postcode: str | None) -> None:
    """Record the deprivation decile of the postcode just given, if the programme's lookup knows it."""
    decile = None
    if postcode is not None:
        decile = db.session.execute(
            select(PostcodeDecile.decile).where(
                PostcodeDecile.programme_id == response.survey.programme_id, PostcodeDecile.postcode == postcode
            )
        ).scalar_one_or_none()
    response.imd_decile = decile


def replace_population(actor: User, programme: Programme, source: str, figures: list[tuple[str, str, float]]) -> None:
    """Compare the programme with these figures from now on (checked by uploads.read_population first)."""
    db.session.execute(delete(Population).where(Population.programme_id == programme.id))
    db.session.flush()
    population = Population(programme_id=programme.id, source=source, uploaded_by_id=actor.id)
    population.figures = [PopulationFigure(group=g, category=c, percent=p) for g, c, p in figures]
    db.session.add(population)
    audit.record(actor.id, "population_uploaded", programme, f"groups={len({g for g, _, _ in figures})}")
    db.session.flush()


def use_census(actor: User, programme: Programme) -> None:
    """Go back to comparing the programme with England's census figures."""
    db.session.execute(delete(Population).where(Population.programme_id == programme.id))
    audit.record(actor.id, "population_reset", programme)
    db.session.flush()


def replace_lookup(actor: User, programme: Programme, deciles: dict[str, int]) -> None:
    """Use this postcode lookup for answers saved from now on (checked by uploads.read_lookup first)."""
    db.session.execute(delete(PostcodeDecile).where(PostcodeDecile.programme_id == programme.id))
    rows = [{"programme_id": programme.id, "postcode": p, "decile": d} for p, d in deciles.items()]
    for start in range(0, len(rows), 5000):
        db.session.execute(insert(PostcodeDecile), rows[start : start + 5000])
    audit.record(actor.id, "postcode_lookup_uploaded", programme, f"postcodes={len(rows)}")
    db.session.flush()


def lookup_size(programme: Programme) -> int:
    return db.session.execute(select(func.count()).where(PostcodeDecile.programme_id == programme.id)).scalar_one()


def log_outreach(
    actor: User,
    programme: Programme,
    *,
    survey: Survey | None,
    group: str,
    category: str,
    who: str,
    place: str,
    held_on: date,
    result: str,
) -> OutreachAction:
    """Record an outreach action against a gap, with the group's share of respondents as it stands now."""
    action = OutreachAction(
        programme_id=programme.id,
        survey_id=survey.id if survey else None,
        group=group,
        category=category,
        who=who,
        place=place,
        held_on=held_on,
        result=result,
        share_before=share_in(profile(programme, survey), group, category),
        created_by_id=actor.id,
    )
    db.session.add(action)
    db.session.flush()
    audit.record(actor.id, "outreach_logged", action, f"group={group}")
    return action


@dataclass
class OutreachProgress:
    action: OutreachAction
    share_now: float | None
    population: float | None

    @property
    def closed(self) -> bool | None:
        """Whether the group is no longer under-represented (None: no population figure to tell by)."""
        if self.population is None or self.share_now is None:
            return None
        return self.share_now >= UNDER * self.population


def outreach(programme: Programme) -> list[OutreachProgress]:
    """The programme's outreach, newest first, each with the group's share then and now."""
    actions = db.session.execute(
        select(OutreachAction)
        .where(OutreachAction.programme_id == programme.id)
        .order_by(OutreachAction.held_on.desc(), OutreachAction.id.desc())
    ).scalars()
    figures, _, _ = population_of(programme)
    profiles: dict[int | None, Profile] = {}
    found = []
    for action in actions:
        if action.survey_id not in profiles:
            profiles[action.survey_id] = profile(programme, action.survey)
        share_now = share_in(profiles[action.survey_id], action.group, action.category)
        found.append(OutreachProgress(action, share_now, figures.get(action.group, {}).get(action.category)))
    return found


def surveys_of(programme: Programme) -> list[Survey]:
    return list(
        db.session.execute(select(Survey).where(Survey.programme_id == programme.id).order_by(Survey.title)).scalars()
    )
