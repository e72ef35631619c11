"""Community languages: translators' words for a survey with who translated and checked, respondents choosing
and changing language without losing answers, right-to-left layout, English shown (and said) where a text is
not translated, and answers written in another language translated before they are themed or quoted."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from engage.auth.models import User
from engage.extensions import db
from engage.programmes.models import Programme
from engage.surveys.models import Answer, Question, Response, Survey
from tests.conftest import Auth


@pytest.fixture
def survey(make_survey: Callable[..., Survey], programme: Programme) -> Survey:
    return make_survey(programme)


def offer(client: FlaskClient, survey: Survey, code: str, **words: str) -> object:
    assert client.post(f"/surveys/manage/{survey.id}/languages", data={"code": code}).status_code == 302
    return client.post(f"/surveys/manage/{survey.id}/languages/{code}", data={"translated_by": "A. Tłumacz"} | words)


def test_a_lead_offers_a_language_with_its_translators_and_sees_coverage(
    client: FlaskClient, auth: Auth, lead: User, survey: Survey
) -> None:
    auth.login(lead)
    choice = survey.questions[1]
    wrong = offer(client, survey, "pl", **{f"q{choice.id}_options": "Dobra"})
    assert wrong.status_code == 400
    assert "Give one translated option for each of the 2 options" in wrong.get_data(as_text=True)
    saved = client.post(
        f"/surveys/manage/{survey.id}/languages/pl",
        data={
            "introduction": "Opowiedz nam o usługach.",
            f"q{choice.id}_prompt": "Jak oceniasz opiekę?",
            f"q{choice.id}_options": "Dobra\nZła",
            "translated_by": "A. Tłumacz",
        },
    )
    assert saved.status_code == 302
    page = client.get(f"/surveys/manage/{survey.id}/languages").get_data(as_text=True)
    # Texts: introduction, confirmation, crisis, and 3 questions' wording plus the choice question's options.
    assert "Polish" in page and "3 of 7 texts" in page
    assert "To be checked by a qualified translator" in page
    emptied = client.post(f"/surveys/manage/{survey.id}/languages/pl", data={"translated_by": "A. Tłumacz"})
    assert emptied.status_code == 400 and "Enter at least one translation" in emptied.get_data(as_text=True)
    unnamed = client.post(f"/surveys/manage/{survey.id}/languages/pl", data={"introduction": "Opowiedz nam."})
    assert "Enter who translated it" in unnamed.get_data(as_text=True)
    client.post(
        f"/surveys/manage/{survey.id}/languages/pl",
        data={"introduction": "Opowiedz nam.", "translated_by": "A. Tłumacz", "checked_by": "B. Sprawdzający"},
    )
    page = client.get(f"/surveys/manage/{survey.id}/languages").get_data(as_text=True)
    assert "checked by B. Sprawdzający" in page and "To be checked" not in page


def test_a_respondent_answers_in_polish_changes_language_and_keeps_every_answer(
    app: Flask, client: FlaskClient, auth: Auth, lead: User, survey: Survey
) -> None:
    text, choice, _ = survey.questions
    auth.login(lead)
    offer(
        client, survey, "pl",
        introduction="Opowiedz nam o usługach.", confirmation="Dziękujemy. Mamy Twoje odpowiedzi.",
        crisis="Jeśli potrzebujesz pomocy teraz, zadzwoń.",
        **{f"q{choice.id}_prompt": "Jak oceniasz opiekę?", f"q{choice.id}_options": "Dobra\nZła"},
    )  # fmt: skip
    auth.logout()

    start = client.get(f"/surveys/{survey.slug}?lang=pl").get_data(as_text=True)
    assert '<div lang="pl" dir="ltr"><p>Opowiedz nam o usługach.</p></div>' in start
    assert 'name="language" value="pl"' in start
    client.post(f"/surveys/{survey.slug}/start", data={"format": "standard", "language": "pl"})
    first = client.get(f"/surveys/{survey.slug}/questions/{text.id}").get_data(as_text=True)
    # The interface speaks Polish; the question, not translated yet, is in English and says so (in Polish).
    assert '<html lang="pl" dir="ltr">' in first and "Pytanie 1 z 3" in first and "Dalej" in first
    assert "To pytanie nie zostało jeszcze przetłumaczone" in first and "What could be better?" in first
    assert "nie zostało jeszcze sprawdzone przez wykwalifikowanego tłumacza" in first
    with app.app_context():
        db.session.get(Question, choice.id).required = True
        db.session.commit()
    missing = client.post(f"/surveys/{survey.slug}/questions/{choice.id}", data={})
    assert "Wybierz odpowiedź" in missing.get_data(as_text=True), "error messages in the respondent's language"
    client.post(f"/surveys/{survey.slug}/questions/{text.id}", data={"answer": "Za długo czekałem na telefon."})
    second = client.get(f"/surveys/{survey.slug}/questions/{choice.id}").get_data(as_text=True)
    assert "Jak oceniasz opiekę?" in second and "Zła" in second
    assert 'value="Poor"' in second, "the option's value stays English, so every language adds to one dataset"
    client.post(f"/surveys/{survey.slug}/questions/{choice.id}", data={"answer": "Poor"})

    switched = client.post(f"/surveys/{survey.slug}/language", data={"language": "en", "question": str(choice.id)})
    assert switched.headers["Location"].endswith(f"/questions/{choice.id}")
    english = client.get(f"/surveys/{survey.slug}/questions/{choice.id}").get_data(as_text=True)
    assert "How was your care?" in english and 'value="Poor" checked' in english
    client.post(f"/surveys/{survey.slug}/language", data={"language": "pl"})
    contact = client.get(f"/surveys/{survey.slug}/contact").get_data(as_text=True)
    assert "Czy chcesz, żebyśmy się z Tobą skontaktowali?" in contact and "Adres e-mail" in contact
    client.post(f"/surveys/{survey.slug}/contact", data={})
    done = client.post(f"/surveys/{survey.slug}/submit", follow_redirects=True).get_data(as_text=True)
    assert "Dziękujemy. Mamy Twoje odpowiedzi." in done and "Jeśli potrzebujesz pomocy teraz" in done
    with app.app_context():
        response = db.session.execute(select(Response)).scalar_one()
        assert response.language == "pl"
        written = response.answer_for(text.id)
        assert written.original_text == "Za długo czekałem na telefon." and written.text == ""
        assert written.awaiting_translation


def test_arabic_is_laid_out_right_to_left_and_a_mixed_answer_is_kept_as_typed(
    app: Flask, client: FlaskClient, auth: Auth, lead: User, survey: Survey
) -> None:
    text = survey.questions[0]
    auth.login(lead)
    offer(client, survey, "ar", introduction="أخبرنا عن الخدمات.", **{f"q{text.id}_prompt": "ما الذي يمكن تحسينه؟"})
    auth.logout()
    start = client.get(f"/surveys/{survey.slug}?lang=ar").get_data(as_text=True)
    assert '<div lang="ar" dir="rtl"><p>أخبرنا عن الخدمات.</p></div>' in start
    assert '<html lang="ar" dir="rtl">' in start and "ابدأ الآن" in start
    client.post(f"/surveys/{survey.slug}/start", data={"format": "standard", "language": "ar"})
    page = client.get(f"/surveys/{survey.slug}/questions/{text.id}").get_data(as_text=True)
    assert '<div lang="ar" dir="rtl">' in page and "ما الذي يمكن تحسينه؟" in page
    mixed = "انتظرت أسبوعين لمكالمة من NHS 111"
    client.post(f"/surveys/{survey.slug}/questions/{text.id}", data={"answer": mixed})
    with app.app_context():
        assert db.session.execute(select(Answer.original_text)).scalar_one() == mixed


def test_answers_in_another_language_are_translated_before_they_count_and_exports_say_which_language(
    app: Flask, client: FlaskClient, auth: Auth, lead: User, survey: Survey
) -> None:
    text = survey.questions[0]
    auth.login(lead)
    offer(client, survey, "pl")
    auth.logout()
    client.post(f"/surveys/{survey.slug}/start", data={"format": "standard", "language": "pl"})
    client.post(f"/surveys/{survey.slug}/questions/{text.id}", data={"answer": "Za długo czekałem."})
    client.post(f"/surveys/{survey.slug}/contact", data={})
    client.post(f"/surveys/{survey.slug}/submit")
    auth.login(lead)

    queue = client.get(f"/surveys/manage/{survey.id}/translations").get_data(as_text=True)
    assert '<html lang="en" dir="ltr">' in queue, "staff pages stay in English"
    assert "Za długo czekałem." in queue and "Polish" in queue
    with app.app_context():
        answer_id = db.session.execute(select(Answer.id).where(Answer.original_text != "")).scalar_one()
    url = f"/surveys/manage/{survey.id}/translations/{answer_id}"
    missing = client.post(url, data={"translator": "A. Tłumacz"})
    assert missing.status_code == 400 and "Enter the English translation" in missing.get_data(as_text=True)
    assert client.post(url, data={"text": "I waited too long.", "translator": "A. Tłumacz"}).status_code == 302
    assert "No answers are waiting" in client.get(f"/surveys/manage/{survey.id}/translations").get_data(as_text=True)

    export = client.get(f"/surveys/manage/{survey.id}/export.csv?language=pl").get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(export)))
    assert rows[0][4] == "Language" and rows[1][4] == "pl"
    assert "I waited too long. [written as: Za długo czekałem.]" in rows[1]
    english_only = client.get(f"/surveys/manage/{survey.id}/export.csv?language=en").get_data(as_text=True)
    assert len(list(csv.reader(io.StringIO(english_only)))) == 1, "the filter narrows by language"


def test_every_interface_catalog_translates_every_marked_word_and_is_compiled() -> None:
    from babel.messages.mofile import read_mo
    from babel.messages.pofile import read_po

    from engage.surveys.languages import CATALOGS
    from engage.translations.build import HERE, catalog

    with (HERE / "messages.pot").open("rb") as handle:
        marked = {str(m.id) for m in read_po(handle) if m.id}
    assert len(marked) >= 30
    for code in CATALOGS:
        built = catalog(code)
        assert {str(m.id) for m in built if m.id and m.string} == marked, f"{code}: every word translated"
        folder = HERE / code / "LC_MESSAGES"
        with (folder / "messages.mo").open("rb") as handle:
            compiled = {str(m.id): m.string for m in read_mo(handle) if m.id}
        assert compiled == {str(m.id): m.string for m in built if m.id}, (
            f"{code}: run python -m engage.translations.build"
        )
        assert "To be checked by a qualified translator" in (folder / "messages.po").read_text(encoding="utf-8")
