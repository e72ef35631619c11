"""Named operations for panels and draft reviews: membership, comments, decisions and new versions."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from markupsafe import Markup, escape
from sqlalchemy import Select, select

from engage import audit
from engage.auth.models import Role, User
from engage.auth.permissions import can_manage
from engage.exceptions import EngageError
from engage.extensions import db
from engage.notify.services import already_sent, compose, notify
from engage.panels.models import (
    Comment,
    CommentDecision,
    Draft,
    DraftSection,
    DraftStatus,
    MemberRole,
    Membership,
    Outcome,
    Panel,
    PanelKind,
    Stance,
)
from engage.programmes.models import Programme
from engage.signals import text_written
from engage.timeutil import utcnow


class PanelError(EngageError):
    """Something that cannot be done to a panel or draft; the message is for the person who tried."""


# Who may do what ---------------------------------------------------------------------------------


def is_member(user: User, panel: Panel) -> bool:
    return user.is_authenticated and any(m.user_id == user.id and m.left_on is None for m in panel.memberships)


def can_read(user: User, draft: Draft) -> bool:
    """Leads of the programme always; members of a panel it was sent to once it has been sent."""
    if can_manage(user, draft.programme):
        return True
    return draft.status != DraftStatus.PREPARING and any(is_member(user, p) for p in draft.panels)


def can_comment(user: User, draft: Draft) -> bool:
    return any(is_member(user, p) for p in draft.panels) and draft.accepts_comments_on(utcnow().date())


# Panels ------------------------------------------------------------------------------------------


def panels_for(programme: Programme) -> list[Panel]:
    return list(
        db.session.execute(select(Panel).where(Panel.programme_id == programme.id).order_by(Panel.name)).scalars()
    )


def panels_of(user: User) -> list[Panel]:
    query = select(Panel).join(Membership).where(Membership.user_id == user.id, Membership.left_on.is_(None))
    return list(db.session.execute(query.order_by(Panel.name)).scalars())


def create_panel(actor: User, programme: Programme, *, kind: PanelKind, name: str, purpose: str, terms: str) -> Panel:
    """Start a panel in a programme."""
    panel = Panel(programme=programme, kind=kind, name=name, purpose=purpose, terms_of_reference=terms)
    db.session.add(panel)
    audit.record(actor.id, "panel_created", panel)
    db.session.flush()
    return panel


def add_member(actor: User, panel: Panel, user: User, role: MemberRole) -> Membership:
    """Add someone who works on the programme to one of its panels, as a member or chair.

    Only administrators decide who works on a programme (that gives a lead its results and BSL answers), so a
    lead can add to a panel only people already on the programme; others join through an invitation link.
    """
    if user not in panel.programme.people:
        raise PanelError(
            "Only people who work on this programme can join its panels. Send them an invitation link, "
            "or ask an administrator to add them to the programme"
        )
    if user.role not in (Role.MEMBER, Role.LEAD):
        raise PanelError("Only panel members can join a panel. Change their role first")
    if is_member(user, panel):
        raise PanelError("They are already on this panel")
    membership = Membership(panel=panel, user=user, role=role)
    db.session.add(membership)
    audit.record(actor.id, "panel_member_added", panel, f"user={user.id}")
    db.session.flush()
    return membership


def end_membership(actor: User, membership: Membership) -> None:
    """Record that a member has left; their comments and records stay."""
    membership.left_on = utcnow().date()
    audit.record(actor.id, "panel_member_left", membership.panel, f"user={membership.user_id}")
    db.session.flush()


# Drafts ------------------------------------------------------------------------------------------


def drafts_for(programme: Programme) -> list[Draft]:
    query = select(Draft).where(Draft.programme_id == programme.id).order_by(Draft.created_at.desc())
    return list(db.session.execute(query).scalars())


def drafts_for_member(user: User) -> list[Draft]:
    panels = {p.id for p in panels_of(user)}
    query = select(Draft).where(Draft.status != DraftStatus.PREPARING).order_by(Draft.created_at.desc())
    return [d for d in db.session.execute(query).scalars() if any(p.id in panels for p in d.panels)]


def create_draft(actor: User, programme: Programme, *, title: str, purpose: str, deadline: object) -> Draft:
    """Start a draft document for review."""
    draft = Draft(programme=programme, title=title, purpose=purpose, deadline=deadline, created_by_id=actor.id)
    db.session.add(draft)
    audit.record(actor.id, "draft_created", draft)
    db.session.flush()
    return draft


def add_section(actor: User, draft: Draft, *, heading: str, body: str, component_id: int | None) -> DraftSection:
    """Add a section to the version being prepared."""
    if draft.status != DraftStatus.PREPARING:
        raise PanelError("Sections can only be added before the draft is sent for review")
    _check_component(draft, component_id)
    position = len(draft.current_sections) + 1
    section = DraftSection(
        draft=draft, version=draft.version, position=position, heading=heading, body=body, component_id=component_id
    )
    db.session.add(section)
    audit.record(actor.id, "draft_section_added", draft)
    db.session.flush()
    return section


def _check_component(draft: Draft, component_id: int | None) -> None:
    if component_id and component_id not in {c.id for c in draft.programme.components}:
        raise PanelError("Choose a part of this programme's core offer")


def update_section(actor: User, section: DraftSection, *, heading: str, body: str, component_id: int | None) -> None:
    """Change a section before the draft goes out for review."""
    if section.draft.status != DraftStatus.PREPARING:
        raise PanelError("The draft is out for review: publish a new version to change it")
    _check_component(section.draft, component_id)
    section.heading, section.body, section.component_id = heading, body, component_id
    audit.record(actor.id, "draft_section_changed", section.draft)
    db.session.flush()


def send_for_review(actor: User, draft: Draft, panel_ids: list[int]) -> None:
    """Send the current version to one or more of the programme's panels."""
    panels = [p for p in panels_for(draft.programme) if p.id in panel_ids]
    if not panels or len(panels) != len(set(panel_ids)):
        raise PanelError("Choose at least one of this programme's panels")
    if not draft.current_sections:
        raise PanelError("Add at least one section before you send the draft")
    draft.panels = panels
    draft.status = DraftStatus.IN_REVIEW
    audit.record(actor.id, "draft_sent", draft, "panels=" + ",".join(str(p.id) for p in panels))
    for user in {m.user for p in panels for m in p.memberships if m.left_on is None}:
        email = compose("draft_for_review", user=user, draft=draft)
        notify(user, "draft_for_review", email, about=f"draft:{draft.id}:v{draft.version}")
    db.session.flush()


