"""The demo survey in every format: easy read words and pictures, BSL placeholder videos, and how responses came in.

The pictures and video are placeholders made offline (see demo_media/README.md); the pages label them as demo
content. BSL answers reuse the placeholder video, with a real comment from the shared feedback as the
interpretation, so nothing is invented.
"""

from __future__ import annotations

import io
from pathlib import Path

from engage.media.models import MediaKind
from engage.media.storage import store
from engage.surveys.models import Answer, BslVideo, Channel, Format, Question, Response, Survey
from engage.timeutil import utcnow

MEDIA = Path(__file__).with_name("demo_media")
TRANSLATOR = "Demo content: no translator (placeholder video)"

EASY_INTRODUCTION = (
    "We want to know about your mental health support.\n"
    "Tell us what was good.\n"
    "Tell us what could be better.\n"
    "It takes about 5 minutes."
)
# Easy read words, hint, options and picture for the demo's own questions, in order.
EASY_QUESTIONS = [
    (
        "How good was your mental health support?",
        "1 means very bad.\n5 means very good.",
        ["1 Very bad", "2 Bad", "3 OK", "4 Good", "5 Very good"],
        ("rating.png", "Demo picture: five stars, for giving a score"),
    ),
    (
        "What was good about your support?",
        "Tell us about a person or a thing that helped you.",
        [],
        ("good.png", "Demo picture: a smiling face and a heart"),
    ),
    (
        "What could we do better?",
        "For example, getting help.\nOr waiting.\nOr being listened to.",
        [],
        ("better.png", "Demo picture: a sad face changing into a smiling face"),
    ),
    (
        "Did you know who to call in a crisis?",
        "A crisis is when you need help fast.",
        [],
        ("crisis.png", "Demo picture: a telephone and a question mark"),
    ),
    (
        "What would help you know who to call in a crisis?",
        "",
        [],
        ("helped.png", "Demo picture: a telephone and a tick"),
    ),
]
ABOUT_YOU = ("about-you.png", "Demo picture: three smiling faces, for questions about you")


CONFIRMATION_WORDS = (
    "Thank you. We have your answers.\nThe engagement team will read every answer.\n"
    "We will show what we change on the programme's page."
)
CRISIS_WORDS = (
    "If you need help now, you can contact NHS 111 in BSL through SignVideo, or 999 BSL in an emergency.\n"
    "Samaritans are there any time. You can also text SHOUT to 85258."
)


def _file(name: str, kind: MediaKind, programme_id: int, private: bool = False) -> object:
    return store(io.BytesIO((MEDIA / name).read_bytes()), kind, private=private, programme_id=programme_id)


def _captions(programme_id: int, words: str) -> object:
    """Captions for the placeholder video: the words it would sign, across its three seconds."""
    text = " ".join(line.strip() for line in words.splitlines() if line.strip())
    vtt = f"WEBVTT\n\n00:00:00.000 --> 00:00:03.000\n[Demo placeholder] {text}\n"
    return store(io.BytesIO(vtt.encode()), MediaKind.CAPTIONS, programme_id=programme_id)


def _bsl(programme_id: int, words: str, video: object) -> BslVideo:
    return BslVideo(
        video=video,
        captions=_captions(programme_id, words),
        transcript=words,
        translated_by=TRANSLATOR,
        checked_by=TRANSLATOR,
        is_demo=True,
    )


def add_formats(survey: Survey) -> None:
    """Easy read words and pictures, and a BSL video with captions and transcript, for every question."""
    programme_id = survey.programme_id
    video = _file("bsl-placeholder.webm", MediaKind.VIDEO, programme_id)
    survey.easy_read_introduction = EASY_INTRODUCTION
    survey.bsl = _bsl(programme_id, survey.introduction, video)
    survey.bsl_confirmation = _bsl(programme_id, CONFIRMATION_WORDS, video)
    survey.bsl_crisis = _bsl(programme_id, CRISIS_WORDS, video)
    pictures: dict[str, object] = {}
    for n, question in enumerate(survey.questions):
        if n < len(EASY_QUESTIONS):
            prompt, hint, easy_options, (picture, alt) = EASY_QUESTIONS[n]
            question.easy_read_prompt, question.easy_read_hint = prompt, hint
            question.easy_read_options = easy_options
        else:
            picture, alt = ABOUT_YOU
        if picture not in pictures:
            pictures[picture] = _file(picture, MediaKind.IMAGE, programme_id)
        question.easy_read_image, question.easy_read_image_alt = pictures[picture], alt
        question.bsl = _bsl(programme_id, question.prompt, video)


def arrival(n: int) -> tuple[Channel, list[Format], str]:
    """How demo response n came in: a spread of channels and formats, some with a helper who was recorded."""
    if n % 13 == 5:
        return Channel.EVENT, [Format.EASY_READ], "Peer supporter at the drop-in (demo)"
    if n % 11 == 2:
        return Channel.PHONE, [Format.STANDARD], ""
    if n % 7 == 1:
        return Channel.PAPER, [Format.EASY_READ if n % 2 else Format.STANDARD], ""
    if n % 17 == 3:
        return Channel.ONLINE, [Format.BSL], ""
    if n % 9 == 4:
        return Channel.ONLINE, [Format.STANDARD, Format.EASY_READ], ""
    return Channel.ONLINE, [Format.STANDARD], ""


def as_bsl_answer(response: Response, answer: Answer, programme_id: int) -> None:
    """Make a BSL respondent's comment a video answer (the placeholder) whose interpretation is the real comment."""
    answer.video = _file("bsl-placeholder.webm", MediaKind.VIDEO, programme_id, private=True)
    answer.interpreted_by = "Demo interpreter"
    answer.interpreted_at = response.submitted_at or utcnow()


def awaiting_bsl_answer(question: Question, programme_id: int) -> Answer:
    """A BSL answer nobody has interpreted yet: it is left out of search and themes until someone does."""
    return Answer(question=question, video=_file("bsl-placeholder.webm", MediaKind.VIDEO, programme_id, private=True))
