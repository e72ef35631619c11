"""Forms for programmes and core offer components."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import DateField, RadioField, StringField, TextAreaField
from wtforms.validators import InputRequired, Optional

from engage.forms import NOT_OFFERED, MultiCheckboxField, NumberField, max_length, options, required, strip


class ProgrammeForm(FlaskForm):
    title = StringField(
        "Programme title",
        filters=[strip],
        validators=[required("Enter a programme title"), max_length(200, "Programme title")],
    )
    area = StringField(
        "Area",
        description="The integrated care system, borough or place this programme covers.",
        filters=[strip],
        validators=[required("Enter the area the programme covers"), max_length(200, "Area")],
    )
    summary = TextAreaField(
        "Summary",
        description="What the programme is for, in plain English. Shown on its public page.",
        filters=[strip],
        validators=[required("Enter a summary"), max_length(2000, "Summary")],
    )
    return_address = TextAreaField(
        "Return address for paper forms (optional)",
        description="Printed on paper forms, posters and flyers. One line for each line of the address.",
        filters=[strip],
        validators=[max_length(500, "Return address")],
    )


class PeopleForm(FlaskForm):
    people = MultiCheckboxField(
        "Who works on this programme?",
        description="Leads manage the programme. Panel members see its drafts and meetings.",
        coerce=int,
    )


class ComponentForm(FlaskForm):
    title = StringField(
        "Component name",
        description="For example, Single point of access.",
        filters=[strip],
        validators=[required("Enter a name for the component"), max_length(200, "Component name")],
    )
    description = TextAreaField(
        "What people can expect",
        description="Describe this part of the core offer in plain English.",
        filters=[strip],
        validators=[required("Enter a description"), max_length(5000, "Description")],
    )
    reason = TextAreaField(
        "Why is this changing?",
        description="This is shown in the public history of the core offer. Do not include personal information.",
        filters=[strip],
        validators=[required("Enter why this is changing"), max_length(1000, "Reason")],
    )


NUMBER = "Enter a number, like 28 or 4.5"


class IndicatorForm(FlaskForm):
    name = StringField(
        "What is measured",
        description="For example, Days from referral to first contact.",
        filters=[strip],
        validators=[required("Enter what is measured"), max_length(200, "What is measured")],
    )
    unit = StringField(
        "Unit",
        description="For example, days, % or people.",
        filters=[strip],
        validators=[required("Enter the unit"), max_length(40, "The unit")],
    )
    direction = RadioField(
        "Which way is better?",
        choices=options([("lower", "Lower is better"), ("higher", "Higher is better")]),
        default="lower",
        validators=[InputRequired("Choose which way is better")],
        invalid_choice_message=NOT_OFFERED,
    )
    # Optional(): a missing figure gets the service's own message ("Enter the baseline ...").
    baseline = NumberField(
        "Baseline", description="Where the measure stood before the changes.", validators=[Optional()]
    )
    baseline_on = DateField("Date of the baseline", validators=[Optional()])
    target = NumberField("Target", validators=[Optional()])
    target_by = DateField("Target date (optional)", validators=[Optional()])
    source = StringField(
        "Where the figures come from",
        description="For example, the referrals report from the patient record system, monthly.",
        filters=[strip],
        validators=[required("Enter where the figures come from"), max_length(300, "The source")],
    )


class MeasurementForm(FlaskForm):
    measured_on = DateField("Date measured", validators=[InputRequired("Enter the date measured")])
    value = NumberField("Value", validators=[InputRequired(NUMBER)])
    note = StringField("Note (optional)", filters=[strip], validators=[max_length(300, "The note")])


class MeasurementImportForm(FlaskForm):
    file = FileField(
        "CSV file of measurements",
        description="Headings date and value (and note, if you like), then a row per measurement: 2026-03-31,21",
    )
