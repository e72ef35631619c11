"""The demo survey in Polish and Arabic (one language written left to right, one right to left), for its first
questions only, so the demo shows translated words, English where nothing is translated yet, and a right-to-left
layout. The translations are the demo's own and unchecked, and say so."""

from __future__ import annotations

from engage.auth.models import User
from engage.surveys import translating
from engage.surveys.models import Survey
from engage.surveys.translating import QuestionWords, Translation

TRANSLATOR = "Demo translation, not checked by a qualified translator"

WORDS: dict[str, tuple[tuple[str, str, str], list[QuestionWords]]] = {
    "pl": (
        (
            "Chcemy poznać Twoje doświadczenia z usługami zdrowia psychicznego w społeczności, dobre i złe. "
            "Zajmie to około 5 minut.\n\nTo, co nam powiesz, pomoże ukształtować nową ofertę podstawową: to, "
            "czego każdy może oczekiwać, niezależnie od miejsca zamieszkania.",
            "Dziękujemy. Mamy Twoje odpowiedzi. Przeczytamy każdą odpowiedź i opublikujemy, co ludzie nam "
            "powiedzieli i co się zmieniło.",
            "Jeśli potrzebujesz pomocy teraz, zadzwoń pod jeden z numerów poniżej. Możesz poprosić o tłumacza.",
        ),
        [
            QuestionWords(
                "Ogólnie, jak oceniasz swoje doświadczenia z usługami zdrowia psychicznego w społeczności?",
                "",
                ["1 – Bardzo źle", "2", "3", "4", "5 – Bardzo dobrze"],
            ),
            QuestionWords(
                "Co było dobre we wsparciu, które otrzymałeś lub otrzymałaś?",
                "Na przykład osoba, która pomogła, lub coś, co zrobiło różnicę.",
            ),
            QuestionWords(
                "Co moglibyśmy zrobić lepiej?",
                "Pomyśl o uzyskaniu pomocy, czekaniu, byciu wysłuchanym i przechodzeniu między usługami.",
            ),
        ],
    ),
    "ar": (
        (
            "نريد أن نسمع عن تجربتك مع خدمات الصحة النفسية في المجتمع، الجيدة والسيئة. يستغرق ذلك حوالي 5 دقائق."
            "\n\nما تخبرنا به سيساعد في تشكيل العرض الأساسي الجديد: ما يمكن للجميع توقعه أينما عاشوا.",
            "شكرًا لك. لقد وصلتنا إجاباتك. سنقرأ كل إجابة وسننشر ما قاله الناس وما تغيّر.",
            "إذا كنت بحاجة إلى مساعدة الآن، اتصل بأحد الأرقام أدناه. يمكنك طلب مترجم.",
        ),
        [
            QuestionWords(
                "بشكل عام، كيف كانت تجربتك مع خدمات الصحة النفسية في المجتمع؟",
                "",
                ["1 – سيئة جدًا", "2", "3", "4", "5 – جيدة جدًا"],
            ),
            QuestionWords("ما الذي كان جيدًا في الدعم الذي تلقيته؟", "على سبيل المثال، شخص ساعدك، أو شيء أحدث فرقًا."),
            QuestionWords(
                "ما الذي يمكننا فعله بشكل أفضل؟",
                "فكّر في الحصول على المساعدة، والانتظار، والاستماع إليك، والانتقال بين الخدمات.",
            ),
        ],
    ),
}


def add_languages(lead: User, survey: Survey) -> None:
    """Offer the demo survey in Polish and Arabic, its first three questions translated."""
    for code, ((introduction, confirmation, crisis), questions) in WORDS.items():
        translating.add_language(lead, survey, code)
        words = Translation(introduction, confirmation, crisis, translated_by=TRANSLATOR)
        words.questions = {question.id: given for question, given in zip(survey.questions, questions, strict=False)}
        translating.save(lead, survey, code, words)
