"""Results pages for leads: counts and charts, free text, exports and imports."""

from __future__ import annotations

from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response as HttpResponse

from analysis.sentiment import LABELS as SENTIMENT_LABELS
from engage import audit
from engage.exceptions import EngageError
from engage.forms import paginate, show_error
from engage.surveys import bp, formats, importing, instruments, results, translating
from engage.surveys.demo import ATTRIBUTION
from engage.surveys.forms import ReferenceForm
from engage.surveys.manage import managed_survey
from engage.surveys.models import Channel, Format, Survey


def _date(name: str) -> date | None:
    try:
        return date.fromisoformat(request.args.get(name, ""))
    except ValueError:
        return None


FILTER_NAMES = ("from", "to", "format", "channel", "group", "language")


def filter_args() -> dict[str, str]:
    """The results filters in the query string, to carry into links (and nothing else a link might hold)."""
    return {name: request.args[name] for name in FILTER_NAMES if request.args.get(name)}


def filters_from_request(survey: Survey) -> results.Filters:
    """Read filters from the query string, ignoring anything not offered (a tampered link shows everything)."""
    formats = {f.value: f for f in Format}
    channels = {c.value: c for c in Channel}
    group = None
    question_id, _, value = request.args.get("group", "").partition(":")
    if question_id.isdecimal():
        question = next((q for q in survey.questions if q.id == int(question_id) and q.equality_key), None)
        if question is not None and value in question.choices():
            group = (question.id, value)
    return results.Filters(
        date_from=_date("from"),
        date_to=_date("to"),
        response_format=formats.get(request.args.get("format", "")),
        channel=channels.get(request.args.get("channel", "")),
        group=group,
        language=language if (language := request.args.get("language", "")) in _languages(survey) else None,
    )


def _languages(survey: Survey) -> list[str]:
    """The languages a survey's results can be narrowed to: English and those it is offered in."""
    return ["en", *(language.code for language in survey.languages)]


@bp.route("/manage/<int:survey_id>/results")
def results_page(survey_id: int) -> str:
    """Live counts per question, with charts and data tables, and filters."""
    survey = managed_survey(survey_id)
    filters = filters_from_request(survey)
    ids = results.matching_ids(survey, filters)
    return render_template(
        "surveys/manage/results.html",
        survey=survey,
        filters=filters,
        total=results.response_count(ids),
        question_results=results.question_results(survey, ids),
        scores=instruments.results(survey, ids),
        references=instruments.references(survey),
        groups=[q for q in survey.questions if q.equality_key and q.kind.is_choice],
        languages=_languages(survey) if survey.languages else [],
        demo_note=ATTRIBUTION if results.any_demo(ids) else None,
        awaiting=formats.awaiting_interpretation(survey),
        awaiting_translation=translating.awaiting_count(survey),
        filter_args=filter_args(),
        Format=Format,
        Channel=Channel,
    )


@bp.route("/manage/<int:survey_id>/instruments/references", methods=["GET", "POST"])
def score_references(survey_id: int) -> str | HttpResponse:
    """Set the published reference lines DIALOG's subscores are shown against."""
    survey = managed_survey(survey_id)
    current = instruments.references(survey)
    form = ReferenceForm()
    if request.method == "GET":
        form.life.data = current["dialog_life"].value if "dialog_life" in current else None
        form.treatment.data = current["dialog_treatment"].value if "dialog_treatment" in current else None
        form.source.data = next((r.source for r in current.values()), "")
    if form.validate_on_submit():
        values = {"dialog_life": form.life.data, "dialog_treatment": form.treatment.data}
        try:
            instruments.set_references(
                current_user,
                survey,
                {k: float(v) if v is not None else None for k, v in values.items()},
                form.source.data,
            )
        except EngageError as error:
            show_error(form, error)
        else:
            flash("Reference lines saved.")
            return redirect(url_for("surveys.results_page", survey_id=survey.id, _anchor="instruments"))
    return render_template("surveys/manage/references.html", survey=survey, form=form), (400 if form.errors else 200)


