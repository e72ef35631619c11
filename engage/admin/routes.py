"""Administrator pages: users, programmes and the audit trail."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response

from engage import audit
from engage.admin import bp
from engage.admin.forms import UserEditForm, UserForm
from engage.audit import AuditEvent
from engage.auth import services as accounts
from engage.auth import two_step
from engage.auth.models import Role, User
from engage.auth.permissions import roles_required
from engage.exceptions import EngageError
from engage.extensions import db
from engage.forms import options, paginate, show_error
from engage.notify.models import OutboxMessage
from engage.programmes import services as programmes
from engage.programmes.forms import PeopleForm, ProgrammeForm
from engage.programmes.models import Programme


@bp.before_request
@roles_required(Role.ADMIN)
def admins_only() -> None:
    """Every page here is for administrators."""


@bp.route("/users")
def users() -> str:
    """All accounts, with their roles."""
    page = paginate(select(User).order_by(User.name), 25)
    return render_template("admin/users.html", page=page)


@bp.route("/users/new", methods=["GET", "POST"])
def new_user() -> str:
    """Create an account and show its invitation link."""
    form = UserForm()
    if form.validate_on_submit():
        try:
            user, token = accounts.create_user(
                current_user, email=form.email.data, name=form.name.data, role=Role(form.role.data)
            )
        except EngageError as error:
            show_error(form, error, "email")
        else:
            return render_template("admin/invite_link.html", user=user, token=token)
    return render_template("admin/user_form.html", form=form)


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
def edit_user(user_id: int) -> str | Response:
    """Change a user's name, role, or whether they can sign in."""
    user = db.get_or_404(User, user_id)
    form = UserEditForm(obj=user) if request.method == "GET" else UserEditForm()
    if request.method == "GET":
        form.role.data = user.role.value
    if form.validate_on_submit():
        try:
            accounts.update_user(current_user, user, name=form.name.data, role=form.role_value, active=form.active.data)
        except EngageError as error:
            show_error(form, error, "role")
        else:
            flash("Account updated.")
            return redirect(url_for("admin.users"))
    return render_template("admin/user_edit.html", form=form, user=user)


@bp.route("/users/<int:user_id>/invite", methods=["POST"])
def reissue_invite(user_id: int) -> str:
    """Make a new invitation link (the old one stops working)."""
    user = db.get_or_404(User, user_id)
    token = accounts.reissue_invite(current_user, user)
    return render_template("admin/invite_link.html", user=user, token=token)


@bp.route("/users/<int:user_id>/two-step/reset", methods=["POST"])
def reset_two_step(user_id: int) -> Response:
    """Clear a user's authenticator app and recovery codes (a lost phone); they set it up again at next sign-in."""
    user = db.get_or_404(User, user_id)
    two_step.reset(current_user, user)
    flash(f"Two-step verification is reset for {user.name}. They will set it up again when they next sign in.")
    return redirect(url_for("admin.edit_user", user_id=user.id))


@bp.route("/programmes")
def programmes_list() -> str:
    """All programmes."""
    return render_template("admin/programmes.html", programmes=programmes.all_programmes())


@bp.route("/programmes/new", methods=["GET", "POST"])
def new_programme() -> str | Response:
    """Start a programme."""
    form = ProgrammeForm()
    if form.validate_on_submit():
        programme = programmes.create_programme(
            current_user,
            title=form.title.data,
            area=form.area.data,
            summary=form.summary.data,
            return_address=form.return_address.data,
        )
        flash("Programme created. Now choose who works on it.")
        return redirect(url_for("admin.edit_programme", programme_id=programme.id))
    return render_template("admin/programme_form.html", form=form, programme=None)


@bp.route("/programmes/<int:programme_id>", methods=["GET", "POST"])
def edit_programme(programme_id: int) -> str | Response:
    """Change a programme's details."""
    programme = db.get_or_404(Programme, programme_id)
    form = ProgrammeForm(obj=programme) if request.method == "GET" else ProgrammeForm()
    if form.validate_on_submit():
        programmes.update_programme(
            current_user,
            programme,
            title=form.title.data,
            area=form.area.data,
            summary=form.summary.data,
            return_address=form.return_address.data,
        )
        flash("Programme updated.")
        return redirect(url_for("admin.edit_programme", programme_id=programme.id))
    return render_template(
        "admin/programme_form.html", form=form, programme=programme, people_form=_people_form(programme)
    )


def _people_form(programme: Programme, formdata: bool = False) -> PeopleForm:
    staff = db.session.execute(
        select(User).where(User.role.in_([Role.LEAD, Role.MEMBER]), User.active).order_by(User.name)
    ).scalars()
    form = PeopleForm(data={"people": [p.id for p in programme.people]}) if not formdata else PeopleForm()
    form.people.choices = options((u.id, f"{u.name} ({u.role.label})") for u in staff)
    return form


@bp.route("/programmes/<int:programme_id>/people", methods=["POST"])
def programme_people(programme_id: int) -> str | Response:
    """Choose the leads and members who work on a programme."""
    programme = db.get_or_404(Programme, programme_id)
    form = _people_form(programme, formdata=True)
    if form.validate_on_submit():
        programmes.set_people(current_user, programme, form.people.data or [])
        flash("People updated.")
        return redirect(url_for("admin.edit_programme", programme_id=programme.id))
    return render_template(
        "admin/programme_form.html", form=ProgrammeForm(obj=programme), programme=programme, people_form=form
    )


@bp.route("/audit")
def audit_log() -> str:
    """The audit trail, newest first."""
    query = select(AuditEvent).order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    page = paginate(query, 50)
    return render_template("admin/audit.html", page=page)


@bp.route("/outbox")
def outbox() -> str:
    """Every email Engage has queued or sent, newest first, optionally of one kind."""
    kind = request.args.get("kind", "")
    query = select(OutboxMessage).order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())
    if kind:
        query = query.where(OutboxMessage.kind == kind)
    kinds = db.session.execute(select(OutboxMessage.kind).distinct().order_by(OutboxMessage.kind)).scalars().all()
    page = paginate(query, 50)
    return render_template("admin/outbox.html", page=page, kinds=kinds, kind=kind)


@bp.route("/outbox/<int:message_id>")
def outbox_message(message_id: int) -> str:
    """One email as it was written. Reading it is audited: it holds someone's address."""
    message = db.get_or_404(OutboxMessage, message_id)
    audit.record(current_user.id, "outbox_message_read", message)
    return render_template("admin/outbox_message.html", message=message)
