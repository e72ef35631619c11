"""Forms for finding a person and confirming an erasure."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, StringField
from wtforms.validators import InputRequired, NumberRange, Optional

from engage.forms import WholeNumberField, email_format, max_length, required, strip
from engage.rights.retention import DAYS_RANGE, MAX_DAYS


class FindForm(FlaskForm):
    email = EmailField(
        "Email address",
        filters=[strip],
        validators=[Optional(), max_length(254, "Email address"), email_format()],
    )
    reference = StringField(
        "Response reference",
        description="From their confirmation page or email, for example ENG-ABCD-EFGH",
        filters=[strip],
        validators=[max_length(20, "Response reference")],
    )
    phone = StringField("Phone number", filters=[strip], validators=[max_length(40, "Phone number")])
    name = StringField(
        "Full name",
        description="A name alone may match more than one person: check each record before you act on it",
        filters=[strip],
        validators=[max_length(120, "Full name")],
    )

    def validate(self, extra_validators: Any = None) -> bool:
        """At least one detail to search by."""
        if not super().validate(extra_validators):
            return False
        if not any((self.email.data, self.reference.data, self.phone.data, self.name.data)):
            self.email.errors.append("Enter at least one detail: an email address, a reference, a phone or a name")
            return False
        return True


class EraseForm(FlaskForm):
    checked = BooleanField(
        "I have checked that these records belong to the person asking, and that nothing must be kept by law",
        validators=[required("Confirm that you have checked the records")],
    )


class RetentionForm(FlaskForm):
    days = WholeNumberField(
        "Keep for how many days",
        description="For example 730 for 24 months, or 183 for 6 months",
        # InputRequired, not required(): 0 is an answer, and gets the range's message.
        validators=[InputRequired("Enter a number of days"), NumberRange(1, MAX_DAYS, DAYS_RANGE)],
    )
