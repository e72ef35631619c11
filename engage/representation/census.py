"""England's population by the equality set's own categories, from the 2021 Census: the comparison used until a
lead uploads their borough's or integrated care system's figures."""

from __future__ import annotations

SOURCE = (
    "England, Census 2021 (Office for National Statistics): usual residents on 21 March 2021, "
    "tables TS007A (age), TS008 (sex), TS021 (ethnic group), TS038 (disability) and TS030 (religion). "
    "Per cent, rounded to one decimal place; religion leaves out the 6.0% who did not answer. "
    "Contains public sector information licensed under the Open Government Licence v3.0."
)

# Per cent of usual residents in each category, worded exactly as the equality set's answers.
ENGLAND_2021: dict[str, dict[str, float]] = {
    "age": {
        "Under 18": 21.0,
        "18 to 24": 8.4,
        "25 to 34": 13.7,
        "35 to 44": 13.0,
        "45 to 54": 13.3,
        "55 to 64": 12.3,
        "65 to 74": 9.9,
        "75 or over": 8.4,
    },
    "sex": {"Female": 51.0, "Male": 49.0},
    "ethnicity": {
        "Asian or Asian British: Indian": 3.3,
        "Asian or Asian British: Pakistani": 2.8,
        "Asian or Asian British: Bangladeshi": 1.1,
        "Asian or Asian British: Chinese": 0.8,
        "Asian or Asian British: Any other Asian background": 1.7,
        "Black, Black British, Caribbean or African: Caribbean": 1.1,
        "Black, Black British, Caribbean or African: African": 2.6,
        "Black, Black British, Caribbean or African: Any other Black, Black British or Caribbean background": 0.5,
        "Mixed or multiple ethnic groups: White and Black Caribbean": 0.9,
        "Mixed or multiple ethnic groups: White and Black African": 0.4,
        "Mixed or multiple ethnic groups: White and Asian": 0.8,
        "Mixed or multiple ethnic groups: Any other Mixed or multiple ethnic background": 0.8,
        "White: English, Welsh, Scottish, Northern Irish or British": 73.5,
        "White: Irish": 0.9,
        "White: Gypsy or Irish Traveller": 0.1,
        "White: Roma": 0.2,
        "White: Any other White background": 6.3,
        "Other ethnic group: Arab": 0.6,
        "Other ethnic group: Any other ethnic group": 1.6,
    },
    "disability": {"Yes, limited a lot": 7.3, "Yes, limited a little": 10.0, "No": 82.7},
    # Shares of those who answered the voluntary question (46.3% Christian of all residents is 49.3% of them).
    "religion": {
        "No religion": 39.0,
        "Christian": 49.3,
        "Buddhist": 0.5,
        "Hindu": 1.9,
        "Jewish": 0.5,
        "Muslim": 7.1,
        "Sikh": 1.0,
        "Any other religion": 0.6,
    },
}
