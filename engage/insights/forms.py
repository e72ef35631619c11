"""Forms for starting an analysis and curating themes."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, HiddenField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import NumberRange, Optional

from engage.forms import NOT_OFFERED, MultiCheckboxField, max_length, options, required, strip
from engage.surveys.models import Channel, Format

FORMAT_CHOICES = options([("", "Any format"), *((f.value, f.value.replace("_", " ").capitalize()) for f in Format)])
CHANNEL_CHOICES = options([("", "Any channel"), *((c.value, c.value.capitalize()) for c in Channel)])


class RunForm(FlaskForm):
    title = StringField(
        "Name this analysis",
        description="For example, Experience survey, autumn 2026.",
        filters=[strip],
        validators=[required("Enter a name for the analysis"), max_length(200, "The name")],
    )
    questions = MultiCheckboxField("Which survey answers should be themed?", coerce=int)
    include_comments = BooleanField("Also theme panel members' comments on this programme's drafts")
    date_from = DateField("Sent on or after (optional)", validators=[Optional()])
    date_to = DateField("Sent on or before (optional)", validators=[Optional()])
    response_format = SelectField("Format", choices=FORMAT_CHOICES, default="", invalid_choice_message=NOT_OFFERED)
    channel = SelectField("Channel", choices=CHANNEL_CHOICES, default="", invalid_choice_message=NOT_OFFERED)
    n_themes = IntegerField(
        "Number of themes (optional)",
        description="Leave blank and Engage chooses a readable number: about 8 for a few hundred comments.",
        validators=[Optional(), NumberRange(min=2, max=60, message="Enter a number of themes from 2 to 60")],
    )


class RenameForm(FlaskForm):
    label = StringField(
        "Theme name", filters=[strip], validators=[required("Enter a name for the theme"), max_length(200, "The name")]
    )
    summary = TextAreaField(
        "Summary (optional)",
        description="What people said, in a sentence or two. Do not include anything that could identify someone.",
        filters=[strip],
        validators=[max_length(2000, "The summary")],
    )


class MergeForm(FlaskForm):
    into = SelectField("Merge this theme into", coerce=int, invalid_choice_message=NOT_OFFERED)
    confirm = HiddenField()  # "yes" once the lead has seen what the merge will do
