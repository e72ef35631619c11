"""Coding an analysis's texts against the programme's core offer components and the NHS patient experience
framework (analysis.coding), and leads' corrections of the codes, which every later run uses."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from sqlalchemy import Select, delete, func, insert, or_, select
from sqlalchemy.orm import selectinload

from engage import audit
from engage.auth.models import User
from engage.extensions import db
from engage.insights.models import AnalysisRun, Codebook, CodeCorrection, TextCode
from engage.insights.services import Source
from engage.signals import words_erased

if TYPE_CHECKING:
    from analysis.coding import Correction


def code_texts(run: AnalysisRun, sources: Sequence[Source], vectors: np.ndarray) -> list[dict[str, Any]]:
    """A run's texts coded (in its job), as rows of TextCode to insert: one for each code given, and one for
    the likeliest code not given if it came near."""
    from analysis.coding import Code, code_by_description, code_framework, framework

    texts = [source.text for source in sources]
    told = _corrections(run.programme_id)
    components = [Code(str(c.id), c.title, c.description) for c in run.programme.components]
    coded = {
        Codebook.CORE_OFFER: (
            code_by_description(components, texts, vectors, [c for c, _ in told[Codebook.CORE_OFFER]]),
            {code.key: code.name for code in components},
        ),
        Codebook.FRAMEWORK: (
            code_framework(texts, vectors, [c for c, _ in told[Codebook.FRAMEWORK]]),
            {code.key: code.name for code in framework()},
        ),
    }
    rows = []
    for book, (codings, names) in coded.items():
        checked = {(source_key, correction.key) for correction, source_key in told[book]}
        for source, coding in zip(sources, codings, strict=True):
            found = [(key, score, True) for key, score in coding.codes]
            found += [(*coding.nearest_miss, False)] if coding.nearest_miss else []
            rows += [
                {
                    "run_id": run.id,
                    "answer_id": source.answer_id,
                    "comment_id": source.comment_id,
                    "codebook": book,
                    "key": key,
                    "name": names.get(key, key),
                    "score": score,
                    "applied": applied,
                    "by_lead": (source.key, key) in checked,
                }
                for key, score, applied in found
            ]
    return rows


Told = list[tuple["Correction", tuple[int | None, int | None]]]


def _corrections(programme_id: int) -> dict[Codebook, Told]:
    """The programme's corrections as analysis.coding reads them, each with the text (answer, comment) it was
    made on."""
    from analysis.coding import Correction

    found: dict[Codebook, Told] = {book: [] for book in Codebook}
    query = (
        select(CodeCorrection)
        .where(CodeCorrection.programme_id == programme_id)
        .options(selectinload(CodeCorrection.answer), selectinload(CodeCorrection.comment))
    )
    for correction in db.session.execute(query).scalars():
        told = Correction(correction.text, correction.key, correction.applies)
        found[correction.codebook].append((told, (correction.answer_id, correction.comment_id)))
    return found


def replace_codes(run_id: int, rows: list[dict[str, Any]]) -> None:
    """A run analysed again: its codes are replaced (corrections stay, and the new codes used them)."""
    db.session.execute(delete(TextCode).where(TextCode.run_id == run_id))
    add_codes(rows)


def add_codes(rows: list[dict[str, Any]]) -> None:
    if rows:
        db.session.execute(insert(TextCode.__table__), rows)  # Core executemany: 40,000 rows for 10,000 texts


@dataclass
class CodeCount:
    codebook: Codebook
    key: str
    name: str
    comments: int
    checked: int  # of them, codes a lead gave or confirmed


def code_counts(run: AnalysisRun) -> dict[Codebook, list[CodeCount]]:
    """Each code a run gave, most used first, per codebook; counted by the database."""
    rows = db.session.execute(
        select(
            TextCode.codebook,
            TextCode.key,
            func.max(TextCode.name),
            func.count(),
            func.count().filter(TextCode.by_lead),
        )
        .where(TextCode.run_id == run.id, TextCode.applied.is_(True))
        .group_by(TextCode.codebook, TextCode.key)
        .order_by(func.count().desc(), TextCode.key)
    )
    counts: dict[Codebook, list[CodeCount]] = {book: [] for book in Codebook}
    for book, key, name, n, checked in rows:
        counts[book].append(CodeCount(book, key, name, n, checked))
    return counts


def codes_by_text(run: AnalysisRun) -> dict[tuple[int | None, int | None], dict[Codebook, list[str]]]:
    """Every text's codes in a run, by codebook (for its export), in one query."""
    found: dict[tuple[int | None, int | None], dict[Codebook, list[str]]] = {}
    rows = db.session.execute(
        select(TextCode.answer_id, TextCode.comment_id, TextCode.codebook, TextCode.name)
        .where(TextCode.run_id == run.id, TextCode.applied.is_(True))
        .order_by(TextCode.score.desc())
    )
    for answer_id, comment_id, book, name in rows:
        found.setdefault((answer_id, comment_id), {}).setdefault(book, []).append(name)
    return found


def code_name(run: AnalysisRun, book: Codebook, key: str) -> str | None:
    return db.session.execute(
        select(TextCode.name).where(TextCode.run_id == run.id, TextCode.codebook == book, TextCode.key == key).limit(1)
    ).scalar_one_or_none()


def coded_query(run: AnalysisRun, book: Codebook, key: str, *, applied: bool) -> Select[tuple[TextCode]]:
    """The texts a run gave a code (or, not applied, those it nearly gave it), likeliest first."""
    return (
        select(TextCode)
        .where(TextCode.run_id == run.id, TextCode.codebook == book, TextCode.key == key)
        .where(TextCode.applied.is_(applied))
        .options(selectinload(TextCode.answer), selectinload(TextCode.comment))
        .order_by(TextCode.score.desc(), TextCode.id)
    )


def correct(actor: User, code: TextCode, applies: bool) -> None:
    """A lead says whether a text has a code: the run shows it now, and later runs of the programme use it."""
    run = code.run
    correction = db.session.execute(
        select(CodeCorrection).where(
            CodeCorrection.programme_id == run.programme_id,
            CodeCorrection.codebook == code.codebook,
            CodeCorrection.key == code.key,
            # One of the two is set (ONE_SOURCE), and it names the text.
            CodeCorrection.answer_id == code.answer_id
            if code.answer_id is not None
            else CodeCorrection.comment_id == code.comment_id,
        )
    ).scalar_one_or_none()
    if correction is None:
        correction = CodeCorrection(
            programme_id=run.programme_id,
            answer_id=code.answer_id,
            comment_id=code.comment_id,
            codebook=code.codebook,
            key=code.key,
            applies=applies,
        )
        db.session.add(correction)
    correction.applies, correction.by_id = applies, actor.id
    code.applied, code.by_lead = applies, True
    db.session.flush()
    audit.record(actor.id, "code_corrected", run, f"codebook={code.codebook.value} applies={applies}")


@words_erased.connect
def _forget_erased_codes(sender: object, answer_ids: list[int], comment_ids: list[int]) -> None:
    """A person's words are being erased: their codes and the corrections made on them go too."""
    del sender
    for model in (TextCode, CodeCorrection):
        db.session.execute(delete(model).where(or_(model.answer_id.in_(answer_ids), model.comment_id.in_(comment_ids))))
