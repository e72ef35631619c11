"""The safeguarding queue: only users with the safeguarding role see these pages."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from engage.auth.models import Role
from engage.auth.permissions import roles_required
from engage.exceptions import EngageError
from engage.extensions import db
from engage.forms import paginate, show_error
from engage.safeguarding import bp, services
from engage.safeguarding.forms import ReviewForm
from engage.safeguarding.models import FlagStatus, Outcome, SafeguardingFlag
from engage.surveys.answering import contact_for


@bp.before_request
@roles_required(Role.SAFEGUARDING)
def safeguarding_only() -> None:
    """Flagged answers are for safeguarding leads alone: not leads, not administrators."""


@bp.route("/")
def queue() -> str:
    """Flags waiting for review, oldest first."""
    wanted = request.args.get("status", FlagStatus.NEW.value)
    status = FlagStatus(wanted) if wanted in {s.value for s in FlagStatus} else None
    page = paginate(services.queue_query(status), 25)
    median_hours, overdue = services.review_times()
    return render_template(
        "safeguarding/queue.html",
        page=page,
        status=status,
        counts=services.counts_by_status(),
        FlagStatus=FlagStatus,
        median_hours=median_hours,
        overdue=overdue,
    )


@bp.route("/<int:flag_id>", methods=["GET", "POST"])
def review(flag_id: int) -> str | Response:
    """Read a flagged answer and record what was done."""
    flag = db.get_or_404(SafeguardingFlag, flag_id)
    if request.method == "GET":
        current = {"status": flag.status.value, "outcome": flag.outcome.value if flag.outcome else None}
        form = ReviewForm(data=current | {"notes": flag.notes})
        services.viewed(current_user, flag)
    else:
        form = ReviewForm()
    if form.validate_on_submit():
        outcome = Outcome(form.outcome.data) if form.outcome.data else None
        try:
            services.review(
                current_user, flag, status=FlagStatus(form.status.data), outcome=outcome, notes=form.notes.data or ""
            )
        except EngageError as error:
            show_error(form, error, "outcome")
        else:
            flash("Review recorded.")
            return redirect(url_for("safeguarding.queue"))
    contact = contact_for(flag.response) if flag.response else None
    return render_template("safeguarding/review.html", flag=flag, form=form, contact=contact)
