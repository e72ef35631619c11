"""Panel pages: panels and members for leads; drafts, comments and decisions for everyone involved."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response as HttpResponse

from analysis.safeguarding import screen
from engage.auth.models import Role, User
from engage.auth.permissions import can_manage, require_manager
from engage.exceptions import EngageError
from engage.extensions import db
from engage.forms import options, refuse, show_error
from engage.panels import bp, services
from engage.panels.forms import (
    CloseForm,
    CommentForm,
    DecisionForm,
    DraftForm,
    MemberForm,
    PanelForm,
    SectionForm,
    SendForm,
)
from engage.panels.models import Comment, Draft, DraftSection, MemberRole, Membership, Outcome, Panel, PanelKind, Stance
from engage.programmes import services as programmes


def panel_for_manager(panel_id: int) -> Panel:
    panel = db.get_or_404(Panel, panel_id)
    require_manager(panel.programme)
    return panel


def _draft(draft_id: int) -> Draft:
    """A draft the signed-in user may read (leads of its programme, members of its panels)."""
    draft = db.get_or_404(Draft, draft_id)
    if not current_user.is_authenticated:
        abort(401)
    if not services.can_read(current_user, draft):
        abort(403)
    return draft


def _managed_draft(draft_id: int) -> Draft:
    draft = db.get_or_404(Draft, draft_id)
    require_manager(draft.programme)
    return draft


def _own_comment(comment_id: int) -> Comment:
    comment = db.get_or_404(Comment, comment_id)
    if not current_user.is_authenticated:
        abort(401)
    if comment.author_id != current_user.id:
        abort(403)
    return comment


@bp.route("/")
@login_required
def index() -> str:
    """Your panels and the drafts sent to them."""
    return render_template(
        "panels/index.html",
        panels=services.panels_of(current_user),
        drafts=services.drafts_for_member(current_user),
    )


@bp.route("/programme/<slug>", methods=["GET", "POST"])
def programme_panels(slug: str) -> str | HttpResponse:
    """A programme's panels and drafts, with forms to start either."""
    programme = programmes.programme_or_404(slug)
    require_manager(programme)
    panel_form, draft_form = PanelForm(prefix="panel"), DraftForm(prefix="draft")
    if request.form.get("form") == "panel" and panel_form.validate_on_submit():
        panel = services.create_panel(
            current_user, programme, kind=PanelKind(panel_form.kind.data), name=panel_form.name.data,
            purpose=panel_form.purpose.data, terms=panel_form.terms.data or "",
        )  # fmt: skip
        flash("Panel created. Now add its members.")
        return redirect(url_for("panels.panel_page", panel_id=panel.id))
    if request.form.get("form") == "draft" and draft_form.validate_on_submit():
        draft = services.create_draft(
            current_user, programme, title=draft_form.title.data, purpose=draft_form.purpose.data,
            deadline=draft_form.deadline.data,
        )  # fmt: skip
        flash("Draft started. Now add its sections.")
        return redirect(url_for("panels.draft_page", draft_id=draft.id))
    return render_template(
        "panels/programme.html",
        programme=programme,
        panels=services.panels_for(programme),
        drafts=services.drafts_for(programme),
        panel_form=panel_form,
        draft_form=draft_form,
    )


def _member_form(panel: Panel) -> MemberForm:
    """The people a lead can add: those already on the programme, never the whole list of accounts."""
    form = MemberForm()
    people = sorted(
        (u for u in panel.programme.people if u.role in (Role.MEMBER, Role.LEAD) and u.active),
        key=lambda u: u.name,
    )
    form.user.choices = options((u.id, f"{u.name} ({u.email})") for u in people if not services.is_member(u, panel))
    return form


@bp.route("/<int:panel_id>", methods=["GET", "POST"])
def panel_page(panel_id: int) -> str | HttpResponse:
    """A panel's members and their communication and access needs, for planning."""
    panel = panel_for_manager(panel_id)
    form = _member_form(panel)
    if form.validate_on_submit():
        try:
            services.add_member(current_user, panel, db.session.get(User, form.user.data), MemberRole(form.role.data))
        except EngageError as error:
            show_error(form, error, "user")
        else:
            flash("Member added.")
            return redirect(url_for("panels.panel_page", panel_id=panel.id))
    return render_template("panels/panel.html", panel=panel, form=form)


@bp.route("/memberships/<int:membership_id>/end", methods=["POST"])
def end_membership(membership_id: int) -> HttpResponse:
    """Record that someone has left a panel."""
    membership = db.get_or_404(Membership, membership_id)
    require_manager(membership.panel.programme)
    services.end_membership(current_user, membership)
    flash(f"{membership.user.name} has left the panel.")
    return redirect(url_for("panels.panel_page", panel_id=membership.panel_id))


