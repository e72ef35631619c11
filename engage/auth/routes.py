"""Sign in, sign out, accept an invitation, record access needs."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user
from werkzeug.wrappers import Response

from engage.auth import bp, services
from engage.auth.forms import AccessNeedsForm, LoginForm, NotificationForm, SetPasswordForm
from engage.auth.models import User
from engage.extensions import db, login_manager


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    """Find the user a login cookie names, if its session token is still current."""
    ident, _, token = user_id.partition(":")
    if not ident.isdecimal():
        return None
    user = db.session.get(User, int(ident))
    if user is None or not token or user.session_token != token:
        return None
    return user


def safe_next(target: str | None) -> str | None:
    """Allow only a path on this site as the place to go after signing in."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or any(ord(ch) < 32 for ch in target) or "\\" in target:
        return None
    return target


@bp.route("/login", methods=["GET", "POST"])
def login() -> str | Response:
    """Sign in with email address and password."""
    form = LoginForm()
    target = safe_next(request.args.get("next"))
    if form.validate_on_submit():
        result = services.authenticate(form.email.data, form.password.data)
        if result.user is not None:
            session.clear()  # a fresh session at sign-in, so no earlier state carries over
            login_user(result.user)
            return redirect(target or url_for("programmes.dashboard"))
        form.form_errors.append(result.error)
    form.password.data = ""
    return render_template("auth/login.html", form=form, next=target)


@bp.route("/logout", methods=["GET", "POST"])
def logout() -> str | Response:
    """Confirm, then sign out."""
    if request.method == "POST":
        if current_user.is_authenticated:
            services.record_sign_out(current_user._get_current_object())
        logout_user()
        session.clear()
        flash("You have signed out.")
        return redirect(url_for("auth.login"))
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    return render_template("auth/logout.html")


@bp.route("/invite/<token>", methods=["GET", "POST"])
def accept_invite(token: str) -> str | Response:
    """Set a password from an invitation link."""
    user = services.user_for_invite(token)
    if user is None:
        return render_template("auth/invite_invalid.html"), 404
    form = SetPasswordForm()
    if form.validate_on_submit():
        services.accept_invite(user, form.password.data)
        session.clear()
        login_user(user)
        flash("Your password is set and you are signed in.")
        return redirect(url_for("programmes.dashboard"))
    return render_template("auth/invite.html", form=form, invited=user)


@bp.route("/account", methods=["GET", "POST"])
@login_required
def account() -> str | Response:
    """Your account and your communication and access needs."""
    user: User = current_user._get_current_object()
    current = {"needs": user.access_need_keys, "other": user.access_needs_other}
    form = AccessNeedsForm(data=current) if request.method == "GET" else AccessNeedsForm()
    if form.validate_on_submit():
        services.set_access_needs(user, form.needs.data or [], form.other.data or "")
        flash("Your communication and access needs are saved.")
        return redirect(url_for("auth.account"))
    choices = {"notify_draft": user.notify_draft, "notify_deadline": user.notify_deadline}
    choices |= {"notify_decision": user.notify_decision, "notify_updates": user.notify_updates}
    notify_form = NotificationForm(data=choices)
    return render_template("auth/account.html", form=form, user=user, notify_form=notify_form)


@bp.route("/account/notifications", methods=["POST"])
@login_required
def notifications() -> Response:
    """Choose which emails to receive."""
    form = NotificationForm()
    if form.validate_on_submit():
        services.set_notifications(
            current_user._get_current_object(),
            draft=bool(form.notify_draft.data),
            deadline=bool(form.notify_deadline.data),
            decision=bool(form.notify_decision.data),
            updates=bool(form.notify_updates.data),
        )
        flash("Your email choices are saved.")
    return redirect(url_for("auth.account"))


@bp.app_errorhandler(401)
def unauthorised(error: Exception) -> Response:
    """Send people who are not signed in to the sign-in page, remembering where they were going."""
    del error
    target = request.full_path.rstrip("?") if request.method == "GET" else None
    return redirect(url_for("auth.login", next=target), code=303)
