"""The public "you said, we did" board, in standard and easy read, its JSON and Atom feeds, and unsubscribing."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any
from xml.etree import ElementTree  # nosec B405

from flask import Response, render_template, request
from werkzeug.wrappers import Response as HttpResponse

from engage.notify.services import absolute_url
from engage.programmes.indicators import indicators_of
from engage.programmes.models import Programme
from engage.programmes.services import programme_or_404
from engage.tracker import actions, bp, loop, reach, reporting, statements
from engage.tracker.models import ActionStatus, YouSaid

# ElementTree builds the Atom feed and parses nothing, so XML parsing attacks (bandit B405) do not apply.
ATOM = "http://www.w3.org/2005/Atom"
BOARD = "/programmes/<slug>/you-said-we-did"


def _filtered(
    programme: Programme, published: list[YouSaid]
) -> tuple[list[YouSaid], reporting.BoardFilters, str | None]:
    """The statements the filters in the address select; unknown filters show everything, with a message."""
    try:
        filters = reporting.board_filters(programme, request.args.get("component", ""), request.args.get("status", ""))
    except statements.TrackerError as error:
        return published, reporting.BoardFilters(), str(error)
    return reporting.board_items(published, filters), filters, None


def _board(programme: Programme, template: str) -> tuple[str, int]:
    published = statements.you_saids(programme, published_only=True)
    items, filters, problem = _filtered(programme, published)
    return (
        render_template(
            template,
            programme=programme,
            items=items,
            filters=filters,
            problem=problem,
            charts=reporting.board_charts(programme, published),
            statuses=list(ActionStatus),
            reach=reach.reaches(items),
            indicators=indicators_of(programme),
        ),
        400 if problem else 200,
    )


@bp.route(BOARD)
def board(slug: str) -> tuple[str, int]:
    """Every published statement with what was done about it."""
    return _board(programme_or_404(slug), "tracker/board.html")


@bp.route(BOARD + "/easy-read")
def easy_board(slug: str) -> tuple[str, int]:
    """The board in easy read: short sentences, pictures, larger text."""
    return _board(programme_or_404(slug), "tracker/easy_board.html")


def _item_json(item: YouSaid) -> dict[str, Any]:
    return {
        "id": item.id,
        "url": absolute_url("tracker.board", slug=item.programme.slug, _anchor=f"you-said-{item.id}"),
        "you_said": item.title,
        "statement": item.statement,
        "easy_read": item.easy_read_text,
        "published": _iso(item.published_at),
        "quotes": [q.text for q in item.quotes if q.approved_at and not q.removed_at],
        "quotes_removed_on_request": sum(1 for q in item.quotes if q.removed_at),
        "we_did": [
            {
                "id": action.id,
                "what": action.what,
                "owner": action.owner,
                "status": action.status.value,
                "reason": action.reason,
                "progress": action.progress,
                "target_date": action.target_date.isoformat() if action.target_date else None,
                "completed_on": action.completed_on.isoformat() if action.completed_on else None,
                "components": [c.title for c in action.components],
                "last_update": _iso(actions.last_update_at(action)),
            }
            for action in item.actions
        ],
    }


def _iso(moment: datetime | None) -> str | None:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ") if moment else None


def _feed_problem(programme: Programme) -> tuple[list[YouSaid], str | None]:
    items, _, problem = _filtered(programme, statements.you_saids(programme, published_only=True))
    unknown = set(request.args) - {"component", "status"}
    if unknown:
        problem = f"Unknown parameter: {sorted(unknown)[0][:40]}. Use component and status"
    return items, problem


@bp.route(BOARD + ".json")
def feed_json(slug: str) -> HttpResponse:
    programme = programme_or_404(slug)
    items, problem = _feed_problem(programme)
    if problem:
        return Response(json.dumps({"error": problem}), status=400, mimetype="application/json")
    body = {
        "programme": programme.title,
        "board": absolute_url("tracker.board", slug=slug),
        "items": [_item_json(item) for item in items],
    }
    return Response(json.dumps(body, ensure_ascii=False, indent=1), mimetype="application/json")


@bp.route(BOARD + ".atom")
def feed_atom(slug: str) -> HttpResponse:
    """An Atom feed (RFC 4287): one entry per published statement, updated when its actions change."""
    programme = programme_or_404(slug)
    items, problem = _feed_problem(programme)
    if problem:
        return Response(problem, status=400, mimetype="text/plain")
    board_url = absolute_url("tracker.board", slug=slug)
    ElementTree.register_namespace("", ATOM)
    feed = ElementTree.Element(f"{{{ATOM}}}feed")
    _text(feed, "id", absolute_url("tracker.feed_atom", slug=slug))
    _text(feed, "title", f"You said, we did: {programme.title}")
    stamps = [_updated(item) for item in items]
    _text(feed, "updated", _iso(max(stamps)) if stamps else "1970-01-01T00:00:00Z")
    ElementTree.SubElement(feed, f"{{{ATOM}}}link", href=board_url, rel="alternate")
    ElementTree.SubElement(feed, f"{{{ATOM}}}link", href=absolute_url("tracker.feed_atom", slug=slug), rel="self")
    author = ElementTree.SubElement(feed, f"{{{ATOM}}}author")
    _text(author, "name", programme.title)
    for item in items:
        entry = ElementTree.SubElement(feed, f"{{{ATOM}}}entry")
        _text(entry, "id", f"{board_url}#you-said-{item.id}")
        _text(entry, "title", f"You said: {item.title}")
        _text(entry, "updated", _iso(_updated(item)))
        _text(entry, "published", _iso(item.published_at))
        ElementTree.SubElement(entry, f"{{{ATOM}}}link", href=f"{board_url}#you-said-{item.id}", rel="alternate")
        actions = "\n".join(f"We did: {a.what} ({a.status.label}, {a.progress}%)" for a in item.actions)
        _text(entry, "summary", f"{item.statement}\n\n{actions}".strip())
    body = ElementTree.tostring(feed, encoding="unicode", xml_declaration=True)
    return Response(body, mimetype="application/atom+xml")


def _text(parent: ElementTree.Element, name: str, value: str | None) -> None:
    ElementTree.SubElement(parent, f"{{{ATOM}}}{name}").text = value or ""


def _updated(item: YouSaid) -> datetime:
    return max([item.published_at or item.updated_at, *(actions.last_update_at(a) for a in item.actions)])


@bp.route("/updates/stop/<token>", methods=["GET", "POST"])
def unsubscribe(token: str) -> tuple[str, int]:
    """Stop "you said, we did" emails: one button, no sign-in needed."""
    done = loop.unsubscribe(token) if request.method == "POST" else None
    valid = done is not False and loop.token_is_valid(token)
    return render_template("tracker/unsubscribe.html", token=token, done=bool(done), valid=valid), 200 if valid else 404
