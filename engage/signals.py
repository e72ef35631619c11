"""What happens in one feature that others react to, announced with blinker signals (which Flask ships).

A feature sends; others subscribe in their own package. So a lower package never imports a higher one:
insights, for example, asks who cites its themes without knowing that "you said, we did" exists.
"""

from __future__ import annotations

from blinker import Namespace

signals = Namespace()

# Sent by insights before it changes or removes themes, with `theme_ids`. Each receiver returns the titles
# of what cites any of them (for example "you said" statements); cited themes must not change.
themes_cited = signals.signal("themes-cited")


def citations(theme_ids: list[int]) -> list[str]:
    """Titles of everything that cites any of these themes, from every subscriber."""
    if not theme_ids:
        return []
    return [title for _, titles in themes_cited.send(None, theme_ids=theme_ids) for title in titles]
