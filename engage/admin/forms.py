"""Forms for managing users."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, RadioField, StringField

from engage.auth.models import ROLE_LABELS, Role
from engage.forms import NOT_OFFERED, email_format, max_length, options, required, strip

ROLE_CHOICES = options((role.value, label) for role, label in ROLE_LABELS.items())


class UserForm(FlaskForm):
    name = StringField(
        "Full name", filters=[strip], validators=[required("Enter their full name"), max_length(120, "Full name")]
    )
    email = EmailField(
        "Email address",
        filters=[strip],
        validators=[required("Enter their email address"), max_length(254, "Email address"), email_format()],
    )
    role = RadioField(
        "Role", choices=ROLE_CHOICES, validators=[required("Select a role")], invalid_choice_message=NOT_OFFERED
    )


class UserEditForm(FlaskForm):
    name = StringField(
        "Full name", filters=[strip], validators=[required("Enter their full name"), max_length(120, "Full name")]
    )
    role = RadioField(
        "Role", choices=ROLE_CHOICES, validators=[required("Select a role")], invalid_choice_message=NOT_OFFERED
    )
    active = BooleanField("This person can sign in")

    @property
    def role_value(self) -> Role:
        return Role(self.role.data)
