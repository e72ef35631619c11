"""Invented equality answers for the demo responses, so "who we have heard from" has something to show.

The public feedback the demo comments come from carries no equality data, so these answers are drawn, not
real: each response's own seeded random draw, two in three answering. The weights lean the way engagement
samples usually do (more women, more people aged 45 to 74, fewer young men and fewer people from some ethnic
groups than the population), so the demo shows the gaps a lead would meet.
"""

from __future__ import annotations

import random

from engage.surveys.equality import PREFER_NOT
from engage.surveys.models import Answer, Question

WEIGHTS: dict[str, dict[str, float]] = {
    "age": {
        "18 to 24": 3, "25 to 34": 12, "35 to 44": 15, "45 to 54": 20, "55 to 64": 22, "65 to 74": 16,
        "75 or over": 6, PREFER_NOT: 6,
    },
    "sex": {"Female": 64, "Male": 32, PREFER_NOT: 4},
    "ethnicity": {
        "White: English, Welsh, Scottish, Northern Irish or British": 78,
        "White: Irish": 2,
        "White: Any other White background": 4,
        "Asian or Asian British: Indian": 4,
        "Asian or Asian British: Pakistani": 1,
        "Black, Black British, Caribbean or African: Caribbean": 3,
        "Black, Black British, Caribbean or African: African": 1,
        "Mixed or multiple ethnic groups: White and Black Caribbean": 1,
        "Other ethnic group: Any other ethnic group": 1,
        PREFER_NOT: 5,
    },
    "disability": {"Yes, limited a lot": 30, "Yes, limited a little": 34, "No": 30, PREFER_NOT: 6},
    "religion": {
        "No religion": 36, "Christian": 48, "Muslim": 4, "Hindu": 2, "Jewish": 1, "Sikh": 1, "Buddhist": 1,
        "Any other religion": 2, PREFER_NOT: 5,
    },
}  # fmt: skip


def equality_answers(n: int, questions: list[Question]) -> list[Answer]:
    """Demo response n's invented equality answers (none for one in three)."""
    # Invented demo data, not a secret: a seeded draw makes every demo the same.
    draw = random.Random(f"demo-equality-{n}")  # noqa: S311  # nosec B311
    if draw.random() < 1 / 3:
        return []
    answers = []
    for question in questions:
        weights = WEIGHTS.get(question.equality_key or "")
        if weights:
            choice = draw.choices(list(weights), weights=list(weights.values()))[0]
            answers.append(Answer(question=question, choices=[choice]))
    return answers
