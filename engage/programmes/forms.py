"""Forms for programmes and core offer components."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField

from engage.forms import MultiCheckboxField, max_length, required, strip


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
