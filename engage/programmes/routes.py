"""Programme pages: dashboard, public core offer, history, component editing."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from engage.auth.permissions import can_manage, require_manager
from engage.exceptions import EngageError
from engage.extensions import db
from engage.forms import paginate, show_error
from engage.programmes import bp, services
from engage.programmes.forms import ComponentForm
from engage.programmes.models import CoreOfferComponent, Programme
from engage.signals import programme_surveys


def _managed_programme(slug: str) -> Programme:
    programme = services.programme_or_404(slug)
    require_manager(programme)
    return programme


def _component(programme: Programme, component_id: int) -> CoreOfferComponent:
    component = db.session.get(CoreOfferComponent, component_id)
    if component is None or component.programme_id != programme.id:
        abort(404)
    return component


@bp.route("/")
@login_required
def dashboard() -> str:
    """The programmes the signed-in user works on."""
    return render_template("programmes/dashboard.html", programmes=services.programmes_for(current_user))


@bp.route("/<slug>")
def show(slug: str) -> str:
    """A programme's public page with its current core offer."""
    programme = services.programme_or_404(slug)
    manager = can_manage(current_user, programme)
    surveys = [s for _, found in programme_surveys.send(None, programme=programme, manager=manager) for s in found]
    return render_template("programmes/show.html", programme=programme, can_manage=manager, surveys=surveys)


@bp.route("/<slug>/history")
def history(slug: str) -> str:
    """Every change to the programme's core offer: what, when, by whom and why."""
    programme = services.programme_or_404(slug)
    page = paginate(services.history_query(programme), 20)
    return render_template("programmes/history.html", programme=programme, page=page)


@bp.route("/<slug>/components/new", methods=["GET", "POST"])
def new_component(slug: str) -> str | Response:
    """Add a component to the core offer."""
    programme = _managed_programme(slug)
    form = ComponentForm()
    if form.validate_on_submit():
        services.add_component(
            current_user, programme, title=form.title.data, description=form.description.data, reason=form.reason.data
        )
        flash("Component added to the core offer.")
        return redirect(url_for("programmes.show", slug=programme.slug))
    return render_template("programmes/component_form.html", programme=programme, form=form, component=None)


@bp.route("/<slug>/components/<int:component_id>/edit", methods=["GET", "POST"])
def edit_component(slug: str, component_id: int) -> str | Response:
    """Change a component; the old description stays in the history."""
    programme = _managed_programme(slug)
    component = _component(programme, component_id)
    form = ComponentForm(obj=component) if request.method == "GET" else ComponentForm()
    if form.validate_on_submit():
        try:
            services.change_component(
                current_user,
                component,
                title=form.title.data,
                description=form.description.data,
                reason=form.reason.data,
            )
        except EngageError as error:
            show_error(form, error)
        else:
            flash("Core offer updated. The change is in its history.")
            return redirect(url_for("programmes.show", slug=programme.slug))
    return render_template("programmes/component_form.html", programme=programme, form=form, component=component)
