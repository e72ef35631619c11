"""What happens in one feature that others react to, announced with blinker signals (which Flask ships).

A feature sends; others subscribe in their own package. So a lower package never imports a higher one:
insights, for example, asks who cites its themes without knowing that "you said, we did" exists.
"""

from __future__ import annotations

from typing import Any

from blinker import Namespace

signals = Namespace()

# Sent by surveys when a response arrives complete (online, on paper or by phone, imported, or demo), with
# `response`, in the same transaction. Safeguarding screens its free text.
response_submitted = signals.signal("response-submitted")

# Sent by surveys when a BSL answer gets its English interpretation, with `answer`. Safeguarding screens it.
answer_interpreted = signals.signal("answer-interpreted")

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
