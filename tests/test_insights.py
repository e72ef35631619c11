"""Analysis runs: the job lifecycle in a child process and on a real Redis queue, and lead curation."""

from __future__ import annotations

import multiprocessing
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from engage.auth.models import Role, User
from engage.extensions import db
from engage.insights import jobs, services
from engage.insights import models as insight_models
from engage.insights.models import (
    AnalysisRun,
    Codebook,
    CodeCorrection,
    RunStatus,
    TextCode,
    TextEmbedding,
    Theme,
    ThemeAssignment,
    ThemeQuote,
    secondary_links,
)
from engage.programmes.models import Programme
from engage.surveys import answering
from engage.surveys.models import Answer, Survey
from engage.timeutil import utcnow
from engage.tracker.models import Quote
from tests.conftest import Auth, feedback


@pytest.fixture
def setup(
    app: Flask,
    auth: Auth,
    make_user: Callable[..., User],
    make_programme: Callable[..., Programme],
    make_survey: Callable[..., Survey],
) -> dict:
    lead = make_user(Role.LEAD)
    programme = make_programme(people=(lead,))
    survey = make_survey(programme)
    with app.app_context():
        live = db.session.get(Survey, survey.id)
        for text in [*feedback(80), "Please call me on 07700 900123, I am Sarah"]:
            response, _ = answering.start_response(live)
            answering.save_answer(response, live.questions[0], text=text)
            answering.submit(response)
        db.session.commit()
    auth.login(lead)
    return {"lead": lead, "programme": programme, "survey": survey}


