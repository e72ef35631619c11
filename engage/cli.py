"""Command-line tasks: `flask --app wsgi demo` and friends."""

from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from engage.extensions import db

# Each command is one unit of work: services flush, the command commits once at the end
# (an analysis job commits at the end of each of its steps, and sending mail after each message).


@click.command("demo")
@with_appcontext
def demo_command() -> None:
    """Load the demo programme and one demo account per role (safe to run again; never in production)."""
    from flask import current_app

    from engage.demo import DEMO_DOMAIN, load_demo

    if current_app.config["ENV_NAME"] == "production":
        raise click.ClickException("The demo's accounts share a published password: it never runs in production.")
    programme = load_demo()
    db.session.commit()
    click.echo(f"Demo programme ready: /programmes/{programme.slug}")
    click.echo(f"Demo accounts: resident, member, lead, safeguarding, admin @{DEMO_DOMAIN}")
    click.echo("The lead, safeguarding and admin accounts set up an authenticator app at first sign-in.")


@click.command("purge-drafts")
@with_appcontext
def purge_drafts_command() -> None:
    """Delete unsubmitted answers whose resume period has ended, spent rate-limit counters and sign-in failures,
    and stale partial uploads (run daily)."""
    from engage.auth.services import purge_login_failures
    from engage.media.storage import sweep_partial_uploads
    from engage.surveys.answering import purge_expired
    from engage.throttle import purge_expired as purge_counters

    deleted = purge_expired()
    counters = purge_counters() + purge_login_failures()
    db.session.commit()
    click.echo(
        f"Deleted {deleted} expired unsubmitted responses, {counters} spent sign-in and rate-limit records "
        f"and {sweep_partial_uploads()} partial uploads."
    )


@click.command("insights-job")
@click.argument("run_id", type=int)
@click.argument("mode", default="fit")
@with_appcontext
def insights_job_command(run_id: int, mode: str) -> None:
    """Run one analysis job in this process, by hand (the web app forks its jobs from a warm fork server)."""
    from engage.insights.jobs import execute

    execute(run_id, mode)


@click.command("worker")
@with_appcontext
def worker_command() -> None:
    """Work through the analysis queue on Redis (REDIS_URL), with the analysis libraries imported once."""
    from redis import Redis
    from rq import Queue, Worker

    from engage.insights.jobs import QUEUE

    if not current_app.config.get("REDIS_URL"):
        raise click.ClickException("Set REDIS_URL: without it, the web app runs analysis jobs itself.")
    # Loads the libraries and models once: RQ forks each job from this process, which finds them loaded.
    from engage.insights import preload  # noqa: F401

    connection = Redis.from_url(current_app.config["REDIS_URL"])
    Worker([Queue(QUEUE, connection=connection)], connection=connection).work()


@click.command("send-reminders")
@with_appcontext
def send_reminders_command() -> None:
    """Remind panel members of reviews that close within two days (run daily from cron)."""
    from engage.notify.jobs import deliver_pending
    from engage.panels.services import send_reminders

    queued = send_reminders()
    db.session.commit()
    click.echo(f"Queued {queued} reminders; sent {deliver_pending()} messages.")


@click.command("send-mail")
@with_appcontext
def send_mail_command() -> None:
    """Send the queued emails and text messages that are due, by GOV.UK Notify or SMTP (MAIL_BACKEND)."""
    from engage.notify.jobs import deliver_pending

    click.echo(f"Sent {deliver_pending()} messages.")


@click.command("escalate-flags")
@with_appcontext
def escalate_flags_command() -> None:
    """Tell administrators about safeguarding flags waiting longer than SAFEGUARDING_ESCALATE_HOURS (run hourly)."""
    from engage.notify.jobs import deliver_pending
    from engage.safeguarding.services import escalate_overdue

    escalated = escalate_overdue()
    db.session.commit()
    click.echo(f"Escalated {escalated} overdue safeguarding flags; sent {deliver_pending()} messages.")


@click.command("retention")
@with_appcontext
def retention_command() -> None:
    """Delete everything past its date on the retention schedule (run daily)."""
    from engage.rights.retention import KINDS, apply

    done = apply()
    db.session.commit()
    click.echo("; ".join(f"{KINDS[key].label}: {n:,}" for key, n in done.items()))


def init_app(app: Flask) -> None:
    app.cli.add_command(send_reminders_command)
    app.cli.add_command(send_mail_command)
    app.cli.add_command(insights_job_command)
    app.cli.add_command(worker_command)
    app.cli.add_command(demo_command)
    app.cli.add_command(purge_drafts_command)
    app.cli.add_command(escalate_flags_command)
    app.cli.add_command(retention_command)
