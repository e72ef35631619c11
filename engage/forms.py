"""Form pieces shared by every feature."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask import abort, flash, request
from flask_sqlalchemy.pagination import Pagination
from flask_wtf import FlaskForm
from sqlalchemy import Select
from wtforms import DecimalField, Field, IntegerField, SelectMultipleField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, Length

from engage.exceptions import EngageError
from engage.extensions import db


def strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


NOT_OFFERED = "Select only from the options shown"


class MultiCheckboxField(SelectMultipleField):
    """A group of checkboxes; rendered by the checkboxes macro."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("invalid_choice_message", NOT_OFFERED)
        super().__init__(*args, **kwargs)


class PlainMessage:
    """For a field that reads a typed value: the message for a value it cannot read is written for people."""

    invalid_message: str

    def process_formdata(self, valuelist: list[Any]) -> None:
        try:
            super().process_formdata(valuelist)  # type: ignore[misc]  # the WTForms field it is mixed into
        except ValueError as error:
            raise ValueError(self.invalid_message) from error


class NumberField(PlainMessage, DecimalField):
    """A number with or without decimals, kept as typed (no rounding)."""

    def __init__(self, *args: Any, invalid_message: str = "Enter a number, like 28 or 4.5", **kwargs: Any) -> None:
        super().__init__(*args, places=None, **kwargs)
        self.invalid_message = invalid_message


class WholeNumberField(PlainMessage, IntegerField):
    def __init__(self, *args: Any, invalid_message: str = "Enter a whole number", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.invalid_message = invalid_message


def options(pairs: Iterable[tuple[Any, str]]) -> list[SelectChoice]:
    """Choices in the form WTForms wants, from (value, label) pairs."""
    return [SelectChoice(value, label) for value, label in pairs]


def required(message: str) -> DataRequired:
    return DataRequired(message=message)


def max_length(limit: int, what: str) -> Length:
    return Length(max=limit, message=f"{what} must be {limit} characters or fewer")


def email_format() -> Email:
    # test_environment admits the reserved .test domain that demo accounts use.
    return Email(message="Enter an email address in the correct format, like name@example.com", test_environment=True)


def show_error(form: FlaskForm, error: EngageError, field: str | None = None) -> None:
    """Show a domain error on the form field it names (else `field`, else the whole form) and undo the change.

    The rollback discards whatever the failed operation had already changed, so the page that shows the
    error is drawn from what is really stored and nothing half-made is committed with the request.
    """
    db.session.rollback()
    target = getattr(form, error.field or field or "", None)
    if isinstance(target, Field):
        target.errors = [*target.errors, error.message]
    else:
        form.form_errors.append(error.message)


def refuse(error: EngageError) -> None:
    """For a view that answers with a redirect: undo the failed change and say why on the next page."""
    db.session.rollback()
    flash(error.message)


# The largest id a BIGINT (PostgreSQL) or INTEGER (SQLite) column holds.
MAX_ID = 2**63 - 1


def id_from(text: str) -> int | None:
    """An id typed into a link or form, or None when it is not a whole number a database could hold."""
    return int(text) if text.isdecimal() and int(text) <= MAX_ID else None


# No list has more pages than this; a larger page number would overflow the database's OFFSET.
MAX_PAGE = 1_000_000


def paginate(query: Select[Any], per_page: int) -> Pagination:
    """The page of `query` that `?page=` asks for; a number too large for any real list is a 404, not a 500."""
    page = request.args.get("page", "")
    number = int(page) if page.isdecimal() and int(page) > 0 else 1  # anything else shows the first page
    if number > MAX_PAGE:
        abort(404)
    return db.paginate(query, page=number, per_page=per_page, error_out=False)
