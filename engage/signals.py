"""What happens in one feature that others react to, announced with blinker signals (which Flask ships).

A feature sends; others subscribe in their own package. So a lower package never imports a higher one:
insights, for example, asks who cites its themes without knowing that "you said, we did" exists.
"""

from __future__ import annotations

from typing import Any

from blinker import Namespace

signals = Namespace()

# Sent by surveys when a response arrives complete (online, on paper or by phone, imported, or demo), with
# `response`, in the same transaction. Safeguarding screens every answer in it.
response_submitted = signals.signal("response-submitted")

# Sent whenever someone's own words are saved, with `source`: a survey answer as it is typed (a draft too) or
# interpreted from BSL, a panel comment and each edit of it, or an application to join a panel. Safeguarding
# screens it in the same transaction:
# one subscription point, so a new kind of text cannot miss the screen by forgetting to ask.
text_written = signals.signal("text-written")

# Sent by surveys whenever an answer to the equality set's area question is saved, with `response` and
# `postcode` (the full postcode it held, normalised, or None). The answer keeps only the postcode's first part,
# so this is the one moment a receiver can read the rest: representation stores the neighbourhood's decile.
area_given = signals.signal("area-given")

# Sent by surveys before deleting expired drafts, with `response_ids` (a query). Each receiver returns the ids
# that must be kept: safeguarding keeps drafts whose words wait for review.
drafts_expiring = signals.signal("drafts-expiring")

# Sent before words are quoted or published, with `answer_ids` and `comment_ids`. Each receiver returns
# (answer ids, comment ids) that must not be: safeguarding holds back any that are flagged and not cleared.
words_held = signals.signal("words-held")

# Sent by safeguarding when words are flagged, with `answer_id` or `comment_id` (the other None). The tracker
# takes any quote of them off the public pages and tells the lead.
words_flagged = signals.signal("words-flagged")

# Sent by data rights before a person's words are erased, with `answer_ids` and `comment_ids`, in the same
# transaction. Insights forgets their stored embeddings and takes them out of theme sizes; the tracker withdraws
# any quote of them (a published one leaves a note that it was removed at the person's request).
words_erased = signals.signal("words-erased")

# Sent by a privacy notice, with no arguments. Each receiver returns {kind: days} from the retention schedule
# (data rights answers), so a survey's notice says how long its data is really kept.
retention_periods = signals.signal("retention-periods")

# Sent by a programme's page, with `programme` and `manager` (whether the viewer runs the programme). Each
# receiver returns the surveys to list there, so programmes need not know about surveys.
programme_surveys = signals.signal("programme-surveys")

# Sent by surveys with `answer_ids` (a list, or a query of ids). Each receiver returns {answer id: (score,
# label)}: insights gives the sentiment from the latest finished analysis that read each answer.
answer_sentiments = signals.signal("answer-sentiments")

# Sent by insights before it changes or removes themes, with `theme_ids`. Each receiver returns the titles
# of what cites any of them (for example "you said" statements); cited themes must not change.
themes_cited = signals.signal("themes-cited")


def citations(theme_ids: list[int]) -> list[str]:
    """Titles of everything that cites any of these themes, from every subscriber."""
    if not theme_ids:
        return []
    return [title for _, titles in themes_cited.send(None, theme_ids=theme_ids) for title in titles]


def sentiments(answer_ids: Any) -> dict[int, tuple[float, str]]:
    """Each answer's sentiment score and label, where an analysis has read it."""
    found: dict[int, tuple[float, str]] = {}
    for _, result in answer_sentiments.send(None, answer_ids=answer_ids):
        found.update(result)
    return found


def held_back(answer_ids: Any, comment_ids: Any) -> tuple[set[int], set[int]]:
    """Of these answers and comments, those that must never be quoted or published."""
    answers: set[int] = set()
    comments: set[int] = set()
    for _, (held_answers, held_comments) in words_held.send(None, answer_ids=answer_ids, comment_ids=comment_ids):
        answers |= held_answers
        comments |= held_comments
    return answers, comments


def retention_days() -> dict[str, int]:
    """Days each kind of data is kept, as the retention schedule says (empty if nothing answers)."""
    found: dict[str, int] = {}
    for _, periods in retention_periods.send(None):
        found.update(periods)
    return found


def drafts_to_keep(response_ids: Any) -> set[int]:
    """Of these expiring drafts, those a subscriber needs kept."""
    return {ident for _, kept in drafts_expiring.send(None, response_ids=response_ids) for ident in kept}
