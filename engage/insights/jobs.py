"""Analysis jobs: each runs in a process of its own, forked from a warm fork server, or on an RQ worker.

The web process never imports the analysis libraries (BERTopic brings in torch: about 6 s and 700 MB).
By default each web process starts a fork server when it starts (`warm`), which imports them once; every
job is then a fresh process forked from it, so it starts in milliseconds and a job that dies takes nothing
else with it. A thread in the web process waits for the job and marks the run failed if it dies. With
REDIS_URL set, the job goes on the `engage` queue for `flask --app wsgi worker`, which imports them once too.
Either way the job reads its inputs from the database, records its stage and progress on the AnalysisRun,
notices a cancel request at each step, and writes all its results in one transaction.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.forkserver
import os
import threading
from typing import TYPE_CHECKING, Any

import numpy as np
from flask import Flask, current_app
from flask_login import user_logged_in
from sqlalchemy import delete, insert, select, update
from sqlalchemy.exc import SQLAlchemyError

from engage.auth.models import Role, User
from engage.extensions import db
from engage.insights import coding
from engage.insights.models import (
    AnalysisRun,
    RunStatus,
    TextEmbedding,
    Theme,
    ThemeAssignment,
    ThemeOutcome,
    ThemeQuote,
    secondary_links,
)
from engage.insights.services import STOPPED, Source, assigned_keys, scope_sources
from engage.timeutil import utcnow
from engage.transaction import after_commit

if TYPE_CHECKING:
    from analysis.sentiment import Assessment

QUEUE = "engage"
FIT, ASSIGN = "fit", "assign"
# Imported once by the fork server (or an RQ worker): what every job needs, with its models loaded.
PRELOAD = ["engage.insights.preload"]
# Settings a job takes from the web app that started it (the rest come from the environment, as for the app).
JOB_SETTINGS = ("SQLALCHEMY_DATABASE_URI", "SECRET_KEY", "JOB_STALLED_SECONDS", "UPLOAD_DIR")
_forks = multiprocessing.get_context("forkserver")


def split_mode(theme_id: int, parts: int) -> str:
    """The job mode that re-themes one theme's texts into a few smaller themes."""
    return f"split:{theme_id}:{parts}"


class Cancelled(Exception):
    """The lead asked the run to stop."""


def enqueue(run: AnalysisRun, mode: str = FIT) -> None:
    """Start the job once the run is committed (the job reads it from the database)."""
    run_id, app = run.id, current_app._get_current_object()  # type: ignore[attr-defined]
    after_commit(lambda: start(app, run_id, mode))


