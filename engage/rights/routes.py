"""Data rights pages, for administrators: find a person, export their data, erase it."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response

from engage.auth.models import Role
from engage.auth.permissions import roles_required
from engage.exceptions import EngageError
from engage.extensions import db
from engage.forms import paginate, refuse, show_error
from engage.rights import access, bp, erasure, holdings, retention, services
from engage.rights.forms import EraseForm, FindForm, RetentionForm
from engage.rights.models import RightsRequest
from engage.timeutil import utcnow


@bp.before_request
@roles_required(Role.ADMIN)
def admins_only() -> None:
    """Every page here is for administrators."""


@bp.route("/")
def index() -> str:
    """Requests to see or erase personal data, newest first."""
    page = paginate(select(RightsRequest).order_by(RightsRequest.id.desc()), 25)
    return render_template("rights/index.html", page=page)


@bp.route("/new", methods=["GET", "POST"])
def new() -> str | Response:
    """Find everything held about a person from the details they gave (posted, so never in an address)."""
    form = FindForm()
    if form.validate_on_submit():
        case = services.open_request(
            current_user,
            email=form.email.data or "",
            reference=form.reference.data or "",
            phone=form.phone.data or "",
            name=form.name.data or "",
        )
        return redirect(url_for("rights.show", request_id=case.id))
    return render_template("rights/new.html", form=form)


@bp.route("/<int:request_id>")
def show(request_id: int) -> str:
    """Everything held about the request's person, with what an export withholds."""
    case = db.get_or_404(RightsRequest, request_id)
    held = holdings.find(case) if case.is_open else None
    sections = access.records(held) if held is not None else {}
    return render_template("rights/show.html", case=case, held=held, sections=sections, withheld=access.WITHHELD)


CLOSED = EngageError("This request is closed, and the details it searched for were cleared. Open a new one")


@bp.route("/<int:request_id>/export", methods=["POST"])
def export(request_id: int) -> Response:
    """Download the subject access export as a zip."""
    case = db.get_or_404(RightsRequest, request_id)
    if not case.is_open:
        refuse(CLOSED)
        return redirect(url_for("rights.show", request_id=case.id))
    content = access.export(current_user, case)
    name = f"subject-access-{case.id}-{utcnow():%Y-%m-%d}.zip"
    return Response(
        content,
        mimetype="application/zip",
        headers={"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"},
    )


@bp.route("/<int:request_id>/erase", methods=["GET", "POST"])
def erase(request_id: int) -> str | Response:
    """Confirm, then erase everything held about the person."""
    case = db.get_or_404(RightsRequest, request_id)
    if not case.is_open:
        refuse(CLOSED)
        return redirect(url_for("rights.show", request_id=case.id))
    form = EraseForm()
    if form.validate_on_submit():
        try:
            erasure.erase(current_user, case)
        except EngageError as error:
            show_error(form, error, "checked")
        else:
            flash("Erased. This request's own copy of their details is cleared too.")
            return redirect(url_for("rights.show", request_id=case.id))
    held = holdings.find(case)
    return render_template("rights/erase.html", case=case, held=held, form=form)


@bp.route("/<int:request_id>/close", methods=["POST"])
def close(request_id: int) -> Response:
    """Close a request without erasing: the details searched for are cleared."""
    case = db.get_or_404(RightsRequest, request_id)
    if case.is_open:
        services.close_request(current_user, case)
        flash("Request closed. The details it searched for are cleared.")
    return redirect(url_for("rights.index"))


@bp.route("/retention")
def retention_schedule() -> str:
    """How long each kind of data is kept, what is due now and when the next goes."""
    return render_template("rights/retention.html", rows=retention.schedule())


@bp.route("/retention/<kind>", methods=["GET", "POST"])
def change_retention(kind: str) -> str | Response:
    """Change how long one kind of data is kept."""
    if kind not in retention.KINDS:
        abort(404)
    form = RetentionForm(data={"days": retention.periods()[kind]} if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            retention.set_period(current_user, kind, form.days.data)
        except EngageError as error:
            show_error(form, error, "days")
        else:
            flash(f"{retention.KINDS[kind].label}: now kept for {form.days.data:,} days.")
            return redirect(url_for("rights.retention_schedule"))
    return render_template("rights/retention_form.html", form=form, kind=retention.KINDS[kind])
