"""Every route, every role: the status each should get. A new route without an entry fails this file."""

from __future__ import annotations

import json
from collections.abc import Callable
from itertools import cycle
from typing import Any
from urllib.parse import quote, urlencode

import pytest
from flask import Flask
from flask.testing import FlaskClient

from engage.auth.models import Role, User
from engage.extensions import db
from engage.insights.models import Codebook, TextCode
from engage.programmes.models import Programme
from engage.safeguarding.models import SafeguardingFlag
from engage.surveys.models import Survey
from tests.conftest import PAYLOADS, Auth

ROLES = ["anonymous", "resident", "member", "lead", "other_lead", "safeguarding", "admin"]
SIGNED_IN = {"resident", "member", "lead", "other_lead", "safeguarding", "admin"}

EVERYONE_200 = {"*": 200}
SIGNED_IN_200 = {"anonymous": 303, "*": 200}
LEAD_OF_PROGRAMME = {"anonymous": 303, "lead": 200, "admin": 200, "*": 403}
ADMIN_ONLY = {"anonymous": 303, "admin": 200, "*": 403}
ADMIN_ONLY_REDIRECT = {"anonymous": 303, "admin": 302, "*": 403}
LEAD_REDIRECT = {"anonymous": 303, "lead": 302, "admin": 302, "*": 403}
LEAD_400 = {"anonymous": 303, "lead": 400, "admin": 400, "*": 403}
NOT_FOUND_FOR_LEADS = {"anonymous": 303, "lead": 404, "admin": 404, "*": 403}
# Leads of the programme, and members of a panel the draft was sent to.
READERS = {"anonymous": 303, "lead": 200, "admin": 200, "member": 200, "*": 403}
AUTHOR = {"anonymous": 303, "member": 200, "*": 403}
SAFEGUARDING_ONLY = {"anonymous": 303, "safeguarding": 200, "*": 403}
# A respondent with no draft on this device is sent back to the survey's start page.
NO_DRAFT = {"*": 302}
SURVEY = "/surveys/{survey_slug}"
MANAGE = "/surveys/manage/{survey}"
TRACKER = "/you-said-we-did"
PROGRAMME_COMPONENT = "/programmes/{slug}/components/{component}"

