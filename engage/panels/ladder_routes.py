"""The co-production ladder: panel members rate their programme, and everyone involved sees the ratings over time."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response as HttpResponse

from engage.auth.permissions import can_manage
from engage.exceptions import EngageError
from engage.forms import show_error
from engage.panels import bp, ladder
from engage.panels.forms import LadderForm
from engage.programmes import services as programmes


@bp.route("/programme/<slug>/co-production", methods=["GET", "POST"])
@login_required
def co_production(slug: str) -> str | tuple[str, int] | HttpResponse:
    """The programme's place on the ladder of co-production, as its panel members rate it, quarter by quarter."""
    programme = programmes.programme_or_404(slug)
    member = ladder.may_rate(current_user, programme)
    if not member and not can_manage(current_user, programme):
        abort(403)
    form = LadderForm()
    if member and form.validate_on_submit():
        try:
            ladder.rate(current_user, programme, form.rung.data, form.comment.data or "")
        except EngageError as error:
            show_error(form, error, "rung")
        else:
            flash("Thank you. Your rating is saved.")
            return redirect(url_for("panels.co_production", slug=programme.slug))
    page = render_template(
        "panels/co_production.html",
        programme=programme,
        form=form if member else None,
        mine=ladder.mine(current_user, programme) if member else None,
        quarters=ladder.history(programme),
        rungs=ladder.RUNGS,
        rung_name=ladder.rung_name,
    )
    return page, (400 if member and form.errors else 200)
