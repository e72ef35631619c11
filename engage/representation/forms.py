"""Forms for a programme's population figures, its postcode lookup, and outreach against the gaps."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import DateField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired

from engage.forms import NOT_OFFERED, max_length, required, strip


class PopulationForm(FlaskForm):
    source = StringField(
        "Where the figures come from",
        description="For example, Haringey, Census 2021 (ONS), usual residents aged 16 and over.",
        filters=[strip],
        validators=[required("Enter where the figures come from"), max_length(300, "The source")],
    )
    file = FileField(
        "CSV file",
        description=(
            "Headings group, category and percent (or people). One row per category, for example: "
            "ethnicity, White: Irish, 2.1"
        ),
    )


class LookupForm(FlaskForm):
    file = FileField(
        "Postcode lookup (CSV)",
        description="The file from imd-by-postcode.opendatacommunities.org for the postcodes your programme covers.",
    )


class OutreachForm(FlaskForm):
    gap = SelectField("Group you went out to hear from", invalid_choice_message=NOT_OFFERED)
    survey = SelectField("Survey (optional)", invalid_choice_message=NOT_OFFERED)
    who = StringField(
        "Who went, or which partner",
        description="For example, Peer support workers with the Turkish Cypriot Women's Project.",
        filters=[strip],
        validators=[required("Enter who went, or which partner"), max_length(200, "Who went")],
    )
    place = StringField(
        "Where",
        description="For example, Wood Green Library, or a WhatsApp group.",
        filters=[strip],
        validators=[required("Enter where it happened"), max_length(200, "Where")],
    )
    held_on = DateField("Date", validators=[InputRequired("Enter the date, for example 27 3 2026")])
    result = TextAreaField(
        "What came of it (optional)",
        description="For example, 14 paper surveys completed and 3 people asked to join the panel.",
        filters=[strip],
        validators=[max_length(5000, "What came of it")],
    )