def _section_form(draft: Draft, section: DraftSection | None = None) -> SectionForm:
    form = SectionForm(obj=section) if section is not None and request.method == "GET" else SectionForm()
    if section is not None and request.method == "GET":
        form.component.data = section.component_id or 0
    form.component.choices = options([(0, "None"), *((c.id, c.title) for c in draft.programme.components)])
    return form


@bp.route("/drafts/<int:draft_id>", methods=["GET", "POST"])
def draft_page(draft_id: int) -> str | HttpResponse:
    """The current version of a draft: sections, comments and (for leads) decisions."""
    draft = _draft(draft_id)
    manager = can_manage(current_user, draft.programme)
    section_form = _section_form(draft) if manager else None
    if manager and section_form.validate_on_submit():
        try:
            services.add_section(
                current_user, draft, heading=section_form.heading.data, body=section_form.body.data,
                component_id=section_form.component.data or None,
            )  # fmt: skip
        except EngageError as error:
            show_error(section_form, error)
        else:
            flash("Section added.")
            return redirect(url_for("panels.draft_page", draft_id=draft.id))
    send_form = SendForm()
    send_form.panels.choices = options((p.id, p.name) for p in services.panels_for(draft.programme))
    return render_template(
        "panels/draft.html",
        draft=draft,
        manager=manager,
        section_form=section_form,
        send_form=send_form,
        close_form=CloseForm(),
        can_comment=services.can_comment(current_user, draft),
        undecided=services.undecided(draft) if manager else [],
        Stance=Stance,
    )


@bp.route("/drafts/<int:draft_id>/sections/<int:section_id>/edit", methods=["GET", "POST"])
def edit_section(draft_id: int, section_id: int) -> str | HttpResponse:
    """Change a section before the draft is sent."""
    draft = _managed_draft(draft_id)
    section = next((s for s in draft.current_sections if s.id == section_id), None)
    if section is None:
        abort(404)
    form = _section_form(draft, section)
    if form.validate_on_submit():
        try:
            services.update_section(
                current_user, section, heading=form.heading.data, body=form.body.data,
                component_id=form.component.data or None,
            )  # fmt: skip
        except EngageError as error:
            show_error(form, error)
        else:
            flash("Section saved.")
            return redirect(url_for("panels.draft_page", draft_id=draft.id))
    return render_template("panels/section_form.html", draft=draft, section=section, form=form)


@bp.route("/drafts/<int:draft_id>/send", methods=["POST"])
def send(draft_id: int) -> HttpResponse:
    """Send the draft to panels for review."""
    draft = _managed_draft(draft_id)
    form = SendForm()
    form.panels.choices = options((p.id, p.name) for p in services.panels_for(draft.programme))
    if form.validate_on_submit():
        try:
            services.send_for_review(current_user, draft, form.panels.data or [])
        except EngageError as error:
            refuse(error)
        else:
            flash("Sent for review.")
    else:
        flash("Choose at least one panel to send the draft to.")
    return redirect(url_for("panels.draft_page", draft_id=draft.id))


@bp.route("/drafts/<int:draft_id>/sections/<int:section_id>/comments", methods=["GET", "POST"])
def comment(draft_id: int, section_id: int) -> str | HttpResponse:
    """Comment on one section (a page of its own, so it works with a keyboard and on a phone)."""
    draft = _draft(draft_id)
    section = next((s for s in draft.current_sections if s.id == section_id), None)
    if section is None:
        abort(404)
    form = CommentForm()
    if form.validate_on_submit():
        try:
            services.add_comment(current_user, section, Stance(form.stance.data), form.text.data)
        except EngageError as error:
            show_error(form, error)
        else:
            flash("Thank you. Your comment is saved. You can change or withdraw it until the review closes.")
            _offer_help(form.text.data)
            return redirect(url_for("panels.draft_page", draft_id=draft.id, _anchor=f"section-{section.id}"))
    return render_template("panels/comment_form.html", draft=draft, section=section, form=form, comment=None)


CRISIS_HELP = (
    "If you need help now: call Samaritans free on 116 123 at any time, call NHS 111 and choose the mental health "
    "option, or text SHOUT to 85258. In an emergency, call 999."
)


def _offer_help(text: str) -> None:
    """A comment that may disclose risk went to the safeguarding team as it was saved; the writer sees help now."""
    if screen(text).flagged:
        flash(CRISIS_HELP)


