"""From a lead's click on "Start analysis" to themes on the page, through the real path.

    .venv/bin/python bench/job.py                  # SQLite
    .venv/bin/python bench/job.py --db postgres    # DATABASE_URL or the local test database

It builds a fresh database with the demo (300 comments over two questions), serves Engage with gunicorn and
the repository's gunicorn.conf.py, signs in as the demo lead and, as a browser would, posts the analysis
form, then asks the run's progress (the page's own progress.json) every 50 ms until it is done. Timed:

- the first analysis after the server starts, clicked the moment the server answers (each worker's job
  runner is still loading the analysis libraries);
- the first analysis on a server that has been up for --settle seconds (the runner has loaded; no job
  has run), then the same analysis again, then one of its themes split in two;
- then 10,000 comments from ../shared/data are added and, on a fresh server, the analysis of all 10,300
  is timed as its first job (the 10,000 new comments have never been read, so they are encoded too) and
  again, with the seconds each stage the progress page showed lasted.

The last line printed is JSON.
"""

from __future__ import annotations

import argparse
import csv
import html
import http.cookiejar
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DATA = ROOT.parent / "shared" / "data" / "patient_feedback" / "phase1_text_data.csv"
POSTGRES_DEFAULT = "postgresql://postgres@127.0.0.1:5432/test"
PASSWORD = "bench password"  # noqa: S105 (the demo accounts, in a throwaway database)
TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


class Lead:
    """The demo lead in a browser of their own: cookies, CSRF tokens, no redirects followed."""

    def __init__(self, base: str) -> None:
        self.base = base
        jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)

    def request(self, path: str, data: dict[str, object] | None = None) -> tuple[int, str, str]:
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        try:
            with self.opener.open(self.base + path, body, timeout=120) as answer:
                return answer.status, answer.read().decode(), ""
        except urllib.error.HTTPError as answer:
            return answer.code, answer.read().decode(), answer.headers.get("Location", "")

    def token(self, path: str) -> str:
        _, text, _ = self.request(path)
        match = TOKEN.search(text)
        assert match, f"no form on {path}"
        return html.unescape(match.group(1) or match.group(2))

    def sign_in(self) -> None:
        data = {"csrf_token": self.token("/login"), "email": "lead@demo.engage.test", "password": PASSWORD}
        status, _, _ = self.request("/login", data)
        assert status == 302, "the demo lead signs in"

    def wait(self, run_id: int) -> str:
        """Poll until the run finishes; self.stages keeps the seconds each stage the page showed lasted."""
        self.stages: dict[str, float] = {}
        stage, since = "Posted", time.perf_counter()
        while True:
            _, text, _ = self.request(f"/insights/runs/{run_id}/progress.json")
            state = json.loads(text)
            if state["stage"] != stage or state["finished"]:
                now = time.perf_counter()
                self.stages[stage] = round(self.stages.get(stage, 0.0) + now - since, 2)
                stage, since = state["stage"], now
            if state["finished"]:
                return state["status"]
            time.sleep(0.05)

    def analyse(self, slug: str, question_ids: list[int]) -> tuple[float, int]:
        """Seconds from posting the analysis form to a finished run, and the run's id."""
        data = {"csrf_token": self.token(f"/insights/{slug}"), "title": "Timed", "questions": question_ids}
        started = time.perf_counter()
        status, _, location = self.request(f"/insights/{slug}", data)
        assert status == 302, status
        run_id = int(location.rstrip("/").split("/")[-1])
        assert self.wait(run_id) == "done"
        return time.perf_counter() - started, run_id

    def split(self, run_id: int) -> float:
        _, text, _ = self.request(f"/insights/runs/{run_id}")
        theme_id = int(re.findall(r"/insights/themes/(\d+)", text)[0])
        data = {"csrf_token": self.token(f"/insights/themes/{theme_id}"), "parts": "2"}
        started = time.perf_counter()
        status, _, _ = self.request(f"/insights/themes/{theme_id}/split", data)
        assert status == 302, status
        assert self.wait(run_id) == "done"
        return time.perf_counter() - started


def serve(env: dict[str, str]) -> tuple[subprocess.Popen, str]:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "--bind", f"127.0.0.1:{port}",
         "--log-level", "warning", "wsgi:app"],
        cwd=ROOT, env=env,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            urllib.request.urlopen(base + "/", timeout=1).close()
            break
        except urllib.error.HTTPError:
            break
        except OSError:
            time.sleep(0.1)
    return server, base


def stop(server: subprocess.Popen) -> None:
    server.terminate()
    server.wait(timeout=30)


class Served:
    """A fresh gunicorn for a few measurements, and the demo lead signed in to it."""

    def __init__(self, env: dict[str, str], settle: float = 0.0) -> None:
        self.env, self.settle = env, settle

    def __enter__(self) -> Lead:
        self.server, base = serve(self.env)
        time.sleep(self.settle)
        lead = Lead(base)
        lead.sign_in()
        return lead

    def __exit__(self, *exc: object) -> None:
        stop(self.server)


