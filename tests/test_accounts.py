"""Account security: growing sign-in delays, limits shared by every worker, password reset and change,
two-step verification, session timeouts, trusted hosts and production cookies."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pyotp
import pytest
from flask import Flask
from flask.testing import FlaskClient
from itsdangerous import TimestampSigner, URLSafeTimedSerializer
from sqlalchemy import select
from werkzeug.security import check_password_hash

from engage import create_app
from engage.auth.models import LoginFailure, RecoveryCode, Role, User
from engage.extensions import db
from engage.notify.models import OutboxMessage
from engage.timeutil import utcnow
from tests.conftest import PASSWORD, TOTP_SECRET, Auth

NEW_PASSWORD = "a different strong password"


def fail(client: FlaskClient, email: str, times: int) -> None:
    for _ in range(times):
        client.post("/login", data={"email": email, "password": "not the password"})


def age_failures(app: Flask, seconds: int) -> None:
    """Move every recorded failure back in time, as if the person had waited."""
    with app.app_context():
        for failure in db.session.execute(select(LoginFailure)).scalars():
            failure.at -= timedelta(seconds=seconds)
        db.session.commit()


def outbox(app: Flask) -> list[OutboxMessage]:
    with app.app_context():
        messages = db.session.execute(select(OutboxMessage).order_by(OutboxMessage.id)).scalars().all()
        db.session.expunge_all()
        return list(messages)


def signed_in(client: FlaskClient) -> bool:
    return client.get("/account").status_code == 200


# Sign-in throttling


def test_repeated_failures_bring_a_growing_wait_not_a_lockout(
    app: Flask, client: FlaskClient, make_user: Callable[..., User]
) -> None:
    user = make_user(Role.MEMBER)
    fail(client, user.email, app.config["LOGIN_MAX_FAILURES"])
    refused = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert "Wait 1 second, then try again" in refused.get_data(as_text=True)
    for beyond in range(4):  # each wrong password after its wait doubles the next wait
        age_failures(app, 2**beyond)
        fail(client, user.email, 1)
    assert "Wait 16 seconds" in client.post("/login", data={"email": user.email, "password": "x"}).get_data(
        as_text=True
    )
    age_failures(app, 20)
    assert client.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 302
    assert signed_in(client), "after the wait the owner gets in: a stranger cannot lock them out"


def test_the_wait_never_passes_the_maximum(app: Flask, client: FlaskClient, make_user: Callable[..., User]) -> None:
    user = make_user(Role.MEMBER)
    fail(client, user.email, 1)
    with app.app_context():
        digest = db.session.execute(select(LoginFailure.email_digest)).scalar_one()
        db.session.add_all(LoginFailure(email_digest=digest) for _ in range(20))
        db.session.commit()
    html = client.post("/login", data={"email": user.email, "password": PASSWORD}).get_data(as_text=True)
    assert f"Wait {app.config['LOGIN_MAX_DELAY_SECONDS'] // 60} minutes" in html


def test_an_unknown_address_is_throttled_exactly_like_a_known_one(
    app: Flask, client: FlaskClient, make_user: Callable[..., User]
) -> None:
    known = make_user(Role.MEMBER)
    pages = []
    for email in (known.email, "nobody@example.org"):
        fail(client, email, app.config["LOGIN_MAX_FAILURES"] + 2)
        page = client.post("/login", data={"email": email, "password": "x"}).get_data(as_text=True)
        pages.append(page.replace(email, "EMAIL"))
    assert "Too many failed attempts" in pages[0]
    assert pages[0] == pages[1]


def test_an_unknown_address_costs_the_same_hash_check_as_a_known_one(
    client: FlaskClient, make_user: Callable[..., User], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Timing would tell whether an address is registered: every failed sign-in checks one real password hash.
    (bench/signin.py measures the times themselves.)"""
    from engage.auth import services

    checked: list[str] = []

    def counted(stored: str, password: str) -> bool:
        checked.append(stored.split("$")[0])
        return check_password_hash(stored, password)

    monkeypatch.setattr(services, "check_password_hash", counted)
    known = make_user(Role.MEMBER)
    invited = make_user(Role.MEMBER, email="invited@example.org")
    with client.application.app_context():
        db.session.get(User, invited.id).password_hash = None  # invited, no password yet
        db.session.commit()
    for email in (known.email, "nobody@example.org", invited.email):
        checked.clear()
        client.post("/login", data={"email": email, "password": "wrong password"})
        assert len(checked) == 1 and checked[0].startswith("scrypt"), email


