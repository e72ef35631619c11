"""Forms for panels, drafts, comments and decisions."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import Optional

from engage.forms import NOT_OFFERED, MultiCheckboxField, max_length, options, required, strip
from engage.panels.models import MemberRole, Outcome, PanelKind, Stance

COMMENT_LIMIT = 2000


class PanelForm(FlaskForm):
    kind = RadioField(
        "Kind of panel",
        choices=options((k.value, k.label) for k in PanelKind),
        validators=[required("Select the kind of panel")],
        invalid_choice_message=NOT_OFFERED,
    )
    name = StringField(
        "Panel name", filters=[strip], validators=[required("Enter a name for the panel"), max_length(200, "The name")]
    )
    purpose = TextAreaField(
        "Purpose", filters=[strip], validators=[required("Enter the panel's purpose"), max_length(2000, "The purpose")]
    )
    terms = TextAreaField(
        "Terms of reference", filters=[strip], validators=[max_length(10000, "The terms of reference")]
    )


class MemberForm(FlaskForm):
    user = SelectField("Person", coerce=int, invalid_choice_message=NOT_OFFERED)
    role = RadioField(
        "Role on the panel",
        choices=options([(MemberRole.MEMBER.value, "Member"), (MemberRole.CHAIR.value, "Chair")]),
        default=MemberRole.MEMBER.value,
        validators=[required("Select a role")],
        invalid_choice_message=NOT_OFFERED,
    )


class DraftForm(FlaskForm):
    title = StringField("Title", filters=[strip], validators=[required("Enter a title"), max_length(200, "The title")])
    purpose = TextAreaField(
        "What is this draft for?",
        description="Shown to panel members above the draft.",
        filters=[strip],
        validators=[required("Enter what the draft is for"), max_length(2000, "The purpose")],
    )
    deadline = DateField("Comments close on (optional)", validators=[Optional()])


class SectionForm(FlaskForm):
    heading = StringField(
        "Section heading", filters=[strip], validators=[required("Enter a heading"), max_length(200, "The heading")]
    )
    body = TextAreaField(
        "Section text",
        description="You can use Markdown: **bold**, lists starting with -, and links.",
        filters=[strip],
        validators=[required("Enter the section text"), max_length(20000, "The section text")],
    )
    component = SelectField(
        "Part of the core offer (optional)", coerce=int, default=0, invalid_choice_message=NOT_OFFERED
    )


class SendForm(FlaskForm):
    panels = MultiCheckboxField("Send to", coerce=int, validators=[required("Choose at least one panel")])


class CommentForm(FlaskForm):
    stance = RadioField(
        "What do you think of this section?",
        choices=options((s.value, s.label) for s in Stance),
        validators=[required("Select whether you agree, have a concern or have a suggestion")],
        invalid_choice_message=NOT_OFFERED,
    )
    text = TextAreaField(
        "Your comment",
        filters=[strip],
        validators=[required("Enter your comment"), max_length(COMMENT_LIMIT, "Your comment")],
    )


class DecisionForm(FlaskForm):
    outcome = RadioField(
        "Decision",
        choices=options((o.value, o.label) for o in Outcome),
        validators=[required("Select a decision")],
        invalid_choice_message=NOT_OFFERED,
    )
    reason = TextAreaField(
        "Reason",
        description="Needed unless the comment is accepted. The person who made the comment will read this.",
        filters=[strip],
        validators=[max_length(2000, "The reason")],
    )


class CloseForm(FlaskForm):
    confirm = BooleanField("Close the review even though some comments have no decision yet")
