"""Joining panels, meetings and involvement records."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response as HttpResponse

from engage.auth.sessions import start_session
from engage.exceptions import EngageError
from engage.extensions import db
from engage.forms import options, refuse, show_error
from engage.panels import bp, meetings, people
from engage.panels.forms import ApplyForm, InviteForm, InvolvementForm, JoinForm, MeetingForm, MeetingOutcomeForm
from engage.panels.models import ADJUSTMENTS, Application, Meeting, Panel
from engage.panels.routes import panel_for_manager
from engage.panels.services import drafts_for
from engage.surveys.results import download


@bp.route("/<int:panel_id>/invite", methods=["GET", "POST"])
def invite(panel_id: int) -> str:
    """Make an invitation link that creates a member account and adds it to the panel."""
    panel = panel_for_manager(panel_id)
    form = InviteForm()
    token = None
    if form.validate_on_submit():
        token = people.invite(current_user, panel, name=form.name.data, email=form.email.data)
    return render_template("panels/invite.html", panel=panel, form=form, token=token, invitee=form.name.data)


@bp.route("/join/<token>", methods=["GET", "POST"])
def join(token: str) -> str | HttpResponse:
    """Accept a panel invitation: choose a password and record any support needed."""
    record = people.invite_for(token)
    if record is None:
        return render_template("auth/invite_invalid.html"), 404
    form = JoinForm(data={"name": record.name}) if request.method == "GET" else JoinForm()
    if form.validate_on_submit():
        try:
            user = people.accept_invite(
                record, name=form.name.data, password=form.password.data, needs=form.needs.data or [],
                other_needs=form.other.data or "",
            )  # fmt: skip
        except EngageError as error:
            show_error(form, error)
        else:
            start_session(user)
            flash(f"Welcome to the {record.panel.name}.")
            return redirect(url_for("panels.index"))
    return render_template("panels/join.html", panel=record.panel, form=form)


@bp.route("/<int:panel_id>/apply", methods=["GET", "POST"])
def apply(panel_id: int) -> str:
    """Ask to join a panel (no account needed)."""
    panel = db.get_or_404(Panel, panel_id)
    form = ApplyForm()
    done = False
    if form.validate_on_submit():
        try:
            people.apply(
                panel, name=form.name.data, email=form.email.data, about=form.about.data,
                access_needs=form.access_needs.data or "", consent=bool(form.consent.data),
            )  # fmt: skip
        except EngageError as error:
            show_error(form, error, "consent")
        else:
            done = True
    return render_template("panels/apply.html", panel=panel, form=form, done=done)


@bp.route("/<int:panel_id>/applications")
def applications(panel_id: int) -> str:
    """Applications to join the panel."""
    panel = panel_for_manager(panel_id)
    return render_template("panels/applications.html", panel=panel, applications=people.pending_applications(panel))


@bp.route("/applications/<int:application_id>", methods=["POST"])
def decide_application(application_id: int) -> str | HttpResponse:
    """Accept (and get an invitation link for the applicant) or decline."""
    application = db.get_or_404(Application, application_id)
    panel = panel_for_manager(application.panel_id)
    try:
        token = people.decide_application(current_user, application, request.form.get("decision") == "accept")
    except EngageError as error:
        refuse(error)
        return redirect(url_for("panels.applications", panel_id=panel.id))
    if token is None:
        flash("Application declined.")
        return redirect(url_for("panels.applications", panel_id=panel.id))
    return render_template("panels/invite.html", panel=panel, form=None, token=token, invitee=application.name)


def _meeting_form(panel: Panel, meeting: Meeting | None) -> MeetingForm:
    if meeting is not None and request.method == "GET":
        form = MeetingForm(obj=meeting)
        form.papers.data = [d.id for d in meeting.papers]
    else:
        form = MeetingForm()
    form.papers.choices = options((d.id, d.title) for d in drafts_for(panel.programme))
    return form


@bp.route("/<int:panel_id>/meetings", methods=["GET", "POST"])
def meetings_page(panel_id: int) -> str | HttpResponse:
    """The panel's meetings, and a form to arrange one."""
    panel = panel_for_manager(panel_id)
    form = _meeting_form(panel, None)
    if form.validate_on_submit():
        fields = meetings.MeetingFields(
            starts_at=form.starts_at.data, place=form.place.data or "", online_link=form.online_link.data or "",
            agenda=form.agenda.data, adjustments=form.adjustments.data or [], paper_ids=form.papers.data or [],
        )  # fmt: skip
        try:
            meeting = meetings.save_meeting(current_user, panel, fields)
        except EngageError as error:
            show_error(form, error, "place")
        else:
            flash("Meeting arranged.")
            return redirect(url_for("panels.meeting", meeting_id=meeting.id))
    needs = sorted({need for m in panel.current_members for need in m.user.access_need_labels})
    return render_template(
        "panels/meetings.html", panel=panel, meetings=meetings.meetings_of(panel), form=form, needs=needs
    )


