"""How long the lead's and the public's heaviest pages take when a survey has 20,000 responses.

    .venv/bin/python bench/pages.py                      # SQLite, 20,000 responses
    .venv/bin/python bench/pages.py --db postgres        # DATABASE_URL or the local test database
    .venv/bin/python bench/pages.py --responses 5000

It builds a fresh database (migrations, then `flask demo`, whose analysis themes the demo survey), adds
N submitted responses to the demo survey (a rating and a real comment from the demo sample each, every
comment put in one of the demo analysis's themes, as a finished analysis would), then requests each page
as the demo lead through the app in this process (so the figure is the server's own time, without a
network) and prints the median of three requests per page, plus the number of SQL statements each ran.
The last line printed is JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import event, insert, select, text  # noqa: E402

from engage import create_app  # noqa: E402
from engage.demo import PROGRAMME_SLUG, load_demo  # noqa: E402
from engage.extensions import db  # noqa: E402
from engage.insights.models import AnalysisRun, RunStatus, Theme, ThemeAssignment  # noqa: E402
from engage.surveys.demo import SLUG, selected_rows  # noqa: E402
from engage.surveys.models import Answer, Channel, Format, Response, ResponseStatus, Survey  # noqa: E402
from engage.timeutil import utcnow  # noqa: E402

POSTGRES_DEFAULT = "postgresql://postgres@127.0.0.1:5432/test"
PASSWORD = "bench password"  # noqa: S105 (the demo accounts, in a throwaway database)


def _fresh_postgres(url: str) -> None:
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "b" * 40})
    with app.app_context():
        db.session.execute(text("DROP SCHEMA public CASCADE"))
        db.session.execute(text("CREATE SCHEMA public"))
        db.session.commit()
        db.engine.dispose()


def _fill(survey: Survey, n: int) -> None:
    """n submitted responses with a rating and a real comment, each comment in one of the analysis's themes."""
    rating, good, better = survey.questions[0], survey.questions[1], survey.questions[2]
    comments = [row["feedback"] for row in selected_rows(limit=None)]
    run = (
        db.session.execute(
            select(AnalysisRun).where(AnalysisRun.status == RunStatus.DONE).order_by(AnalysisRun.id.desc())
        )
        .scalars()
        .first()
    )
    themes = [t.id for t in db.session.execute(select(Theme).where(Theme.run_id == run.id)).scalars()]
    now = utcnow()
    for start in range(0, n, 2000):
        batch = range(start, min(n, start + 2000))
        ids = (
            db.session.execute(
                insert(Response).returning(Response.id),
                [
                    {
                        "survey_id": survey.id,
                        "reference": f"BEN-{k:08d}",
                        "status": ResponseStatus.SUBMITTED,
                        "channel": Channel.ONLINE if k % 5 else Channel.PAPER,
                        "formats": Format.STANDARD.value if k % 7 else Format.EASY_READ.value,
                        "current_format": Format.STANDARD,
                        "started_at": now,
                        "updated_at": now,
                        "submitted_at": now,
                        "assisted_by": "",
                        "source": "benchmark",
                    }
                    for k in batch
                ],
            )
            .scalars()
            .all()
        )
        answers = []
        for k, response_id in zip(batch, ids, strict=True):
            answers.append(
                {"response_id": response_id, "question_id": rating.id, "text": "", "choices": [str(k % 5 + 1)]}
            )
            question = good if k % 2 else better
            answers.append({"response_id": response_id, "question_id": question.id, "text": comments[k % len(comments)],
                            "choices": []})  # fmt: skip
        db.session.execute(insert(Answer), answers)
        text_ids = (
            db.session.execute(
                select(Answer.id).where(Answer.response_id.in_(ids), Answer.text != "").order_by(Answer.id)
            )
            .scalars()
            .all()
        )
        db.session.execute(
            insert(ThemeAssignment),
            [
                {"run_id": run.id, "theme_id": themes[i % len(themes)], "answer_id": answer_id, "sentiment": 0.0,
                 "sentiment_label": "neutral"}
                for i, answer_id in enumerate(text_ids)
            ],
        )  # fmt: skip
    db.session.commit()


