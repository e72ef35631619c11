"""Lead pages for "you said, we did": statements, quotes, actions, coverage and the summary report."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response as HttpResponse

from engage.auth.permissions import require_manager
from engage.exceptions import EngageError
from engage.extensions import db
from engage.forms import options, show_error
from engage.notify import jobs
from engage.panels.services import diff_words
from engage.programmes.models import Programme
from engage.programmes.services import programme_or_404
from engage.tracker import actions, bp, drafting, loop, reach, reporting, statements
from engage.tracker.forms import ActionForm, DescriptionForm, QuoteForm, StatementForm
from engage.tracker.models import ActionStatus, Quote, WeDid, YouSaid

PREFIX = "/you-said-we-did"


def _managed(slug: str) -> Programme:
    programme = programme_or_404(slug)
    require_manager(programme)
    return programme


def _statement(statement_id: int) -> YouSaid:
    you_said = db.get_or_404(YouSaid, statement_id)
    require_manager(you_said.programme)
    return you_said


def _action(action_id: int) -> WeDid:
    action = db.get_or_404(WeDid, action_id)
    require_manager(action.you_said.programme)
    return action


def _quote(quote_id: int) -> Quote:
    quote = db.get_or_404(Quote, quote_id)
    require_manager(quote.you_said.programme)
    return quote


@bp.route(f"{PREFIX}/<slug>")
def manage(slug: str) -> str:
    """Every statement of the programme, drafts first."""
    programme = _managed(slug)
    return render_template("tracker/manage.html", programme=programme, statements=statements.you_saids(programme))


def _statement_form(programme: Programme, you_said: YouSaid | None = None) -> StatementForm:
    if you_said is not None and request.method == "GET":
        form = StatementForm(obj=you_said)
        form.theme_ids.data = [t.id for t in you_said.themes]
        form.comment_ids.data = [c.id for c in you_said.comments]
        form.picture_alt.data = you_said.easy_read_image_alt
    else:
        form = StatementForm()
    form.theme_ids.choices = options(
        (t.id, f"{t.label} ({t.size} comments, from “{t.run.title}”)") for t in statements.programme_themes(programme)
    )
    form.comment_ids.choices = options(
        (c.id, f"{c.author.name} on “{c.section.heading}”: {c.text[:120]}")
        for c in statements.programme_comments(programme)
    )
    return form


def _fields(form: StatementForm) -> statements.Statement:
    return statements.Statement(
        title=form.title.data,
        statement=form.statement.data,
        easy_read_text=form.easy_read_text.data or "",
        theme_ids=list(form.theme_ids.data or []),
        comment_ids=list(form.comment_ids.data or []),
    )


@bp.route(f"{PREFIX}/<slug>/new", methods=["GET", "POST"])
def new_statement(slug: str) -> str | HttpResponse:
    """Write a "you said" statement from themes and panel comments; from a theme, start from Engage's draft."""
    programme = _managed(slug)
    form = _statement_form(programme)
    theme = next((t for t in statements.programme_themes(programme) if str(t.id) == request.args.get("theme")), None)
    draft = drafting.draft_from_theme(theme, list(programme.components)) if theme is not None else None
    if request.method == "GET" and theme is not None and draft is not None:
        form.theme_ids.data = [theme.id]
        form.title.data, form.statement.data, form.easy_read_text.data = draft.title, draft.statement, draft.easy_read
    offered = [key for key, _ in draft.quotes] if draft else []
    quotes = request.form.getlist("quote") if request.method == "POST" else offered
    if form.validate_on_submit():
        try:
            you_said = statements.create_you_said(current_user, programme, _fields(form))
            statements.start_with_quotes(current_user, you_said, quotes)
            _save_picture(you_said, form)
        except EngageError as error:
            show_error(form, error, "theme_ids")
        else:
            flash("Statement saved as a draft. Check it, add what was done, then publish it.")
            return redirect(url_for("tracker.statement", statement_id=you_said.id))
    return render_template(
        "tracker/statement_form.html", programme=programme, form=form, you_said=None, draft=draft, quotes=quotes
    )


def _save_picture(you_said: YouSaid, form: StatementForm) -> None:
    picture = form.picture.data.stream if form.picture.data else None
    if picture is not None or form.picture_alt.data or you_said.easy_read_image is not None:
        statements.set_picture(current_user, you_said, picture, form.picture_alt.data or "")


@bp.route(f"{PREFIX}/statements/<int:statement_id>/edit", methods=["GET", "POST"])
def edit_statement(statement_id: int) -> str | HttpResponse:
    you_said = _statement(statement_id)
    form = _statement_form(you_said.programme, you_said)
    if form.validate_on_submit():
        try:
            _save_picture(you_said, form)
            statements.update_you_said(current_user, you_said, _fields(form))
        except EngageError as error:
            show_error(form, error, "theme_ids")
        else:
            flash("Statement saved.")
            return redirect(url_for("tracker.statement", statement_id=you_said.id))
    return render_template("tracker/statement_form.html", programme=you_said.programme, form=form, you_said=you_said)


