"""Permission predicates, called by views and passed to templates."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any, TypeVar

from flask import abort
from flask_login import current_user

from engage.auth.models import Role, User

if TYPE_CHECKING:
    from engage.programmes.models import Programme

F = TypeVar("F", bound=Callable[..., Any])


def is_admin(user: User) -> bool:
    return user.is_authenticated and user.role == Role.ADMIN


def is_attached(user: User, programme: Programme) -> bool:
    """The user is one of the programme's people."""
    return user.is_authenticated and any(person.id == user.id for person in programme.people)


def can_manage(user: User, programme: Programme) -> bool:
    """Leads attached to the programme, and admins, manage it."""
    return is_admin(user) or (user.is_authenticated and user.role == Role.LEAD and is_attached(user, programme))


def require_manager(programme: Programme) -> None:
    """Stop the request unless the signed-in user manages the programme (401 signed out, 403 otherwise)."""
    if not current_user.is_authenticated:
        abort(401)
    if not can_manage(current_user, programme):
        abort(403)


def roles_required(*roles: Role) -> Callable[[F], F]:
    """Only signed-in users with one of these roles may use the view (401 otherwise, 403 if signed in)."""

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                abort(401)
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorator
