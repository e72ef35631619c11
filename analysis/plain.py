"""Plain English advice for what authors write: surveys, statements and easy read versions.

Advice, never a block: the reading age (Flesch-Kincaid through textstat, as a UK reading age), sentences
longer than GOV.UK's 25 words (15 for easy read), the passive voice, and words on a jargon list, each with
a suggestion. NHS content aims at a reading age of 9 to 11; easy read is shorter still.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# A UK reading age is the US school grade plus five.
GRADE_TO_AGE = 5
READING_AGE = {False: 11, True: 9}  # the most to aim for: standard, easy read
SENTENCE_WORDS = {False: 25, True: 15}
SENTENCES = re.compile(r"(?<=[.!?])\s+|\n+")
WORDS = re.compile(r"[A-Za-z’'-]+")
# "was reconfigured", "is being reviewed", "will be told": a form of "be", perhaps an adverb, a past participle.
PASSIVE = re.compile(
    r"\b(?:am|is|are|was|were|be|been|being)\s+(?:\w+ly\s+)?"
    r"((?:\w+ed)|(?:given|taken|seen|done|made|told|known|shown|written|sent|kept|held|found|paid|heard|brought|"
    r"bought|built|chosen|spoken|understood|left|met|run|set|put))\b",
    re.IGNORECASE,
)
# Adjectives that look like participles: "I am interested", "we are concerned".
NOT_PASSIVE = {"interested", "concerned", "worried", "tired", "pleased", "scared", "excited", "bored", "based"}
# NHS abbreviations and officialese, with what to say instead (NHS digital service manual's A to Z, GOV.UK's
# words to avoid).
JARGON = {
    "cpn": "community psychiatric nurse, or your nurse",
    "cmht": "community mental health team",
    "iapt": "NHS Talking Therapies",
    "spa": "single point of access (one number to call)",
    "crht": "crisis team",
    "camhs": "children and young people's mental health services",
    "icb": "the NHS in your area",
    "vcse": "charities and community groups",
    "mdt": "the team looking after you",
    "notwithstanding": "despite, or even though",
    "aforementioned": "this, or these",
    "utilise": "use",
    "utilize": "use",
    "facilitate": "help",
    "commence": "start",
    "in order to": "to",
    "with regard to": "about",
    "in relation to": "about",
    "prior to": "before",
    "subsequently": "later",
    "stakeholders": "people and groups involved",
    "service users": "people who use services",
    "pathway": "how you get care",
    "cohort": "group",
    "holistic": "looking at all your needs",
    "signpost": "point to, or tell you about",
    "signposting": "pointing people to other help",
}
JARGON_PATTERN = re.compile(
    r"\b(" + "|".join(re.escape(j) for j in sorted(JARGON, key=len, reverse=True)) + r")\b", re.IGNORECASE
)


@dataclass(frozen=True)
class Advice:
    kind: str  # "reading age", "long sentence", "passive", "jargon"
    message: str


def check(text: str, easy_read: bool = False) -> list[Advice]:
    """Advice on one text; empty when it reads plainly (or is too short to judge)."""
    words = WORDS.findall(text or "")
    if len(words) < 3:
        return []
    advice = []
    sentences = [s.strip() for s in SENTENCES.split(text) if WORDS.search(s)]
    if len(words) >= 20:  # a reading age needs a few sentences' worth of words to mean anything
        age = round(_grade(text)) + GRADE_TO_AGE
        if age > READING_AGE[easy_read]:
            about = "over 18" if age > 18 else f"about {age}"
            aim = f"aim for {READING_AGE[easy_read]} or under, with shorter sentences and everyday words."
            advice.append(Advice("reading age", f"Reading age {about}: {aim}"))
    limit = SENTENCE_WORDS[easy_read]
    for sentence in sentences:
        count = len(WORDS.findall(sentence))
        if count > limit:
            start = " ".join(sentence.split()[:6])
            advice.append(
                Advice("long sentence", f"“{start}…” has {count} words: try to keep sentences under {limit}.")
            )
    for match in PASSIVE.finditer(text):
        if match.group(1).lower() not in NOT_PASSIVE:
            advice.append(Advice("passive", f"“{match.group(0)}” is passive: say who does it, if you can."))
    for found in dict.fromkeys(m.group(1) for m in JARGON_PATTERN.finditer(text)):
        advice.append(Advice("jargon", f"“{found}”: say “{JARGON[found.lower()]}” instead."))
    return advice


def _grade(text: str) -> float:
    import textstat

    return float(textstat.flesch_kincaid_grade(text))
