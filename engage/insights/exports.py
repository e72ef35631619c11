"""A run's themes and codes, one row per text, for the lead's download."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from analysis.redact import redact
from engage.extensions import db
from engage.insights import coding
from engage.insights.models import AnalysisRun, Codebook, ThemeAssignment


def theme_rows(run: AnalysisRun) -> list[list[object]]:
    """A heading row, then each text's themes, codes and sentiment, its words redacted."""
    rows: list[list[object]] = [
        [
            "Answer id",
            "Theme",
            "Also raises",
            "Theme set aside",
            "Core offer codes",
            "Framework codes",
            "What it does",
            "Sentiment",
            "Sentiment label",
            "Answer (redacted)",
        ]
    ]
    query = (
        select(ThemeAssignment)
        .where(ThemeAssignment.run_id == run.id)
        .options(selectinload(ThemeAssignment.also))
        .order_by(ThemeAssignment.id)
    )
    codes = coding.codes_by_text(run)
    for assignment in db.session.execute(query).scalars():
        theme = assignment.theme
        coded = codes.get((assignment.answer_id, assignment.comment_id), {})
        rows.append(
            [
                f"answer {assignment.answer_id}" if assignment.answer_id else f"panel comment {assignment.comment_id}",
                theme.label if theme else "(no theme)",
                "; ".join(other.label for other in assignment.also),
                "yes" if theme and theme.is_noise else "no",
                "; ".join(coded.get(Codebook.CORE_OFFER, [])),
                "; ".join(coded.get(Codebook.FRAMEWORK, [])),
                assignment.kind,
                round(assignment.sentiment, 3),
                assignment.sentiment_label,
                redact(assignment.text),
            ]
        )
    return rows
