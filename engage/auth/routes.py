"""Sign in, sign out, accept an invitation, record access needs."""

from __future__ import annotations

import time
from urllib.parse import urlsplit

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, logout_user
from werkzeug.wrappers import Response

from engage.auth import bp, services, two_step
from engage.auth.forms import (
    AccessNeedsForm,
    ChangePasswordForm,
    CodeForm,
    ForgotPasswordForm,
    LoginForm,
    NotificationForm,
    SetPasswordForm,
)
from engage.auth.models import User
from engage.auth.sessions import end_stale_sessions, start_session
from engage.extensions import db, login_manager
from engage.forms import show_error
from engage.throttle import allow_email, limiter

# How long after the right password the security code may follow.
TWO_STEP_SECONDS = 10 * 60


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
@limiter.limit(lambda: current_app.config["LOGIN_CLIENT_LIMITS"], methods=["POST"])
def login() -> str | Response:
    """Sign in with email address and password (then a security code, for roles that need one)."""
    form = LoginForm()
    target = safe_next(request.args.get("next"))
    if form.validate_on_submit():
        result = services.authenticate(form.email.data, form.password.data)
        if result.user is not None:
            return _signed_in(result.user, target)
        form.form_errors.append(result.error)
    form.password.data = ""
    return render_template("auth/login.html", form=form, next=target)


def _signed_in(user: User, target: str | None) -> Response:
    """The password is right: start the session, or first ask for the second step."""
    if not two_step.required_for(user):
        start_session(user)
        return redirect(target or url_for("programmes.dashboard"))
    session.clear()  # no earlier state carries over into the second step either
    session["two_step"] = {"user": user.get_id(), "at": time.time(), "next": target}
    return redirect(url_for("auth.security_code" if user.totp_secret else "auth.set_up_two_step"))


def _halfway_user() -> User | None:
    """The user who gave the right password in the last few minutes and still owes a security code."""
    pending = session.get("two_step")
    if not isinstance(pending, dict) or time.time() - pending.get("at", 0) > TWO_STEP_SECONDS:
        return None
    return load_user(str(pending.get("user", "")))


def _finish_two_step(user: User) -> Response:
    target = safe_next(session["two_step"].get("next"))
    start_session(user)
    return redirect(target or url_for("programmes.dashboard"))


@bp.route("/login/code", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_CLIENT_LIMITS"], methods=["POST"])
def security_code() -> str | Response:
    """The second step: a code from the authenticator app, or a recovery code."""
    user = _halfway_user()
    if user is None or user.totp_secret is None:
        return _start_again()
    form = CodeForm()
    if form.validate_on_submit():
        wait = services.wait_before_next_try(user.email)
        if wait:
            form.code.errors.append(f"Too many wrong codes. Wait {services.describe_wait(wait)}, then try again")
        elif two_step.verify(user, form.code.data):
            return _finish_two_step(user)
        else:
            services.record_failure(user.email)
            form.code.errors.append("Enter the code your app shows now, or an unused recovery code")
    form.code.data = ""
    return render_template("auth/security_code.html", form=form)


@bp.route("/login/set-up-two-step", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_CLIENT_LIMITS"], methods=["POST"])
def set_up_two_step() -> str | Response:
    """First sign-in for a role that needs two-step verification: link an authenticator app."""
    user = _halfway_user()
    if user is None or user.totp_secret is not None:
        return _start_again()
    pending = session["two_step"]
    secret = pending.setdefault("secret", two_step.new_secret())
    session.modified = True
    form = CodeForm()
    if form.validate_on_submit():
        codes = two_step.enrol(user, secret, form.code.data)
        if codes is not None:
            target = safe_next(pending.get("next")) or url_for("programmes.dashboard")
            start_session(user)
            return render_template("auth/recovery_codes.html", codes=codes, target=target)
        services.record_failure(user.email)
        form.code.errors.append("Enter the 6-digit code your app shows now for Engage")
    form.code.data = ""
    qr = two_step.qr_code(user, secret)
    return render_template("auth/set_up_two_step.html", form=form, qr=qr, secret=two_step.grouped(secret))


def _start_again() -> Response:
    session.pop("two_step", None)
    flash("For your security, sign in again.")
    return redirect(url_for("auth.login"))


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
        response = _signed_in(user, None)
        flash("Your password is set.")
        return response
    return render_template("auth/invite.html", form=form, invited=user)


@bp.route("/login/forgotten-password", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["EMAIL_CLIENT_LIMITS"], methods=["POST"])
def forgotten_password() -> str | Response:
    """Ask for a password reset link. The answer is the same whether or not the address has an account."""
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        if allow_email(form.email.data):
            services.request_password_reset(form.email.data)
        return render_template("auth/reset_sent.html")
    return render_template("auth/forgotten_password.html", form=form)


@bp.route("/login/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str) -> str | Response:
    """Choose a new password from a reset link."""
    user = services.user_for_reset(token)
    if user is None:
        return render_template("auth/reset_invalid.html"), 404
    form = SetPasswordForm()
    if form.validate_on_submit():
        services.reset_password(user, form.password.data)
        session.clear()
        flash("Your password is changed, and you are signed out everywhere. Sign in with your new password.")
        return redirect(url_for("auth.login"))
    return render_template("auth/reset_password.html", form=form)


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password() -> str | Response:
    """Change your password; every other device is signed out."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        user: User = current_user._get_current_object()
        try:
            services.change_password(user, form.current.data, form.password.data)
        except services.AccountError as error:
            show_error(form, error)
        else:
            start_session(user)  # this device carries on with the new session token
            flash("Your password is changed. Any other device you used is signed out.")
            return redirect(url_for("auth.account"))
    return render_template("auth/change_password.html", form=form)


@bp.route("/account/recovery-codes", methods=["POST"])
@login_required
def new_recovery_codes() -> str | Response:
    """Replace your recovery codes, given a code from your app."""
    user: User = current_user._get_current_object()
    form = CodeForm()
    if user.totp_secret is None or not form.validate_on_submit():
        return redirect(url_for("auth.account"))
    if not two_step.check_app_code(user, user.totp_secret, form.code.data):
        flash("Your recovery codes were not changed: enter the 6-digit code your app shows now")
        return redirect(url_for("auth.account"))
    codes = two_step.new_recovery_codes(user)
    return render_template("auth/recovery_codes.html", codes=codes, target=url_for("auth.account"))


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
    recovery_left = two_step.recovery_codes_left(user) if user.totp_secret else 0
    return render_template(
        "auth/account.html",
        form=form,
        user=user,
        notify_form=notify_form,
        code_form=CodeForm(formdata=None),
        recovery_left=recovery_left,
    )


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


bp.before_app_request(end_stale_sessions)


@bp.app_errorhandler(401)
def unauthorised(error: Exception) -> Response:
    """Send people who are not signed in to the sign-in page, remembering where they were going."""
    del error
    target = request.full_path.rstrip("?") if request.method == "GET" else None
    return redirect(url_for("auth.login", next=target), code=303)