def test_one_client_is_limited_across_every_address(
    app: Flask, client: FlaskClient, make_user: Callable[..., User]
) -> None:
    app.config["LOGIN_CLIENT_LIMITS"] = "5 per minute"
    user = make_user(Role.MEMBER)
    for n in range(5):
        assert client.post("/login", data={"email": f"guess{n}@example.org", "password": "x"}).status_code == 200
    refused = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert refused.status_code == 429
    assert "Too many requests" in refused.get_data(as_text=True)
    other = app.test_client()
    other.environ_base["REMOTE_ADDR"] = "192.0.2.9"
    assert other.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 302


def test_limits_are_shared_by_every_worker_through_the_database(
    app: Flask, app_config: dict[str, Any], make_user: Callable[..., User]
) -> None:
    app.config["LOGIN_CLIENT_LIMITS"] = "3 per minute"
    other_worker = create_app({**app_config, "LOGIN_CLIENT_LIMITS": "3 per minute"})
    try:
        for worker in (app, other_worker, app):
            worker.test_client().post("/login", data={"email": "a@example.org", "password": "x"})
        assert other_worker.test_client().post("/login", data={"email": "a@example.org"}).status_code == 429
    finally:
        with other_worker.app_context():
            db.engine.dispose()


def test_limits_count_in_redis_when_it_is_configured(app_config: dict[str, Any]) -> None:
    from redis import Redis

    redis = Redis.from_url("redis://127.0.0.1:6379/14")
    redis.ping()  # no Redis is a failure here, never a skip
    redis.flushdb()
    config = {**app_config, "REDIS_URL": "redis://127.0.0.1:6379/14", "LOGIN_CLIENT_LIMITS": "2 per minute"}
    workers = [create_app(config), create_app(config)]
    with workers[0].app_context():
        db.create_all()
    try:
        for worker in workers:
            worker.test_client().post("/login", data={"email": "a@example.org", "password": "x"})
        assert workers[1].test_client().post("/login", data={"email": "a@example.org"}).status_code == 429
        assert any(b"engage" in key for key in redis.scan_iter()), "the counters are in Redis"
    finally:
        redis.flushdb()
        for worker in workers:
            with worker.app_context():
                db.engine.dispose()


def test_the_purge_forgets_spent_counters_and_old_failures(app: Flask, client: FlaskClient) -> None:
    fail(client, "someone@example.org", 2)
    age_failures(app, app.config["LOGIN_THROTTLE_SECONDS"] + 1)
    result = app.test_cli_runner().invoke(args=["purge-drafts"])
    assert "2 spent sign-in and rate-limit records" in result.output


# Password reset and change


def reset_link(app: Flask) -> str:
    body = outbox(app)[-1].body
    return re.search(r"http://localhost(/login/reset/\S+)", body).group(1)


