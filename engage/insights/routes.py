"""Pages for leads: start an analysis, follow its progress, read and curate its themes."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response as HttpResponse

from engage import audit
from engage.auth.permissions import require_manager
from engage.exceptions import EngageError
from engage.extensions import db
from engage.forms import id_from, options, paginate, refuse, show_error
from engage.insights import bp, coding, exports, jobs, services
from engage.insights.forms import MergeForm, RenameForm, RunForm
from engage.insights.models import KIND_NAMES, AnalysisRun, Codebook, RunStatus, TextCode, Theme
from engage.programmes import services as programmes
from engage.programmes.models import Programme
from engage.surveys import results


@bp.before_request
def warm_jobs() -> None:
    """A lead on these pages may start an analysis soon: have the job runner import its libraries now (for
    signed-in people only: a passer-by should not make the server load them)."""
    if current_user.is_authenticated and not current_app.config.get("REDIS_URL"):
        jobs.warm()


def _run(run_id: int) -> AnalysisRun:
    run = db.get_or_404(AnalysisRun, run_id)
    require_manager(run.programme)
    return run


def _theme(theme_id: int) -> Theme:
    theme = db.get_or_404(Theme, theme_id)
    require_manager(theme.run.programme)
    return theme


def _run_form(programme: Programme) -> RunForm:
    form = RunForm()
    form.questions.choices = options(
        (q.id, f"{q.survey.title}: {q.prompt}") for q in services.text_questions(programme)
    )
    return form


@bp.route("/<slug>", methods=["GET", "POST"])
def programme_runs(slug: str) -> str | HttpResponse:
    """A programme's analyses, and the form to start one."""
    programme = programmes.programme_or_404(slug)
    require_manager(programme)
    form = _run_form(programme)
    if form.validate_on_submit():
        scope = services.Scope(
            question_ids=form.questions.data or [],
            date_from=form.date_from.data,
            date_to=form.date_to.data,
            response_format=form.response_format.data or "",
            channel=form.channel.data or "",
            n_themes=form.n_themes.data,
            include_comments=bool(form.include_comments.data),
        )
        try:
            run = services.create_run(current_user, programme, form.title.data, scope)
        except EngageError as error:
            show_error(form, error)
        else:
            jobs.enqueue(run)
            return redirect(url_for("insights.run_page", run_id=run.id))
    runs = services.runs_for(programme)
    for run in runs:
        services.check_stalled(run)
    records = services.theme_records(runs)
    return render_template("insights/runs.html", programme=programme, runs=runs, records=records, form=form)


@bp.route("/runs/<int:run_id>")
def run_page(run_id: int) -> str:
    """Progress while the analysis runs; its themes once it is done."""
    run = _run(run_id)
    services.check_stalled(run)
    themes = [t for t in run.themes if not t.is_noise]
    noise = [t for t in run.themes if t.is_noise]
    counted = sum(t.size for t in themes)
    return render_template(
        "insights/run.html",
        run=run,
        themes=themes,
        noise=noise,
        counted=counted,
        size_rows=[(t.label, t.size) for t in themes],
        others=[r for r in services.runs_for(run.programme) if r.id != run.id and r.status == RunStatus.DONE],
        kinds=services.kind_counts(run) if run.status == RunStatus.DONE else {},
        also=services.also_counts(run) if run.status == RunStatus.DONE else {},
        record=services.theme_records([run])[run.id],
        outcomes=services.theme_outcomes(run),
        kind_names=KIND_NAMES,
        unassigned=services.unassigned_count(run) if run.status == RunStatus.DONE else 0,
        new_answers=services.new_answers_count(run) if run.status == RunStatus.DONE else 0,
    )


@bp.route("/runs/<int:run_id>/progress.json")
def progress(run_id: int) -> dict[str, object]:
    """The run's stage and progress, read by static/progress.js to keep the page up to date."""
    run = _run(run_id)
    services.check_stalled(run)
    return {
        "status": run.status.value,
        "finished": run.status.finished,
        "stage": run.stage,
        "percent": round(run.progress * 100),
    }