def database(url: str) -> Any:
    """An app on the benchmark's database, for setting it up from this process (it never serves)."""
    from engage import create_app
    from engage.config import database_uri

    return create_app({"SQLALCHEMY_DATABASE_URI": database_uri(url), "SECRET_KEY": "b" * 40})


def question_ids(url: str) -> list[int]:
    """The demo survey's two free-text questions, which hold its 300 comments."""
    from sqlalchemy import select

    from engage.extensions import db
    from engage.surveys.demo import SLUG
    from engage.surveys.models import Survey

    with database(url).app_context():
        survey = db.session.execute(select(Survey).where(Survey.slug == SLUG)).scalar_one()
        return [survey.questions[1].id, survey.questions[2].id]


def add_comments(url: str, n: int) -> None:
    """n submitted responses to the demo survey, each with a real comment from the shared NHS feedback."""
    from sqlalchemy import insert

    from engage.extensions import db
    from engage.surveys.models import Answer, Channel, Format, Question, Response, ResponseStatus
    from engage.timeutil import utcnow

    with DATA.open(encoding="utf-8", newline="") as handle:
        comments = [row["feedback"] for row in csv.DictReader(handle) if row["feedback"].strip()]
    random.Random(0).shuffle(comments)
    good, better = question_ids(url)
    with database(url).app_context():
        survey_id = db.session.get(Question, good).survey_id
        now = utcnow()
        rows = [
            {"survey_id": survey_id, "reference": f"BEN-{k:08d}", "status": ResponseStatus.SUBMITTED,
             "channel": Channel.ONLINE, "formats": Format.STANDARD.value, "current_format": Format.STANDARD,
             "started_at": now, "updated_at": now, "submitted_at": now, "assisted_by": "", "source": "benchmark"}
            for k in range(n)
        ]  # fmt: skip
        ids = db.session.execute(insert(Response).returning(Response.id), rows).scalars().all()
        answers = [
            {"response_id": i, "question_id": good if k % 2 else better, "text": comments[k % len(comments)],
             "choices": []}
            for k, i in enumerate(ids)
        ]  # fmt: skip
        db.session.execute(insert(Answer), answers)
        db.session.commit()
        db.engine.dispose()


def fresh_postgres(url: str) -> None:
    from sqlalchemy import text

    from engage.extensions import db

    with database(url).app_context():
        db.session.execute(text("DROP SCHEMA public CASCADE"))
        db.session.execute(text("CREATE SCHEMA public"))
        db.session.commit()
        db.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--large", type=int, default=10_000)
    parser.add_argument("--settle", type=float, default=20, help="seconds after the server starts for 'first job'")
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="engage-bench-job-")
    env = {
        **os.environ,
        "SECRET_KEY": "bench-job-secret-key-long-enough-0123456789",
        "ENGAGE_DEMO_PASSWORD": PASSWORD,
        "ENGAGE_MFA_ROLES": "[]",  # the analysis is timed, not signing in
        "ENGAGE_UPLOAD_DIR": f"{folder}/uploads",
        "HF_HUB_OFFLINE": "1",
    }
    env.pop("REDIS_URL", None)
    if args.db == "postgres":
        env["DATABASE_URL"] = os.environ.get("DATABASE_URL") or POSTGRES_DEFAULT
        fresh_postgres(env["DATABASE_URL"])
    else:
        env["DATABASE_URL"] = f"sqlite:///{folder}/engage.sqlite"
    flask = [sys.executable, "-m", "flask", "--app", "wsgi"]
    subprocess.run([*flask, "db", "upgrade"], cwd=ROOT, env=env, check=True, capture_output=True)
    subprocess.run([*flask, "demo"], cwd=ROOT, env=env, check=True, capture_output=True)
    questions = question_ids(env["DATABASE_URL"])
    from engage.demo import PROGRAMME_SLUG

    figures: dict[str, float] = {}
    large = f"{args.large + 300:,}"
    with Served(env) as lead:  # clicked the moment the server answers: the runner is still loading
        figures["300, server just started"], _ = lead.analyse(PROGRAMME_SLUG, questions)
    with Served(env, settle=args.settle) as lead:
        figures["300, first job"], _ = lead.analyse(PROGRAMME_SLUG, questions)
        figures["300, again"], run_id = lead.analyse(PROGRAMME_SLUG, questions)
        figures["split one theme"] = lead.split(run_id)
    add_comments(env["DATABASE_URL"], args.large)
    with Served(env, settle=args.settle) as lead:
        figures[f"{large}, first job"], _ = lead.analyse(PROGRAMME_SLUG, questions)
        figures[f"{large}, again"], _ = lead.analyse(PROGRAMME_SLUG, questions)
        stages = lead.stages
    for name, seconds in figures.items():
        print(f"{name:<26} {seconds:6.2f} s")
    print(f"{large} again, by the stage the page showed:")
    for name, seconds in stages.items():
        print(f"  {name:<52} {seconds:6.2f} s")
    print(json.dumps({"db": args.db, **{k: round(v, 2) for k, v in figures.items()}}))


if __name__ == "__main__":
    main()
