"""Concurrent respondents against gunicorn: does every submission arrive exactly once, and how fast?

    python bench/submit.py --db sqlite --respondents 50
    python bench/submit.py --db postgres --respondents 50   # uses DATABASE_URL or the local test database

Each respondent answers every page of the demo survey with its own cookies and CSRF tokens, then
submits; a share of them double-submit (two POSTs at the same moment). Then, for a ceiling, a bare Flask
page (bench/bare.py) is served by gunicorn with the same settings and requested by the same number of
clients, as often each as a respondent requested pages; Engage's pages per second are reported as a share
of that. The last line printed is JSON.
"""

from __future__ import annotations

import argparse
import html
import http.cookiejar
import json
import os
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

POSTGRES_DEFAULT = "postgresql://postgres@127.0.0.1:5432/test"
TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')
RADIO = re.compile(r'<input[^>]*type="(?:radio|checkbox)"[^>]*>')
REFERENCE = re.compile(r"<strong>((?:ENG)-[A-Z0-9-]+)</strong>")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


class Respondent:
    """One person with their own cookies, timing every page they load."""

    def __init__(self, base: str, timings: list[float], errors: list[str], think_s: float = 0.0) -> None:
        self.base, self.timings, self.errors, self.think_s = base, timings, errors, think_s
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), NoRedirect)

    def request(self, path: str, data: dict[str, str] | None = None) -> tuple[int, str, str]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        started = time.perf_counter()
        try:
            with self.opener.open(self.base + path, data=body, timeout=60) as reply:
                status, text, location = reply.status, reply.read().decode(), reply.headers.get("Location", "")
        except urllib.error.HTTPError as error:
            status, text, location = (
                error.code,
                error.read().decode(errors="replace"),
                error.headers.get("Location", ""),
            )
        self.timings.append(time.perf_counter() - started)
        if status >= 500:
            self.errors.append(f"{status} {path}")
        return status, text, location

    def page(self, path: str) -> tuple[str, str]:
        time.sleep(self.think_s)  # reading the page and answering, before the next request
        _, text, _ = self.request(path)
        match = TOKEN.search(text)
        return text, (match.group(1) or match.group(2)) if match else ""

    def take_survey(self, slug: str, double_submit: bool, rng: random.Random) -> str | None:
        """Answer every page and submit; returns the reference shown on the confirmation page."""
        _, token = self.page(f"/surveys/{slug}")
        _, _, location = self.request(f"/surveys/{slug}/start", {"csrf_token": token})
        for _ in range(40):
            path = urllib.parse.urlsplit(location).path
            if "/questions/" not in path:
                break
            text, token = self.page(path)
            data = {"csrf_token": token, "action": "next"}
            radios = [html.unescape(re.search(r'value="([^"]*)"', tag).group(1)) for tag in RADIO.findall(text)]
            if radios:
                data["answer"] = rng.choice(radios)
            elif "<textarea" in text or 'type="text"' in text:
                data["answer"] = "Evening appointments and one number to call would help."
            _, _, location = self.request(path, data)
        _, token = self.page(f"/surveys/{slug}/contact")
        self.request(f"/surveys/{slug}/contact", {"csrf_token": token})
        _, token = self.page(f"/surveys/{slug}/check")
        if double_submit:
            results: list[int] = []
            threads = [
                threading.Thread(
                    target=lambda: results.append(self.request(f"/surveys/{slug}/submit", {"csrf_token": token})[0])
                )
                for _ in range(2)
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
        else:
            self.request(f"/surveys/{slug}/submit", {"csrf_token": token})
        text, _ = self.page(f"/surveys/{slug}/confirmation")
        match = REFERENCE.search(text)
        return match.group(1) if match else None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def prepare(env: dict[str, str]) -> None:
    flask = [sys.executable, "-m", "flask", "--app", "wsgi"]
    if "DATABASE_URL" in env:
        reset = (
            "from engage import create_app; from engage.extensions import db; from sqlalchemy import text\n"
            "app = create_app()\nwith app.app_context():\n    db.drop_all()\n"
            "    db.session.execute(text('DROP TABLE IF EXISTS alembic_version')); db.session.commit()"
        )
        subprocess.run([sys.executable, "-c", reset], cwd=ROOT, env=env, check=True)
    subprocess.run([*flask, "db", "upgrade"], cwd=ROOT, env=env, check=True, capture_output=True)
    subprocess.run([*flask, "demo"], cwd=ROOT, env=env, check=True, capture_output=True)


def count_stored(env: dict[str, str], slug: str) -> list[str]:
    script = (
        "import json; from engage import create_app; from engage.extensions import db; from sqlalchemy import select\n"
        "from engage.surveys.models import Response, ResponseStatus, Survey\n"
        "app = create_app()\nwith app.app_context():\n"
        f"    s = db.session.execute(select(Survey).where(Survey.slug == {slug!r})).scalar_one()\n"
        "    q = select(Response.reference).where(Response.survey_id == s.id,\n"
        "        Response.status == ResponseStatus.SUBMITTED, Response.source == '')\n"
        "    print(json.dumps(list(db.session.execute(q).scalars())))"
    )
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def serve(app: str, args: argparse.Namespace, env: dict[str, str], extra: list[str]) -> tuple[subprocess.Popen, str]:
    """Start gunicorn with the benchmark's settings and wait until it answers."""
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--workers", str(args.workers), "--threads", str(args.threads),
         "--bind", f"127.0.0.1:{port}", "--log-level", "warning", *extra, app],
        cwd=ROOT, env=env,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(base + "/", timeout=1).close()
            break
        except urllib.error.HTTPError:
            break  # it answered
        except OSError:
            time.sleep(0.2)
    return server, base