def warm() -> None:
    """Start this process's fork server now: it imports the analysis libraries while nobody waits."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")  # read when the libraries are imported: never download
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")  # the tokenizer's threads do not survive a fork
    _forks.set_forkserver_preload(PRELOAD)
    multiprocessing.forkserver.ensure_running()


@user_logged_in.connect
def _warm_for_analysts(app: Flask, user: User, **_: object) -> None:
    """A lead or an admin who signs in may start an analysis within the minute: have the job runner load
    while they find their way to it, not when they reach the analysis page (a passer-by never loads it)."""
    if user.role in (Role.LEAD, Role.ADMIN) and not app.config.get("REDIS_URL"):
        warm()


def start(app: Flask, run_id: int, mode: str) -> None:
    """Start the job on Redis if configured, otherwise in a process of its own watched by a thread."""
    redis_url = app.config.get("REDIS_URL")
    if redis_url:
        from redis import Redis
        from rq import Queue

        Queue(QUEUE, connection=Redis.from_url(redis_url)).enqueue(rq_job, run_id, mode, job_timeout=3600)
        return
    warm()
    settings = {name: app.config[name] for name in JOB_SETTINGS if name in app.config}
    process = _forks.Process(target=job_process, args=(run_id, mode, settings), name=f"analysis-{run_id}")
    threading.Thread(target=_watch, args=(app, run_id, process), daemon=True).start()


def job_process(run_id: int, mode: str, settings: dict[str, Any]) -> None:
    """The job's own process: build the app with the web app's database and key, then run the job."""
    from engage import create_app

    app = create_app(settings)
    with app.app_context():
        execute(run_id, mode)
        db.engine.dispose()


def _watch(app: Flask, run_id: int, process: Any) -> None:
    """Start the job's process and wait for it; if it dies (killed, out of memory), mark the run failed at once.

    Starting waits for the fork server to finish importing, so it happens here rather than in the request.
    """
    try:
        process.start()
    except OSError:  # the fork server could not start or died while loading: say so rather than wait for ever
        app.logger.exception("Analysis run %s could not start", run_id)
        with app.app_context():
            _finish_if_unfinished(run_id, STOPPED)
        return
    process.join()
    if process.exitcode != 0:
        with app.app_context():
            _finish_if_unfinished(run_id, STOPPED)


def _finish_if_unfinished(run_id: int, error: str) -> None:
    run = db.session.get(AnalysisRun, run_id)
    if run is not None and not run.status.finished:
        _finish(run_id, RunStatus.FAILED, "Failed", error)


def rq_job(run_id: int, mode: str) -> None:
    """Entry point on an RQ worker (`flask --app wsgi worker`): build the app from the environment, then run."""
    from engage import create_app

    with create_app().app_context():
        try:
            execute(run_id, mode)
        finally:
            db.engine.dispose()  # a worker process runs many jobs: do not leave connections behind


def _progress(run_id: int, stage: str, fraction: float) -> None:
    cancel = db.session.execute(select(AnalysisRun.cancel_requested).where(AnalysisRun.id == run_id)).scalar()
    if cancel:
        raise Cancelled
    run = db.session.get(AnalysisRun, run_id)
    if run is not None:
        run.stage, run.progress, run.heartbeat_at = stage, round(fraction, 3), utcnow()
        db.session.commit()


def embeddings_for(texts: list[str], run_id: int) -> np.ndarray:
    """Embeddings from the store; only texts never seen before are encoded (then stored)."""
    digests = [TextEmbedding.digest_of(t) for t in texts]
    known: dict[str, bytes] = {}
    unique = list(dict.fromkeys(digests))
    for start in range(0, len(unique), 500):
        chunk = unique[start : start + 500]
        rows = db.session.execute(
            select(TextEmbedding.digest, TextEmbedding.vector).where(TextEmbedding.digest.in_(chunk))
        )
        known.update({digest: vector for digest, vector in rows})
    missing = [i for i, d in enumerate(digests) if d not in known]
    if missing:
        _progress(run_id, f"Reading {len(missing):,} new comments", 0.1)
        from analysis.embeddings import encode

        fresh = encode([texts[i] for i in missing])
        for i, vector in zip(missing, fresh, strict=True):
            if digests[i] not in known:
                known[digests[i]] = vector.astype(np.float16).tobytes()
                db.session.add(TextEmbedding(digest=digests[i], vector=known[digests[i]]))
        db.session.commit()
    return np.stack([np.frombuffer(known[d], dtype=np.float16).astype(np.float32) for d in digests])


class Heartbeat:
    """Records that the job is alive every few seconds, from a thread, whatever step it is in.

    Long steps (fitting themes) report no progress for a while; the heartbeat lets a dead job be told
    apart from a slow one within JOB_STALLED_SECONDS (see insights.services.check_stalled).
    """

    def __init__(self, run_id: int) -> None:
        self.run_id, self.engine = run_id, db.engine
        self.interval = float(current_app.config["JOB_STALLED_SECONDS"]) / 4
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._beat, daemon=True)

    def _beat(self) -> None:
        while not self.stopped.wait(self.interval):
            try:
                with self.engine.begin() as connection:  # its own connection: the job's transaction is untouched
                    connection.execute(
                        update(AnalysisRun).where(AnalysisRun.id == self.run_id).values(heartbeat_at=utcnow())
                    )
            except SQLAlchemyError:
                continue  # the database was busy or away for a moment: the next beat tries again

    def __enter__(self) -> Heartbeat:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stopped.set()
        self.thread.join()


def execute(run_id: int, mode: str = FIT) -> None:
    """Run one analysis job to completion, failure or cancellation."""
    run = db.session.get(AnalysisRun, run_id)
    if run is None or run.status in (RunStatus.CANCELLED, RunStatus.RUNNING):
        return
    run.status, run.started_at, run.heartbeat_at = RunStatus.RUNNING, utcnow(), utcnow()
    run.stage, run.progress, run.error = "Starting", 0.0, ""
    db.session.commit()
    with Heartbeat(run_id):
        _run_step(run, run_id, mode)


def _run_step(run: AnalysisRun, run_id: int, mode: str) -> None:
    try:
        if mode == ASSIGN:
            _assign_new(run)
        elif mode.startswith("split:"):
            _, theme_id, parts = mode.split(":")
            _split(run, int(theme_id), int(parts))
        else:
            _fit(run)
    except Cancelled:
        db.session.rollback()
        _finish(run_id, RunStatus.CANCELLED, "Cancelled", "")
    except Exception as error:  # a failed job must be recorded, whatever went wrong
        db.session.rollback()
        current_app.logger.exception("Analysis run %s failed", run_id)
        _finish(run_id, RunStatus.FAILED, "Failed", f"The analysis could not finish: {type(error).__name__}.")


def _finish(run_id: int, status: RunStatus, stage: str, error: str) -> None:
    run = db.session.get(AnalysisRun, run_id)
    if run is not None:
        run.status, run.stage, run.error, run.finished_at = status, stage, error, utcnow()
        run.cancel_requested = False
        db.session.commit()


def _fit(run: AnalysisRun) -> None:
    from analysis.sentiment import assess_all, kind
    from analysis.themes import find_themes

    run_id = run.id
    sources = scope_sources(run)
    if not sources:
        _finish(
            run_id,
            RunStatus.FAILED,
            "Failed",
            "There are no answers to analyse in this scope. Widen the dates or add questions.",
        )
        return
    texts = [source.text for source in sources]
    _progress(run_id, "Loading comments", 0.05)
    vectors = embeddings_for(texts, run_id)
    _progress(run_id, "Reading what each comment says", 0.15)
    assessments = assess_all(texts)
    kinds = [kind(text, assessment) for text, assessment in zip(texts, assessments, strict=True)]
    scores = [a.score for a in assessments]
    result = find_themes(
        texts,
        seed=run.seed,
        n_themes=run.n_themes,
        embeddings=vectors,
        progress=lambda s, f: _progress(run_id, s, f),
        kinds=kinds,
    )
    _progress(run_id, "Coding against the core offer and the NHS framework", 0.9)
    codes = coding.code_texts(run, sources, vectors)
    _progress(run_id, "Saving themes", 0.95)
    # One transaction: old results go and new ones arrive together, so nobody sees half a run.
    run = db.session.get(AnalysisRun, run_id)
    db.session.execute(delete(ThemeAssignment).where(ThemeAssignment.run_id == run_id))
    db.session.execute(delete(Theme).where(Theme.run_id == run_id))
    coding.replace_codes(run_id, codes)
    themes = []
    for position, (theme, centre) in enumerate(zip(result.themes, result.centroids, strict=True)):
        members = [i for i, k in enumerate(result.assignments) if k == position]
        themes.append(
            Theme(
                run_id=run_id,
                position=position,
                label=theme.label,
                machine_label=theme.label,
                keywords=theme.keywords,
                size=theme.size,
                mean_sentiment=float(np.mean([scores[i] for i in members])) if members else 0.0,
                quotes=ThemeQuote.of(
                    [sources[i].answer_id for i in theme.quotes if sources[i].answer_id],
                    [sources[i].comment_id for i in theme.quotes if sources[i].comment_id],
                ),
                centroid=np.asarray(centre, dtype=np.float32).tobytes(),
            )
        )
    db.session.add_all(themes)
    db.session.flush()
    also = result.secondary(texts, vectors)
    # Rows, not one ORM object per text: for 10,000 texts the objects took longer than writing them.
    rows = [
        _assignment_row(run_id, themes[k] if k >= 0 else None, source, assessments[i], kinds[i])
        for i, (source, k) in enumerate(zip(sources, result.assignments, strict=True))
    ]
    ids = db.session.scalars(insert(ThemeAssignment).returning(ThemeAssignment.id, sort_by_parameter_order=True), rows)
    links = [{"assignment_id": a, "theme_id": themes[j].id} for a, js in zip(ids, also, strict=True) for j in js]
    if links:
        db.session.execute(insert(secondary_links), links)
    run.text_count, run.status, run.stage, run.progress = len(texts), RunStatus.DONE, "Done", 1.0
    run.finished_at = utcnow()
    db.session.commit()


def _split(run: AnalysisRun, theme_id: int, parts: int) -> None:
    """Re-theme the texts of one theme into smaller themes, in place of it, in one transaction."""
    from analysis.themes import SECONDARY_MAX, find_themes

    run_id = run.id
    theme = db.session.get(Theme, theme_id)
    if theme is None or theme.run_id != run_id:
        _finish(run_id, RunStatus.FAILED, "Failed", "That theme is not part of this analysis.")
        return
    members = list(db.session.execute(select(ThemeAssignment).where(ThemeAssignment.theme_id == theme_id)).scalars())
    texts = [m.text for m in members]
    vectors = embeddings_for(texts, run_id)
    result = find_themes(
        texts,
        seed=run.seed,
        n_themes=parts,
        embeddings=vectors,
        progress=lambda s, f: _progress(run_id, s, f),
        kinds=[m.kind for m in members],
    )
    if len(result.themes) < 2:
        _finish(run_id, RunStatus.DONE, "Done", "")
        run = db.session.get(AnalysisRun, run_id)
        run.error = "That theme's comments are too alike to split."
        db.session.commit()
        return
    start = max(t.position for t in run.themes) + 1
    new = []
    for k, (found, centre) in enumerate(zip(result.themes, result.centroids, strict=True)):
        scores = [m.sentiment for m, theme_index in zip(members, result.assignments, strict=True) if theme_index == k]
        new.append(
            Theme(
                run_id=run_id,
                position=start + k,
                label=found.label,
                machine_label=found.label,
                keywords=found.keywords,
                size=found.size,
                mean_sentiment=float(np.mean(scores)) if scores else 0.0,
                quotes=ThemeQuote.of(
                    [members[i].answer_id for i in found.quotes if members[i].answer_id],
                    [members[i].comment_id for i in found.quotes if members[i].comment_id],
                ),
                centroid=np.asarray(centre, dtype=np.float32).tobytes(),
            )
        )
    db.session.add_all(new)
    db.session.flush()
    also = result.secondary(texts, vectors)
    for member, k, others in zip(members, result.assignments, also, strict=True):
        member.theme_id = new[k].id if k >= 0 else None
        member.also = ([new[j] for j in others] + member.also)[:SECONDARY_MAX]
    _move_secondary(theme_id, new, run_id)
    db.session.add(ThemeOutcome.of(theme, "split", ", ".join(part.label for part in new)))
    db.session.delete(theme)
    run = db.session.get(AnalysisRun, run_id)
    run.status, run.stage, run.progress, run.finished_at = RunStatus.DONE, "Done", 1.0, utcnow()
    db.session.commit()


def _move_secondary(theme_id: int, parts: list[Theme], run_id: int) -> None:
    """Texts of other themes that also raised a theme being split now raise whichever part is nearest them."""
    raising = list(
        db.session.execute(
            select(ThemeAssignment).join(secondary_links).where(secondary_links.c.theme_id == theme_id)
        ).scalars()
    )
    if not raising:
        return
    centroids = np.stack([np.frombuffer(part.centroid, dtype=np.float32) for part in parts])
    nearest = (embeddings_for([a.text for a in raising], run_id) @ centroids.T).argmax(axis=1)
    for assignment, k in zip(raising, nearest, strict=True):
        assignment.also = [t for t in assignment.also if t.id != theme_id] + [parts[int(k)]]


def _assignment_row(
    run_id: int, theme: Theme | None, source: Source, assessment: Assessment, kind: str
) -> dict[str, Any]:
    return {
        "run_id": run_id,
        "theme_id": theme.id if theme is not None else None,
        "answer_id": source.answer_id,
        "comment_id": source.comment_id,
        "sentiment": assessment.score,
        "sentiment_label": assessment.label,
        "kind": kind,
    }


def _assignment(run_id: int, theme: Theme | None, source: Source, assessment: Assessment, kind: str) -> ThemeAssignment:
    return ThemeAssignment(**_assignment_row(run_id, theme, source, assessment, kind))


def _assign_new(run: AnalysisRun) -> None:
    """Give texts that arrived after the run the theme whose centre is nearest, without refitting."""
    from analysis.sentiment import assess_all, kind
    from analysis.themes import has_words, secondary_themes

    run_id = run.id
    done = assigned_keys(run)
    sources = [source for source in scope_sources(run) if source.key not in done]
    themes = list(run.themes)
    if sources and themes:
        centroids = np.stack([np.frombuffer(t.centroid, dtype=np.float32) for t in themes])
        texts = [source.text for source in sources]
        vectors = embeddings_for(texts, run_id)
        closest = (vectors @ centroids.T).argmax(axis=1)
        nearest = [int(k) if has_words(text) else -1 for k, text in zip(closest, texts, strict=True)]
        also = secondary_themes(texts, vectors, centroids, nearest)
        assessments = assess_all(texts)
        for source, k, others, result in zip(sources, nearest, also, assessments, strict=True):
            theme = themes[k] if k >= 0 else None
            assignment = _assignment(run_id, theme, source, result, kind(source.text, result))
            assignment.also = [themes[j] for j in others]
            db.session.add(assignment)
            if theme is not None:
                theme.mean_sentiment = (theme.mean_sentiment * theme.size + result.score) / (theme.size + 1)
                theme.size += 1
        coding.add_codes(coding.code_texts(run, sources, vectors))
    run = db.session.get(AnalysisRun, run_id)
    run.text_count += len(sources)
    run.status, run.stage, run.progress, run.finished_at = RunStatus.DONE, "Done", 1.0, utcnow()
    db.session.commit()
