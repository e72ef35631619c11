"""The population a programme serves, its postcode deprivation lookup, and the outreach done to reach more of it."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engage.auth.models import User
from engage.extensions import db
from engage.programmes.models import Programme
from engage.surveys.models import Survey
from engage.timeutil import utcnow


class Population(db.Model):
    """A lead's own figures for the area a programme serves (a borough, an integrated care system), replacing
    the England census figures it is compared with."""

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programme.id", ondelete="CASCADE"), unique=True)
    source: Mapped[str] = mapped_column(String(300))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)

    figures: Mapped[list[PopulationFigure]] = relationship(
        back_populates="population", cascade="all, delete-orphan", order_by="PopulationFigure.id"
    )
    uploaded_by: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"<Population programme={self.programme_id}>"


class PopulationFigure(db.Model):
    """One category's share of the population, in per cent, for example ethnicity "White: Irish" 2.1."""

    __table_args__ = (
        UniqueConstraint("population_id", "group", "category"),
        CheckConstraint("percent >= 0 AND percent <= 100", name="percent_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    population_id: Mapped[int] = mapped_column(ForeignKey("population.id", ondelete="CASCADE"), index=True)
    group: Mapped[str] = mapped_column(String(40))  # an equality set key, for example "ethnicity"
    category: Mapped[str] = mapped_column(String(200))
    percent: Mapped[float]

    population: Mapped[Population] = relationship(back_populates="figures")

    def __repr__(self) -> str:
        return f"<PopulationFigure {self.group}: {self.category} {self.percent}%>"


class PostcodeDecile(db.Model):
    """A programme's copy of the public postcode lookup: each postcode's Index of Multiple Deprivation decile
    (1 is the most deprived tenth of neighbourhoods in England). Read once as an answer is saved; the answer
    keeps only the postcode's first part."""

    __table_args__ = (CheckConstraint("decile BETWEEN 1 AND 10", name="decile_range"),)

    programme_id: Mapped[int] = mapped_column(ForeignKey("programme.id", ondelete="CASCADE"), primary_key=True)
    postcode: Mapped[str] = mapped_column(String(8), primary_key=True)  # upper case, no space: "N170AA"
    decile: Mapped[int]

    def __repr__(self) -> str:
        return f"<PostcodeDecile programme={self.programme_id} decile={self.decile}>"


class OutreachAction(db.Model):
    """Something a lead did to hear from a group the responses under-represent, and what came of it."""

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programme.id", ondelete="CASCADE"), index=True)
    survey_id: Mapped[int | None] = mapped_column(ForeignKey("survey.id", ondelete="SET NULL"))
    group: Mapped[str] = mapped_column(String(40))
    category: Mapped[str] = mapped_column(String(200))
    who: Mapped[str] = mapped_column(String(200))  # who went, or which partner organisation
    place: Mapped[str] = mapped_column(String(200))
    held_on: Mapped[date]
    result: Mapped[str] = mapped_column(Text, default="")
    # The group's share of respondents when the action was logged, so the page can say whether the gap closed.
    share_before: Mapped[float | None]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    programme: Mapped[Programme] = relationship()
    survey: Mapped[Survey | None] = relationship()
    created_by: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"<OutreachAction {self.id} {self.group}: {self.category}>"
