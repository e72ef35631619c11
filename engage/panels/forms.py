"""Forms for panels, drafts, comments and decisions."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    DecimalField,
    EmailField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
    URLField,
)
from wtforms.validators import URL, InputRequired, NumberRange, Optional

from engage.auth.forms import SetPasswordForm
from engage.auth.models import ACCESS_NEEDS
from engage.forms import NOT_OFFERED, MultiCheckboxField, email_format, max_length, options, required, strip
from engage.panels.ladder import RUNGS
from engage.panels.models import ADJUSTMENTS, MemberRole, Outcome, PanelKind, Stance

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


class InviteForm(FlaskForm):
    name = StringField(
        "Their name", filters=[strip], validators=[required("Enter their name"), max_length(120, "Their name")]
    )
    email = EmailField(
        "Their email address",
        filters=[strip],
        validators=[required("Enter their email address"), max_length(254, "Email address"), email_format()],
    )


class JoinForm(SetPasswordForm):
    name = StringField(
        "Your name", filters=[strip], validators=[required("Enter your name"), max_length(120, "Your name")]
    )
    needs = MultiCheckboxField(
        "Do you need any support to take part?",
        description="Select all that apply. We use this to plan meetings and send you papers you can use.",
        choices=options(ACCESS_NEEDS.items()),
    )
    other = TextAreaField("Anything else we should know?", filters=[strip], validators=[max_length(500, "Other needs")])


class ApplyForm(FlaskForm):
    name = StringField(
        "Your name", filters=[strip], validators=[required("Enter your name"), max_length(120, "Your name")]
    )
    email = EmailField(
        "Email address",
        filters=[strip],
        validators=[required("Enter your email address"), max_length(254, "Email address"), email_format()],
    )
    about = TextAreaField(
        "Why would you like to join?",
        description="For example, your experience of services or of caring for someone. Share only what you want to.",
        filters=[strip],
        validators=[required("Tell us why you would like to join"), max_length(2000, "Your answer")],
    )
    access_needs = TextAreaField(
        "Do you need any support to take part? (optional)",
        description="For example, a BSL interpreter, easy read papers, a hearing loop or step-free access.",
        filters=[strip],
        validators=[max_length(1000, "Your answer")],
    )
    consent = BooleanField("I agree that the engagement team can keep these details to consider my application")


class MeetingForm(FlaskForm):
    starts_at = DateTimeLocalField(
        "Date and time", format="%Y-%m-%dT%H:%M", validators=[InputRequired("Enter the date and time")]
    )
    place = StringField("Place (optional)", filters=[strip], validators=[max_length(300, "The place")])
    online_link = URLField(
        "Online link (optional)",
        filters=[strip],
        validators=[
            Optional(),
            URL(message="Enter a full web address, starting https://"),
            max_length(500, "The link"),
        ],
    )
    agenda = TextAreaField(
        "Agenda", filters=[strip], validators=[required("Enter the agenda"), max_length(5000, "The agenda")]
    )
    adjustments = MultiCheckboxField("Adjustments arranged", choices=options(ADJUSTMENTS.items()))
    papers = MultiCheckboxField("Papers", coerce=int)


class MeetingOutcomeForm(FlaskForm):
    attended = MultiCheckboxField("Who attended?", coerce=int)
    notes = TextAreaField("Notes", filters=[strip], validators=[max_length(20000, "The notes")])
    actions = TextAreaField("Actions", filters=[strip], validators=[max_length(5000, "The actions")])


class InvolvementForm(FlaskForm):
    user = SelectField("Member", coerce=int, invalid_choice_message=NOT_OFFERED)
    day = DateField("Date", validators=[InputRequired("Enter the date")])
    activity = StringField(
        "Activity", description="For example, Panel meeting or Reviewing a draft.", filters=[strip],
        validators=[required("Enter the activity"), max_length(200, "The activity")],
    )  # fmt: skip
    minutes = IntegerField(
        "Time given, in minutes",
        validators=[
            InputRequired("Enter the time given"),
            NumberRange(min=1, max=24 * 60, message="Enter a number of minutes from 1 to 1,440"),
        ],
    )
    payment = DecimalField(
        "Payment, £",
        places=2,
        default=0,
        validators=[Optional(), NumberRange(min=0, max=10000, message="Enter an amount from £0 to £10,000")],
    )
    voucher = DecimalField(
        "Voucher, £",
        places=2,
        default=0,
        validators=[Optional(), NumberRange(min=0, max=10000, message="Enter an amount from £0 to £10,000")],
    )
    expenses = DecimalField(
        "Expenses, £",
        places=2,
        default=0,
        validators=[Optional(), NumberRange(min=0, max=10000, message="Enter an amount from £0 to £10,000")],
    )
    declined = BooleanField("They declined payment (for example, because of benefits): record the time only")


class LadderForm(FlaskForm):
    rung = RadioField(
        "Where is this programme on the ladder of co-production now?",
        description="Think of how the programme has worked with you and other members lately.",
        coerce=int,
        choices=options((n, f"{name}: {words}") for n, (name, words) in reversed(list(enumerate(RUNGS, start=1)))),
        validators=[InputRequired("Choose where the programme is on the ladder")],
        invalid_choice_message=NOT_OFFERED,
    )
    comment = TextAreaField(
        "Why? (optional)",
        description="For example, what would move it up a rung.",
        filters=[strip],
        validators=[max_length(2000, "Your comment")],
    )