# (endpoint, method) -> (path, {role: status}); "*" is every role not named.
MATRIX: dict[tuple[str, str], tuple[str, dict[str, int]]] = {
    ("pages.home", "GET"): ("/", EVERYONE_200),
    ("pages.accessibility", "GET"): ("/accessibility", EVERYONE_200),
    ("pages.themes_method", "GET"): ("/how-themes-are-found", EVERYONE_200),
    ("pages.plain_english", "POST"): ("/plain-english", SIGNED_IN_200),
    ("pages.privacy", "GET"): ("/privacy", EVERYONE_200),
    ("pages.healthz", "GET"): ("/healthz", EVERYONE_200),
    ("pages.assets", "GET"): ("/assets/images/favicon.svg", EVERYONE_200),
    ("static", "GET"): ("/static/engage.css", EVERYONE_200),
    ("auth.login", "GET"): ("/login", EVERYONE_200),
    ("auth.login", "POST"): ("/login", EVERYONE_200),
    ("auth.logout", "GET"): ("/logout", {"anonymous": 302, "*": 200}),
    ("auth.logout", "POST"): ("/logout", {"*": 302}),
    ("auth.account", "GET"): ("/account", SIGNED_IN_200),
    ("auth.account", "POST"): ("/account", {"anonymous": 303, "*": 302}),
    # Without a password given in the last few minutes, the second step sends everyone back to sign in.
    ("auth.security_code", "GET"): ("/login/code", {"*": 302}),
    ("auth.security_code", "POST"): ("/login/code", {"*": 302}),
    ("auth.set_up_two_step", "GET"): ("/login/set-up-two-step", {"*": 302}),
    ("auth.set_up_two_step", "POST"): ("/login/set-up-two-step", {"*": 302}),
    ("auth.forgotten_password", "GET"): ("/login/forgotten-password", EVERYONE_200),
    ("auth.forgotten_password", "POST"): ("/login/forgotten-password", EVERYONE_200),
    ("auth.reset_password", "GET"): ("/login/reset/not-a-token", {"*": 404}),
    ("auth.reset_password", "POST"): ("/login/reset/not-a-token", {"*": 404}),
    ("auth.change_password", "GET"): ("/account/password", SIGNED_IN_200),
    ("auth.change_password", "POST"): ("/account/password", SIGNED_IN_200),
    ("auth.new_recovery_codes", "POST"): ("/account/recovery-codes", {"anonymous": 303, "*": 302}),
    ("auth.accept_invite", "GET"): ("/invite/not-a-token", {"*": 404}),
    ("auth.accept_invite", "POST"): ("/invite/not-a-token", {"*": 404}),
    ("programmes.dashboard", "GET"): ("/programmes/", SIGNED_IN_200),
    ("programmes.show", "GET"): ("/programmes/{slug}", EVERYONE_200),
    ("programmes.history", "GET"): ("/programmes/{slug}/history", EVERYONE_200),
    ("programmes.new_component", "GET"): ("/programmes/{slug}/components/new", LEAD_OF_PROGRAMME),
    ("programmes.new_component", "POST"): ("/programmes/{slug}/components/new", LEAD_OF_PROGRAMME),
    ("programmes.edit_component", "GET"): ("/programmes/{slug}/components/{component}/edit", LEAD_OF_PROGRAMME),
    ("programmes.edit_component", "POST"): ("/programmes/{slug}/components/{component}/edit", LEAD_OF_PROGRAMME),
    ("programmes.indicator_list", "GET"): ("/programmes/{slug}/indicators", LEAD_OF_PROGRAMME),
    ("programmes.new_indicator", "GET"): (PROGRAMME_COMPONENT + "/indicators/new", LEAD_OF_PROGRAMME),
    ("programmes.new_indicator", "POST"): (PROGRAMME_COMPONENT + "/indicators/new", LEAD_400),
    # No such indicator: the programme is checked first, so only its leads learn that.
    ("programmes.indicator_page", "GET"): ("/programmes/{slug}/indicators/999999", NOT_FOUND_FOR_LEADS),
    ("programmes.indicator_page", "POST"): ("/programmes/{slug}/indicators/999999", NOT_FOUND_FOR_LEADS),
    ("programmes.edit_indicator", "GET"): ("/programmes/{slug}/indicators/999999/edit", NOT_FOUND_FOR_LEADS),
    ("programmes.edit_indicator", "POST"): ("/programmes/{slug}/indicators/999999/edit", NOT_FOUND_FOR_LEADS),
    ("admin.users", "GET"): ("/admin/users", ADMIN_ONLY),
    ("admin.new_user", "GET"): ("/admin/users/new", ADMIN_ONLY),
    ("admin.new_user", "POST"): ("/admin/users/new", ADMIN_ONLY),
    ("admin.edit_user", "GET"): ("/admin/users/{user}", ADMIN_ONLY),
    ("admin.edit_user", "POST"): ("/admin/users/{user}", ADMIN_ONLY),
    ("admin.reissue_invite", "POST"): ("/admin/users/{user}/invite", ADMIN_ONLY),
    ("admin.reset_two_step", "POST"): ("/admin/users/{user}/two-step/reset", ADMIN_ONLY_REDIRECT),
    ("admin.programmes_list", "GET"): ("/admin/programmes", ADMIN_ONLY),
    ("admin.new_programme", "GET"): ("/admin/programmes/new", ADMIN_ONLY),
    ("admin.new_programme", "POST"): ("/admin/programmes/new", ADMIN_ONLY),
    ("admin.edit_programme", "GET"): ("/admin/programmes/{programme}", ADMIN_ONLY),
    ("admin.edit_programme", "POST"): ("/admin/programmes/{programme}", ADMIN_ONLY),
    ("admin.programme_people", "POST"): ("/admin/programmes/{programme}/people", ADMIN_ONLY_REDIRECT),
    ("admin.audit_log", "GET"): ("/admin/audit", ADMIN_ONLY),
    ("admin.outbox", "GET"): ("/admin/outbox", ADMIN_ONLY),
    ("admin.outbox_message", "GET"): ("/admin/outbox/{message}", ADMIN_ONLY),
    ("rights.index", "GET"): ("/rights/", ADMIN_ONLY),
    ("rights.new", "GET"): ("/rights/new", ADMIN_ONLY),
    ("rights.new", "POST"): ("/rights/new", ADMIN_ONLY),
    ("rights.show", "GET"): ("/rights/{rights_request}", ADMIN_ONLY),
    ("rights.export", "POST"): ("/rights/{rights_request}/export", ADMIN_ONLY),
    ("rights.erase", "GET"): ("/rights/{rights_request}/erase", ADMIN_ONLY),
    ("rights.erase", "POST"): ("/rights/{rights_request}/erase", ADMIN_ONLY),
    ("rights.close", "POST"): ("/rights/{spare_rights_request}/close", ADMIN_ONLY_REDIRECT),
    ("rights.retention_schedule", "GET"): ("/rights/retention", ADMIN_ONLY),
    ("rights.change_retention", "GET"): ("/rights/retention/responses", ADMIN_ONLY),
    ("rights.change_retention", "POST"): ("/rights/retention/responses", ADMIN_ONLY),
    ("surveys.poster", "GET"): (MANAGE + "/poster", LEAD_OF_PROGRAMME),
    ("surveys.add_instrument", "POST"): (MANAGE + "/instruments", LEAD_400),
    ("surveys.score_references", "GET"): (MANAGE + "/instruments/references", LEAD_OF_PROGRAMME),
    ("surveys.score_references", "POST"): (MANAGE + "/instruments/references", LEAD_REDIRECT),
    ("short.go", "GET"): ("/s/{survey}", {"*": 302}),
    ("surveys.start", "GET"): (SURVEY, EVERYONE_200),
    ("surveys.privacy", "GET"): (SURVEY + "/privacy", EVERYONE_200),
    ("surveys.begin", "POST"): (SURVEY + "/start", {"*": 302}),
    ("surveys.question", "GET"): (SURVEY + "/questions/{question}", NO_DRAFT),
    ("surveys.question", "POST"): (SURVEY + "/questions/{question}", NO_DRAFT),
    ("surveys.contact", "GET"): (SURVEY + "/contact", NO_DRAFT),
    ("surveys.contact", "POST"): (SURVEY + "/contact", NO_DRAFT),
    ("surveys.check", "GET"): (SURVEY + "/check", NO_DRAFT),
    ("surveys.submit", "POST"): (SURVEY + "/submit", NO_DRAFT),
    ("surveys.confirmation", "GET"): (SURVEY + "/confirmation", NO_DRAFT),
    ("surveys.another", "POST"): (SURVEY + "/another", NO_DRAFT),
    ("surveys.save", "GET"): (SURVEY + "/save", NO_DRAFT),
    ("surveys.save", "POST"): (SURVEY + "/save", NO_DRAFT),
    ("surveys.email_resume", "POST"): (SURVEY + "/save/email", NO_DRAFT),
    ("surveys.text_resume", "POST"): (SURVEY + "/save/text", NO_DRAFT),
    ("surveys.switch_language", "POST"): (SURVEY + "/language", NO_DRAFT),
    ("surveys.languages", "GET"): (MANAGE + "/languages", LEAD_OF_PROGRAMME),
    ("surveys.languages", "POST"): (MANAGE + "/languages", LEAD_400),
    # Polish is not offered for this survey, and there is no such answer: only its leads learn that.
    ("surveys.translate", "GET"): (MANAGE + "/languages/pl", NOT_FOUND_FOR_LEADS),
    ("surveys.translate", "POST"): (MANAGE + "/languages/pl", NOT_FOUND_FOR_LEADS),
    ("surveys.remove_language", "POST"): (MANAGE + "/languages/pl/remove", NOT_FOUND_FOR_LEADS),
    ("surveys.answer_translations", "GET"): (MANAGE + "/translations", LEAD_OF_PROGRAMME),
    ("surveys.translate_answer", "GET"): (MANAGE + "/translations/999999", NOT_FOUND_FOR_LEADS),
    ("surveys.translate_answer", "POST"): (MANAGE + "/translations/999999", NOT_FOUND_FOR_LEADS),
    ("surveys.switch_format", "POST"): (SURVEY + "/format", NO_DRAFT),
    ("surveys.resume", "GET"): (SURVEY + "/resume", EVERYONE_200),
    ("surveys.resume", "POST"): (SURVEY + "/resume", EVERYONE_200),
    ("surveys.resume_link", "GET"): (SURVEY + "/resume/NOTAREALCODE", {"*": 404}),
    ("surveys.support", "GET"): (SURVEY + "/support", NO_DRAFT),
    ("surveys.new_survey", "GET"): ("/surveys/manage/new?programme={slug}", LEAD_OF_PROGRAMME),
    ("surveys.new_survey", "POST"): ("/surveys/manage/new?programme={slug}", LEAD_OF_PROGRAMME),
    ("surveys.overview", "GET"): (MANAGE, LEAD_OF_PROGRAMME),
    ("surveys.edit_survey", "GET"): (MANAGE + "/edit", LEAD_OF_PROGRAMME),
    ("surveys.edit_survey", "POST"): (MANAGE + "/edit", LEAD_OF_PROGRAMME),
    ("surveys.set_status", "POST"): (MANAGE + "/status", LEAD_OF_PROGRAMME),
    ("surveys.duplicate_survey", "POST"): (MANAGE + "/duplicate", LEAD_REDIRECT),
    ("surveys.preview", "GET"): (MANAGE + "/preview", LEAD_OF_PROGRAMME),
    ("surveys.new_question", "GET"): (MANAGE + "/questions/new", LEAD_OF_PROGRAMME),
    ("surveys.new_question", "POST"): (MANAGE + "/questions/new", LEAD_OF_PROGRAMME),
    ("surveys.edit_question", "GET"): (MANAGE + "/questions/{question}/edit", LEAD_OF_PROGRAMME),
    ("surveys.edit_question", "POST"): (MANAGE + "/questions/{question}/edit", LEAD_OF_PROGRAMME),
    ("surveys.move_question", "POST"): (MANAGE + "/questions/{question}/move", LEAD_REDIRECT),
    ("surveys.duplicate_question", "POST"): (MANAGE + "/questions/{question}/duplicate", LEAD_REDIRECT),
    ("surveys.delete_question", "GET"): (MANAGE + "/questions/{spare_question}/delete", LEAD_OF_PROGRAMME),
    ("surveys.delete_question", "POST"): (MANAGE + "/questions/{spare_question}/delete", LEAD_REDIRECT),
    ("surveys.add_equality", "POST"): (MANAGE + "/equality", LEAD_REDIRECT),
    ("surveys.results_page", "GET"): (MANAGE + "/results", LEAD_OF_PROGRAMME),
    ("surveys.survey_formats", "GET"): (MANAGE + "/formats", LEAD_OF_PROGRAMME),
    ("surveys.survey_formats", "POST"): (MANAGE + "/formats", LEAD_REDIRECT),
    ("surveys.survey_video", "GET"): (MANAGE + "/formats/crisis", LEAD_OF_PROGRAMME),
    ("surveys.survey_video", "POST"): (MANAGE + "/formats/confirmation", LEAD_REDIRECT),
    ("surveys.question_formats", "GET"): (MANAGE + "/questions/{question}/formats", LEAD_OF_PROGRAMME),
    ("surveys.question_formats", "POST"): (MANAGE + "/questions/{question}/formats", LEAD_REDIRECT),
    ("surveys.bsl_answers", "GET"): (MANAGE + "/bsl-answers", LEAD_OF_PROGRAMME),
    ("surveys.interpreter_requests", "GET"): (MANAGE + "/interpreter-requests", LEAD_OF_PROGRAMME),
    ("surveys.interpret", "GET"): (MANAGE + "/bsl-answers/{bsl_answer}", LEAD_OF_PROGRAMME),
    ("surveys.interpret", "POST"): (MANAGE + "/bsl-answers/{bsl_answer}", LEAD_OF_PROGRAMME),
    ("surveys.enter", "GET"): (MANAGE + "/enter", LEAD_OF_PROGRAMME),
    ("surveys.enter", "POST"): (MANAGE + "/enter", LEAD_OF_PROGRAMME),
    ("surveys.printable", "GET"): (SURVEY + "/print", EVERYONE_200),
    ("tracker.manage", "GET"): (TRACKER + "/{slug}", LEAD_OF_PROGRAMME),
    ("tracker.new_statement", "GET"): (TRACKER + "/{slug}/new", LEAD_OF_PROGRAMME),
    ("tracker.new_statement", "POST"): (TRACKER + "/{slug}/new", LEAD_OF_PROGRAMME),
    ("tracker.statement", "GET"): (TRACKER + "/statements/{statement}", LEAD_OF_PROGRAMME),
    ("tracker.send_again", "POST"): (
        TRACKER + "/statements/{statement}/messages/999999/send-again",
        {**LEAD_REDIRECT, "lead": 404, "admin": 404},
    ),
    ("tracker.edit_statement", "GET"): (TRACKER + "/statements/{statement}/edit", LEAD_OF_PROGRAMME),
    ("tracker.edit_statement", "POST"): (TRACKER + "/statements/{statement}/edit", LEAD_OF_PROGRAMME),
    ("tracker.add_quote", "POST"): (TRACKER + "/statements/{statement}/quotes", LEAD_400),
    ("tracker.edit_quote", "GET"): (TRACKER + "/quotes/{quote}", LEAD_OF_PROGRAMME),
    ("tracker.edit_quote", "POST"): (TRACKER + "/quotes/{quote}", LEAD_OF_PROGRAMME),
    ("tracker.approve_quote", "POST"): (TRACKER + "/quotes/{quote}/approve", LEAD_REDIRECT),
    ("tracker.remove_quote", "POST"): (TRACKER + "/quotes/{quote}/remove", LEAD_REDIRECT),
    ("tracker.publish", "GET"): (TRACKER + "/statements/{statement}/publish", LEAD_OF_PROGRAMME),
    ("tracker.publish", "POST"): (TRACKER + "/statements/{statement}/publish", LEAD_REDIRECT),
    ("tracker.delete_statement", "GET"): (TRACKER + "/statements/{spare_statement}/delete", LEAD_OF_PROGRAMME),
    ("tracker.delete_statement", "POST"): (TRACKER + "/statements/{spare_statement}/delete", LEAD_REDIRECT),
    ("tracker.unpublish", "POST"): (TRACKER + "/statements/{statement}/unpublish", LEAD_REDIRECT),
    ("tracker.new_action", "GET"): (TRACKER + "/statements/{statement}/actions/new", LEAD_OF_PROGRAMME),
    ("tracker.new_action", "POST"): (TRACKER + "/statements/{statement}/actions/new", LEAD_OF_PROGRAMME),
    ("tracker.edit_action", "GET"): (TRACKER + "/actions/{action}", LEAD_OF_PROGRAMME),
    ("tracker.edit_action", "POST"): (TRACKER + "/actions/{action}", LEAD_OF_PROGRAMME),
    ("tracker.change_description", "GET"): (TRACKER + "/actions/{action}/core-offer/{component}", LEAD_OF_PROGRAMME),
    ("tracker.change_description", "POST"): (TRACKER + "/actions/{action}/core-offer/{component}", LEAD_OF_PROGRAMME),
    ("tracker.coverage", "GET"): (TRACKER + "/{slug}/coverage", LEAD_OF_PROGRAMME),
    ("tracker.report", "GET"): (TRACKER + "/{slug}/report", LEAD_OF_PROGRAMME),
    ("tracker.board", "GET"): ("/programmes/{slug}/you-said-we-did", EVERYONE_200),
    ("tracker.easy_board", "GET"): ("/programmes/{slug}/you-said-we-did/easy-read", EVERYONE_200),
    ("tracker.feed_json", "GET"): ("/programmes/{slug}/you-said-we-did.json", EVERYONE_200),
    ("tracker.feed_atom", "GET"): ("/programmes/{slug}/you-said-we-did.atom", EVERYONE_200),
    ("tracker.unsubscribe", "GET"): ("/updates/stop/not-a-token", {"*": 404}),
    ("tracker.unsubscribe", "POST"): ("/updates/stop/not-a-token", {"*": 404}),
    # A resident's BSL answer: only the programme's leads may watch it.
    ("media.serve", "GET"): ("/media/{bsl_video}", LEAD_OF_PROGRAMME),
    ("surveys.text_answers", "GET"): (MANAGE + "/results/{question}", LEAD_OF_PROGRAMME),
    ("surveys.export", "GET"): (MANAGE + "/export.csv", LEAD_OF_PROGRAMME),
    ("surveys.import_upload", "GET"): (MANAGE + "/import", LEAD_OF_PROGRAMME),
    ("surveys.import_upload", "POST"): (MANAGE + "/import", LEAD_400),
    ("surveys.import_map", "GET"): (MANAGE + "/import/" + "0" * 32, LEAD_REDIRECT),
    ("surveys.import_map", "POST"): (MANAGE + "/import/" + "0" * 32, LEAD_REDIRECT),
    ("insights.programme_runs", "GET"): ("/insights/{slug}", LEAD_OF_PROGRAMME),
    ("insights.programme_runs", "POST"): ("/insights/{slug}", LEAD_OF_PROGRAMME),
    ("insights.run_page", "GET"): ("/insights/runs/{run}", LEAD_OF_PROGRAMME),
    ("insights.progress", "GET"): ("/insights/runs/{run}/progress.json", LEAD_OF_PROGRAMME),
    ("insights.cancel", "POST"): ("/insights/runs/{run}/cancel", LEAD_REDIRECT),
    ("insights.rerun", "POST"): ("/insights/runs/{run}/rerun", LEAD_REDIRECT),
    ("insights.assign_new", "POST"): ("/insights/runs/{run}/assign", LEAD_REDIRECT),
    ("insights.export", "GET"): ("/insights/runs/{run}/export.csv", LEAD_OF_PROGRAMME),
    ("insights.theme_page", "GET"): ("/insights/themes/{theme}", LEAD_OF_PROGRAMME),
    ("insights.theme_page", "POST"): ("/insights/themes/{theme}", LEAD_OF_PROGRAMME),
    ("insights.split", "POST"): ("/insights/themes/{theme}/split", LEAD_REDIRECT),
    ("insights.compare", "GET"): ("/insights/compare?a={run}&b={run}", LEAD_OF_PROGRAMME),
    ("insights.noise", "POST"): ("/insights/themes/{theme}/noise", LEAD_REDIRECT),
    ("insights.merge", "POST"): ("/insights/themes/{theme}/merge", LEAD_REDIRECT),
    ("insights.codes", "GET"): ("/insights/runs/{run}/codes", LEAD_OF_PROGRAMME),
    ("insights.code_page", "GET"): (
        "/insights/runs/{run}/code?book=framework&key=Timeliness+of+care",
        LEAD_OF_PROGRAMME,
    ),
    ("insights.correct_code", "POST"): ("/insights/codes/{code}", LEAD_REDIRECT),
    ("panels.index", "GET"): ("/panels/", SIGNED_IN_200),
    ("panels.my_comments", "GET"): ("/panels/my-comments", SIGNED_IN_200),
    ("panels.programme_panels", "GET"): ("/panels/programme/{slug}", LEAD_OF_PROGRAMME),
    ("panels.programme_panels", "POST"): ("/panels/programme/{slug}", LEAD_OF_PROGRAMME),
    ("panels.panel_page", "GET"): ("/panels/{panel}", LEAD_OF_PROGRAMME),
    ("panels.panel_page", "POST"): ("/panels/{panel}", LEAD_OF_PROGRAMME),
    ("panels.end_membership", "POST"): ("/panels/memberships/{membership}/end", LEAD_REDIRECT),
    ("panels.draft_page", "GET"): ("/panels/drafts/{draft}", READERS),
    ("panels.draft_page", "POST"): ("/panels/drafts/{draft}", READERS),
    ("panels.edit_section", "GET"): ("/panels/drafts/{draft}/sections/{section}/edit", LEAD_OF_PROGRAMME),
    ("panels.edit_section", "POST"): ("/panels/drafts/{draft}/sections/{section}/edit", LEAD_OF_PROGRAMME),
    ("panels.send", "POST"): ("/panels/drafts/{draft}/send", LEAD_REDIRECT),
    ("panels.comment", "GET"): ("/panels/drafts/{draft}/sections/{section}/comments", READERS),
    ("panels.comment", "POST"): ("/panels/drafts/{draft}/sections/{section}/comments", READERS),
    ("panels.edit_comment", "GET"): ("/panels/comments/{comment}/edit", AUTHOR),
    ("panels.edit_comment", "POST"): ("/panels/comments/{comment}/edit", AUTHOR),
    ("panels.withdraw_comment", "POST"): ("/panels/comments/{comment}/withdraw", {**AUTHOR, "member": 302}),
    ("panels.decide", "GET"): ("/panels/comments/{comment}/decide", LEAD_OF_PROGRAMME),
    ("panels.decide", "POST"): ("/panels/comments/{comment}/decide", LEAD_OF_PROGRAMME),
    ("panels.close", "POST"): ("/panels/drafts/{draft}/close", LEAD_REDIRECT),
    ("panels.publish", "GET"): ("/panels/drafts/{draft}/publish", LEAD_OF_PROGRAMME),
    ("panels.publish", "POST"): ("/panels/drafts/{draft}/publish", LEAD_400),
    ("panels.changes", "GET"): (
        "/panels/drafts/{draft}/changes/1",
        {**READERS, "lead": 404, "admin": 404, "member": 404},
    ),
    ("panels.invite", "GET"): ("/panels/{panel}/invite", LEAD_OF_PROGRAMME),
    ("panels.invite", "POST"): ("/panels/{panel}/invite", LEAD_OF_PROGRAMME),
    ("panels.join", "GET"): ("/panels/join/not-a-token", {"*": 404}),
    ("panels.join", "POST"): ("/panels/join/not-a-token", {"*": 404}),
    ("panels.apply", "GET"): ("/panels/{panel}/apply", EVERYONE_200),
    ("panels.apply", "POST"): ("/panels/{panel}/apply", EVERYONE_200),
    ("panels.applications", "GET"): ("/panels/{panel}/applications", LEAD_OF_PROGRAMME),
    ("panels.decide_application", "POST"): ("/panels/applications/{application}", LEAD_REDIRECT),
    ("panels.meetings_page", "GET"): ("/panels/{panel}/meetings", LEAD_OF_PROGRAMME),
    ("panels.meetings_page", "POST"): ("/panels/{panel}/meetings", LEAD_OF_PROGRAMME),
    ("panels.meeting", "GET"): ("/panels/meetings/{meeting}", LEAD_OF_PROGRAMME),
    ("panels.meeting", "POST"): ("/panels/meetings/{meeting}", LEAD_REDIRECT),
    ("panels.involvement", "GET"): ("/panels/{panel}/involvement", LEAD_OF_PROGRAMME),
    ("panels.involvement", "POST"): ("/panels/{panel}/involvement", LEAD_OF_PROGRAMME),
    ("panels.involvement_csv", "GET"): ("/panels/{panel}/involvement.csv", LEAD_OF_PROGRAMME),
    ("panels.my_involvement", "GET"): ("/panels/my-involvement", SIGNED_IN_200),
    # Members of the programme's panels rate it (an empty rating is a 400); its leads see the ratings.
    ("panels.co_production", "GET"): ("/panels/programme/{slug}/co-production", READERS),
    ("panels.co_production", "POST"): ("/panels/programme/{slug}/co-production", {**READERS, "member": 400}),
    ("auth.notifications", "POST"): ("/account/notifications", {"anonymous": 303, "*": 302}),
    ("annual.latest", "GET"): ("/annual-report/{slug}", {"*": 302}),
    ("annual.report", "GET"): ("/annual-report/{slug}/2025", EVERYONE_200),
    ("annual.report_pdf", "GET"): ("/annual-report/{slug}/2025.pdf", EVERYONE_200),
    ("annual.report_docx", "GET"): ("/annual-report/{slug}/2025.docx", EVERYONE_200),
    ("representation.profile", "GET"): ("/representation/{slug}", LEAD_OF_PROGRAMME),
    ("representation.population", "GET"): ("/representation/{slug}/population", LEAD_OF_PROGRAMME),
    ("representation.population", "POST"): ("/representation/{slug}/population", LEAD_400),
    ("representation.use_census", "POST"): ("/representation/{slug}/population/census", LEAD_REDIRECT),
    ("representation.postcodes", "GET"): ("/representation/{slug}/postcodes", LEAD_OF_PROGRAMME),
    ("representation.postcodes", "POST"): ("/representation/{slug}/postcodes", LEAD_400),
    ("representation.new_outreach", "GET"): ("/representation/{slug}/outreach/new", LEAD_OF_PROGRAMME),
    ("representation.new_outreach", "POST"): ("/representation/{slug}/outreach/new", LEAD_400),
    ("safeguarding.queue", "GET"): ("/safeguarding/", SAFEGUARDING_ONLY),
    ("safeguarding.review", "GET"): ("/safeguarding/{flag}", SAFEGUARDING_ONLY),
    ("safeguarding.review", "POST"): ("/safeguarding/{flag}", SAFEGUARDING_ONLY),
}


