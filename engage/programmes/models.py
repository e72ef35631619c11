"""Programmes, the people attached to them, and the core offer with its history."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import Column, ForeignKey, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engage.auth.models import User
from engage.extensions import db
from engage.timeutil import utcnow

if TYPE_CHECKING:
    from engage.tracker.models import WeDid

programme_people = Table(
    "programme_people",
    db.metadata,
    Column("programme_id", ForeignKey("programme.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("user.id", ondelete="CASCADE"), primary_key=True),
)


class Programme(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    area: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    # Printed on paper forms, posters and flyers, so a paper answer can be posted back.
    return_address: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    people: Mapped[list[User]] = relationship(secondary=programme_people, order_by=User.name)
    components: Mapped[list[CoreOfferComponent]] = relationship(
        back_populates="programme", order_by="CoreOfferComponent.position", cascade="all, delete-orphan"
    )


class CoreOfferComponent(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programme.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(default=0)
    description: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    programme: Mapped[Programme] = relationship(back_populates="components")
    indicators: Mapped[list[Indicator]] = relationship(
        back_populates="component", order_by="Indicator.id", cascade="all, delete-orphan"
    )
    changes: Mapped[list[CoreOfferChange]] = relationship(
        back_populates="component",
        order_by="CoreOfferChange.changed_at.desc(), CoreOfferChange.id.desc()",
        cascade="all, delete-orphan",
    )


class CoreOfferChange(db.Model):
    """One change to a component's description: what, when, by whom and why."""

    id: Mapped[int] = mapped_column(primary_key=True)
    component_id: Mapped[int] = mapped_column(ForeignKey("core_offer_component.id", ondelete="CASCADE"), index=True)
    before: Mapped[str] = mapped_column(Text, default="")
    after: Mapped[str] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(Text)
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Set when a "we did" action made this change, so the history reads "changed because you said ...".
    we_did_id: Mapped[int | None] = mapped_column(ForeignKey("we_did.id", ondelete="SET NULL"))

    component: Mapped[CoreOfferComponent] = relationship(back_populates="changes")
    changed_by: Mapped[User | None] = relationship()
    we_did: Mapped[WeDid | None] = relationship("WeDid")


class Indicator(db.Model):
    """A measure a core offer component should move, such as "days from referral to first contact", with where
    it started, where it should get to, and measurements over time."""

    id: Mapped[int] = mapped_column(primary_key=True)
    component_id: Mapped[int] = mapped_column(ForeignKey("core_offer_component.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    unit: Mapped[str] = mapped_column(String(40))  # "days", "%", "people"
    lower_is_better: Mapped[bool] = mapped_column(default=True)
    baseline: Mapped[float]
    baseline_on: Mapped[date]
    target: Mapped[float]
    target_by: Mapped[date | None]
    # Where the figures come from, for example "SystmOne referrals report, monthly".
    source: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    component: Mapped[CoreOfferComponent] = relationship(back_populates="indicators")
    measurements: Mapped[list[Measurement]] = relationship(
        back_populates="indicator", order_by="Measurement.measured_on", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<Indicator {self.id} {self.name!r}>"

    @property
    def latest(self) -> Measurement | None:
        return self.measurements[-1] if self.measurements else None

    @property
    def progress(self) -> int | None:
        """How far the latest measurement has come from the baseline towards the target, in per cent (it may
        be below 0, going the wrong way, or above 100); None with no measurement or no distance to go."""
        if self.latest is None or self.target == self.baseline:
            return None
        return round(100 * (self.latest.value - self.baseline) / (self.target - self.baseline))


class Measurement(db.Model):
    __table_args__ = (UniqueConstraint("indicator_id", "measured_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicator.id", ondelete="CASCADE"), index=True)
    measured_on: Mapped[date]
    value: Mapped[float]
    note: Mapped[str] = mapped_column(String(300), default="")
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    entered_at: Mapped[datetime] = mapped_column(default=utcnow)

    indicator: Mapped[Indicator] = relationship(back_populates="measurements")

    def __repr__(self) -> str:
        return f"<Measurement {self.measured_on} {self.value}>"
