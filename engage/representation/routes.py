"""Who we haven't heard from: a programme's respondents beside its population, uploads, and outreach."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from engage.auth.permissions import require_manager
from engage.exceptions import EngageError
from engage.extensions import db
from engage.forms import options, show_error
from engage.media.storage import accepts_lookup
from engage.programmes.models import Programme
from engage.programmes.services import programme_or_404
from engage.representation import bp, services
from engage.representation.forms import LookupForm, OutreachForm, PopulationForm
from engage.representation.uploads import UploadProblem, read_lookup, read_population
from engage.surveys.models import Survey


def _managed(slug: str) -> Programme:
    programme = programme_or_404(slug)
    require_manager(programme)
    return programme


def _survey_of(programme: Programme, survey_id: str | None) -> Survey | None:
    """The survey a page is narrowed to (none: every survey of the programme); another programme's is a 404."""
    if not survey_id:
        return None
    survey = db.session.get(Survey, int(survey_id)) if survey_id.isdecimal() and len(survey_id) < 10 else None
    if survey is None or survey.programme_id != programme.id:
        abort(404)
    return survey


@bp.route("/<slug>")
def profile(slug: str) -> str:
    """The respondents' equality profile beside the population's, the gaps, and outreach against them."""
    programme = _managed(slug)
    survey = _survey_of(programme, request.args.get("survey"))
    return render_template(
        "representation/profile.html",
        programme=programme,
        survey=survey,
        surveys=services.surveys_of(programme),
        profile=services.profile(programme, survey),
        outreach=services.outreach(programme),
        lookup_size=services.lookup_size(programme),
        category_label=services.category_label,
        group_labels=services.GROUP_LABELS,
    )


@bp.route("/<slug>/population", methods=["GET", "POST"])
def population(slug: str) -> str | Response:
    """Upload the programme's own population figures (a borough's or an integrated care system's)."""
    programme = _managed(slug)
    form = PopulationForm()
    problems: list[str] = []
    if form.validate_on_submit():
        try:
            figures = read_population(_file_data(form.file.data))
            services.replace_population(current_user, programme, form.source.data, figures)
        except EngageError as error:
            problems = error.rows if isinstance(error, UploadProblem) else []
            show_error(form, error, "file")
        else:
            flash("Population figures saved. The profile now compares respondents with them.")
            return redirect(url_for("representation.profile", slug=programme.slug))
    current, source, local = services.population_of(programme)
    return render_template(
        "representation/population.html",
        programme=programme,
        form=form,
        problems=problems,
        source=source,
        local=local,
        groups=sorted(current),
    ), (400 if form.errors else 200)


@bp.route("/<slug>/population/census", methods=["POST"])
def use_census(slug: str) -> Response:
    """Go back to comparing with England's 2021 Census figures."""
    programme = _managed(slug)
    services.use_census(current_user, programme)
    flash("The profile now compares respondents with England's 2021 Census figures.")
    return redirect(url_for("representation.profile", slug=programme.slug))


@bp.route("/<slug>/postcodes", methods=["GET", "POST"])
@accepts_lookup
def postcodes(slug: str) -> str | Response:
    """Upload the postcode lookup that gives each new answer's neighbourhood deprivation decile."""
    programme = _managed(slug)
    form = LookupForm()
    problems: list[str] = []
    if form.validate_on_submit():
        try:
            deciles = read_lookup(_file_data(form.file.data))
            services.replace_lookup(current_user, programme, deciles)
        except EngageError as error:
            problems = error.rows if isinstance(error, UploadProblem) else []
            show_error(form, error, "file")
        else:
            flash(f"Postcode lookup saved: {len(deciles):,} postcodes.")
            return redirect(url_for("representation.profile", slug=programme.slug))
    return render_template(
        "representation/postcodes.html",
        programme=programme,
        form=form,
        problems=problems,
        lookup_size=services.lookup_size(programme),
    ), (400 if form.errors else 200)


def _file_data(upload: object) -> bytes:
    data = upload.read() if hasattr(upload, "read") else b""
    if not data:
        raise UploadProblem("Select a CSV file")
    return data


@bp.route("/<slug>/outreach/new", methods=["GET", "POST"])
def new_outreach(slug: str) -> str | Response:
    """Log an outreach action against a gap: who, where, when, and what came of it."""
    programme = _managed(slug)
    found = services.profile(programme)
    form = OutreachForm()
    label = services.category_label
    gaps = [(f"{g.key}|{row.category}", f"{g.label}: {label(g.key, row.category)}") for g, row in found.under]
    others = [
        (f"{group.key}|{row.category}", f"{group.label}: {label(group.key, row.category)}")
        for group in found.groups
        for row in group.rows
        if not row.under
    ]
    form.gap.choices = options(gaps + others)
    surveys = services.surveys_of(programme)
    form.survey.choices = options([("", "All the programme's surveys"), *((str(s.id), s.title) for s in surveys)])
    if request.method == "GET":
        form.gap.data = f"{request.args.get('group', '')}|{request.args.get('category', '')}"
        form.survey.data = request.args.get("survey", "")
    if form.validate_on_submit():
        group, category = form.gap.data.split("|", 1)
        services.log_outreach(
            current_user,
            programme,
            survey=_survey_of(programme, form.survey.data),
            group=group,
            category=category,
            who=form.who.data,
            place=form.place.data,
            held_on=form.held_on.data,
            result=form.result.data,
        )
        flash("Outreach logged. The profile shows whether the gap closes as more people answer.")
        return redirect(url_for("representation.profile", slug=programme.slug, _anchor="outreach"))
    return render_template("representation/outreach_form.html", programme=programme, form=form, gaps=len(gaps)), (
        400 if form.errors else 200
    )
