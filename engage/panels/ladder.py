"""How far a programme co-produces, rated by its panel members on Think Local Act Personal's ladder of
co-production and shown quarter by quarter."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from statistics import median_low

from sqlalchemy import select

from engage import audit
from engage.auth.models import User
from engage.exceptions import EngageError
from engage.extensions import db
from engage.panels.models import LadderRating, Membership, Panel
from engage.programmes.models import Programme

# The rungs from the bottom, each in a sentence a panel member can rate against (after TLAP's ladder).
RUNGS = (
    ("Coercion", "People attend to be told what will happen. They have no say."),
    ("Educating", "People are helped to understand the plans, but not asked to shape them."),
    ("Informing", "People are told what is happening and why."),
    ("Consultation", "People are asked for their views, but may not hear what came of them."),
    ("Engagement", "People have more of a say, but those with power still make the decisions."),
    ("Co-design", "People help design the service, and some decisions are shared."),
    ("Co-production", "People and staff share power and decide together, from start to finish."),
)


def rung_name(rung: int) -> str:
    return RUNGS[rung - 1][0]


def may_rate(user: User, programme: Programme) -> bool:
    """Current members of one of the programme's panels rate it."""
    if not user.is_authenticated:
        return False
    query = (
        select(Membership.id)
        .join(Panel)
        .where(Panel.programme_id == programme.id, Membership.user_id == user.id, Membership.left_on.is_(None))
    )
    return db.session.execute(query).first() is not None


def rate(user: User, programme: Programme, rung: int, comment: str) -> LadderRating:
    """Record a panel member's rating (a new one each time: the page shows how ratings change)."""
    if not may_rate(user, programme):
        raise EngageError("Only members of this programme's panels can rate it")
    if not 1 <= rung <= len(RUNGS):
        raise EngageError("Choose a rung of the ladder", "rung")
    rating = LadderRating(programme_id=programme.id, user_id=user.id, rung=rung, comment=comment)
    db.session.add(rating)
    db.session.flush()
    audit.record(user.id, "ladder_rated", rating, f"rung={rung}")
    return rating


@dataclass
class Quarter:
    label: str  # "2026 Q4"
    counts: list[tuple[str, int]]  # every rung, bottom first
    people: int  # ratings in the quarter (a member's latest in it)
    middle: str  # the median rung's name


def quarter_of(moment: datetime) -> str:
    return f"{moment.year} Q{(moment.month - 1) // 3 + 1}"


def history(programme: Programme) -> list[Quarter]:
    """Each quarter's ratings, oldest first, counting each member's latest rating in the quarter once."""
    ratings = db.session.execute(
        select(LadderRating).where(LadderRating.programme_id == programme.id).order_by(LadderRating.rated_at)
    ).scalars()
    latest: dict[str, dict[int | None, int]] = {}
    for number, rating in enumerate(ratings):
        # A member who left Engage (user_id None) still counts, once per rating.
        who = rating.user_id if rating.user_id is not None else -1 - number
        latest.setdefault(quarter_of(rating.rated_at), {})[who] = rating.rung
    quarters = []
    for label, rungs in latest.items():
        counted = Counter(rungs.values())
        quarters.append(
            Quarter(
                label,
                [(name, counted.get(n, 0)) for n, (name, _) in enumerate(RUNGS, start=1)],
                len(rungs),
                # The lower of two middle ratings, so the middle is always a rung someone chose.
                rung_name(median_low(list(rungs.values()))),
            )
        )
    return quarters


def mine(user: User, programme: Programme) -> LadderRating | None:
    """The member's latest rating of the programme."""
    return db.session.execute(
        select(LadderRating)
        .where(LadderRating.programme_id == programme.id, LadderRating.user_id == user.id)
        .order_by(LadderRating.rated_at.desc(), LadderRating.id.desc())
        .limit(1)
    ).scalar_one_or_none()