@bp.route("/comments/<int:comment_id>/edit", methods=["GET", "POST"])
def edit_comment(comment_id: int) -> str | HttpResponse:
    """Change your comment while the review is open."""
    comment = _own_comment(comment_id)
    form = CommentForm(obj=comment) if request.method == "GET" else CommentForm()
    if request.method == "GET":
        form.stance.data = comment.stance.value
    if form.validate_on_submit():
        try:
            services.edit_comment(current_user, comment, Stance(form.stance.data), form.text.data)
        except EngageError as error:
            show_error(form, error)
        else:
            flash("Your comment is updated.")
            _offer_help(form.text.data)
            return redirect(url_for("panels.draft_page", draft_id=comment.section.draft_id))
    section = comment.section
    return render_template("panels/comment_form.html", draft=section.draft, section=section, form=form, comment=comment)


@bp.route("/comments/<int:comment_id>/withdraw", methods=["POST"])
def withdraw_comment(comment_id: int) -> HttpResponse:
    """Withdraw your comment while the review is open."""
    comment = _own_comment(comment_id)
    try:
        services.withdraw_comment(current_user, comment)
    except EngageError as error:
        refuse(error)
    else:
        flash("Your comment is withdrawn.")
    return redirect(url_for("panels.draft_page", draft_id=comment.section.draft_id))


@bp.route("/comments/<int:comment_id>/decide", methods=["GET", "POST"])
def decide(comment_id: int) -> str | HttpResponse:
    """Record the decision on a comment, with a reason unless it was accepted."""
    comment = db.get_or_404(Comment, comment_id)
    require_manager(comment.section.draft.programme)
    current = {"outcome": comment.decision.outcome.value, "reason": comment.decision.reason} if comment.decision else {}
    form = DecisionForm(data=current) if request.method == "GET" else DecisionForm()
    if form.validate_on_submit():
        try:
            services.decide(current_user, comment, Outcome(form.outcome.data), form.reason.data or "")
        except EngageError as error:
            show_error(form, error, "reason")
        else:
            flash("Decision recorded.")
            return redirect(
                url_for("panels.draft_page", draft_id=comment.section.draft_id, _anchor=f"comment-{comment.id}")
            )
    return render_template("panels/decide.html", comment=comment, form=form)


@bp.route("/drafts/<int:draft_id>/close", methods=["POST"])
def close(draft_id: int) -> HttpResponse:
    """End the review (confirming, if comments are still undecided)."""
    draft = _managed_draft(draft_id)
    form = CloseForm()
    try:
        services.close_review(current_user, draft, confirmed=bool(form.confirm.data))
    except EngageError as error:
        refuse(error)
    else:
        flash("Review closed. Publish the next version when you are ready.")
    return redirect(url_for("panels.draft_page", draft_id=draft.id))


@bp.route("/drafts/<int:draft_id>/publish", methods=["GET", "POST"])
def publish(draft_id: int) -> str | HttpResponse:
    """Write version N+1, section by section, citing the comments each change answers."""
    draft = _managed_draft(draft_id)
    sections = draft.current_sections
    problem = None
    if request.method == "POST":
        revisions = [
            services.Revision(
                section_id=s.id,
                heading=(request.form.get(f"heading-{s.id}") or "").strip()[:200] or s.heading,
                body=(request.form.get(f"body-{s.id}") or "").strip()[:20000],
                answers=[int(v) for v in request.form.getlist(f"answers-{s.id}") if v.isdecimal()],
            )
            for s in sections
        ]
        if any(not r.body for r in revisions):
            problem = "Every section needs text"
        else:
            try:
                version = services.publish_next_version(current_user, draft, revisions)
            except EngageError as error:
                problem = str(error)
            else:
                flash(f"Version {version} published.")
                return redirect(url_for("panels.changes", draft_id=draft.id, version=version))
    return render_template("panels/publish.html", draft=draft, sections=sections, problem=problem), (
        400 if problem else 200
    )


@bp.route("/drafts/<int:draft_id>/changes/<int:version>")
def changes(draft_id: int, version: int) -> str:
    """What changed between a version and the one before, word by word, and which comments each change answers."""
    draft = _draft(draft_id)
    sections = draft.sections_of(version)
    if version < 2 or not sections:
        abort(404)
    comments = {c.id: c for s in draft.sections_of(version - 1) for c in s.comments}
    rows = [
        (
            s,
            services.diff_words(s.previous.body if s.previous else "", s.body),
            [comments[i] for i in s.answers_comment_ids if i in comments],
        )
        for s in sections
    ]
    return render_template("panels/changes.html", draft=draft, version=version, rows=rows)


@bp.route("/my-comments")
@login_required
def my_comments() -> str:
    """What happened to every comment you made."""
    comments = services.my_comments(current_user)
    return render_template("panels/my_comments.html", rows=[(c, services.answered_by(c)) for c in comments])
