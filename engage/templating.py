"""Values and filters every template can use, registered once by the app factory."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from flask import current_app, request, url_for
from flask_login import current_user

from engage.auth.models import Role
from engage.auth.permissions import is_admin

if TYPE_CHECKING:
    from engage.tracker.reach import PublicReach, Reach


def navigation() -> list[dict[str, Any]]:
    """Header links for the signed-in user's role."""
    items = []
    if current_user.is_authenticated:
        items.append(
            {"href": url_for("programmes.dashboard"), "text": "Your programmes", "endpoint": "programmes.dashboard"}
        )
        if current_user.role == Role.MEMBER:
            items.append({"href": url_for("panels.index"), "text": "Your panels", "endpoint": "panels.index"})
        if current_user.role == Role.SAFEGUARDING:
            from engage.safeguarding.services import waiting

            text = f"Safeguarding flags ({waiting()} waiting)"
            items.append({"href": url_for("safeguarding.queue"), "text": text, "endpoint": "safeguarding.queue"})
        if is_admin(current_user):
            items += [
                {"href": url_for("admin.users"), "text": "Users", "endpoint": "admin.users"},
                {"href": url_for("admin.programmes_list"), "text": "Programmes", "endpoint": "admin.programmes_list"},
                {"href": url_for("admin.audit_log"), "text": "Audit trail", "endpoint": "admin.audit_log"},
                {"href": url_for("admin.outbox"), "text": "Emails", "endpoint": "admin.outbox"},
                {"href": url_for("rights.index"), "text": "Data rights", "endpoint": "rights.index"},
            ]
    for item in items:
        item["current"] = request.endpoint == item.pop("endpoint")
    return items


def template_globals() -> dict[str, Any]:
    from engage.notify.services import absolute_url

    return {"nav_items": navigation(), "Role": Role, "absolute_url": absolute_url}


def link_args() -> dict[str, Any]:
    """The page's query string and path values, for a link to the same view with one value changed.

    The path's values win, so a query string cannot change which record a link points at, and names that
    url_for reads itself (_external, _scheme, _anchor, _method) are dropped.
    """
    args = {key: value for key, value in request.args.items() if not key.startswith("_")}
    return args | (request.view_args or {})


def choice_items(field: Any, state: str = "checked") -> list[dict[str, Any]]:
    """A WTForms choice field's options as NHS.UK radio, checkbox or select items."""
    return [{"value": c.value, "text": c.label, state: c.selected} for c in field.iter_choices()]


def small_count(count: int) -> str:
    """A count as the public sees it: small counts are suppressed so nobody can be picked out."""
    threshold = int(current_app.config["SMALL_COUNT_THRESHOLD"])
    return f"fewer than {threshold}" if 0 < count < threshold else f"{count:,}"


def public_figures(reach: Reach) -> PublicReach:
    """What a public page may show of a statement's reach, at the configured threshold."""
    return reach.public(int(current_app.config["SMALL_COUNT_THRESHOLD"]))


def long_date(value: date | None) -> str:
    """A date as NHS content style writes it: 4 December 2026."""
    return value.strftime("%-d %B %Y") if value else ""


def filters() -> dict[str, Any]:
    from analysis.redact import redact
    from engage.markdown import render
    from engage.surveys.languages import direction, name_of, own_name

    return {
        # A language code as its speakers write its name ("pl" is "Polski"), in English, and its direction.
        "language_name": own_name,
        "language_english": name_of,
        "text_direction": direction,
        "markdown": render,
        "redact": redact,
        "small_count": small_count,
        "public_figures": public_figures,
        "date": long_date,
        "tone": tone,
    }


def tone(score: float) -> str:
    """A theme's mean sentiment in words, by the thresholds the sentiment labels use."""
    from analysis.sentiment import NEGATIVE, POSITIVE

    return "mostly good" if score >= POSITIVE else "mostly problems" if score <= NEGATIVE else "mixed"