# Comments and decisions --------------------------------------------------------------------------


def add_comment(author: User, section: DraftSection, stance: Stance, text: str) -> Comment:
    """A member's comment on a section of the version under review."""
    draft = section.draft
    if section.version != draft.version:
        raise PanelError("You can only comment on the current version")
    if not can_comment(author, draft):
        raise PanelError("This review is closed, so comments cannot be added")
    comment = Comment(section=section, author_id=author.id, stance=stance, text=text)
    db.session.add(comment)
    audit.record(author.id, "comment_added", draft)
    db.session.flush()
    text_written.send(None, source=comment)
    return comment


def _check_own_open(author: User, comment: Comment) -> None:
    if comment.author_id != author.id:
        raise PanelError("You can only change your own comments")
    if not comment.section.draft.accepts_comments_on(utcnow().date()):
        raise PanelError("This review is closed, so comments cannot be changed")


def edit_comment(author: User, comment: Comment, stance: Stance, text: str) -> None:
    """Change a comment while the review is open."""
    _check_own_open(author, comment)
    comment.stance, comment.text, comment.withdrawn = stance, text, False
    audit.record(author.id, "comment_edited", comment)
    db.session.flush()
    text_written.send(None, source=comment)


def withdraw_comment(author: User, comment: Comment) -> None:
    """Take a comment back while the review is open."""
    _check_own_open(author, comment)
    comment.withdrawn = True
    audit.record(author.id, "comment_withdrawn", comment)
    db.session.flush()


def decide(lead: User, comment: Comment, outcome: Outcome, reason: str) -> CommentDecision:
    """Record what was done with a comment; a reason is needed unless it was accepted."""
    if outcome != Outcome.ACCEPTED and not reason.strip():
        raise PanelError("Give a reason: people need to know why their comment was not fully accepted")
    decision = comment.decision
    if decision is None:
        decision = CommentDecision(comment=comment, outcome=outcome)
        db.session.add(decision)
    decision.outcome, decision.reason, decision.decided_by_id, decision.decided_at = outcome, reason, lead.id, utcnow()
    audit.record(lead.id, "comment_decided", comment, f"outcome={outcome.value}")
    email = compose("comment_decision", comment=comment, outcome=outcome, reason=reason)
    notify(comment.author, "comment_decision", email, about=f"comment:{comment.id}:{outcome.value}")
    db.session.flush()
    return decision


