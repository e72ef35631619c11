"""Coding comments against the NHS patient experience framework and a lead's own codebook (analysis.coding)."""

from __future__ import annotations

import numpy as np

from analysis.coding import Code, Correction, code_by_description, code_framework, framework

CORE_OFFER = [
    Code("spa", "Single point of access", "One phone number to call for any mental health need, answered by a person."),
    Code(
        "hubs",
        "Neighbourhood hubs",
        "Places near where people live to meet staff and join groups without an appointment.",
    ),
]


def codes_of(coding: object) -> list[str]:
    return [key for key, _ in coding.codes]  # type: ignore[attr-defined]


def test_the_framework_codes_what_a_comment_is_about() -> None:
    texts = [
        "The ambulance took five hours to arrive",
        "The paramedics were so kind and caring",
        "I couldn't get through on 111, the phone just rang",
        "",
        "🙂",
    ]
    late, kind, phone, empty, emoji = code_framework(texts)
    assert codes_of(late)[0] == "Timeliness of care"
    assert codes_of(kind)[0] == "Staff manner & personal attributes"
    assert codes_of(phone)[0] == "Contacting services"
    assert empty.codes == emoji.codes == () and empty.nearest_miss is None, "nothing to read gets no code"
    mixed = code_framework(["The crew were lovely but we waited four hours for them to come"])[0]
    assert codes_of(mixed)[0] == "Timeliness of care"
    assert mixed.nearest_miss is not None and mixed.nearest_miss[0] not in codes_of(mixed), "offered to the lead"
    names = {code.name for code in framework()}
    assert "Referrals & continuity of care" in names and len(names) >= 15


def test_a_lead_codebook_is_read_from_its_descriptions_and_a_comment_can_have_none() -> None:
    texts = [
        "I never know which number to ring when I'm struggling",
        "A drop-in centre in my town would help",
        "The food was cold",
    ]
    number, drop_in, food = code_by_description(CORE_OFFER, texts)
    assert codes_of(number) == ["spa"] and codes_of(drop_in) == ["hubs"] and codes_of(food) == []
    assert code_by_description([], texts)[0].codes == ()


def test_corrections_win_for_the_same_words_and_teach_a_description_code() -> None:
    corrections = [
        Correction("The food was cold", "hubs", True),
        Correction("A drop-in centre in my town would help", "hubs", False),
    ]
    same, similar, taken_off = code_by_description(
        CORE_OFFER,
        ["the food was COLD!", "The meals were cold and late", "A drop-in centre in my town would help"],
        corrections=corrections,
    )
    assert codes_of(same) == ["hubs"], "the lead's word holds for the same words"
    assert codes_of(taken_off) == [], "and when the lead took the code off"
    assert codes_of(code_by_description(CORE_OFFER, ["The meals were cold and late"])[0]) == []
    assert codes_of(similar) == ["hubs"], "the description moved towards the comment the lead added it to"


def test_three_corrections_each_way_set_a_description_codes_threshold() -> None:
    added = ["Somewhere local to go on a Tuesday", "A place in the village to meet people", "Local groups near me"]
    removed = ["I want to see my GP", "The waiting room was cold", "My psychiatrist is kind"]
    corrections = [Correction(t, "hubs", True) for t in added] + [Correction(t, "hubs", False) for t in removed]
    taught = code_by_description(CORE_OFFER, added + removed, corrections=corrections)
    assert [("hubs" in codes_of(c)) for c in taught] == [True] * 3 + [False] * 3
    fresh = code_by_description(CORE_OFFER, ["A local place to drop in and meet others"], corrections=corrections)[0]
    assert "hubs" in codes_of(fresh)
    assert np.isfinite([score for _, score in fresh.codes]).all()