@bp.route("/meetings/<int:meeting_id>", methods=["GET", "POST"])
def meeting(meeting_id: int) -> str | HttpResponse:
    """A meeting: agenda, papers, adjustments; afterwards attendance, notes and actions."""
    record = db.get_or_404(Meeting, meeting_id)
    panel = panel_for_manager(record.panel_id)
    current = {"attended": record.attended_user_ids, "notes": record.notes, "actions": record.actions}
    form = MeetingOutcomeForm(data=current) if request.method == "GET" else MeetingOutcomeForm()
    form.attended.choices = options((m.user_id, m.user.name) for m in panel.memberships)
    if form.validate_on_submit():
        try:
            meetings.record_outcome(
                current_user, record, attended=form.attended.data or [], notes=form.notes.data or "",
                actions=form.actions.data or "",
            )  # fmt: skip
        except EngageError as error:
            show_error(form, error, "attended")
        else:
            flash("Meeting notes saved.")
            return redirect(url_for("panels.meeting", meeting_id=record.id))
    return render_template("panels/meeting.html", meeting=record, form=form, adjustments=ADJUSTMENTS)


@bp.route("/<int:panel_id>/involvement", methods=["GET", "POST"])
def involvement(panel_id: int) -> str | HttpResponse:
    """Time given by members, with payments, vouchers and expenses, and totals for the panel."""
    panel = panel_for_manager(panel_id)
    form = InvolvementForm()
    form.user.choices = options((m.user_id, m.user.name) for m in panel.current_members)
    if form.validate_on_submit():
        fields = meetings.InvolvementFields(
            user_id=form.user.data, day=form.day.data, activity=form.activity.data, minutes=form.minutes.data,
            payment_pence=round((form.payment.data or 0) * 100), voucher_pence=round((form.voucher.data or 0) * 100),
            expenses_pence=round((form.expenses.data or 0) * 100), declined_payment=bool(form.declined.data),
        )  # fmt: skip
        try:
            meetings.add_involvement(current_user, panel, fields)
        except EngageError as error:
            show_error(form, error, "user")
        else:
            flash("Involvement recorded.")
            return redirect(url_for("panels.involvement", panel_id=panel.id))
    records = meetings.records_of_panel(panel)
    return render_template(
        "panels/involvement.html", panel=panel, form=form, records=records, totals=meetings.totals(records)
    )


@bp.route("/<int:panel_id>/involvement.csv")
def involvement_csv(panel_id: int) -> HttpResponse:
    """Involvement records for finance, as CSV."""
    panel = panel_for_manager(panel_id)
    return download(meetings.finance_rows(meetings.records_of_panel(panel)), "csv", f"involvement-{panel.id}")


@bp.route("/my-involvement")
@login_required
def my_involvement() -> str:
    """Your own involvement records (nobody else's)."""
    records = meetings.records_of_user(current_user)
    return render_template("panels/my_involvement.html", records=records, totals=meetings.totals(records))