@bp.route(f"{PREFIX}/statements/<int:statement_id>")
def statement(statement_id: int) -> str:
    """A statement with its reach, quotes (to approve) and actions; publish from here."""
    you_said = _statement(statement_id)
    return _statement_page(you_said)


def _statement_page(you_said: YouSaid, problem: str | None = None, status: int = 200) -> tuple[str, int]:
    return (
        render_template(
            "tracker/statement.html",
            you_said=you_said,
            programme=you_said.programme,
            reach=reach.you_said_reach(you_said),
            candidates=statements.candidate_quotes(you_said),
            held=statements.held_quote_ids(you_said.quotes),
            messages=loop.messages_about(you_said),
            problem=problem,
        ),
        status,
    )


@bp.route(f"{PREFIX}/statements/<int:statement_id>/messages/<int:message_id>/send-again", methods=["POST"])
def send_again(statement_id: int, message_id: int) -> HttpResponse:
    """Queue a message to a contributor that was not sent, to be tried again from the start."""
    you_said = _statement(statement_id)
    message = loop.message_of(you_said, message_id)
    if message is None:
        abort(404)
    jobs.send_again(current_user, message)
    flash("The message will be sent again with the next batch.")
    return redirect(url_for("tracker.statement", statement_id=you_said.id, _anchor="messages"))


@bp.route(f"{PREFIX}/statements/<int:statement_id>/quotes", methods=["POST"])
def add_quote(statement_id: int) -> HttpResponse | tuple[str, int]:
    you_said = _statement(statement_id)
    try:
        statements.add_quote(current_user, you_said, request.form.get("source", ""))
    except EngageError as error:
        return _statement_page(you_said, str(error), 400)
    flash("Quote added. Read it, then approve it.")
    return redirect(url_for("tracker.statement", statement_id=you_said.id) + "#quotes")


@bp.route(f"{PREFIX}/quotes/<int:quote_id>", methods=["GET", "POST"])
def edit_quote(quote_id: int) -> str | HttpResponse:
    quote = _quote(quote_id)
    form = QuoteForm(obj=quote) if request.method == "GET" else QuoteForm()
    if form.validate_on_submit():
        statements.edit_quote(current_user, quote, form.text.data)
        flash("Quote saved. Approve it again before publishing.")
        return redirect(url_for("tracker.statement", statement_id=quote.you_said_id) + "#quotes")
    return render_template("tracker/quote_form.html", quote=quote, form=form, programme=quote.you_said.programme)


@bp.route(f"{PREFIX}/quotes/<int:quote_id>/approve", methods=["POST"])
def approve_quote(quote_id: int) -> HttpResponse | tuple[str, int]:
    quote = _quote(quote_id)
    try:
        statements.approve_quote(current_user, quote)
    except EngageError as error:
        return _statement_page(quote.you_said, str(error), 400)
    return redirect(url_for("tracker.statement", statement_id=quote.you_said_id) + "#quotes")


@bp.route(f"{PREFIX}/quotes/<int:quote_id>/remove", methods=["POST"])
def remove_quote(quote_id: int) -> HttpResponse:
    quote = _quote(quote_id)
    statement_id = quote.you_said_id
    statements.remove_quote(current_user, quote)
    flash("Quote removed.")
    return redirect(url_for("tracker.statement", statement_id=statement_id) + "#quotes")


@bp.route(f"{PREFIX}/statements/<int:statement_id>/publish", methods=["GET", "POST"])
def publish(statement_id: int) -> str | HttpResponse | tuple[str, int]:
    """Preview exactly what the public will see and who will be emailed, then publish on confirmation."""
    you_said = _statement(statement_id)
    try:
        statements.check_publishable(you_said)
    except EngageError as error:
        return _statement_page(you_said, error.message, 400)
    if request.method == "POST":
        if statements.publish(current_user, you_said):
            flash("Published on the “you said, we did” board. People who asked to hear back have been told.")
        else:
            flash("This statement was already published. Nobody was emailed again.")
        return redirect(url_for("tracker.statement", statement_id=you_said.id))
    if you_said.is_published:
        return redirect(url_for("tracker.statement", statement_id=you_said.id))
    return render_template(
        "tracker/publish.html",
        you_said=you_said,
        programme=you_said.programme,
        item=you_said,
        reach={you_said.id: reach.you_said_reach(you_said)},
        told=len(loop.still_to_tell(you_said, statements.publish_event(you_said))),
    )


@bp.route(f"{PREFIX}/statements/<int:statement_id>/delete", methods=["GET", "POST"])
def delete_statement(statement_id: int) -> str | HttpResponse | tuple[str, int]:
    """Confirm, then delete a draft statement."""
    you_said = _statement(statement_id)
    if request.method == "POST":
        try:
            statements.delete_you_said(current_user, you_said)
        except EngageError as error:
            return _statement_page(you_said, str(error), 400)
        flash("Statement deleted.")
        return redirect(url_for("tracker.manage", slug=you_said.programme.slug))
    return render_template("tracker/delete.html", you_said=you_said, programme=you_said.programme)