def test_a_reset_link_sets_a_new_password_once(app: Flask, client: FlaskClient, make_user: Callable[..., User]) -> None:
    user = make_user(Role.MEMBER)
    page = client.post("/login/forgotten-password", data={"email": user.email.upper()})
    assert "Check your email" in page.get_data(as_text=True)
    link = reset_link(app)
    assert outbox(app)[-1].to_email == user.email
    form = client.get(link)
    assert "Choose a new password" in form.get_data(as_text=True)
    done = client.post(link, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert done.status_code == 302 and done.headers["Location"] == "/login"
    assert not signed_in(client), "a reset does not sign in: the second step still applies"
    assert client.get(link).status_code == 404, "the link works once"
    assert client.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 200
    assert client.post("/login", data={"email": user.email, "password": NEW_PASSWORD}).status_code == 302


def test_a_reset_request_says_the_same_whether_or_not_the_address_has_an_account(
    app: Flask, client: FlaskClient, make_user: Callable[..., User]
) -> None:
    user = make_user(Role.MEMBER)
    known = client.post("/login/forgotten-password", data={"email": user.email}).get_data(as_text=True)
    unknown = client.post("/login/forgotten-password", data={"email": "nobody@example.org"}).get_data(as_text=True)
    strip = re.compile(r'name="csrf_token"[^>]*>')
    assert strip.sub("", known) == strip.sub("", unknown)
    assert [message.to_email for message in outbox(app)] == [user.email]


def test_a_reset_link_expires_after_an_hour(app: Flask, client: FlaskClient, make_user: Callable[..., User]) -> None:
    user = make_user(Role.MEMBER)
    client.post("/login/forgotten-password", data={"email": user.email})
    link = reset_link(app)
    with app.app_context():
        db.session.get(User, user.id).reset_expires_at = utcnow() - timedelta(seconds=1)
        db.session.commit()
    page = client.get(link)
    assert page.status_code == 404 and "does not work" in page.get_data(as_text=True)


def test_reset_emails_to_one_address_are_limited(
    app: Flask, client: FlaskClient, make_user: Callable[..., User]
) -> None:
    user = make_user(Role.MEMBER)
    for _ in range(6):
        page = client.post("/login/forgotten-password", data={"email": user.email})
        assert "Check your email" in page.get_data(as_text=True), "the page never says whether it sent"
    assert len(outbox(app)) == 3


def test_a_reset_signs_out_every_session(app: Flask, client: FlaskClient, make_user: Callable[..., User]) -> None:
    user = make_user(Role.MEMBER)
    Auth(client).login(user)
    other = app.test_client()
    other.post("/login/forgotten-password", data={"email": user.email})
    other.post(reset_link(app), data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert not signed_in(client)


def test_changing_the_password_needs_the_current_one_and_signs_out_other_devices(
    app: Flask, client: FlaskClient, make_user: Callable[..., User]
) -> None:
    user = make_user(Role.MEMBER)
    laptop, phone = client, app.test_client()
    Auth(laptop).login(user)
    Auth(phone).login(user)
    wrong = laptop.post(
        "/account/password", data={"current": "not it", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    )
    assert "Your current password is not correct" in wrong.get_data(as_text=True)
    changed = laptop.post(
        "/account/password", data={"current": PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    )
    assert changed.status_code == 302
    assert signed_in(laptop), "this device carries on"
    assert not signed_in(phone), "every other device is signed out"
    assert Auth(app.test_client()).login(user, NEW_PASSWORD).status_code == 302


# Two-step verification


def test_a_lead_needs_a_code_from_the_app_after_the_password(
    client: FlaskClient, make_user: Callable[..., User]
) -> None:
    lead = make_user(Role.LEAD)
    first = client.post("/login", data={"email": lead.email, "password": PASSWORD})
    assert first.headers["Location"] == "/login/code"
    assert not signed_in(client), "the password alone does not sign a lead in"
    wrong = client.post("/login/code", data={"code": "000000"})
    assert "Enter the code your app shows now" in wrong.get_data(as_text=True)
    right = client.post("/login/code", data={"code": pyotp.TOTP(TOTP_SECRET).now()})
    assert right.status_code == 302 and signed_in(client)


def test_a_code_is_accepted_once(app: Flask, client: FlaskClient, make_user: Callable[..., User]) -> None:
    lead = make_user(Role.LEAD)
    code = pyotp.TOTP(TOTP_SECRET).now()
    client.post("/login", data={"email": lead.email, "password": PASSWORD})
    assert client.post("/login/code", data={"code": code}).status_code == 302
    thief = app.test_client()
    thief.post("/login", data={"email": lead.email, "password": PASSWORD})
    assert thief.post("/login/code", data={"code": code}).status_code == 200
    assert not signed_in(thief)


def test_wrong_codes_count_towards_the_wait(app: Flask, client: FlaskClient, make_user: Callable[..., User]) -> None:
    lead = make_user(Role.LEAD)
    client.post("/login", data={"email": lead.email, "password": PASSWORD})
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        client.post("/login/code", data={"code": "123456"})
    page = client.post("/login/code", data={"code": pyotp.TOTP(TOTP_SECRET).now()})
    assert "Too many wrong codes" in page.get_data(as_text=True)
    assert not signed_in(client)


def test_the_code_page_needs_the_password_first(client: FlaskClient, make_user: Callable[..., User]) -> None:
    make_user(Role.LEAD)
    page = client.post("/login/code", data={"code": pyotp.TOTP(TOTP_SECRET).now()})
    assert page.headers["Location"] == "/login"
    assert not signed_in(client)


def test_the_password_step_expires(client: FlaskClient, make_user: Callable[..., User]) -> None:
    lead = make_user(Role.LEAD)
    client.post("/login", data={"email": lead.email, "password": PASSWORD})
    with client.session_transaction() as session:
        session["two_step"] = {**session["two_step"], "at": time.time() - 11 * 60}
    assert client.post("/login/code", data={"code": pyotp.TOTP(TOTP_SECRET).now()}).headers["Location"] == "/login"


def test_a_member_signs_in_with_a_password_alone(client: FlaskClient, make_user: Callable[..., User]) -> None:
    member = make_user(Role.MEMBER)
    assert client.post("/login", data={"email": member.email, "password": PASSWORD}).headers["Location"] == (
        "/programmes/"
    )


def set_up_app(client: FlaskClient) -> tuple[str, str]:
    """Follow the set-up page: read the key shown for typing by hand, answer with the app's code."""
    page = client.get("/login/set-up-two-step").get_data(as_text=True)
    # A standalone SVG (with its namespace), or the browser draws nothing.
    assert 'src="data:image/svg+xml;charset=utf-8,%3Csvg%20xmlns%3D' in page and "QR code to add Engage" in page
    secret = re.search(r'<strong class="engage-secret">([A-Z2-7 ]+)</strong>', page).group(1).replace(" ", "")
    done = client.post("/login/set-up-two-step", data={"code": pyotp.TOTP(secret).now()})
    return secret, done.get_data(as_text=True)


def test_a_new_lead_sets_up_the_app_and_gets_recovery_codes(
    app: Flask, client: FlaskClient, make_user: Callable[..., User]
) -> None:
    lead = make_user(Role.LEAD, totp_secret=None)
    first = client.post("/login", data={"email": lead.email, "password": PASSWORD})
    assert first.headers["Location"] == "/login/set-up-two-step"
    wrong = client.post("/login/set-up-two-step", data={"code": "000000"})
    assert "Enter the 6-digit code" in wrong.get_data(as_text=True) and not signed_in(client)
    secret, page = set_up_app(client)
    codes = re.findall(r"<code>([A-Z2-9]{5}-[A-Z2-9]{5})</code>", page)
    assert len(codes) == 10 and "only time we show them" in page
    assert signed_in(client)
    with app.app_context():
        stored = db.session.get(User, lead.id)
        assert stored.totp_secret == secret
        hashes = db.session.execute(select(RecoveryCode.code_hash)).scalars().all()
        assert len(hashes) == 10 and not any(code.replace("-", "") in hashes for code in codes)
    # A recovery code stands in for the phone, once.
    for attempt, expected in ((codes[3], 302), (codes[3], 200)):
        other = app.test_client()
        other.post("/login", data={"email": lead.email, "password": PASSWORD})
        assert other.post("/login/code", data={"code": attempt.lower()}).status_code == expected


def test_an_invited_lead_sets_up_the_app_before_signing_in(
    app: Flask, client: FlaskClient, make_user: Callable[..., User]
) -> None:
    admin = make_user(Role.ADMIN)
    Auth(client).login(admin)
    html = client.post("/admin/users/new", data={"email": "new.lead@example.org", "name": "New", "role": "lead"})
    link = re.search(r"http://localhost(/invite/[\w-]+)", html.get_data(as_text=True)).group(1)
    invited = app.test_client()
    accepted = invited.post(link, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert accepted.headers["Location"] == "/login/set-up-two-step"
    assert not signed_in(invited)
    set_up_app(invited)
    assert signed_in(invited)


def test_an_admin_resets_a_lost_phone(app: Flask, client: FlaskClient, make_user: Callable[..., User]) -> None:
    admin, lead = make_user(Role.ADMIN), make_user(Role.LEAD)
    lead_client = app.test_client()
    Auth(lead_client).login(lead)
    Auth(client).login(admin)
    assert "Reset two-step verification" in client.get(f"/admin/users/{lead.id}").get_data(as_text=True)
    client.post(f"/admin/users/{lead.id}/two-step/reset")
    assert not signed_in(lead_client), "a reset signs them out"
    again = lead_client.post("/login", data={"email": lead.email, "password": PASSWORD})
    assert again.headers["Location"] == "/login/set-up-two-step"


def test_new_recovery_codes_need_a_code_from_the_app(
    app: Flask, client: FlaskClient, make_user: Callable[..., User]
) -> None:
    lead = make_user(Role.LEAD)
    auth = Auth(client)
    auth.login(lead)
    assert "0 unused recovery codes" in client.get("/account").get_data(as_text=True)
    client.post("/account/recovery-codes", data={"code": "000000"})
    with app.app_context():
        assert db.session.execute(select(RecoveryCode)).first() is None
        db.session.get(User, lead.id).totp_last_step = None
        db.session.commit()
    page = client.post("/account/recovery-codes", data={"code": pyotp.TOTP(TOTP_SECRET).now()})
    assert len(re.findall(r"<code>", page.get_data(as_text=True))) == 10


# Sessions


def set_clock(client: FlaskClient, *, idle: int = 0, signed_in_for: int = 0) -> None:
    with client.session_transaction() as session:
        session["seen_at"] = time.time() - idle
        session["signed_in_at"] = time.time() - max(idle, signed_in_for)


def test_a_lead_is_signed_out_after_30_minutes_without_activity(
    client: FlaskClient, make_user: Callable[..., User]
) -> None:
    Auth(client).login(make_user(Role.LEAD))
    set_clock(client, idle=29 * 60)
    assert signed_in(client)
    set_clock(client, idle=31 * 60)
    page = client.get("/account")
    assert page.status_code == 303 and page.headers["Location"].startswith("/login?next=/account")
    assert "You were signed out because you had not used Engage" in client.get("/login").get_data(as_text=True)
    assert not signed_in(client)


def test_a_member_has_longer_but_not_for_ever(client: FlaskClient, make_user: Callable[..., User]) -> None:
    Auth(client).login(make_user(Role.MEMBER))
    set_clock(client, idle=31 * 60)
    assert signed_in(client)
    set_clock(client, idle=60, signed_in_for=13 * 60 * 60)
    assert not signed_in(client), "every session ends after the absolute limit, however active"


def test_a_new_role_ends_the_users_sessions(app: Flask, client: FlaskClient, make_user: Callable[..., User]) -> None:
    admin, member = make_user(Role.ADMIN), make_user(Role.MEMBER)
    member_client = app.test_client()
    Auth(member_client).login(member)
    Auth(client).login(admin)
    client.post(f"/admin/users/{member.id}", data={"name": member.name, "role": "lead", "active": "y"})
    assert not signed_in(member_client)


# Hosts, cookies and links


def test_a_request_for_another_host_is_refused(client: FlaskClient) -> None:
    assert client.get("/", headers={"Host": "evil.example"}).status_code == 400
    assert client.get("/", headers={"Host": "localhost"}).status_code == 200


def test_production_cookies_are_host_only_and_secure(
    app_config: dict[str, Any], make_user: Callable[..., User]
) -> None:
    config = {**app_config, "ENV_NAME": "production", "PUBLIC_URL": "https://engage.example.nhs.uk"}
    production = create_app(config)
    client = production.test_client()
    assert client.get("/", base_url="https://localhost").status_code == 400, "only PUBLIC_URL's host is trusted"
    user = make_user(Role.MEMBER)
    response = client.post(
        "/login", data={"email": user.email, "password": PASSWORD}, base_url="https://engage.example.nhs.uk"
    )
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("__Host-engage_session=") and "Secure" in cookie and "Path=/" in cookie
    assert "Domain" not in cookie
    with production.app_context():
        db.engine.dispose()


def test_an_old_unsubscribe_link_stops_working(app: Flask, client: FlaskClient, make_user: Callable[..., User]) -> None:
    member = make_user(Role.MEMBER)

    class LastYear(TimestampSigner):
        def get_timestamp(self) -> int:
            return int(time.time()) - (app.config["UNSUBSCRIBE_DAYS"] + 1) * 24 * 60 * 60

    old = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt="you-said-updates", signer=LastYear)
    old = old.dumps(["user", member.id])
    fresh = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt="you-said-updates").dumps(["user", member.id])
    assert client.post(f"/updates/stop/{old}").status_code == 404
    assert client.post(f"/updates/stop/{fresh}").status_code == 200


@pytest.mark.parametrize(("size", "words"), [(3 * 1024 * 1024 // 2, "1.5 MB"), (100 * 1024 * 1024, "100 MB")])
def test_size_limits_are_described_exactly(size: int, words: str) -> None:
    from engage.media.storage import describe_size

    assert describe_size(size) == words