def routes(app: Flask) -> set[tuple[str, str]]:
    return {
        (rule.endpoint, method)
        for rule in app.url_map.iter_rules()
        for method in rule.methods or ()
        if method in {"GET", "POST", "PUT", "PATCH", "DELETE"}
    }


def test_every_route_has_an_entry_in_the_matrix(app: Flask) -> None:
    missing = routes(app) - MATRIX.keys()
    assert not missing, f"add these routes to MATRIX with the status each role should get: {sorted(missing)}"
    stale = MATRIX.keys() - routes(app)
    assert not stale, f"these MATRIX entries name routes that no longer exist: {sorted(stale)}"


@pytest.fixture
def world(
    make_user: Callable[..., User],
    make_programme: Callable[..., Programme],
    make_survey: Callable[..., Survey],
    make_flag: Callable[..., int],
    make_run: Callable[..., tuple[int, int]],
    make_review: Callable[..., dict[str, int]],
    make_bsl_answer: Callable[..., tuple[int, str]],
    make_statement: Callable[..., dict[str, int]],
    make_message: Callable[[], int],
    make_rights_request: Callable[[], int],
    app: Flask,
) -> dict[str, Any]:
    users = {
        "resident": make_user(Role.RESIDENT),
        "member": make_user(Role.MEMBER),
        "lead": make_user(Role.LEAD),
        "other_lead": make_user(Role.LEAD),
        "safeguarding": make_user(Role.SAFEGUARDING),
        "admin": make_user(Role.ADMIN),
    }
    programme = make_programme(people=(users["lead"], users["member"]))
    make_programme(people=(users["other_lead"],))
    survey = make_survey(programme)
    run, theme = make_run(programme, survey)
    review = make_review(programme, users["member"])
    bsl_answer, bsl_video = make_bsl_answer(survey)
    flag = make_flag(survey)
    with app.app_context():
        code = TextCode(run_id=run, answer_id=db.session.get(SafeguardingFlag, flag).answer_id,
                        codebook=Codebook.FRAMEWORK, key="Timeliness of care", name="Timeliness of care")  # fmt: skip
        db.session.add(code)
        db.session.commit()
        code_id = code.id
    return {
        "code": code_id,
        "statement": make_statement(programme, theme)
        | {"spare_statement": make_statement(programme, theme)["statement"]},
        "bsl_answer": bsl_answer,
        "message": make_message(),
        "rights": {"rights_request": make_rights_request(), "spare_rights_request": make_rights_request()},
        "bsl_video": bsl_video,
        "review": review,
        "users": users,
        "programme": programme,
        "survey": survey,
        "flag": flag,
        "run": run,
        "theme": theme,
    }


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_the_expected_status_on_every_route(
    app: Flask, client: FlaskClient, auth: Auth, world: dict[str, Any], role: str, make_user: Callable[..., User]
) -> None:
    programme: Programme = world["programme"]
    survey: Survey = world["survey"]
    target = make_user(Role.MEMBER)
    ids = {"slug": programme.slug, "component": programme.components[0].id if programme.components else 0}
    ids |= {"user": target.id, "programme": programme.id, "survey": survey.id, "survey_slug": survey.slug}
    ids |= {"question": survey.questions[0].id, "spare_question": survey.questions[-1].id, "flag": world["flag"]}
    ids |= {"run": world["run"], "theme": world["theme"], "bsl_answer": world["bsl_answer"], "code": world["code"]}
    ids |= {"bsl_video": world["bsl_video"]} | world["review"] | world["statement"] | {"message": world["message"]}
    ids |= world["rights"]
    if role != "anonymous":
        auth.login(world["users"][role])
    failures = []
    for (endpoint, method), (path, expected) in sorted(MATRIX.items()):
        if endpoint == "auth.logout":
            continue  # checked last: it ends the session the other checks need
        url = path.format(**ids)
        with client.session_transaction() as session:
            session.pop("drafts", None)  # each request starts without a survey draft on this device
        response = client.open(url, method=method, data={})
        response.close()
        want = expected.get(role, expected.get("*"))
        if response.status_code != want:
            failures.append(f"{method} {url}: got {response.status_code}, expected {want}")
    for method in ("GET", "POST"):
        path, expected = MATRIX[("auth.logout", method)]
        response = client.open(path, method=method)
        want = expected.get(role, expected.get("*"))
        if response.status_code != want:
            failures.append(f"{method} {path}: got {response.status_code}, expected {want}")
    assert not failures, "\n".join(failures)