@bp.route("/runs/<int:run_id>/cancel", methods=["POST"])
def cancel(run_id: int) -> HttpResponse:
    """Stop an analysis that is queued or running."""
    run = _run(run_id)
    try:
        services.request_cancel(current_user, run)
    except EngageError as error:
        refuse(error)
    else:
        flash("Cancelling. The analysis stops at its next step.")
    return redirect(url_for("insights.run_page", run_id=run.id))


def _restart(run_id: int, mode: str) -> HttpResponse:
    run = _run(run_id)
    try:
        target = services.restart(current_user, run, keep_themes=mode != jobs.FIT)
    except EngageError as error:
        refuse(error)
        return redirect(url_for("insights.run_page", run_id=run.id))
    jobs.enqueue(target, mode)
    if target.id != run.id:
        flash("This analysis is evidence for a statement, so it is kept as it is. This is the new version.")
    return redirect(url_for("insights.run_page", run_id=target.id))


@bp.route("/runs/<int:run_id>/rerun", methods=["POST"])
def rerun(run_id: int) -> HttpResponse:
    """Run the analysis again with the same scope (new answers included)."""
    return _restart(run_id, jobs.FIT)


@bp.route("/runs/<int:run_id>/assign", methods=["POST"])
def assign_new(run_id: int) -> HttpResponse:
    """Put answers that arrived after the run into its existing themes."""
    return _restart(run_id, jobs.ASSIGN)


@bp.route("/runs/<int:run_id>/export.<any(csv, xlsx):kind>")
def export(run_id: int, kind: str) -> HttpResponse:
    """Themes and the theme of every answer, as CSV or Excel. Text is redacted."""
    run = _run(run_id)
    rows = exports.theme_rows(run)
    audit.record(current_user.id, "themes_exported", run, f"format={kind}")
    return results.download(rows, kind, f"themes-{run.id}", "Themes")


@bp.route("/runs/<int:run_id>/codes")
def codes(run_id: int) -> str:
    """The codes a run gave its texts: the programme's core offer components and the NHS framework."""
    run = _run(run_id)
    return render_template("insights/codes.html", run=run, counts=coding.code_counts(run), books=Codebook)


@bp.route("/runs/<int:run_id>/code")
def code_page(run_id: int) -> str:
    """One code: the texts that have it, to take it off, and those that nearly had it, to add it."""
    run = _run(run_id)
    key = request.args.get("key", "")
    try:
        book = Codebook(request.args.get("book", ""))
    except ValueError:
        abort(404)
    name = coding.code_name(run, book, key) or abort(404)
    page = paginate(coding.coded_query(run, book, key, applied=True), 25)
    nearly = db.session.execute(coding.coded_query(run, book, key, applied=False).limit(25)).scalars().all()
    return render_template("insights/code.html", run=run, book=book, key=key, name=name, page=page, nearly=nearly)


@bp.route("/codes/<int:code_id>", methods=["POST"])
def correct_code(code_id: int) -> HttpResponse:
    """A lead takes a code off a text, or gives it one; later runs of the programme follow them."""
    code = db.get_or_404(TextCode, code_id)
    run = _run(code.run_id)
    applies = request.form.get("applies") == "1"
    coding.correct(current_user, code, applies)
    flash(f"{'Added' if applies else 'Taken off'}. Later analyses of this programme will code this comment so.")
    return redirect(url_for("insights.code_page", run_id=run.id, book=code.codebook.value, key=code.key))