@bp.route(f"{PREFIX}/statements/<int:statement_id>/unpublish", methods=["POST"])
def unpublish(statement_id: int) -> HttpResponse:
    you_said = _statement(statement_id)
    statements.unpublish(current_user, you_said)
    flash("Taken off the public board.")
    return redirect(url_for("tracker.statement", statement_id=you_said.id))


def _action_form(programme: Programme, action: WeDid | None = None) -> ActionForm:
    if action is not None and request.method == "GET":
        form = ActionForm(obj=action)
        form.status.data = action.status.value
        form.component_ids.data = [c.id for c in action.components]
        form.indicator_ids.data = [i.id for i in action.indicators]
        form.note.data = ""
    else:
        form = ActionForm()
    form.set_components(programme.components)
    return form


def _action_fields(form: ActionForm) -> actions.ActionFields:
    return actions.ActionFields(
        what=form.what.data,
        owner=form.owner.data,
        detail=form.detail.data or "",
        status=ActionStatus(form.status.data),
        reason=form.reason.data or "",
        progress=form.progress.data,
        target_date=form.target_date.data,
        completed_on=form.completed_on.data,
        evidence_url=form.evidence_url.data or "",
        component_ids=list(form.component_ids.data or []),
        indicator_ids=list(form.indicator_ids.data or []),
    )


@bp.route(f"{PREFIX}/statements/<int:statement_id>/actions/new", methods=["GET", "POST"])
def new_action(statement_id: int) -> str | HttpResponse:
    """Record what will change because of what people said."""
    you_said = _statement(statement_id)
    form = _action_form(you_said.programme)
    if form.validate_on_submit():
        try:
            actions.add_action(current_user, you_said, _action_fields(form))
        except EngageError as error:
            show_error(form, error, "what")
        else:
            flash("Action added.")
            return redirect(url_for("tracker.statement", statement_id=you_said.id) + "#actions")
    return render_template("tracker/action_form.html", you_said=you_said, form=form, action=None)


@bp.route(f"{PREFIX}/actions/<int:action_id>", methods=["GET", "POST"])
def edit_action(action_id: int) -> str | HttpResponse:
    """Update an action's status and progress; each update is dated on its timeline."""
    action = _action(action_id)
    you_said = action.you_said
    form = _action_form(you_said.programme, action)
    if form.validate_on_submit():
        try:
            actions.update_action(current_user, action, _action_fields(form), form.note.data or "")
        except EngageError as error:
            show_error(form, error, "what")
        else:
            flash("Action updated.")
            return redirect(url_for("tracker.statement", statement_id=you_said.id) + "#actions")
    return render_template("tracker/action_form.html", you_said=you_said, form=form, action=action)


@bp.route(f"{PREFIX}/<slug>/coverage")
def coverage(slug: str) -> str:
    """What is still to respond to: themes, statements without actions, actions gone quiet."""
    programme = _managed(slug)
    days = request.args.get("days", "30")
    stale_days = int(days) if days.isdecimal() and 1 <= int(days) <= 365 else 30
    return render_template(
        "tracker/coverage.html", programme=programme, coverage=reporting.coverage(programme, stale_days)
    )


@bp.route(f"{PREFIX}/<slug>/report")
def report(slug: str) -> str:
    """The feedback summary report, ready to print."""
    programme = _managed(slug)
    themes = reporting.latest_themes(programme)
    return render_template(
        "tracker/report.html",
        programme=programme,
        themes=sorted(themes, key=lambda t: -t.size),
        statements=statements.you_saids(programme),
        reach=reach.programme_reach(programme),
    )


@bp.route(f"{PREFIX}/actions/<int:action_id>/core-offer/<int:component_id>", methods=["GET", "POST"])
def change_description(action_id: int, component_id: int) -> str | HttpResponse:
    """Change a component's description because of this action: edit the current text, preview, confirm."""
    action = _action(action_id)
    component = next((c for c in action.components if c.id == component_id), None)
    if component is None:
        abort(404)
    form = (
        DescriptionForm(data={"description": component.description}) if request.method == "GET" else DescriptionForm()
    )
    diff = None
    if form.validate_on_submit():
        if form.description.data == form.previewed.data and request.form.get("save") == "yes":
            try:
                actions.change_description(current_user, action, component, form.description.data)
            except EngageError as error:
                show_error(form, error)
            else:
                flash(f"“{component.title}” updated. The core offer's history links the change to this action.")
                return redirect(url_for("tracker.statement", statement_id=action.you_said_id) + "#actions")
        elif form.description.data == component.description:
            show_error(form, EngageError("This is the description it has now. Change it, or go back", "description"))
        else:
            diff = diff_words(component.description, form.description.data)
            form.previewed.data = form.description.data
    return render_template("tracker/description_form.html", action=action, component=component, form=form, diff=diff)
