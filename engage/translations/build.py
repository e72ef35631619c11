"""Write the interface catalogs (messages.po, and the compiled messages.mo Flask-Babel reads) from the words
below. Run `python -m engage.translations.build` after changing them or after `pybabel extract` adds words.

Every catalog is Engage's own first translation and is marked "to be checked by a qualified translator":
respondents are told so until the programme records a check (a survey language's "Checked by").
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

HERE = Path(__file__).resolve().parent
NOTE = "To be checked by a qualified translator."
WRITTEN = datetime(2026, 12, 7, tzinfo=UTC)  # fixed, so rebuilding an unchanged catalog changes no file

WORDS: dict[str, dict[str, str]] = {
    "pl": {
        "Error:": "Błąd:",
        "This translation has not yet been checked by a qualified translator.": "To tłumaczenie nie zostało jeszcze sprawdzone przez wykwalifikowanego tłumacza.",
        "Enter your answer, or go back if you do not want to answer": "Wpisz odpowiedź albo wróć, jeśli nie chcesz odpowiadać",
        "Select at least one option": "Wybierz co najmniej jedną odpowiedź",
        "Select an answer": "Wybierz odpowiedź",
        "How would you like to answer?": "Jak chcesz odpowiadać?",
        "Standard": "Standardowo",
        "Easy read: short sentences and pictures, in larger text": "Łatwy do czytania: krótkie zdania i obrazki, większym drukiem",
        "British Sign Language (BSL): each question signed, and you can answer with a video": "Brytyjski język migowy (BSL): każde pytanie w języku migowym, możesz odpowiedzieć nagraniem wideo",
        "Skip to main content": "Przejdź do treści",
        "There is a problem": "Wystąpił problem",
        "Call %(who)s free on %(number)s, any time, day or night.": "Zadzwoń do %(who)s bezpłatnie pod numer %(number)s, o każdej porze dnia i nocy.",
        "Call %(who)s on %(number)s and choose the mental health option.": "Zadzwoń do %(who)s pod numer %(number)s i wybierz opcję zdrowia psychicznego.",
        "Text %(word)s to %(number)s to talk by text, any time.": "Wyślij SMS o treści %(word)s pod numer %(number)s, aby porozmawiać przez SMS, o każdej porze.",
        "In an emergency, or if you are in danger, call %(number)s or go to A&amp;E.": "W nagłym wypadku lub jeśli grozi Ci niebezpieczeństwo, zadzwoń pod %(number)s albo idź na SOR (A&amp;E).",
        "If you need help now": "Jeśli potrzebujesz pomocy teraz",
        "Question %(number)s of %(total)s": "Pytanie %(number)s z %(total)s",
        "You can leave this question blank.": "Możesz nie odpowiadać na to pytanie.",
        "Change format": "Zmień format",
        "Language:": "Język:",
        "Check your answers before sending them": "Sprawdź odpowiedzi przed wysłaniem",
        "Not answered": "Brak odpowiedzi",
        "Change": "Zmień",
        "your answer to:": "odpowiedź na pytanie:",
        "Send your answers": "Wyślij odpowiedzi",
        "When you send your answers, you cannot change them. A safeguarding lead may read your answers if they suggest someone could be at risk of harm.": "Po wysłaniu nie można zmienić odpowiedzi. Osoba odpowiedzialna za ochronę może przeczytać Twoje odpowiedzi, jeśli wskazują, że komuś może grozić krzywda.",
        "Send answers": "Wyślij odpowiedzi",
        "Save and come back later": "Zapisz i wróć później",
        "Your reference number": "Twój numer referencyjny",
        "Your answers have been sent": "Twoje odpowiedzi zostały wysłane",
        "What happens next": "Co dalej",
        "Back": "Wstecz",
        "This question has not been translated yet, so it is shown in English.": "To pytanie nie zostało jeszcze przetłumaczone, więc jest po angielsku.",
        "Save and return to check your answers": "Zapisz i wróć do sprawdzania odpowiedzi",
        "Continue": "Dalej",
        "This introduction has not been translated yet, so it is shown in English.": "To wprowadzenie nie zostało jeszcze przetłumaczone, więc jest po angielsku.",
        "You can change this on any page and keep your answers.": "Możesz to zmienić na każdej stronie, a Twoje odpowiedzi zostaną zachowane.",
        "Start now": "Rozpocznij",
    },
    "ro": {
        "Error:": "Eroare:",
        "This translation has not yet been checked by a qualified translator.": "Această traducere nu a fost încă verificată de un traducător calificat.",
        "Enter your answer, or go back if you do not want to answer": "Scrieți răspunsul sau reveniți dacă nu doriți să răspundeți",
        "Select at least one option": "Alegeți cel puțin o opțiune",
        "Select an answer": "Alegeți un răspuns",
        "How would you like to answer?": "Cum doriți să răspundeți?",
        "Standard": "Standard",
        "Easy read: short sentences and pictures, in larger text": "Ușor de citit: propoziții scurte și imagini, cu litere mai mari",
        "British Sign Language (BSL): each question signed, and you can answer with a video": "Limbajul semnelor britanic (BSL): fiecare întrebare în limbajul semnelor; puteți răspunde cu un videoclip",
        "Skip to main content": "Salt la conținutul principal",
        "There is a problem": "Există o problemă",
        "Call %(who)s free on %(number)s, any time, day or night.": "Sunați gratuit la %(who)s, la %(number)s, oricând, zi și noapte.",
        "Call %(who)s on %(number)s and choose the mental health option.": "Sunați la %(who)s, la %(number)s, și alegeți opțiunea pentru sănătate mintală.",
        "Text %(word)s to %(number)s to talk by text, any time.": "Trimiteți %(word)s prin SMS la %(number)s pentru a vorbi prin mesaje, oricând.",
        "In an emergency, or if you are in danger, call %(number)s or go to A&amp;E.": "În caz de urgență sau dacă sunteți în pericol, sunați la %(number)s sau mergeți la urgențe (A&amp;E).",
        "If you need help now": "Dacă aveți nevoie de ajutor acum",
        "Question %(number)s of %(total)s": "Întrebarea %(number)s din %(total)s",
        "You can leave this question blank.": "Puteți lăsa această întrebare fără răspuns.",
        "Change format": "Schimbați formatul",
        "Language:": "Limba:",
        "Check your answers before sending them": "Verificați răspunsurile înainte de a le trimite",
        "Not answered": "Fără răspuns",
        "Change": "Modificați",
        "your answer to:": "răspunsul la:",
        "Send your answers": "Trimiteți răspunsurile",
        "When you send your answers, you cannot change them. A safeguarding lead may read your answers if they suggest someone could be at risk of harm.": "După ce trimiteți răspunsurile, nu le mai puteți modifica. O persoană responsabilă cu protecția le poate citi dacă arată că cineva ar putea fi în pericol.",
        "Send answers": "Trimiteți răspunsurile",
        "Save and come back later": "Salvați și reveniți mai târziu",
        "Your reference number": "Numărul dumneavoastră de referință",
        "Your answers have been sent": "Răspunsurile au fost trimise",
        "What happens next": "Ce urmează",
        "Back": "Înapoi",
        "This question has not been translated yet, so it is shown in English.": "Această întrebare nu a fost încă tradusă, așa că apare în engleză.",
        "Save and return to check your answers": "Salvați și reveniți la verificarea răspunsurilor",
        "Continue": "Continuați",
        "This introduction has not been translated yet, so it is shown in English.": "Această introducere nu a fost încă tradusă, așa că apare în engleză.",
        "You can change this on any page and keep your answers.": "Puteți schimba aceasta pe orice pagină și vă păstrați răspunsurile.",
        "Start now": "Începeți acum",
    },
    "bn": {
        "Error:": "ত্রুটি:",
        "This translation has not yet been checked by a qualified translator.": "এই অনুবাদটি এখনও কোনো যোগ্য অনুবাদক যাচাই করেননি।",
        "Enter your answer, or go back if you do not want to answer": "আপনার উত্তর লিখুন, অথবা উত্তর দিতে না চাইলে পিছনে যান",
        "Select at least one option": "অন্তত একটি বিকল্প বেছে নিন",
        "Select an answer": "একটি উত্তর বেছে নিন",
        "How would you like to answer?": "আপনি কীভাবে উত্তর দিতে চান?",
        "Standard": "সাধারণ",
        "Easy read: short sentences and pictures, in larger text": "সহজে পড়ার মতো: ছোট বাক্য ও ছবি, বড় অক্ষরে",
        "British Sign Language (BSL): each question signed, and you can answer with a video": "ব্রিটিশ সাংকেতিক ভাষা (BSL): প্রতিটি প্রশ্ন সাংকেতিক ভাষায়, আর আপনি ভিডিও দিয়ে উত্তর দিতে পারেন",
        "Skip to main content": "মূল বিষয়ে যান",
        "There is a problem": "একটি সমস্যা হয়েছে",
        "Call %(who)s free on %(number)s, any time, day or night.": "দিন বা রাত যেকোনো সময় বিনামূল্যে %(who)s-কে %(number)s নম্বরে ফোন করুন।",
        "Call %(who)s on %(number)s and choose the mental health option.": "%(who)s-কে %(number)s নম্বরে ফোন করুন এবং মানসিক স্বাস্থ্যের বিকল্পটি বেছে নিন।",
        "Text %(word)s to %(number)s to talk by text, any time.": "যেকোনো সময় টেক্সটে কথা বলতে %(number)s নম্বরে %(word)s লিখে পাঠান।",
        "In an emergency, or if you are in danger, call %(number)s or go to A&amp;E.": "জরুরি অবস্থায় বা আপনি বিপদে থাকলে %(number)s নম্বরে ফোন করুন অথবা A&amp;E-তে যান।",
        "If you need help now": "আপনার যদি এখনই সাহায্য দরকার হয়",
        "Question %(number)s of %(total)s": "প্রশ্ন %(number)s / %(total)s",
        "You can leave this question blank.": "আপনি এই প্রশ্নটি ফাঁকা রাখতে পারেন।",
        "Change format": "ফরম্যাট পরিবর্তন করুন",
        "Language:": "ভাষা:",
        "Check your answers before sending them": "পাঠানোর আগে আপনার উত্তরগুলো দেখে নিন",
        "Not answered": "উত্তর দেওয়া হয়নি",
        "Change": "পরিবর্তন করুন",
        "your answer to:": "এই প্রশ্নের উত্তর:",
        "Send your answers": "আপনার উত্তর পাঠান",
        "When you send your answers, you cannot change them. A safeguarding lead may read your answers if they suggest someone could be at risk of harm.": "উত্তর পাঠানোর পরে আর পরিবর্তন করা যাবে না। কেউ ক্ষতির ঝুঁকিতে থাকতে পারেন বলে মনে হলে একজন সুরক্ষা কর্মকর্তা আপনার উত্তর পড়তে পারেন।",
        "Send answers": "উত্তর পাঠান",
        "Save and come back later": "সংরক্ষণ করুন এবং পরে ফিরে আসুন",
        "Your reference number": "আপনার রেফারেন্স নম্বর",
        "Your answers have been sent": "আপনার উত্তর পাঠানো হয়েছে",
        "What happens next": "এরপর কী হবে",
        "Back": "পিছনে",
        "This question has not been translated yet, so it is shown in English.": "এই প্রশ্নটি এখনও অনুবাদ করা হয়নি, তাই ইংরেজিতে দেখানো হচ্ছে।",
        "Save and return to check your answers": "সংরক্ষণ করুন এবং উত্তর দেখার পাতায় ফিরে যান",
        "Continue": "এগিয়ে যান",
        "This introduction has not been translated yet, so it is shown in English.": "এই ভূমিকাটি এখনও অনুবাদ করা হয়নি, তাই ইংরেজিতে দেখানো হচ্ছে।",
        "You can change this on any page and keep your answers.": "আপনি যেকোনো পাতায় এটি বদলাতে পারেন, আপনার উত্তরগুলো থেকে যাবে।",
        "Start now": "এখনই শুরু করুন",
    },
    "ar": {
        "Error:": "خطأ:",
        "This translation has not yet been checked by a qualified translator.": "لم يتحقق مترجم مؤهل من هذه الترجمة بعد.",
        "Enter your answer, or go back if you do not want to answer": "اكتب إجابتك، أو ارجع إذا كنت لا تريد الإجابة",
        "Select at least one option": "اختر خيارًا واحدًا على الأقل",
        "Select an answer": "اختر إجابة",
        "How would you like to answer?": "كيف تريد أن تجيب؟",
        "Standard": "عادي",
        "Easy read: short sentences and pictures, in larger text": "سهل القراءة: جمل قصيرة وصور، بخط أكبر",
        "British Sign Language (BSL): each question signed, and you can answer with a video": "لغة الإشارة البريطانية (BSL): كل سؤال بلغة الإشارة، ويمكنك الإجابة بفيديو",
        "Skip to main content": "انتقل إلى المحتوى الرئيسي",
        "There is a problem": "هناك مشكلة",
        "Call %(who)s free on %(number)s, any time, day or night.": "اتصل بـ %(who)s مجانًا على الرقم %(number)s، في أي وقت ليلًا أو نهارًا.",
        "Call %(who)s on %(number)s and choose the mental health option.": "اتصل بـ %(who)s على الرقم %(number)s واختر خيار الصحة النفسية.",
        "Text %(word)s to %(number)s to talk by text, any time.": "أرسل كلمة %(word)s إلى الرقم %(number)s للتحدث عبر الرسائل النصية، في أي وقت.",
        "In an emergency, or if you are in danger, call %(number)s or go to A&amp;E.": "في حالة الطوارئ أو إذا كنت في خطر، اتصل بالرقم %(number)s أو اذهب إلى قسم الطوارئ (A&amp;E).",
        "If you need help now": "إذا كنت بحاجة إلى مساعدة الآن",
        "Question %(number)s of %(total)s": "السؤال %(number)s من %(total)s",
        "You can leave this question blank.": "يمكنك ترك هذا السؤال بلا إجابة.",
        "Change format": "تغيير الشكل",
        "Language:": "اللغة:",
        "Check your answers before sending them": "راجع إجاباتك قبل إرسالها",
        "Not answered": "لم تتم الإجابة",
        "Change": "تغيير",
        "your answer to:": "إجابتك عن:",
        "Send your answers": "أرسل إجاباتك",
        "When you send your answers, you cannot change them. A safeguarding lead may read your answers if they suggest someone could be at risk of harm.": "بعد إرسال إجاباتك لا يمكنك تغييرها. قد يقرأ مسؤول الحماية إجاباتك إذا كانت تشير إلى أن شخصًا ما قد يكون معرضًا للأذى.",
        "Send answers": "إرسال الإجابات",
        "Save and come back later": "احفظ وعُد لاحقًا",
        "Your reference number": "رقمك المرجعي",
        "Your answers have been sent": "تم إرسال إجاباتك",
        "What happens next": "ماذا يحدث بعد ذلك",
        "Back": "رجوع",
        "This question has not been translated yet, so it is shown in English.": "لم تتم ترجمة هذا السؤال بعد، لذلك يظهر باللغة الإنجليزية.",
        "Save and return to check your answers": "احفظ وارجع لمراجعة إجاباتك",
        "Continue": "متابعة",
        "This introduction has not been translated yet, so it is shown in English.": "لم تتم ترجمة هذه المقدمة بعد، لذلك تظهر باللغة الإنجليزية.",
        "You can change this on any page and keep your answers.": "يمكنك تغيير ذلك في أي صفحة مع الاحتفاظ بإجاباتك.",
        "Start now": "ابدأ الآن",
    },
}


def catalog(code: str) -> Catalog:
    """The catalog for one language: every word in messages.pot, translated where WORDS has it."""
    with (HERE / "messages.pot").open("rb") as handle:
        template = read_po(handle)
    result = Catalog(
        locale=code,
        project="Engage",
        header_comment=f"# Engage interface words. {NOTE}",
        creation_date=WRITTEN,
        revision_date=WRITTEN,
        fuzzy=False,  # a fuzzy header is left out of the compiled file, and with it the UTF-8 charset
    )
    for message in template:
        if message.id:
            result.add(message.id, WORDS[code].get(str(message.id), ""))
    return result


def main() -> None:
    for code in WORDS:
        folder = HERE / code / "LC_MESSAGES"
        folder.mkdir(parents=True, exist_ok=True)
        built = catalog(code)
        with (folder / "messages.po").open("wb") as handle:
            write_po(handle, built, omit_header=False, width=120)
        with (folder / "messages.mo").open("wb") as handle:
            write_mo(handle, built)


if __name__ == "__main__":
    main()