@bp.route("/themes/<int:theme_id>", methods=["GET", "POST"])
def theme_page(theme_id: int) -> str | HttpResponse:
    """A theme: its quotes (redacted), breakdowns and every text, with rename, merge and set aside."""
    theme = _theme(theme_id)
    form = RenameForm(obj=theme) if request.method == "GET" else RenameForm()
    if form.validate_on_submit():
        services.rename(current_user, theme, form.label.data, form.summary.data or "")
        flash("Theme renamed.")
        return redirect(url_for("insights.theme_page", theme_id=theme.id))
    merge_form = MergeForm()
    merge_form.into.choices = options((t.id, t.label) for t in theme.run.themes if t.id != theme.id)
    quotes = services.representative_quotes(theme)
    wanted = request.args.get("said", "")
    wanted = wanted if wanted in KIND_NAMES else ""
    also = request.args.get("also") == "1"
    page = paginate(services.assignments_query(theme, wanted, also=also), 25)
    return render_template(
        "insights/theme.html",
        theme=theme,
        form=form,
        merge_form=merge_form,
        quotes=quotes,
        page=page,
        breakdowns=services.breakdowns(theme),
        kinds=services.kind_counts(theme.run).get(theme.id, dict.fromkeys(KIND_NAMES, 0)),
        kind_names=KIND_NAMES,
        wanted=wanted,
        also=also,
        also_count=services.also_counts(theme.run).get(theme.id, 0),
    )


@bp.route("/themes/<int:theme_id>/split", methods=["POST"])
def split(theme_id: int) -> HttpResponse:
    """Re-theme one theme's comments into two to six smaller themes."""
    theme = _theme(theme_id)
    parts = request.form.get("parts", "2")
    if not parts.isdecimal() or not 2 <= int(parts) <= 6:
        flash("Choose a number of themes from 2 to 6")
        return redirect(url_for("insights.theme_page", theme_id=theme.id))
    try:
        services.restart(current_user, theme.run, keep_themes=True)
    except EngageError as error:
        refuse(error)
        return redirect(url_for("insights.theme_page", theme_id=theme.id))
    jobs.enqueue(theme.run, jobs.split_mode(theme.id, int(parts)))
    return redirect(url_for("insights.run_page", run_id=theme.run_id))


@bp.route("/compare")
def compare() -> str:
    """Two analyses side by side: where each theme of one went in the other."""
    first, second = id_from(request.args.get("a", "")), id_from(request.args.get("b", ""))
    if first is None or second is None:
        abort(404)
    run_a, run_b = _run(first), _run(second)
    try:
        rows = services.compare(run_a, run_b)
    except services.InsightError:
        abort(404)
    return render_template("insights/compare.html", run_a=run_a, run_b=run_b, rows=rows)


@bp.route("/themes/<int:theme_id>/noise", methods=["POST"])
def noise(theme_id: int) -> HttpResponse:
    """Set a theme aside, or bring it back."""
    theme = _theme(theme_id)
    services.set_noise(current_user, theme, request.form.get("noise") == "1")
    return redirect(url_for("insights.run_page", run_id=theme.run_id))


@bp.route("/themes/<int:theme_id>/merge", methods=["POST"])
def merge(theme_id: int) -> str | HttpResponse:
    """Merge a theme into another theme of the same analysis."""
    theme = _theme(theme_id)
    form = MergeForm()
    form.into.choices = options((t.id, t.label) for t in theme.run.themes if t.id != theme.id)
    if form.validate_on_submit():
        try:
            into = services.check_merge(theme, db.session.get(Theme, form.into.data))
            if form.confirm.data != "yes":  # first show what the merge will do, and ask
                return render_template("insights/merge.html", theme=theme, into=into, form=form)
            services.merge(current_user, theme, into)
        except EngageError as error:
            refuse(error)
            return redirect(url_for("insights.theme_page", theme_id=theme.id))
        flash(f"Themes merged into “{into.label}”.")
        return redirect(url_for("insights.theme_page", theme_id=into.id))
    flash("Choose a theme to merge into.")
    return redirect(url_for("insights.theme_page", theme_id=theme.id))