HUGE = 10**25  # beyond any database integer


def _ids(world: dict[str, Any], value: int | None = None) -> dict[str, Any]:
    programme: Programme = world["programme"]
    survey: Survey = world["survey"]
    ids = {"slug": programme.slug, "component": programme.components[0].id if programme.components else 0}
    ids |= {"programme": programme.id, "survey": survey.id, "survey_slug": survey.slug}
    ids |= {"question": survey.questions[0].id, "spare_question": survey.questions[-1].id, "flag": world["flag"]}
    ids |= {"run": world["run"], "theme": world["theme"], "bsl_answer": world["bsl_answer"], "code": world["code"]}
    ids |= {"bsl_video": world["bsl_video"]} | world["review"] | world["statement"] | {"message": world["message"]}
    ids |= world["rights"]
    ids |= {"user": world["users"]["member"].id}
    if value is not None:
        ids = {key: value if isinstance(id_, int) else id_ for key, id_ in ids.items()}
    return ids


@pytest.mark.parametrize("role", ["anonymous", "lead", "admin"])
def test_huge_ids_pages_and_far_off_dates_never_cause_a_server_error(
    client: FlaskClient, auth: Auth, world: dict[str, Any], role: str
) -> None:
    if role != "anonymous":
        auth.login(world["users"][role])
    huge, real = _ids(world, HUGE), _ids(world)
    odd_queries = [
        {"page": str(HUGE)}, {"page": "0"}, {"page": "-1"}, {"page": "٣"},
        {"from": "0001-01-01", "to": "9999-12-31"}, {"to": "9999-12-31", "page": "2"},
    ]  # fmt: skip
    failures = []
    for (endpoint, method), (path, _) in sorted(MATRIX.items()):
        if method != "GET" or endpoint == "auth.logout":
            continue
        if "{" in path:
            response = client.get(path.format(**huge))
            response.close()  # a file download keeps its file open until then
            if response.status_code >= 500:
                failures.append(f"{path.format(**huge)}: {response.status_code}")
        for query in odd_queries:
            url = path.format(**real)
            url += ("&" if "?" in url else "?") + urlencode(query)
            response = client.get(url)
            response.close()
            if response.status_code >= 500:
                failures.append(f"{url}: {response.status_code}")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("role", ["anonymous", "lead"])