def _time(client: Any, engine: Any, url: str) -> tuple[float, int, int]:
    queries = 0

    def count(*args: object) -> None:
        nonlocal queries
        queries += 1

    timings = []
    for attempt in range(4):  # the first request warms caches and is not counted
        queries = 0
        event.listen(engine, "before_cursor_execute", count)
        started = time.perf_counter()
        response = client.get(url)
        body = response.get_data()
        elapsed = time.perf_counter() - started
        event.remove(engine, "before_cursor_execute", count)
        if attempt:
            timings.append(elapsed)
    assert response.status_code == 200, (url, response.status_code)
    return statistics.median(timings), queries, len(body)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--responses", type=int, default=20_000)
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="engage-bench-pages-")
    if args.db == "postgres":
        url = os.environ.get("DATABASE_URL") or POSTGRES_DEFAULT
        _fresh_postgres(url)
    else:
        url = f"sqlite:///{folder}/engage.sqlite"
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": "b" * 40,
            "WTF_CSRF_ENABLED": False,
            "DEMO_PASSWORD": PASSWORD,
            "UPLOAD_DIR": f"{folder}/uploads",
            "MFA_ROLES": [],  # the pages are timed, not signing in (bench/signin.py times that)
        }
    )
    with app.app_context():
        upgrade()
        started = time.perf_counter()
        load_demo()
        db.session.commit()
        demo_s = time.perf_counter() - started
        survey = db.session.execute(select(Survey).where(Survey.slug == SLUG)).scalar_one()
        started = time.perf_counter()
        _fill(survey, args.responses)
        fill_s = time.perf_counter() - started
        survey_id, question_id = survey.id, survey.questions[2].id
        run = (
            db.session.execute(
                select(AnalysisRun).where(AnalysisRun.status == RunStatus.DONE).order_by(AnalysisRun.id.desc())
            )
            .scalars()
            .first()
        )
        theme_id = max(run.themes, key=lambda t: t.id).id
        responses = db.session.execute(text("SELECT count(*) FROM response WHERE status = 'submitted'")).scalar_one()
        engine = db.engine
    client = app.test_client()
    signed_in = client.post("/login", data={"email": "lead@demo.engage.test", "password": PASSWORD})
    assert signed_in.status_code == 302, "the demo lead signs in"
    pages = {
        "results": f"/surveys/manage/{survey_id}/results",
        "text answers": f"/surveys/manage/{survey_id}/results/{question_id}",
        "export csv": f"/surveys/manage/{survey_id}/export.csv",
        "export xlsx": f"/surveys/manage/{survey_id}/export.xlsx",
        "analysis": f"/insights/runs/{run.id}",
        "theme": f"/insights/themes/{theme_id}",
        "board": f"/programmes/{PROGRAMME_SLUG}/you-said-we-did",
        "easy read board": f"/programmes/{PROGRAMME_SLUG}/you-said-we-did/easy-read",
        "statements": f"/you-said-we-did/{PROGRAMME_SLUG}",
        "summary report": f"/you-said-we-did/{PROGRAMME_SLUG}/report",
    }
    rows = []
    print(f"{args.db}: {responses:,} submitted responses (demo {demo_s:.1f} s, fill {fill_s:.1f} s)")
    print(f"{'page':<18} {'median s':>9} {'queries':>8} {'KB':>8}")
    for name, page in pages.items():
        seconds, queries, size = _time(client, engine, page)
        rows.append({"page": name, "median_s": round(seconds, 3), "queries": queries, "kb": round(size / 1024)})
        print(f"{name:<18} {seconds:>9.3f} {queries:>8} {size / 1024:>8.0f}")
    print(json.dumps({"db": args.db, "responses": responses, "pages": rows}))


if __name__ == "__main__":
    main()
