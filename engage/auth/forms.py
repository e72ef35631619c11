"""Sign-in, invitation and access needs forms."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, StringField, TextAreaField
from wtforms.validators import ValidationError

from engage.auth.models import ACCESS_NEEDS
from engage.auth.passwords import MAX_LENGTH, password_problem
from engage.forms import MultiCheckboxField, email_format, max_length, options, required, strip


class LoginForm(FlaskForm):
    email = EmailField(
        "Email address",
        filters=[strip],
        validators=[required("Enter your email address"), max_length(254, "Email address"), email_format()],
    )
    # The sign-in form checks only presence and length: the password rules apply when one is set.
    password = PasswordField(
        "Password", validators=[required("Enter your password"), max_length(MAX_LENGTH, "Password")]
    )


class SetPasswordForm(FlaskForm):
    password = PasswordField(
        "Create a password",
        description="Use 8 to 64 characters. A few unrelated words make a strong password.",
        validators=[required("Enter a password")],
    )
    confirm = PasswordField("Confirm your password", validators=[required("Confirm your password")])

    def validate_password(self, field: PasswordField) -> None:
        problem = password_problem(field.data or "")
        if problem:
            raise ValidationError(problem)

    def validate_confirm(self, field: PasswordField) -> None:
        if field.data != self.password.data:
            raise ValidationError("The passwords do not match")


class AccessNeedsForm(FlaskForm):
    needs = MultiCheckboxField(
        "What support do you need?",
        description="Select all that apply. We use this to plan meetings and send you information you can use.",
        choices=options(ACCESS_NEEDS.items()),
    )
    other = TextAreaField(
        "Anything else we should know?",
        description="For example, a language interpreter, information in Braille, or step-free access.",
        filters=[strip],
        validators=[max_length(500, "Other needs")],
    )


class NotificationForm(FlaskForm):
    notify_draft = BooleanField("When a draft arrives for me to review")
    notify_deadline = BooleanField("Two days before comments on a draft close")
    notify_decision = BooleanField("When a decision is made on one of my comments")
    notify_updates = BooleanField("When something I said leads to a “you said, we did” update, or its actions change")


class CodeForm(FlaskForm):
    code = StringField(
        "Security code",
        description="The 6-digit code your authenticator app shows now, or one of your recovery codes.",
        filters=[strip],
        validators=[required("Enter the security code"), max_length(20, "Security code")],
    )


class ForgotPasswordForm(FlaskForm):
    email = EmailField(
        "Email address",
        filters=[strip],
        validators=[required("Enter your email address"), max_length(254, "Email address"), email_format()],
    )


class ChangePasswordForm(SetPasswordForm):
    password = PasswordField(
        "New password",
        description="Use 8 to 64 characters. A few unrelated words make a strong password.",
        validators=[required("Enter a new password")],
    )
    current = PasswordField(
        "Current password", validators=[required("Enter your current password"), max_length(MAX_LENGTH, "Password")]
    )
