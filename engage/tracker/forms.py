"""Forms for statements, quotes and actions."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import DateField, HiddenField, RadioField, StringField, TextAreaField
from wtforms.validators import InputRequired, NumberRange, Optional

from engage.forms import NOT_OFFERED, MultiCheckboxField, WholeNumberField, options, strip
from engage.forms import max_length as too_long
from engage.forms import required as needed
from engage.tracker.models import ActionStatus


class StatementForm(FlaskForm):
    title = StringField(
        "You said",
        description="A short headline in people's own terms, for example “It takes too long to hear back”.",
        filters=[strip],
        validators=[needed("Enter what people said, in a few words"), too_long(200, "The headline")],
    )
    statement = TextAreaField(
        "What people told us",
        description="A few sentences. Say how many people said it and in what ways, without naming anyone.",
        filters=[strip],
        validators=[needed("Enter what people told us"), too_long(4000, "What people told us")],
    )
    easy_read_text = TextAreaField(
        "Easy read version (optional)",
        description="Short sentences, one idea per line, 15 words or fewer each.",
        filters=[strip],
        validators=[too_long(2000, "The easy read version")],
    )
    theme_ids = MultiCheckboxField("Themes this comes from", coerce=int)
    comment_ids = MultiCheckboxField("Panel comments this comes from (optional)", coerce=int)
    picture = FileField("Easy read picture (optional)", description="A PNG, JPEG or WebP picture.")
    picture_alt = StringField(
        "Describe the picture",
        filters=[strip],
        validators=[too_long(300, "The description")],
    )


class QuoteForm(FlaskForm):
    text = TextAreaField(
        "Quote",
        description="You can shorten it. Names and contact details are removed again when you save.",
        filters=[strip],
        validators=[needed("Enter the quote"), too_long(2000, "The quote")],
    )


STATUS_CHOICES = [(s.value, s.label) for s in ActionStatus]


class ActionForm(FlaskForm):
    what = StringField(
        "We will",
        description="The change, for example “Call everyone back within 2 working days”.",
        filters=[strip],
        validators=[needed("Enter what will change"), too_long(300, "What will change")],
    )
    detail = TextAreaField("More detail (optional)", filters=[strip], validators=[too_long(4000, "The detail")])
    owner = StringField(
        "Who is responsible",
        description="A team or role, for example “Single point of access manager”.",
        filters=[strip],
        validators=[needed("Enter who is responsible"), too_long(200, "Who is responsible")],
    )
    component_ids = MultiCheckboxField("Which parts of the core offer does this change?", coerce=int)
    indicator_ids = MultiCheckboxField(
        "Which outcome indicators is it meant to move? (optional)",
        description="The public board shows them beside the action.",
        coerce=int,
    )
    status = RadioField(
        "Status",
        choices=options(STATUS_CHOICES),
        default="planned",
        validators=[needed("Choose a status")],
        invalid_choice_message=NOT_OFFERED,
    )
    reason = TextAreaField(
        "Why it is not being taken forward",
        description="Needed when the status is “Not taken forward”.",
        filters=[strip],
        validators=[too_long(2000, "The reason")],
    )
    progress = WholeNumberField(
        "Progress, as a percentage",
        default=0,
        invalid_message="Progress must be a whole number from 0 to 100",
        validators=[
            InputRequired("Enter progress as a number from 0 to 100"),
            NumberRange(min=0, max=100, message="Progress must be a whole number from 0 to 100"),
        ],
    )
    target_date = DateField("Target date (optional)", validators=[Optional()])
    completed_on = DateField("Completed on (optional)", validators=[Optional()])
    evidence_url = StringField(
        "Link to evidence (optional)",
        description="For example, the published service leaflet.",
        filters=[strip],
        validators=[too_long(500, "The link")],
    )
    note = TextAreaField(
        "What has happened (optional)",
        description="Shown on the action's public timeline.",
        filters=[strip],
        validators=[too_long(2000, "The note")],
    )

    def set_components(self, components: list[Any]) -> None:
        self.component_ids.choices = options((c.id, c.title) for c in components)
        self.indicator_ids.choices = options((i.id, f"{i.name} ({c.title})") for c in components for i in c.indicators)


class DescriptionForm(FlaskForm):
    """A core offer component's new description, edited from its current text and previewed before saving."""

    description = TextAreaField(
        "What people can expect",
        description="Edit the current description. You will see every change word by word before it is saved.",
        filters=[strip],
        validators=[needed("Enter the new description"), too_long(4000, "The description")],
    )
    # The text the lead last saw previewed; saving anything else shows the preview again.
    previewed = HiddenField()
