"""The equality monitoring set: ONS Census 2021 wording, every item optional, each with "Prefer not to say"."""

from __future__ import annotations

import re
from dataclasses import dataclass

PREFER_NOT = "Prefer not to say"
AREA = "area"
# A full UK postcode: outward code (area, district) and inward code (sector, unit), spaced or not.
POSTCODE = re.compile(r"\b([A-Z]{1,2}[0-9][A-Z0-9]?) ?([0-9][A-Z]{2})\b", re.IGNORECASE)


@dataclass(frozen=True)
class EqualityItem:
    key: str
    prompt: str
    hint: str
    options: tuple[str, ...]  # empty for a short text answer
    easy_prompt: str = ""  # easy read words: short sentences, one idea per line

    @property
    def is_text(self) -> bool:
        return not self.options


EQUALITY_SET = [
    EqualityItem(
        "age",
        "What is your age?",
        "",
        ("Under 18", "18 to 24", "25 to 34", "35 to 44", "45 to 54", "55 to 64", "65 to 74", "75 or over", PREFER_NOT),
        "How old are you?",
    ),
    EqualityItem("sex", "What is your sex?", "", ("Female", "Male", PREFER_NOT), "Are you female or male?"),
    EqualityItem(
        "gender_identity",
        "Is the gender you identify with the same as your sex registered at birth?",
        "",
        ("Yes", "No", PREFER_NOT),
        "Is your gender the same as when you were born?",
    ),
    EqualityItem(
        "ethnicity",
        "What is your ethnic group?",
        "These are the groups used in the 2021 Census.",
        (
            "Asian or Asian British: Indian",
            "Asian or Asian British: Pakistani",
            "Asian or Asian British: Bangladeshi",
            "Asian or Asian British: Chinese",
            "Asian or Asian British: Any other Asian background",
            "Black, Black British, Caribbean or African: Caribbean",
            "Black, Black British, Caribbean or African: African",
            "Black, Black British, Caribbean or African: Any other Black, Black British or Caribbean background",
            "Mixed or multiple ethnic groups: White and Black Caribbean",
            "Mixed or multiple ethnic groups: White and Black African",
            "Mixed or multiple ethnic groups: White and Asian",
            "Mixed or multiple ethnic groups: Any other Mixed or multiple ethnic background",
            "White: English, Welsh, Scottish, Northern Irish or British",
            "White: Irish",
            "White: Gypsy or Irish Traveller",
            "White: Roma",
            "White: Any other White background",
            "Other ethnic group: Arab",
            "Other ethnic group: Any other ethnic group",
            PREFER_NOT,
        ),
        "What is your ethnic group?\nThis means where your family comes from.",
    ),
    EqualityItem(
        "disability",
        "Are your day-to-day activities limited because of a health problem or disability that has lasted, "
        "or is expected to last, at least 12 months?",
        "Include problems related to old age and mental health conditions.",
        ("Yes, limited a lot", "Yes, limited a little", "No", PREFER_NOT),
        "Do you have a health problem or disability?\nDoes it make everyday things harder?",
    ),
    EqualityItem(
        "sexual_orientation",
        "Which of the following best describes your sexual orientation?",
        "",
        ("Straight or heterosexual", "Gay or lesbian", "Bisexual", "Other sexual orientation", PREFER_NOT),
        "Who are you attracted to?\nThis is called sexual orientation.",
    ),
    EqualityItem(
        "religion",
        "What is your religion?",
        "",
        ("No religion", "Christian", "Buddhist", "Hindu", "Jewish", "Muslim", "Sikh", "Any other religion", PREFER_NOT),
        "What is your religion?",
    ),
    EqualityItem(
        "carer",
        "Do you look after, or give any help or support to, anyone because they have long-term physical or "
        "mental health conditions or illnesses, or problems related to old age?",
        "Do not count anything you do as part of your paid employment.",
        (
            "No",
            "Yes, 9 hours a week or less",
            "Yes, 10 to 19 hours a week",
            "Yes, 20 to 34 hours a week",
            "Yes, 35 to 49 hours a week",
            "Yes, 50 or more hours a week",
            PREFER_NOT,
        ),
        "Do you help someone who is ill or disabled?\nDo not count your paid job.",
    ),
    EqualityItem(
        "area",
        "What is your postcode, or your borough?",
        "For example, N17 0AA or Haringey. We keep only the first part of a postcode, such as N17, and how "
        "deprived the neighbourhood is. We never keep or show your full postcode.",
        (),
        "Where do you live?\nTell us your postcode.\nOr tell us your borough.\nWe only keep the first part.",
    ),
]

EQUALITY_KEYS = {item.key: item for item in EQUALITY_SET}


def split_postcode(text: str) -> tuple[str, str | None]:
    """What an area answer keeps, and the first full postcode in it (normalised for a lookup, never stored).

    "n17 0aa" keeps "N17" and gives "N170AA"; "Haringey" or "N17" is kept as written, with no postcode. Every
    full postcode in the answer is cut to its first part.
    """
    match = POSTCODE.search(text)
    if match is None:
        return text, None
    kept = POSTCODE.sub(lambda found: found.group(1).upper(), text)
    return kept, (match.group(1) + match.group(2)).upper()