def test_naughty_strings_in_links_and_queries_never_cause_a_server_error(
    client: FlaskClient, auth: Auth, world: dict[str, Any], role: str
) -> None:
    """The naughty-strings list in every route's text parts (slugs, names) and in the query strings views read."""
    if role != "anonymous":
        auth.login(world["users"][role])
    naughty = cycle(json.loads((PAYLOADS / "naughty-strings/blns.json").read_text(encoding="utf-8")))
    failures = []
    for (endpoint, method), (path, _) in sorted(MATRIX.items()):
        if method != "GET" or endpoint in ("auth.logout", "static", "pages.assets"):
            continue
        for _ in range(3):
            text = next(naughty)
            ids = {key: quote(text, safe="") if isinstance(value, str) else value for key, value in _ids(world).items()}
            url = path.format(**ids)
            url += ("&" if "?" in url else "?") + urlencode(dict.fromkeys(QUERY_NAMES, text))
            response = client.get(url)
            response.close()
            if response.status_code >= 500:
                failures.append(f"{url}: {response.status_code}")
    assert not failures, "\n".join(failures[:20])


# Every query parameter a view reads.
QUERY_NAMES = (
    "a", "b", "channel", "component", "days", "expired", "format", "from", "group", "kind", "next", "page",
    "programme", "q", "return", "sentiment", "status", "theme", "to",
    # and names a link builder might take from the query string by mistake
    "survey_id", "question_id", "slug", "_external", "_scheme", "_anchor", "_method",
)  # fmt: skip
