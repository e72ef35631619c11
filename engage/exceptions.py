"""The one domain error: something a person asked for that cannot be done, said in plain English."""

from __future__ import annotations


class EngageError(Exception):
    """A change that cannot be made; `field` names the form field the message belongs to, if any."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