@bp.route("/manage/<int:survey_id>/results/<int:question_id>")
def text_answers(survey_id: int, question_id: int) -> str:
    """Every free-text answer to a question, searchable, with the results filters applied."""
    survey = managed_survey(survey_id)
    question = next((q for q in survey.questions if q.id == question_id and q.kind.is_text), None)
    if question is None:
        abort(404)
    filters = filters_from_request(survey)
    search = request.args.get("q", "").strip()[:200]
    wanted = request.args.get("sentiment", "")
    wanted = wanted if wanted in SENTIMENT_LABELS else ""
    ids = results.matching_ids(survey, filters)
    page = paginate(results.text_answers_query(question, ids, search, wanted), 25)
    return render_template(
        "surveys/manage/text_answers.html",
        survey=survey,
        question=question,
        page=page,
        search=search,
        wanted=wanted,
        sentiment=results.sentiment_of([a.id for a in page.items]),
        labels=SENTIMENT_LABELS,
        filter_args=filter_args(),
    )


@bp.route("/manage/<int:survey_id>/export.<any(csv, xlsx):kind>")
def export(survey_id: int, kind: str) -> HttpResponse:
    """Download responses (with the current filters) as CSV or Excel."""
    survey = managed_survey(survey_id)
    rows = results.export_rows(survey, results.matching_ids(survey, filters_from_request(survey)))
    audit.record(current_user.id, "responses_exported", survey, f"format={kind} rows={len(rows) - 1}")
    return results.download(rows, kind, f"{survey.slug}-responses", survey.title)


@bp.route("/manage/<int:survey_id>/import", methods=["GET", "POST"])
def import_upload(survey_id: int) -> str | HttpResponse:
    """Step 1 of an import: upload a CSV or Excel file."""
    survey = managed_survey(survey_id)
    problem = None
    if request.method == "POST":
        upload = request.files.get("file")
        data = upload.read() if upload else b""
        try:
            importing.parse(data)
        except EngageError as error:
            problem = str(error) if data else "Select a CSV or Excel file"
        else:
            return redirect(url_for("surveys.import_map", survey_id=survey.id, token=importing.stash(data)))
    return render_template("surveys/manage/import_upload.html", survey=survey, problem=problem), (
        400 if problem else 200
    )


@bp.route("/manage/<int:survey_id>/import/<token>", methods=["GET", "POST"])
def import_map(survey_id: int, token: str) -> str | HttpResponse:
    """Step 2: match columns to questions, check every row, then import all or nothing."""
    survey = managed_survey(survey_id)
    data = importing.unstash(token)
    if data is None:
        flash("That upload has expired. Upload the file again.")
        return redirect(url_for("surveys.import_upload", survey_id=survey.id))
    table = importing.parse(data)
    date_column, errors = None, []
    if request.method == "POST":
        date_column = _column(request.form.get("date_column"), table)
        mapping = _mapping_from_form(survey, table)
        if not mapping:
            errors = [importing.RowError(1, "", "Match at least one column to a question")]
        else:
            errors = importing.check(survey, table, mapping, date_column)
        if not errors:
            count = importing.import_rows(current_user, survey, table, mapping, date_column)
            importing.discard(token)
            flash(f"Imported {count:,} responses.")
            return redirect(url_for("surveys.results_page", survey_id=survey.id))
    else:
        mapping = importing.suggested_mapping(survey, table)
    return render_template(
        "surveys/manage/import_map.html",
        survey=survey,
        table=table,
        mapping=mapping,
        date_column=date_column,
        errors=errors[:100],
        error_count=len(errors),
    ), (400 if errors else 200)


def _column(value: str | None, table: importing.Table) -> int | None:
    return int(value) if value and value.isdecimal() and int(value) < len(table.headers) else None


def _mapping_from_form(survey: Survey, table: importing.Table) -> dict[int, int]:
    mapping = {}
    for question in survey.questions:
        column = _column(request.form.get(f"column-{question.id}"), table)
        if column is not None:
            mapping[question.id] = column
    return mapping
