"""One survey in every format: easy read, BSL questions and answers, assisted entry and paper."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from engage.auth.models import Role, User
from engage.extensions import db
from engage.insights import services as insights
from engage.media.models import MediaFile
from engage.media.storage import sniff
from engage.programmes.models import Programme
from engage.safeguarding.models import SafeguardingFlag
from engage.surveys import answering, formats
from engage.surveys.models import Answer, Channel, Format, Question, Response, ResponseStatus, Survey
from engage.timeutil import utcnow
from tests.conftest import MP4, PNG, WEBM, Auth

VTT = b"WEBVTT\n\n00:00:00.000 --> 00:00:02.000\nHow was your care?\n"


@pytest.fixture
def lead(make_user: Callable[..., User]) -> User:
    return make_user(Role.LEAD)


@pytest.fixture
def survey(make_programme: Callable[..., Programme], make_survey: Callable[..., Survey], lead: User) -> Survey:
    return make_survey(make_programme(people=(lead,)))


def upload_dir(app: Flask) -> list[str]:
    folder = Path(app.config["UPLOAD_DIR"])
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def begin(client: FlaskClient, survey: Survey, chosen: str) -> None:
    assert client.post(f"/surveys/{survey.slug}/start", data={"format": chosen}).status_code == 302


def send_video(
    client: FlaskClient, survey: Survey, question: Question, content: bytes, name: str = "answer.mp4"
) -> Any:
    # The body is built in memory: the test client spools large bodies to temporary files it never closes.
    boundary = "engage-boundary"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="answer"\r\n\r\n\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="video"; filename="{name}"\r\n'
            "Content-Type: video/mp4\r\n\r\n"
        ).encode()
        + content
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return client.post(
        f"/surveys/{survey.slug}/questions/{question.id}",
        input_stream=io.BytesIO(body),
        content_type=f"multipart/form-data; boundary={boundary}",
        content_length=len(body),
    )


def stored_answer(app: Flask, question: Question) -> Answer | None:
    with app.app_context():
        answer = db.session.execute(select(Answer).where(Answer.question_id == question.id)).scalar_one_or_none()
        if answer is not None:
            db.session.expunge(answer)
        return answer


# What a file is, by content


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (WEBM, "video/webm"),
        (MP4, "video/mp4"),
        (PNG, "image/png"),
        (b"\xff\xd8\xff\xe0" + bytes(60), "image/jpeg"),
        (VTT, "text/vtt"),
        (b"WEBVTTX not captions", None),
        (b"This is a text file renamed to video.mp4", None),
        (b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>", None),
        (b"", None),
    ],
)
def test_files_are_recognised_by_their_content(head: bytes, expected: str | None) -> None:
    found = sniff(head[:64])
    assert (found.content_type if found else None) == expected


# Answering in BSL


def test_a_bsl_respondent_sees_the_video_captions_and_transcript_first(
    app: Flask, client: FlaskClient, survey: Survey, lead: User
) -> None:
    question = survey.questions[0]
    with app.app_context():
        live = db.session.get(Question, question.id)
        changes = formats.MediaChanges(
            video=io.BytesIO(WEBM),
            captions=io.BytesIO(VTT),
            transcript="How could our services be better?",
            translated_by="A. Translator, NRCPD 1234",
            checked_by="B. Checker",
        )
        formats.update_media(db.session.get(User, lead.id), live, changes)
        db.session.commit()
    begin(client, survey, "bsl")
    page = client.get(f"/surveys/{survey.slug}/questions/{question.id}").get_data(as_text=True)
    assert page.index("<video") < page.index("English transcript") < page.index('name="answer"')
    assert '<track kind="captions"' in page and "How could our services be better?" in page
    assert 'enctype="multipart/form-data"' in page and 'name="video"' in page
    second = client.get(f"/surveys/{survey.slug}/questions/{survey.questions[2].id}").get_data(as_text=True)
    assert "There is no BSL video for this question yet" in second, "a missing video falls back with a note"


def test_a_video_answer_awaits_interpretation_then_counts_in_analysis(
    app: Flask, client: FlaskClient, auth: Auth, survey: Survey, lead: User
) -> None:
    question = survey.questions[0]
    begin(client, survey, "bsl")
    assert send_video(client, survey, question, WEBM, "../../etc/passwd.mp4").status_code == 302
    answer = stored_answer(app, question)
    assert answer is not None and answer.video_id and answer.text == ""
    with app.app_context():
        media = db.session.get(MediaFile, answer.video_id)
        assert media.private and media.content_type == "video/webm" and "passwd" not in media.stored_name
        assert (Path(app.config["UPLOAD_DIR"]) / media.stored_name).exists()
        stored_name = media.stored_name
    client.post(f"/surveys/{survey.slug}/contact", data={})
    assert client.post(f"/surveys/{survey.slug}/submit").status_code == 303

    with app.app_context():
        live = db.session.get(Survey, survey.id)
        assert formats.awaiting_interpretation(live) == 1
        run = insights.create_run(
            db.session.get(User, lead.id), live.programme, "Themes", insights.Scope(question_ids=[question.id])
        )
        assert insights.scope_answers(run) == [], "an answer awaiting interpretation is left out of analysis"
        run_id = run.id
        db.session.commit()

    auth.login(lead)
    listing = client.get(f"/surveys/manage/{survey.id}/bsl-answers").get_data(as_text=True)
    assert "Awaiting interpretation" in listing
    video = client.get(f"/media/{stored_name}")
    assert video.status_code == 200 and video.mimetype == "video/webm"
    assert "no-store" in video.headers["Cache-Control"]
    video.close()
    saved = client.post(
        f"/surveys/manage/{survey.id}/bsl-answers/{answer.id}",
        data={"text": "I feel there is no point going on. Nobody called me back.", "interpreter": "C. Interpreter"},
    )
    assert saved.status_code == 302
    with app.app_context():
        live = db.session.get(Survey, survey.id)
        assert formats.awaiting_interpretation(live) == 0
        texts = [a.text for a in insights.scope_answers(db.session.get(type(run), run_id))]
        assert texts == ["I feel there is no point going on. Nobody called me back."]
        flags = db.session.execute(select(SafeguardingFlag).where(SafeguardingFlag.answer_id == answer.id)).all()
        assert len(flags) == 1, "the interpretation is screened for risk like typed words"
        db.session.commit()


def test_only_the_programmes_leads_can_watch_a_bsl_answer(
    client: FlaskClient,
    auth: Auth,
    survey: Survey,
    lead: User,
    make_user: Callable[..., User],
    make_programme: Callable[..., Programme],
    make_bsl_answer: Callable[[Survey], tuple[int, str]],
) -> None:
    _, name = make_bsl_answer(survey)
    assert client.get(f"/media/{name}").status_code == 303, "signed out: sent to sign in"
    other = make_user(Role.LEAD)
    make_programme(people=(other,))
    auth.login(other)
    assert client.get(f"/media/{name}").status_code == 403
    auth.logout()
    auth.login(make_user(Role.SAFEGUARDING))
    assert client.get(f"/media/{name}").status_code == 403
    auth.logout()
    auth.login(lead)
    watched = client.get(f"/media/{name}")
    watched.close()
    assert watched.status_code == 200
    assert client.get("/media/not-a-file.webm").status_code == 404


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"I am a text file, not a video at all." * 10, "answer.mp4", "must be an MP4 or WebM video"),
        (PNG, "answer.webm", "must be an MP4 or WebM video"),
        (b"", "empty.mp4", "The selected file is empty"),
    ],
)
def test_a_bad_video_answer_is_refused_and_nothing_is_kept(
    app: Flask, client: FlaskClient, survey: Survey, content: bytes, name: str, message: str
) -> None:
    begin(client, survey, "bsl")
    first, second = survey.questions[0], survey.questions[1]
    client.post(f"/surveys/{survey.slug}/questions/{second.id}", data={"answer": "Good"})
    page = send_video(client, survey, first, content, name)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert message in html and "There is a problem" in html
    assert stored_answer(app, first) is None
    assert stored_answer(app, second).choices == ["Good"], "the other answers are kept"
    assert upload_dir(app) == [], "nothing half-stored"


def test_a_video_over_the_limit_gets_a_friendly_page_and_nothing_is_kept(
    app: Flask, client: FlaskClient, survey: Survey
) -> None:
    begin(client, survey, "bsl")
    huge = WEBM + bytes(2 * app.config["VIDEO_MAX_BYTES"])
    page = send_video(client, survey, survey.questions[0], huge)
    assert page.status_code == 413
    html = page.get_data(as_text=True)
    assert "That video is too large" in html and "Your other answers are saved" in html
    assert upload_dir(app) == []


def test_a_video_just_over_the_limit_is_refused_on_the_question_page(
    app: Flask, client: FlaskClient, survey: Survey
) -> None:
    begin(client, survey, "bsl")
    page = send_video(client, survey, survey.questions[0], WEBM + bytes(app.config["VIDEO_MAX_BYTES"]))
    assert page.status_code == 200
    assert "must be smaller than 1 MB" in page.get_data(as_text=True)
    assert upload_dir(app) == []


def test_an_upload_cut_off_mid_way_keeps_nothing_and_loses_nothing(
    app: Flask, client: FlaskClient, survey: Survey
) -> None:
    question = survey.questions[0]
    begin(client, survey, "bsl")
    assert send_video(client, survey, question, WEBM).status_code == 302
    before = upload_dir(app)
    boundary = "engage-boundary"
    body = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="video"; filename="a.webm"\r\n'
        "Content-Type: video/webm\r\n\r\n"
    ).encode() + WEBM[:1000]
    page = client.post(
        f"/surveys/{survey.slug}/questions/{question.id}",
        input_stream=io.BytesIO(body),
        content_type=f"multipart/form-data; boundary={boundary}",
        content_length=len(body) + 50_000,
    )
    assert page.status_code in (302, 400)
    assert upload_dir(app) == before, "no part of the cut-off video is stored"
    assert stored_answer(app, question).video_id, "the video sent before still stands"


def test_typing_and_a_video_together_is_refused(client: FlaskClient, survey: Survey) -> None:
    begin(client, survey, "bsl")
    page = client.post(
        f"/surveys/{survey.slug}/questions/{survey.questions[0].id}",
        data={"answer": "Some words", "video": (io.BytesIO(WEBM), "a.webm")},
        content_type="multipart/form-data",
    )
    html = page.get_data(as_text=True)
    assert "Type your answer or upload a video, not both" in html and "Some words" in html


# Switching formats


def test_switching_format_on_any_page_keeps_every_answer(app: Flask, client: FlaskClient, survey: Survey) -> None:
    q1, q2, q3 = survey.questions
    begin(client, survey, "standard")
    client.post(f"/surveys/{survey.slug}/questions/{q1.id}", data={"answer": "Shorter waits"})
    for chosen in ("easy_read", "bsl", "standard", "easy_read"):
        moved = client.post(f"/surveys/{survey.slug}/format", data={"format": chosen, "question": q2.id})
        assert moved.headers["Location"].endswith(f"/questions/{q2.id}")
    client.post(f"/surveys/{survey.slug}/questions/{q2.id}", data={"answer": "Good"})
    page = client.get(f"/surveys/{survey.slug}/questions/{q1.id}").get_data(as_text=True)
    assert "Shorter waits" in page and "engage-easy-read" in page
    assert "does not have easy read words yet" in page, "missing easy read words fall back with a note"
    client.post(f"/surveys/{survey.slug}/questions/{q3.id}", data={"answer": "Crisis team"})
    client.post(f"/surveys/{survey.slug}/contact", data={})
    client.post(f"/surveys/{survey.slug}/submit")
    with app.app_context():
        response = db.session.execute(select(Response).where(Response.survey_id == survey.id)).scalar_one()
        assert response.format_list == [Format.STANDARD, Format.EASY_READ, Format.BSL]
        assert {a.question_id: a.display for a in response.answers} == {
            q1.id: "Shorter waits",
            q2.id: "Good",
            q3.id: "Crisis team",
        }


def test_easy_read_shows_the_picture_beside_the_words(
    app: Flask, client: FlaskClient, survey: Survey, lead: User
) -> None:
    question = survey.questions[1]
    with app.app_context():
        live = db.session.get(Question, question.id)
        live.easy_read_prompt = "How was your care?\nPick one."
        changes = formats.MediaChanges(picture=io.BytesIO(PNG), picture_alt="A nurse talking to a person")
        formats.update_media(db.session.get(User, lead.id), live, changes)
        db.session.commit()
    begin(client, survey, "easy_read")
    page = client.get(f"/surveys/{survey.slug}/questions/{question.id}").get_data(as_text=True)
    assert 'class="engage-easy-read__row"' in page and 'alt="A nurse talking to a person"' in page
    assert "How was your care?<br>Pick one." in page, "one idea per line: line breaks are kept"
    picture = page.split('class="engage-easy-read__picture" src="')[1].split('"')[0]
    served = client.get(picture)
    served.close()
    assert served.status_code == 200 and served.mimetype == "image/png", "pictures are public"


# The builder's formats pages


def test_the_builder_refuses_bad_media_and_keeps_nothing(
    app: Flask, client: FlaskClient, auth: Auth, survey: Survey, lead: User
) -> None:
    auth.login(lead)
    url = f"/surveys/manage/{survey.id}/questions/{survey.questions[0].id}/formats"
    cases = [
        ({"picture": (io.BytesIO(PNG), "p.png")}, "Describe the picture for people who cannot see it"),
        ({"picture": (io.BytesIO(b"GIF89a" + bytes(50)), "p.png"), "picture_alt": "x"}, "PNG, JPEG or WebP"),
        ({"video_url": "https://video.example.com/q1.mp4"}, "Link to a video on your organisation"),
        (
            {"video": (io.BytesIO(WEBM), "v.webm"), "captions": (io.BytesIO(b"1\n00:00 --> 00:01\nHi"), "c.vtt")},
            "WebVTT",
        ),
        ({"video": (io.BytesIO(WEBM), "v.webm"), "transcript": "Words"}, "Enter who translated the video"),
        ({"transcript": "Words only"}, "Upload the BSL video, or link to it"),
    ]
    for data, message in cases:
        page = client.post(url, data=data, content_type="multipart/form-data")
        assert page.status_code == 200, data
        assert message in page.get_data(as_text=True), message
        assert upload_dir(app) == [], f"nothing kept after: {message}"
    with app.app_context():
        assert db.session.execute(select(func.count()).select_from(MediaFile)).scalar_one() == 0


def test_the_builder_saves_a_video_link_from_the_media_server_and_replaces_files(
    app: Flask, client: FlaskClient, auth: Auth, survey: Survey, lead: User
) -> None:
    app.config["MEDIA_HOSTS"] = ["media.example.nhs.uk"]
    auth.login(lead)
    url = f"/surveys/manage/{survey.id}/formats"
    fields = {"transcript": "Welcome.", "translated_by": "A. Translator", "checked_by": "B. Checker"}
    first = client.post(url, data={"video": (io.BytesIO(WEBM), "v.webm"), **fields}, content_type="multipart/form-data")
    assert first.status_code == 302
    assert len(upload_dir(app)) == 1
    linked = client.post(url, data={"video_url": "https://media.example.nhs.uk/intro.mp4", **fields})
    assert linked.status_code == 302
    assert upload_dir(app) == [], "the replaced upload is deleted"
    start = client.get(f"/surveys/{survey.slug}")
    assert 'src="https://media.example.nhs.uk/intro.mp4"' in start.get_data(as_text=True)
    assert "media-src 'self' https://media.example.nhs.uk" in start.headers["Content-Security-Policy"]


def test_people_answering_in_bsl_get_the_signed_confirmation_and_crisis_videos(
    app: Flask, client: FlaskClient, auth: Auth, survey: Survey, lead: User
) -> None:
    auth.login(lead)
    fields = {"translated_by": "A. Translator", "checked_by": "B. Checker"}
    for slot, words in (("confirmation", "Thank you. Here is what happens next."), ("crisis", "If you need help now.")):
        saved = client.post(
            f"/surveys/manage/{survey.id}/formats/{slot}",
            data={"video": (io.BytesIO(WEBM), f"{slot}.webm"), "transcript": words, **fields},
            content_type="multipart/form-data",
        )
        assert saved.status_code == 302
    auth.logout()

    pages = {}
    for chosen in ("bsl", "standard"):
        resident = app.test_client()
        begin(resident, survey, chosen)
        resident.post(f"/surveys/{survey.slug}/contact", data={})
        pages[chosen] = resident.post(f"/surveys/{survey.slug}/submit", follow_redirects=True).get_data(as_text=True)
    signed = pages["bsl"]
    assert "Thank you. Here is what happens next." in signed and "If you need help now." in signed
    assert signed.count("<video") == 2 and "18001 111" in signed and "999 BSL" in signed
    assert "<video" not in pages["standard"] and "18001 111" not in pages["standard"]


# Assisted entry and paper


def test_assisted_entry_records_channel_format_and_helper(
    app: Flask, client: FlaskClient, auth: Auth, survey: Survey, lead: User
) -> None:
    auth.login(lead)
    q1, q2, _ = survey.questions
    url = f"/surveys/manage/{survey.id}/enter"
    entry = {
        "channel": "event",
        "formats": ["easy_read"],
        "paper_number": "17",
        "helper": "Peer supporter",
        f"q{q1.id}": "More help in the evening",
        f"q{q2.id}": "Good",
    }
    no_consent = client.post(url, data=entry).get_data(as_text=True)
    assert "Confirm they agreed" in no_consent and "More help in the evening" in no_consent
    saved = client.post(url, data=entry | {"helper_consent": "y"})
    assert saved.status_code == 302
    again = client.post(url, data=entry | {"helper_consent": "y"}).get_data(as_text=True)
    assert "already been entered" in again, "the same paper form cannot be keyed twice"
    assert "Enter at least one answer" in client.post(url, data={"channel": "phone"}).get_data(as_text=True)
    with app.app_context():
        response = db.session.execute(select(Response).where(Response.survey_id == survey.id)).scalar_one()
        assert response.status == ResponseStatus.SUBMITTED and response.reference
        assert response.channel == Channel.EVENT and response.format_list == [Format.EASY_READ]
        assert response.assisted_by == "Peer supporter" and response.entered_by_id == lead.id
        assert {a.question_id for a in response.answers} == {q1.id, q2.id}


def test_exports_filter_by_format_and_channel(
    app: Flask, client: FlaskClient, auth: Auth, survey: Survey, lead: User
) -> None:
    with app.app_context():
        live, actor = db.session.get(Survey, survey.id), db.session.get(User, lead.id)
        q1 = live.questions[0].id
        for channel, used, text in [
            (Channel.PAPER, [Format.EASY_READ], "Paper and easy read"),
            (Channel.PHONE, [Format.STANDARD], "Phone and standard"),
            (Channel.EVENT, [Format.BSL], "Event and BSL"),
        ]:
            formats.enter_response(actor, live, formats.Entry(channel, used, {q1: text}))
        db.session.commit()
    auth.login(lead)

    def exported(query: str) -> list[str]:
        body = client.get(f"/surveys/manage/{survey.id}/export.csv?{query}").get_data(as_text=True)
        return [row for row in csv.reader(io.StringIO(body.lstrip("\ufeff")))][1:]

    easy = exported("format=easy_read")
    assert len(easy) == 1 and "Paper and easy read" in easy[0]
    phone = exported("channel=phone")
    assert len(phone) == 1 and "Phone and standard" in phone[0]
    assert len(exported("")) == 3


def test_the_printable_version_carries_the_reference_and_every_question(client: FlaskClient, survey: Survey) -> None:
    page = client.get(f"/surveys/{survey.slug}/print").get_data(as_text=True)
    assert f"ENG-S{survey.id:04d}" in page and "Form number" in page
    for question in survey.questions:
        assert question.prompt in page
    assert "Tick one box." in page and "116 123" in page
    easy = client.get(f"/surveys/{survey.slug}/print?format=easy_read").get_data(as_text=True)
    assert "engage-easy-read" in easy


def test_an_interpreter_request_needs_contact_details_and_reaches_the_lead(
    client: FlaskClient, auth: Auth, survey: Survey, lead: User
) -> None:
    begin(client, survey, "bsl")
    url = f"/surveys/{survey.slug}/contact"
    missing = client.post(url, data={"wants_interpreter": "y"}).get_data(as_text=True)
    assert "Enter an email address or a phone number" in missing
    assert client.post(url, data={"wants_interpreter": "y", "phone": "07700 900982"}).status_code == 302
    client.post(f"/surveys/{survey.slug}/submit")
    client.post(f"/surveys/{survey.slug}/another")
    auth.login(lead)
    page = client.get(f"/surveys/manage/{survey.id}/interpreter-requests").get_data(as_text=True)
    assert "07700 900982" in page
    answers = client.get(f"/surveys/manage/{survey.id}/bsl-answers").get_data(as_text=True)
    assert "07700 900982" not in answers, "contact details are never shown beside answers"


def test_removing_a_question_deletes_its_picture_and_video_unless_a_copy_shows_them(
    app: Flask, client: FlaskClient, auth: Auth, survey: Survey, lead: User
) -> None:
    question = survey.questions[1]
    with app.app_context():
        changes = formats.MediaChanges(
            picture=io.BytesIO(PNG),
            picture_alt="A nurse",
            video=io.BytesIO(WEBM),
            transcript="How was your care?",
            translated_by="A. Translator",
            checked_by="B. Checker",
        )
        formats.update_media(db.session.get(User, lead.id), db.session.get(Question, question.id), changes)
        db.session.commit()
    assert len(upload_dir(app)) == 2
    auth.login(lead)
    copied = client.post(f"/surveys/manage/{survey.id}/duplicate")
    assert copied.status_code == 302
    client.post(f"/surveys/manage/{survey.id}/questions/{question.id}/delete")
    assert len(upload_dir(app)) == 2, "the copy still shows them"
    copy_id = int(copied.headers["Location"].rsplit("/", 1)[1])
    with app.app_context():
        copy_question = db.session.get(Survey, copy_id).questions[1]
        assert copy_question.easy_read_image is not None and copy_question.bsl.transcript == "How was your care?"
        copy_question_id = copy_question.id
    client.post(f"/surveys/manage/{copy_id}/questions/{copy_question_id}/delete")
    assert upload_dir(app) == []


def test_a_builder_video_over_the_limit_says_nothing_on_the_page_was_saved(
    app: Flask, client: FlaskClient, auth: Auth, survey: Survey, lead: User
) -> None:
    auth.login(lead)
    boundary = "engage-boundary"
    body = (
        (f'--{boundary}\r\nContent-Disposition: form-data; name="video"; filename="v.webm"\r\n\r\n').encode()
        + WEBM
        + bytes(2 * app.config["VIDEO_MAX_BYTES"])
        + f"\r\n--{boundary}--\r\n".encode()
    )
    page = client.post(
        f"/surveys/manage/{survey.id}/formats",
        input_stream=io.BytesIO(body),
        content_type=f"multipart/form-data; boundary={boundary}",
        content_length=len(body),
    )
    assert page.status_code == 413
    assert "Nothing on that page was saved" in page.get_data(as_text=True)
    assert upload_dir(app) == []


def test_an_unsent_bsl_answer_is_deleted_with_its_video_when_the_draft_expires(
    app: Flask, client: FlaskClient, survey: Survey
) -> None:
    begin(client, survey, "bsl")
    assert send_video(client, survey, survey.questions[0], WEBM).status_code == 302
    assert len(upload_dir(app)) == 1
    with app.app_context():
        draft = db.session.execute(select(Response)).scalar_one()
        draft.expires_at = utcnow() - timedelta(minutes=1)
        db.session.commit()
        assert answering.purge_expired() == 1
        assert db.session.execute(select(func.count()).select_from(MediaFile)).scalar_one() == 0
        db.session.commit()
    assert upload_dir(app) == [], "the resident's video is gone from the disk too"


def test_anonymous_videos_are_limited_per_draft_and_per_client(app: Flask, client: FlaskClient, survey: Survey) -> None:
    app.config["VIDEO_DRAFT_LIMITS"], app.config["VIDEO_CLIENT_LIMITS"] = "2 per day", "3 per hour"
    question = survey.questions[0]
    begin(client, survey, "bsl")
    for _ in range(2):
        assert send_video(client, survey, question, WEBM).status_code == 302
    refused = send_video(client, survey, question, WEBM)
    assert refused.status_code == 200
    assert "You have sent as many videos as we can take for now" in refused.get_data(as_text=True)
    assert len(upload_dir(app)) == 1, "the refused video was not kept; the one sent before stands"
    stranger = app.test_client()
    begin(stranger, survey, "bsl")
    refused = send_video(stranger, survey, question, WEBM)
    assert "as many videos as we can take" in refused.get_data(as_text=True), "the same client, a new draft"


def test_uploads_stop_at_the_total_budget(app: Flask, client: FlaskClient, survey: Survey) -> None:
    app.config["UPLOAD_BUDGET_BYTES"] = len(WEBM) * 3 // 2
    question = survey.questions[0]
    begin(client, survey, "bsl")
    assert send_video(client, survey, question, WEBM).status_code == 302
    stranger = app.test_client()
    begin(stranger, survey, "bsl")
    refused = send_video(stranger, survey, question, WEBM)
    assert "Engage cannot take more files just now" in refused.get_data(as_text=True)
    assert len(upload_dir(app)) == 1


def test_the_start_page_offers_the_format_before_any_video_and_says_the_introduction_once(
    app: Flask, client: FlaskClient, survey: Survey, lead: User
) -> None:
    with app.app_context():
        live = db.session.get(Survey, survey.id)
        live.introduction = "Tell us how our community mental health services could be better."
        changes = formats.MediaChanges(
            video=io.BytesIO(WEBM), transcript=live.introduction, translated_by="A. Translator", checked_by="B. Checker"
        )
        formats.update_media(db.session.get(User, lead.id), live, changes)
        db.session.commit()
    page = client.get(f"/surveys/{survey.slug}").get_data(as_text=True)
    assert page.count("could be better.") == 1, "the introduction is on the page once"
    assert page.index('name="format"') < page.index("<video"), "keyboard users reach the format choice first"
    assert "Watch the introduction in British Sign Language (BSL)" in page


def test_easy_read_lasts_to_the_last_page(client: FlaskClient, survey: Survey) -> None:
    begin(client, survey, "easy_read")
    slug = survey.slug
    contact = client.get(f"/surveys/{slug}/contact").get_data(as_text=True)
    assert "<h1>Can we contact you?</h1>" in contact and "Tell me what you changed" in contact
    assert "engage-easy-read" in contact
    check = client.get(f"/surveys/{slug}/check").get_data(as_text=True)
    assert "<h1>Check your answers</h1>" in check and "You can change any of them." in check
    assert "No answer" in check and "a person who keeps people safe may read them" in check
    saved = client.post(f"/surveys/{slug}/save").get_data(as_text=True)
    assert "Use it to come back to your answers." in saved and "engage-easy-read" in saved
    client.post(f"/surveys/{slug}/submit")
    done = client.get(f"/surveys/{slug}/confirmation").get_data(as_text=True)
    assert "Thank you. We have your answers" in done and "We will read all the answers." in done
    assert "116 123" in done, "help now, in every format"
    pictures = {"contact": contact, "check": check, "save": saved, "thanks": done}
    for name, page in pictures.items():
        assert f'src="/static/easy-read/{name}.svg" alt="' in page, f"a picture beside the easy read words: {name}"
    with client.get("/static/easy-read/thanks.svg") as picture:
        assert picture.status_code == 200 and picture.mimetype == "image/svg+xml"
