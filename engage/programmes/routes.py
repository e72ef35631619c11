"""Programme pages: dashboard, public core offer, history, component editing."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from engage.auth.permissions import can_manage, require_manager
from engage.exceptions import EngageError
from engage.extensions import db
from engage.forms import paginate, show_error
from engage.programmes import bp, indicators, services
from engage.programmes.forms import ComponentForm, IndicatorForm, MeasurementForm, MeasurementImportForm
from engage.programmes.models import CoreOfferComponent, Indicator, Programme
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


def _indicator(programme: Programme, indicator_id: int) -> Indicator:
    indicator = db.session.get(Indicator, indicator_id)
    if indicator is None or indicator.component.programme_id != programme.id:
        abort(404)
    return indicator


def _fields(form: IndicatorForm) -> indicators.IndicatorFields:
    return indicators.IndicatorFields(
        name=form.name.data,
        unit=form.unit.data,
        lower_is_better=form.direction.data == "lower",
        baseline=None if form.baseline.data is None else float(form.baseline.data),
        baseline_on=form.baseline_on.data,
        target=None if form.target.data is None else float(form.target.data),
        target_by=form.target_by.data,
        source=form.source.data,
    )


@bp.route("/<slug>/indicators")
def indicator_list(slug: str) -> str:
    """The programme's outcome indicators, component by component, each with its latest measurement."""
    programme = _managed_programme(slug)
    return render_template(
        "programmes/indicators.html", programme=programme, indicators=indicators.indicators_of(programme)
    )


@bp.route("/<slug>/components/<int:component_id>/indicators/new", methods=["GET", "POST"])
def new_indicator(slug: str, component_id: int) -> str | tuple[str, int] | Response:
    """Give a core offer component an indicator: what is measured, its baseline and its target."""
    programme = _managed_programme(slug)
    component = _component(programme, component_id)
    form = IndicatorForm()
    if form.validate_on_submit():
        try:
            indicator = indicators.add_indicator(current_user, component, _fields(form))
        except EngageError as error:
            show_error(form, error)
        else:
            flash("Indicator added. Now record its measurements.")
            return redirect(url_for("programmes.indicator_page", slug=programme.slug, indicator_id=indicator.id))
    page = render_template(
        "programmes/indicator_form.html", programme=programme, component=component, form=form, indicator=None
    )
    return page, (400 if form.errors else 200)


@bp.route("/<slug>/indicators/<int:indicator_id>/edit", methods=["GET", "POST"])
def edit_indicator(slug: str, indicator_id: int) -> str | tuple[str, int] | Response:
    """Change an indicator's definition."""
    programme = _managed_programme(slug)
    indicator = _indicator(programme, indicator_id)
    form = IndicatorForm(obj=indicator) if request.method == "GET" else IndicatorForm()
    if request.method == "GET":
        form.direction.data = "lower" if indicator.lower_is_better else "higher"
    if form.validate_on_submit():
        try:
            indicators.update_indicator(current_user, indicator, _fields(form))
        except EngageError as error:
            show_error(form, error)
        else:
            flash("Indicator saved.")
            return redirect(url_for("programmes.indicator_page", slug=programme.slug, indicator_id=indicator.id))
    page = render_template(
        "programmes/indicator_form.html",
        programme=programme,
        component=indicator.component,
        form=form,
        indicator=indicator,
    )
    return page, (400 if form.errors else 200)


@bp.route("/<slug>/indicators/<int:indicator_id>", methods=["GET", "POST"])
def indicator_page(slug: str, indicator_id: int) -> str | tuple[str, int] | Response:
    """An indicator's chart and table, with forms to record a measurement or import many from a CSV file."""
    programme = _managed_programme(slug)
    indicator = _indicator(programme, indicator_id)
    form, upload = MeasurementForm(prefix="one"), MeasurementImportForm(prefix="csv")
    problems: list[str] = []
    if request.form.get("form") == "one" and form.validate_on_submit():
        try:
            done = indicators.add_measurement(
                current_user, indicator, form.measured_on.data, float(form.value.data), form.note.data or ""
            )
        except EngageError as error:
            show_error(form, error)
        else:
            flash("Measurement added." if done == "added" else "Measurement replaced: there was one on that date.")
            return redirect(url_for("programmes.indicator_page", slug=programme.slug, indicator_id=indicator.id))
    if request.form.get("form") == "csv" and upload.validate_on_submit():
        data = upload.file.data.read() if upload.file.data else b""
        try:
            added, replaced = indicators.import_measurements(current_user, indicator, data)
        except EngageError as error:
            problems = getattr(error, "rows", [])
            show_error(upload, error, "file")
        else:
            flash(f"Imported {added} measurements" + (f" and replaced {replaced}." if replaced else "."))
            return redirect(url_for("programmes.indicator_page", slug=programme.slug, indicator_id=indicator.id))
    page = render_template(
        "programmes/indicator.html",
        programme=programme,
        indicator=indicator,
        form=form,
        upload=upload,
        problems=problems,
    )
    return page, (400 if form.errors or upload.errors else 200)