def programme_comments_query(programme_id: int) -> Select[tuple[Comment]]:
    """Comments (not withdrawn) on any of a programme's drafts, oldest first."""
    return (
        select(Comment)
        .join(DraftSection)
        .join(Draft)
        .where(Draft.programme_id == programme_id, Comment.withdrawn.is_(False))
        .order_by(Comment.id)
    )


def live_comments(draft: Draft, version: int | None = None) -> list[Comment]:
    return [c for s in draft.sections_of(version or draft.version) for c in s.comments if not c.withdrawn]


def undecided(draft: Draft) -> list[Comment]:
    return [c for c in live_comments(draft) if c.decision is None]


def close_review(lead: User, draft: Draft, *, confirmed: bool) -> None:
    """End the review. With comments still undecided, the lead must confirm explicitly."""
    if draft.status != DraftStatus.IN_REVIEW:
        raise PanelError("This draft is not out for review")
    waiting = len(undecided(draft))
    if waiting and not confirmed:
        comments = "comments have" if waiting != 1 else "comment has"
        raise PanelError(f"{waiting} {comments} no decision yet. Decide them, or confirm you want to close anyway")
    draft.status = DraftStatus.CLOSED
    audit.record(lead.id, "review_closed", draft, f"undecided={waiting}")
    db.session.flush()


@dataclass
class Revision:
    section_id: int
    heading: str
    body: str
    answers: list[int]


def publish_next_version(lead: User, draft: Draft, revisions: list[Revision]) -> int:
    """Publish version N+1: every section, revised or not, each citing the comments it answers."""
    if draft.status != DraftStatus.CLOSED:
        raise PanelError("Close the review before you publish the next version")
    current = {s.id: s for s in draft.current_sections}
    if {r.section_id for r in revisions} != set(current):
        raise PanelError("Give the new wording of every section")
    commented = {c.id: c for c in live_comments(draft)}
    for revision in revisions:
        if not set(revision.answers) <= commented.keys():
            raise PanelError("Cite only comments made on this version")
    draft.version += 1
    for position, revision in enumerate(revisions, start=1):
        old = current[revision.section_id]
        db.session.add(
            DraftSection(
                draft=draft,
                version=draft.version,
                position=position,
                heading=revision.heading,
                body=revision.body,
                component_id=old.component_id,
                previous_id=old.id,
                answers_comments=[commented[i] for i in sorted(set(revision.answers))],
            )
        )
    audit.record(lead.id, "draft_version_published", draft, f"version={draft.version}")
    db.session.flush()
    return draft.version


def send_reminders(days_before: int = 2) -> int:
    """Remind members of drafts whose review closes within a few days, once per person and version."""
    today = utcnow().date()
    sent = 0
    for draft in db.session.execute(select(Draft).where(Draft.status == DraftStatus.IN_REVIEW)).scalars():
        if draft.deadline is None or not 0 <= (draft.deadline - today).days <= days_before:
            continue
        about = f"deadline:{draft.id}:v{draft.version}"
        for user in {m.user for p in draft.panels for m in p.memberships if m.left_on is None}:
            if already_sent(user, "deadline_reminder", about):
                continue
            email = compose("deadline_reminder", user=user, draft=draft)
            message = notify(user, "deadline_reminder", email, about=about)
            sent += message is not None
    db.session.flush()
    return sent


def my_comments(user: User) -> list[Comment]:
    """Every comment the user made, newest first, with its decision and the drafts' later wording."""
    query = select(Comment).where(Comment.author_id == user.id).order_by(Comment.created_at.desc())
    return list(db.session.execute(query).scalars())


def answered_by(comment: Comment) -> DraftSection | None:
    """The section of a later version that cites this comment, if any."""
    for section in comment.section.draft.sections:
        if comment.id in (section.answers_comment_ids or []):
            return section
    return None


# Word-level differences --------------------------------------------------------------------------

_TOKENS = re.compile(r"\s+|[^\s]+")


def diff_words(old: str, new: str) -> Markup:
    """The new text with removed words in <del> and added words in <ins>, everything else escaped."""
    a, b = _TOKENS.findall(old or ""), _TOKENS.findall(new or "")
    parts: list[str] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            parts.append(str(escape("".join(a[i1:i2]))))
            continue
        if op in ("delete", "replace"):
            parts.append(f"<del>{escape(''.join(a[i1:i2]))}</del>")
        if op in ("insert", "replace"):
            parts.append(f"<ins>{escape(''.join(b[j1:j2]))}</ins>")
    # Every piece of text above is escaped.
    return Markup("".join(parts))  # noqa: S704  # nosec B704
