"""The review form for a safeguarding flag."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import RadioField, TextAreaField
from wtforms.validators import ValidationError

from engage.forms import NOT_OFFERED, max_length, options, required, strip
from engage.safeguarding.models import FlagStatus, Outcome


class ReviewForm(FlaskForm):
    status = RadioField(
        "Status",
        choices=options((s.value, s.label) for s in FlagStatus),
        validators=[required("Select a status")],
        invalid_choice_message=NOT_OFFERED,
    )
    outcome = RadioField(
        "Outcome",
        description="Needed before you close the flag.",
        choices=options((o.value, o.label) for o in Outcome),
        validate_choice=False,
    )
    notes = TextAreaField(
        "Notes",
        description="What you did and why. Other safeguarding leads can read this.",
        filters=[strip],
        validators=[max_length(4000, "Notes")],
    )

    def validate_outcome(self, field: RadioField) -> None:
        if field.data and field.data not in {o.value for o in Outcome}:
            raise ValidationError(NOT_OFFERED)
