"""The annual involvement report pages and downloads."""

from __future__ import annotations

from flask import Response, abort, redirect, render_template, url_for
from werkzeug.wrappers import Response as HttpResponse

from engage.annual import bp, documents
from engage.annual.report import build, current_year
from engage.programmes.services import programme_or_404
from engage.timeutil import utcnow

FIRST_YEAR = 2020  # no programme's involvement goes back further than Engage


def _year(year: int) -> int:
    if not FIRST_YEAR <= year <= current_year(utcnow().date()):
        abort(404)
    return year


@bp.route("/<slug>")
def latest(slug: str) -> HttpResponse:
    """The report for the financial year we are in."""
    programme = programme_or_404(slug)
    return redirect(url_for("annual.report", slug=programme.slug, year=current_year(utcnow().date())))


@bp.route("/<slug>/<int:year>")
def report(slug: str, year: int) -> str:
    """How the programme involved people in one financial year, as a page to read and publish."""
    programme = programme_or_404(slug)
    built = build(programme, _year(year))
    return render_template("annual/report.html", report=built, current=current_year(utcnow().date()))


@bp.route("/<slug>/<int:year>.pdf")
def report_pdf(slug: str, year: int) -> Response:
    """The report as a PDF."""
    built = build(programme_or_404(slug), _year(year))
    data = documents.pdf(render_template("annual/print.html", report=built))
    return _download(data, "application/pdf", f"{built.programme.slug}-involvement-{year}.pdf")


@bp.route("/<slug>/<int:year>.docx")
def report_docx(slug: str, year: int) -> Response:
    """The report as a Word document."""
    built = build(programme_or_404(slug), _year(year))
    kind = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    return _download(documents.docx(built), kind, f"{built.programme.slug}-involvement-{year}.docx")


def _download(data: bytes, kind: str, name: str) -> Response:
    return Response(data, mimetype=kind, headers={"Content-Disposition": f'attachment; filename="{name}"'})