def _start(client: FlaskClient, setup: dict, **extra: str) -> int:
    data = {"title": "Autumn survey", "questions": [str(setup["survey"].questions[0].id)], **extra}
    response = client.post(f"/insights/{setup['programme'].slug}", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(response.headers["Location"].split("/")[-1])


def _wait(app: Flask, run_id: int, timeout: float = 120) -> AnalysisRun:
    deadline = time.time() + timeout
    while time.time() < deadline:
        with app.app_context():
            run = db.session.get(AnalysisRun, run_id)
            if run.status.finished:
                db.session.expunge(run)
                return run
        time.sleep(0.5)
    raise AssertionError("the analysis did not finish in time")


def test_a_run_goes_from_queued_to_done_in_a_child_process(app: Flask, client: FlaskClient, setup: dict) -> None:
    run_id = _start(client, setup)
    page = client.get(f"/insights/runs/{run_id}").get_data(as_text=True)
    assert "Cancel this analysis" in page or "Run again" in page
    run = _wait(app, run_id)
    assert run.status == RunStatus.DONE and run.text_count == 81 and run.progress == 1.0
    with app.app_context():
        themes = db.session.execute(select(Theme).where(Theme.run_id == run_id)).scalars().all()
        assert 3 <= len(themes) <= 10
        assert db.session.execute(select(func.count()).select_from(ThemeAssignment)).scalar_one() == 81
        theme_id = themes[0].id
    html = client.get(f"/insights/runs/{run_id}").get_data(as_text=True)
    assert "Themes, largest first" in html and "Comments per theme" in html
    detail = client.get(f"/insights/themes/{theme_id}").get_data(as_text=True)
    assert "Representative quotes" in detail and "07700 900123" not in detail
    csv_text = client.get(f"/insights/runs/{run_id}/export.csv").get_data().decode("utf-8-sig")
    assert "[phone]" in csv_text and "07700 900123" not in csv_text and "[name]" in csv_text


def test_a_run_with_nothing_in_scope_fails_with_a_clear_message(app: Flask, client: FlaskClient, setup: dict) -> None:
    run_id = _start(client, setup, date_from="2099-01-01")
    run = _wait(app, run_id)
    assert run.status == RunStatus.FAILED and "no answers to analyse" in run.error
    assert "no answers to analyse" in client.get(f"/insights/runs/{run_id}").get_data(as_text=True)


def test_cancel_before_and_during_a_run(app: Flask, setup: dict) -> None:
    with app.app_context():
        lead = db.session.get(User, setup["lead"].id)
        programme = db.session.get(Programme, setup["programme"].id)
        scope = services.Scope(question_ids=[setup["survey"].questions[0].id])
        queued = services.create_run(lead, programme, "Queued", scope)
        services.request_cancel(lead, queued)
        assert queued.status == RunStatus.CANCELLED
        running = services.create_run(lead, programme, "Running", scope)
        running.cancel_requested = True  # the lead asks to stop just as the job starts
        db.session.commit()
        jobs.execute(running.id)
        db.session.refresh(running)
        assert running.status == RunStatus.CANCELLED and not running.themes
        db.session.commit()


def test_a_run_whose_worker_died_is_marked_failed(app: Flask, setup: dict) -> None:
    with app.app_context():
        lead = db.session.get(User, setup["lead"].id)
        run = services.create_run(
            lead,
            db.session.get(Programme, setup["programme"].id),
            "Stalled",
            services.Scope([setup["survey"].questions[0].id]),
        )
        run.status, run.heartbeat_at = RunStatus.RUNNING, utcnow() - timedelta(hours=1)
        db.session.commit()
        services.check_stalled(run)
        assert run.status == RunStatus.FAILED and "stopped unexpectedly" in run.error
        db.session.commit()


def test_the_job_runs_on_a_real_redis_queue(app: Flask, setup: dict, monkeypatch: pytest.MonkeyPatch) -> None:
    from redis import Redis
    from rq import Queue

    redis = Redis.from_url("redis://127.0.0.1:6379/15")
    redis.ping()  # no Redis is a failure here, never a skip
    redis.flushdb()
    app.config["REDIS_URL"] = "redis://127.0.0.1:6379/15"
    monkeypatch.setenv("ENGAGE_SQLALCHEMY_DATABASE_URI", app.config["SQLALCHEMY_DATABASE_URI"])
    monkeypatch.setenv("SECRET_KEY", app.config["SECRET_KEY"])
    with app.app_context():
        lead = db.session.get(User, setup["lead"].id)
        run = services.create_run(
            lead,
            db.session.get(Programme, setup["programme"].id),
            "On Redis",
            services.Scope([setup["survey"].questions[0].id]),
        )
        jobs.enqueue(run)
        run_id = run.id
        db.session.commit()
    queue = Queue(jobs.QUEUE, connection=redis)
    assert queue.count == 1
    env = {**os.environ, "REDIS_URL": app.config["REDIS_URL"]}
    env.pop("DATABASE_URL", None)
    # The worker the README starts: it loads the libraries once and forks each job from itself.
    worker = subprocess.Popen([sys.executable, "-m", "flask", "--app", "wsgi", "worker"], env=env)
    try:
        finished = _wait(app, run_id, timeout=120)
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    assert finished.status == RunStatus.DONE
    with app.app_context():
        assert db.session.execute(select(func.count()).where(Theme.run_id == run_id)).scalar_one() > 0
    redis.flushdb()


def test_lead_renames_merges_and_marks_noise(app: Flask, client: FlaskClient, setup: dict) -> None:
    run_id = _start(client, setup)
    _wait(app, run_id)
    with app.app_context():
        first, second = (
            db.session.execute(select(Theme).where(Theme.run_id == run_id).order_by(Theme.position)).scalars().all()[:2]
        )
        first_id, second_id, total = first.id, second.id, first.size + second.size
    client.post(
        f"/insights/themes/{first_id}", data={"label": "Waiting for help", "summary": "People waited too long."}
    )
    preview = client.post(f"/insights/themes/{second_id}/merge", data={"into": str(first_id)})
    assert "This cannot be undone" in preview.get_data(as_text=True), "a merge is previewed before it happens"
    with app.app_context():
        assert db.session.get(Theme, second_id) is not None, "the preview changes nothing"
    client.post(f"/insights/themes/{second_id}/merge", data={"into": str(first_id), "confirm": "yes"})
    client.post(f"/insights/themes/{first_id}/noise", data={"noise": "1"})
    with app.app_context():
        merged = db.session.get(Theme, first_id)
        assert (merged.label, merged.size, merged.is_noise) == ("Waiting for help", total, True)
        assert db.session.get(Theme, second_id) is None
        moved = select(func.count()).where(ThemeAssignment.theme_id == first_id)
        assert db.session.execute(moved).scalar_one() == total
    page = client.get(f"/insights/runs/{run_id}").get_data(as_text=True)
    assert "Set aside" in page
    with app.app_context():
        found = len(db.session.get(AnalysisRun, run_id).themes) + 1  # the merged theme is gone, not forgotten
        gone = db.session.execute(select(insight_models.ThemeOutcome)).scalar_one()
        assert (gone.outcome, gone.detail) == ("merged", "Waiting for help")
    kept = found - 2
    assert f"Engage found {found} themes. You kept {kept} ({round(kept * 100 / found)}%)" in page
    assert "merged 1, split 0 and set aside 1" in page
    runs = client.get(f"/insights/{setup['programme'].slug}").get_data(as_text=True)
    assert f"{kept} of {found} ({round(kept * 100 / found)}%)" in runs


def _links(run_id: int) -> dict[int, set[int]]:
    """Each theme of a run: the texts (assignment ids) mainly about another theme that raise it too."""
    rows = db.session.execute(
        select(secondary_links.c.theme_id, secondary_links.c.assignment_id)
        .join(ThemeAssignment, ThemeAssignment.id == secondary_links.c.assignment_id)
        .where(ThemeAssignment.run_id == run_id)
    )
    found: dict[int, set[int]] = {}
    for theme_id, assignment_id in rows:
        found.setdefault(theme_id, set()).add(assignment_id)
    return found


def _members(theme_id: int) -> set[int]:
    return set(db.session.execute(select(ThemeAssignment.id).where(ThemeAssignment.theme_id == theme_id)).scalars())


def test_comments_raising_two_themes_count_in_both_and_follow_a_merge(
    app: Flask, client: FlaskClient, setup: dict
) -> None:
    run_id = _start(client, setup)
    _wait(app, run_id)
    with app.app_context():
        links = _links(run_id)
        assert links, "some of 81 real comments raise a second theme"
        assert all(not raising & _members(theme_id) for theme_id, raising in links.items()), "never its own theme"
        target = max(links, key=lambda t: len(links[t]))
        label, size = db.session.get(Theme, target).label, len(_members(target))
        other = next(t.id for t in db.session.get(AnalysisRun, run_id).themes if t.id != target)
        expected = (links[target] | links.get(other, set())) - _members(target) - _members(other)
    page = client.get(f"/insights/themes/{target}").get_data(as_text=True)
    assert f"{len(links[target])} more mainly about another theme raise it too" in page
    listed = client.get(f"/insights/themes/{target}?also=1").get_data(as_text=True)
    assert "raise this one too" in listed and listed.count("Mainly about:") == min(len(links[target]), 25)
    exported = client.get(f"/insights/runs/{run_id}/export.csv").get_data().decode("utf-8-sig")
    assert "Also raises" in exported.splitlines()[0] and exported.count(label) > size
    client.post(f"/insights/themes/{other}/merge", data={"into": str(target), "confirm": "yes"})
    with app.app_context():
        after = _links(run_id)
        assert after.get(target, set()) == expected, "texts that raised either theme raise the merged one"
        assert other not in after
        assert all(not raising & _members(theme_id) for theme_id, raising in after.items())


def test_a_lead_corrects_codes_and_later_analyses_keep_the_correction(
    app: Flask, client: FlaskClient, auth: Auth, setup: dict, make_user: Callable[..., User]
) -> None:
    run_id = _start(client, setup)
    _wait(app, run_id)
    page = client.get(f"/insights/runs/{run_id}/codes").get_data(as_text=True)
    assert "Core offer components" in page and "NHS patient experience framework" in page
    with app.app_context():
        given = select(TextCode).where(TextCode.run_id == run_id, TextCode.codebook == Codebook.FRAMEWORK)
        code = db.session.execute(given.where(TextCode.applied.is_(True)).order_by(TextCode.id)).scalars().first()
        key, name, answer_id = code.key, code.name, code.answer_id
        coded = db.session.execute(
            select(func.count()).where(TextCode.run_id == run_id, TextCode.key == key, TextCode.applied.is_(True))
        ).scalar_one()
        nearly = db.session.execute(given.where(TextCode.applied.is_(False), TextCode.key != key)).scalars().first()
        nearly_id, nearly_key, nearly_answer = nearly.id, nearly.key, nearly.answer_id
    assert f">{coded}</td>" in page
    listed = client.get(f"/insights/runs/{run_id}/code", query_string={"book": "framework", "key": key})
    assert f"Comments coded “{name}”" in listed.get_data(as_text=True).replace("&amp;", "&")
    assert client.post(f"/insights/codes/{code.id}", data={"applies": "0"}).status_code == 302
    assert client.post(f"/insights/codes/{nearly_id}", data={"applies": "1"}).status_code == 302
    with app.app_context():
        corrections = db.session.execute(select(CodeCorrection).order_by(CodeCorrection.id)).scalars().all()
        assert [(c.answer_id, c.key, c.applies) for c in corrections] == [
            (answer_id, key, False),
            (nearly_answer, nearly_key, True),
        ]
        assert not db.session.get(TextCode, code.id).applied and db.session.get(TextCode, nearly_id).applied
    second = _start(client, setup)
    _wait(app, second)
    with app.app_context():
        later = select(TextCode.applied, TextCode.by_lead).where(TextCode.run_id == second)
        taken_off = db.session.execute(later.where(TextCode.answer_id == answer_id, TextCode.key == key)).all()
        added = db.session.execute(later.where(TextCode.answer_id == nearly_answer, TextCode.key == nearly_key)).all()
        assert [applied for applied, _ in taken_off] in ([], [False]), "the code the lead took off stays off"
        assert added == [(True, True)], "the code the lead added is given again, marked as the lead's"
    assert client.get(f"/insights/runs/{run_id}/code?book=nonsense&key=x").status_code == 404
    assert client.get(f"/insights/runs/{run_id}/code?book=framework&key=nonsense").status_code == 404
    auth.logout()
    auth.login(make_user(Role.LEAD))
    assert client.get(f"/insights/runs/{run_id}/codes").status_code == 403
    assert client.post(f"/insights/codes/{code.id}", data={"applies": "1"}).status_code == 403


def test_a_run_analysed_before_coding_says_how_to_get_codes(
    app: Flask, client: FlaskClient, setup: dict, make_run: Callable[..., tuple[int, int]]
) -> None:
    run_id, _ = make_run(setup["programme"], setup["survey"])
    assert "Codes appear here when the analysis has finished" in client.get(f"/insights/runs/{run_id}/codes").text
    with app.app_context():
        db.session.get(AnalysisRun, run_id).status = RunStatus.DONE
        db.session.commit()
    assert "This analysis has no codes" in client.get(f"/insights/runs/{run_id}/codes").text


def test_other_leads_and_members_cannot_see_runs(
    app: Flask, client: FlaskClient, auth: Auth, setup: dict, make_user: Callable[..., User]
) -> None:
    run_id = _start(client, setup)
    _wait(app, run_id)
    auth.logout()
    for role in (Role.LEAD, Role.MEMBER, Role.SAFEGUARDING):
        auth.login(make_user(role))
        assert client.get(f"/insights/runs/{run_id}").status_code == 403
        assert client.get(f"/insights/runs/{run_id}/export.csv").status_code == 403
        auth.logout()


def test_the_web_process_never_imports_torch() -> None:
    script = (
        "import sys\n"
        "from engage import create_app\n"
        "from engage.extensions import db\n"
        "app = create_app({'TESTING': True, 'SQLALCHEMY_DATABASE_URI': 'sqlite://', 'SECRET_KEY': 'x' * 40})\n"
        "with app.app_context():\n    db.create_all()\n"
        "client = app.test_client()\n"
        "for path in ['/', '/login', '/insights/nothing', '/accessibility']:\n"
        "    client.get(path)\n"
        "heavy = ('torch', 'bertopic', 'sentence_transformers', 'transformers', 'umap')\n"
        "bad = [m for m in heavy if m in sys.modules]\n"
        "print(bad)\n"
    )
    out = subprocess.run([sys.executable, "-c", script], check=True, capture_output=True, text=True)
    assert out.stdout.strip().splitlines()[-1] == "[]"


def test_stored_embeddings_are_reused_only_by_the_same_embedding_version(
    app: Flask, setup: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    texts = [
        "The crisis line never called me back",
        "My care coordinator listened",
        "The crisis line never called me back",
    ]
    with app.app_context():
        run = services.create_run(
            db.session.get(User, setup["lead"].id),
            db.session.get(Programme, setup["programme"].id),
            "Embeddings",
            services.Scope([setup["survey"].questions[0].id]),
        )
        stored = select(func.count()).select_from(TextEmbedding)
        first = jobs.embeddings_for(texts, run.id)
        assert db.session.execute(stored).scalar_one() == 2  # one per distinct text
        assert (jobs.embeddings_for(texts, run.id) == first).all()
        assert db.session.execute(stored).scalar_one() == 2  # read back, not encoded again
        monkeypatch.setattr(insight_models, "EMBEDDING_VERSION", "a later model")
        jobs.embeddings_for(texts, run.id)
        assert db.session.execute(stored).scalar_one() == 4  # the earlier model's vectors are not reused
        db.session.commit()


def test_split_a_theme_and_compare_two_runs(app: Flask, client: FlaskClient, setup: dict) -> None:
    first = _start(client, setup)
    _wait(app, first)
    with app.app_context():
        biggest = (
            db.session.execute(select(Theme).where(Theme.run_id == first).order_by(Theme.size.desc())).scalars().first()
        )
        theme_id, size, before = biggest.id, biggest.size, len(db.session.get(AnalysisRun, first).themes)
        raising = _links(first).get(theme_id, set())
    assert client.post(f"/insights/themes/{theme_id}/split", data={"parts": "2"}).status_code == 302
    _wait(app, first)
    with app.app_context():
        run = db.session.get(AnalysisRun, first)
        assert run.status == RunStatus.DONE and db.session.get(Theme, theme_id) is None
        assert len(run.themes) == before + 1 and sum(t.size for t in run.themes[-2:]) == size
        parts = {t.label for t in run.themes[-2:]}
        after = _links(first)
        moved = set().union(*(after.get(t.id, set()) for t in run.themes[-2:]))
        assert raising <= moved, "texts that raised the theme now raise one of its parts"
        split = db.session.execute(select(insight_models.ThemeOutcome)).scalar_one()
        assert split.outcome == "split" and set(split.detail.split(", ")) == parts
    assert "Choose a number of themes" in client.post(
        f"/insights/themes/{run.themes[0].id}/split", data={"parts": "9"}, follow_redirects=True
    ).get_data(as_text=True)
    second = _start(client, setup)
    _wait(app, second)
    page = client.get(f"/insights/compare?a={first}&b={second}").get_data(as_text=True)
    assert "Mostly in" in page and page.count("<tr") > 3


def test_panel_comments_can_be_themed_with_survey_answers(
    app: Flask, client: FlaskClient, setup: dict, make_user: Callable[..., User], make_review: Callable[..., dict]
) -> None:
    review = make_review(setup["programme"], make_user(Role.MEMBER))
    run_id = _start(client, setup, include_comments="y")
    run = _wait(app, run_id)
    assert run.status == RunStatus.DONE and run.text_count == 82
    with app.app_context():
        assignment = db.session.execute(
            select(ThemeAssignment).where(ThemeAssignment.comment_id == review["comment"])
        ).scalar_one()
        assert assignment.text == "Add a web form" and assignment.answer_id is None
        theme_id = assignment.theme_id
    page = client.get(f"/insights/themes/{theme_id}").get_data(as_text=True)
    assert "Panel comment" in page
    csv_text = client.get(f"/insights/runs/{run_id}/export.csv").get_data().decode("utf-8-sig")
    assert f"panel comment {review['comment']}" in csv_text


def test_sentiment_shows_in_survey_results_filters_and_exports(app: Flask, client: FlaskClient, setup: dict) -> None:
    run_id = _start(client, setup)
    _wait(app, run_id)
    survey, question = setup["survey"], setup["survey"].questions[0]
    url = f"/surveys/manage/{survey.id}/results/{question.id}"
    page = client.get(url).get_data(as_text=True)
    assert "sentiment: " in page and "What the sentiment labels mean" in page
    with app.app_context():
        negatives = db.session.execute(
            select(func.count()).where(ThemeAssignment.run_id == run_id, ThemeAssignment.sentiment_label == "negative")
        ).scalar_one()
    filtered = client.get(url, query_string={"sentiment": "negative"}).get_data(as_text=True)
    assert f"{negatives} answer" in filtered and "sentiment: positive" not in filtered
    csv_text = client.get(f"/surveys/manage/{survey.id}/export.csv").get_data().decode("utf-8-sig")
    assert f"{question.prompt} (sentiment)" in csv_text.splitlines()[0]
    assert any(label in csv_text for label in (",negative,", ",positive,", ",mixed,", ",neutral,"))


def _publish_from(client: FlaskClient, setup: dict, theme_id: int, answer_id: int) -> int:
    """Publish a statement citing one theme, with one approved quote; returns its id."""
    slug = setup["programme"].slug
    data = {"title": "People waited too long", "statement": "Many of you waited weeks.", "theme_ids": [theme_id]}
    made = client.post(f"/you-said-we-did/{slug}/new", data=data)
    assert made.status_code == 302, made.get_data(as_text=True)
    statement_id = int(made.headers["Location"].rsplit("/", 1)[1])
    quoted = client.post(f"/you-said-we-did/statements/{statement_id}/quotes", data={"source": f"a{answer_id}"})
    assert quoted.status_code == 302
    with client.application.app_context():
        quote_id = db.session.execute(select(Quote.id).where(Quote.you_said_id == statement_id)).scalar_one()
    client.post(f"/you-said-we-did/quotes/{quote_id}/approve")
    published = client.post(f"/you-said-we-did/statements/{statement_id}/publish")
    assert published.status_code == 302, published.get_data(as_text=True)
    return statement_id


def _card(board: str) -> str:
    """The first statement's card on the public board."""
    start = board.index('<section class="nhsuk-card" id="you-said-')
    return board[start : board.index("</section>", start)]


def test_a_statements_evidence_outlives_re_runs_and_merges(app: Flask, client: FlaskClient, setup: dict) -> None:
    run_id = _start(client, setup)
    _wait(app, run_id)
    with app.app_context():
        themes = db.session.execute(select(Theme).where(Theme.run_id == run_id).order_by(Theme.position)).scalars()
        first, second = list(themes)[:2]
        answer_id = (
            db.session.execute(select(ThemeAssignment.answer_id).where(ThemeAssignment.theme_id == first.id))
            .scalars()
            .first()
        )
        first_id, second_id, size = first.id, second.id, first.size
    _publish_from(client, setup, first_id, answer_id)
    board_url = f"/programmes/{setup['programme'].slug}/you-said-we-did"
    before = _card(client.get(board_url).get_data(as_text=True))
    assert "People waited too long" in before

    refused = client.post(f"/insights/themes/{second_id}/merge", data={"into": str(first_id)}, follow_redirects=True)
    assert "its themes are the evidence for “People waited too long”" in refused.get_data(as_text=True)
    split = client.post(f"/insights/themes/{first_id}/split", data={"parts": "2"}, follow_redirects=True)
    assert "its themes are the evidence" in split.get_data(as_text=True)

    rerun = client.post(f"/insights/runs/{run_id}/rerun")
    new_id = int(rerun.headers["Location"].rsplit("/", 1)[1])
    assert new_id != run_id, "a cited run is never rewritten: running it again makes a new run"
    _wait(app, new_id)
    with app.app_context():
        new_themes = db.session.execute(select(Theme.id).where(Theme.run_id == new_id)).scalars().all()
    merge = {"into": str(new_themes[0]), "confirm": "yes"}
    merged = client.post(f"/insights/themes/{new_themes[1]}/merge", data=merge)
    assert merged.status_code == 302, "the new run's themes are the lead's to reshape"

    with app.app_context():
        kept = db.session.get(Theme, first_id)
        assert kept is not None and kept.size == size and db.session.get(Theme, second_id) is not None
        cited = select(func.count()).where(ThemeAssignment.theme_id == first_id)
        assert db.session.execute(cited).scalar_one() == size
    after = _card(client.get(board_url).get_data(as_text=True))
    assert after == before, "the statement's quotes, counts and who said this are unchanged"


def test_a_job_process_killed_is_marked_failed_at_once(app: Flask, client: FlaskClient, setup: dict) -> None:
    run_id = _start(client, setup)
    deadline = time.time() + 60
    job = None
    while job is None and time.time() < deadline:  # the web app's own job process, forked for this run
        job = next((p for p in multiprocessing.active_children() if p.name == f"analysis-{run_id}"), None)
        time.sleep(0.005)
    assert job is not None and job.pid, "the run has a process of its own"
    os.kill(job.pid, signal.SIGKILL)
    finished = _wait(app, run_id, timeout=10)  # well inside the stall time: the watcher saw it die
    assert finished.status == RunStatus.FAILED and "stopped unexpectedly" in finished.error


def test_a_job_killed_mid_run_is_marked_failed_within_the_stall_time(
    app: Flask, client: FlaskClient, setup: dict
) -> None:
    app.config["JOB_STALLED_SECONDS"] = 2
    with app.app_context():
        lead = db.session.get(User, setup["lead"].id)
        programme = db.session.get(Programme, setup["programme"].id)
        run = services.create_run(lead, programme, "Killed", services.Scope([setup["survey"].questions[0].id]))
        db.session.commit()
        run_id = run.id
    env = {
        **os.environ,
        "ENGAGE_SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
        "ENGAGE_JOB_STALLED_SECONDS": "2",
        "SECRET_KEY": app.config["SECRET_KEY"],
    }
    env.pop("DATABASE_URL", None)
    job = subprocess.Popen([sys.executable, "-m", "flask", "--app", "wsgi", "insights-job", str(run_id)], env=env)
    try:
        deadline = time.time() + 60
        while time.time() < deadline:
            with app.app_context():
                if db.session.get(AnalysisRun, run_id).status == RunStatus.RUNNING:
                    break
            time.sleep(0.1)
        job.send_signal(signal.SIGKILL)
        job.wait(timeout=10)
    finally:
        job.kill()
    page = client.get(f"/insights/runs/{run_id}").get_data(as_text=True)
    assert "stopped unexpectedly" not in page, "a run is not failed while its heartbeat is recent"
    time.sleep(2.5)
    page = client.get(f"/insights/runs/{run_id}").get_data(as_text=True)
    assert "stopped unexpectedly" in page
    with app.app_context():
        assert db.session.get(AnalysisRun, run_id).status == RunStatus.FAILED


def test_theme_and_run_pages_run_as_many_queries_for_50_texts_as_for_1(
    app: Flask,
    client: FlaskClient,
    setup: dict,
    make_run: Callable[[Programme, Survey], tuple[int, int]],
    count_queries: Callable[[Callable[[], Any]], int],
) -> None:
    run_id, theme_id = make_run(setup["programme"], setup["survey"])

    def assign(answers: slice) -> None:
        with app.app_context():
            run = db.session.get(AnalysisRun, run_id)
            run.status = RunStatus.DONE
            ids = db.session.execute(select(Answer.id).order_by(Answer.id)).scalars().all()[answers]
            for answer_id in ids:
                db.session.add(ThemeAssignment(run_id=run_id, theme_id=theme_id, answer_id=answer_id))
            theme = db.session.get(Theme, theme_id)
            theme.size += len(ids)
            theme.quotes = ThemeQuote.of(ids[:5] if not theme.quotes else theme.quote_answer_ids, [])
            db.session.commit()

    pages = [f"/insights/themes/{theme_id}", f"/insights/runs/{run_id}", f"/insights/{setup['programme'].slug}"]
    assign(slice(0, 1))
    one = {url: count_queries(lambda url=url: client.get(url)) for url in pages}
    assign(slice(1, 50))
    fifty = {url: count_queries(lambda url=url: client.get(url)) for url in pages}
    assert fifty == one


def test_the_run_page_counts_answers_that_arrived_after_the_run(
    app: Flask, client: FlaskClient, setup: dict, make_run: Callable[[Programme, Survey], tuple[int, int]]
) -> None:
    run_id, theme_id = make_run(setup["programme"], setup["survey"])
    with app.app_context():
        db.session.get(AnalysisRun, run_id).status = RunStatus.DONE
        ids = db.session.execute(select(Answer.id).order_by(Answer.id)).scalars().all()
        for answer_id in ids[:-3]:
            db.session.add(ThemeAssignment(run_id=run_id, theme_id=theme_id, answer_id=answer_id))
        db.session.commit()
    assert "3 answers arrived after this analysis" in client.get(f"/insights/runs/{run_id}").get_data(as_text=True)


def test_the_job_runner_starts_loading_when_a_lead_signs_in_not_for_anyone_else(
    auth: Auth, make_user: Callable[..., User], monkeypatch: pytest.MonkeyPatch
) -> None:
    warmed: list[bool] = []
    monkeypatch.setattr(jobs, "warm", lambda: warmed.append(True))  # recorded, not run: loading takes seconds
    for role in (Role.MEMBER, Role.RESIDENT, Role.SAFEGUARDING):
        assert auth.login(make_user(role)).status_code == 302
        auth.logout()
    assert not warmed, "nobody who cannot run an analysis makes the server load the libraries"
    assert auth.login(make_user(Role.LEAD)).status_code == 302
    assert warmed == [True], "a lead's first analysis need not wait for the libraries"
