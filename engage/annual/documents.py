"""The annual report as files to publish: a PDF drawn by WeasyPrint from the print page, and a Word document
written with python-docx from the same figures (headings, paragraphs and tables a screen reader can follow)."""

from __future__ import annotations

import io

from docx import Document
from docx.document import Document as WordDocument

from engage.annual.report import AnnualReport
from engage.representation.services import category_label
from engage.templating import small_count


def pdf(html: str) -> bytes:
    """The print page as a PDF."""
    from weasyprint import HTML  # imported here: it loads Pango, which only this download needs

    return HTML(string=html).write_pdf()


def _table(document: WordDocument, headings: list[str], rows: list[list[str]]) -> None:
    table = document.add_table(rows=1, cols=len(headings))
    table.style = "Table Grid"
    for cell, heading in zip(table.rows[0].cells, headings, strict=True):
        cell.text = heading
        for run in cell.paragraphs[0].runs:
            run.bold = True
    for row in rows:
        for cell, value in zip(table.add_row().cells, row, strict=True):
            cell.text = value


def docx(report: AnnualReport) -> bytes:
    """The report as a Word document."""
    document = Document()
    document.core_properties.title = f"{report.programme.title}: involving people in {report.label}"
    document.core_properties.language = "en-GB"
    document.add_heading(f"How we involved people, {report.label}", level=0)
    document.add_paragraph(f"{report.programme.title}, {report.programme.area}. {report.period}.")
    threshold = report.threshold
    document.add_paragraph(
        f"Numbers under {threshold} are not shown, nor any that would let one be worked out, so nobody can be "
        "picked out."
    )

    document.add_heading("Who took part", level=1)
    document.add_paragraph(f"Survey responses: {small_count(report.responses)}.")
    for heading, cells in (
        ("Ways of taking part", report.channels),
        ("Formats", report.formats),
        ("Languages", report.languages),
    ):
        document.add_heading(heading, level=2)
        if cells:
            _table(document, [heading, "People"], [[label, f"{n:,}"] for label, n in cells])
        else:
            document.add_paragraph("Not shown: too few people.")
    document.add_heading("Compared with the population", level=2)
    document.add_paragraph(f"Compared with: {report.profile.source}")
    for group in report.profile.groups:
        if not group.answered:
            continue
        rows = [
            [
                category_label(group.key, row.category),
                f"{row.share:.1f}%" if row.shown else "not shown",
                f"{row.population:.1f}%" if row.population is not None else "no figure",
                "under-represented" if row.under else "",
            ]
            for row in group.rows
        ]
        document.add_heading(group.label, level=3)
        _table(document, [group.label, "Share of respondents", "Share of population", ""], rows)

    document.add_heading("Surveys and panels", level=1)
    if report.surveys:
        _table(
            document,
            ["Survey", "Responses in the year"],
            [[line.title, small_count(line.responses)] for line in report.surveys],
        )
    else:
        document.add_paragraph("No survey responses this year.")
    if report.panels:
        _table(
            document,
            ["Panel", "Kind", "Members", "Meetings", "Drafts reviewed"],
            [[p.name, p.kind, small_count(p.members), str(p.meetings), str(p.drafts)] for p in report.panels],
        )
    document.add_heading("Decisions on panel comments", level=2)
    document.add_paragraph(f"Comments made on drafts: {small_count(report.comments)}.")
    if report.decisions:
        _table(document, ["Decision", "Comments"], [[label, f"{n:,}"] for label, n in report.decisions])

    document.add_heading("You said, we did", level=1)
    if not report.statements:
        document.add_paragraph("Nothing was published this year.")
    for statement in report.statements:
        document.add_heading(statement.title, level=2)
        document.add_paragraph(statement.statement)
        for action in statement.actions:
            document.add_paragraph(f"{action.what} ({action.status.label})", style="List Bullet")
    _table(document, ["Action status", "Actions"], [[label, str(n)] for label, n in report.actions_by_status])

    document.add_heading("Changes to the core offer", level=1)
    if not report.changes:
        document.add_paragraph("No changes this year.")
    for change in report.changes:
        because = f" Because you said: {change.because_you_said}." if change.because_you_said else ""
        document.add_paragraph(f"{change.component}, {change.when:%d %B %Y}: {change.reason}{because}")

    document.add_heading("Outcome indicators", level=1)
    if not report.indicators:
        document.add_paragraph("No indicators yet.")
    for indicator in report.indicators:
        document.add_heading(f"{indicator.name} ({indicator.component.title})", level=2)
        rows = [[f"Baseline, {indicator.baseline_on:%d %B %Y}", f"{indicator.baseline:g} {indicator.unit}"]]
        rows += [[f"{m.measured_on:%d %B %Y}", f"{m.value:g} {indicator.unit}"] for m in indicator.measurements]
        rows.append(["Target", f"{indicator.target:g} {indicator.unit}"])
        _table(document, ["When", indicator.unit.capitalize()], rows)
        document.add_paragraph(f"Source: {indicator.source}.")

    if quarters := report.ladder:
        document.add_heading("How far we co-produce", level=1)
        _table(
            document,
            ["Quarter", "Members who rated", "Middle rating"],
            [[q.label, small_count(q.people), q.middle] for q in quarters],
        )
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