def _tree_cpu_s(root: int) -> float:
    """CPU seconds used so far by a process and all its descendants (Linux /proc)."""
    children: dict[int, list[int]] = {}
    ticks: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # it ended while we looked
        children.setdefault(int(fields[1]), []).append(int(entry.name))
        ticks[int(entry.name)] = int(fields[11]) + int(fields[12])
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += ticks.get(pid, 0)
        todo += children.get(pid, [])
    return total / os.sysconf("SC_CLK_TCK")


def wait_until_idle(server: subprocess.Popen, limit_s: float = 120.0) -> float:
    """Wait until the server's processes stop working on their own (each worker's analysis job runner
    imports its libraries and loads its models at start, several seconds of CPU), so the timed run
    measures requests, not start-up. Returns the seconds waited."""
    started = time.perf_counter()
    before = _tree_cpu_s(server.pid)
    quiet = 0
    while time.perf_counter() - started < limit_s and quiet < 2:
        time.sleep(0.5)
        now = _tree_cpu_s(server.pid)
        quiet = quiet + 1 if now - before < 0.05 else 0
        before = now
    return time.perf_counter() - started


def bare_limit(args: argparse.Namespace, env: dict[str, str], per_client: int) -> float:
    """Pages per second of a bare Flask page, same gunicorn settings, same clients, same number of requests."""
    server, base = serve("bare:app", args, env, ["--pythonpath", str(ROOT / "bench")])
    try:
        timings: list[float] = []
        client = Respondent(base, timings, [])
        for _ in range(20):  # warm-up, untimed
            client.request("/")
        timings.clear()

        def run() -> None:
            respondent = Respondent(base, timings, [])
            for _ in range(per_client):
                respondent.request("/")

        started = time.perf_counter()
        threads = [threading.Thread(target=run) for _ in range(args.respondents)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return len(timings) / (time.perf_counter() - started)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--respondents", type=int, default=50)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--think-ms", type=int, default=0, help="pause per page, as a person reading (0: none)")
    parser.add_argument("--double-share", type=float, default=0.2, help="share of respondents who double-submit")
    parser.add_argument(
        "--no-bare", dest="bare", action="store_false", help="skip measuring a bare Flask page as the ceiling"
    )
    args = parser.parse_args()

    from engage.surveys.demo import SLUG

    workdir = Path(tempfile.mkdtemp(prefix="engage-bench-"))
    env = {**os.environ, "SECRET_KEY": "bench-secret-key-" + "x" * 40, "HF_HUB_OFFLINE": "1"}
    if args.db == "postgres":
        env["DATABASE_URL"] = os.environ.get("DATABASE_URL", POSTGRES_DEFAULT)
    else:
        env.pop("DATABASE_URL", None)
        env["ENGAGE_SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{workdir / 'bench.sqlite'}"
    prepare(env)

    server, base = serve("wsgi:app", args, env, [])
    try:
        print(f"waited {wait_until_idle(server):.1f} s for the server to finish starting", file=sys.stderr)
        # Warm-up, untimed: each worker compiles its templates and opens its database connections once.
        warm_errors: list[str] = []
        for i in range(2 * args.workers):
            Respondent(base, [], warm_errors).take_survey(SLUG, False, random.Random(-i))
        baseline = set(count_stored(env, SLUG))
        timings: list[float] = []
        errors: list[str] = [*warm_errors]
        references: list[str | None] = [None] * args.respondents
        rng = random.Random(0)
        doubles = set(rng.sample(range(args.respondents), round(args.respondents * args.double_share)))

        def run(i: int) -> None:
            try:
                respondent = Respondent(base, timings, errors, args.think_ms / 1000)
                references[i] = respondent.take_survey(SLUG, i in doubles, random.Random(i))
            except Exception as error:  # a crashed respondent is counted, not fatal
                errors.append(f"respondent {i}: {error!r}")

        started = time.perf_counter()
        threads = [threading.Thread(target=run, args=(i,)) for i in range(args.respondents)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - started
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)

    pages_per_s = len(timings) / elapsed
    bare = bare_limit(args, env, max(1, round(len(timings) / args.respondents))) if args.bare else None
    stored = [ref for ref in count_stored(env, SLUG) if ref not in baseline]
    confirmed = [r for r in references if r]
    shutil.rmtree(workdir, ignore_errors=True)
    ordered = sorted(timings)
    result = {
        "db": args.db,
        "respondents": args.respondents,
        "think_ms": args.think_ms,
        "submitted": len(confirmed),
        "stored": len(stored),
        "lost": len(set(confirmed) - set(stored)) + (args.respondents - len(confirmed)),
        "duplicates": len(stored) - len(set(stored)) + max(0, len(set(stored)) - len(set(confirmed))),
        "errors_5xx": sum(1 for e in errors if e[:1] == "5"),
        "p50_ms": round(1000 * statistics.median(ordered), 1),
        "p95_ms": round(1000 * ordered[int(0.95 * (len(ordered) - 1))], 1),
        "pages_per_s": round(pages_per_s, 1),
        "bare_pages_per_s": round(bare, 1) if bare else None,
        "share_of_bare": round(pages_per_s / bare, 3) if bare else None,
    }
    for error in errors[:10]:
        print("error:", error, file=sys.stderr)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
