"""Community languages a survey can be offered in, and a survey's words in one of them (with English where a
translator has not written them yet)."""

from __future__ import annotations

# The languages most spoken in London and England after English (ONS Census 2021, main language), and others
# NHS interpreting services are often asked for: (English name, own name, writing direction).
LANGUAGES: dict[str, tuple[str, str, str]] = {
    "ro": ("Romanian", "Română", "ltr"),
    "es": ("Spanish", "Español", "ltr"),
    "pl": ("Polish", "Polski", "ltr"),
    "bn": ("Bengali", "বাংলা", "ltr"),
    "pt": ("Portuguese", "Português", "ltr"),
    "tr": ("Turkish", "Türkçe", "ltr"),
    "it": ("Italian", "Italiano", "ltr"),
    "ar": ("Arabic", "العربية", "rtl"),
    "ur": ("Urdu", "اردو", "rtl"),
    "pa": ("Punjabi", "ਪੰਜਾਬੀ", "ltr"),
    "gu": ("Gujarati", "ગુજરાતી", "ltr"),
    "so": ("Somali", "Soomaali", "ltr"),
    "ta": ("Tamil", "தமிழ்", "ltr"),
    "fa": ("Persian (Farsi)", "فارسی", "rtl"),
    "zh": ("Chinese", "中文", "ltr"),
    "lt": ("Lithuanian", "Lietuvių", "ltr"),
}
ENGLISH = "en"
# Languages whose interface words (buttons, errors, progress, check answers, crisis support) Engage ships in
# engage/translations: three of the most spoken in London after English, and Arabic, written right to left.
CATALOGS = ("ro", "pl", "bn", "ar")


def name_of(code: str) -> str:
    """The language's name in English (a code Engage does not know is shown as it is)."""
    return "English" if code == ENGLISH else LANGUAGES.get(code, (code, code, "ltr"))[0]


def own_name(code: str) -> str:
    """The language's name as its speakers write it."""
    return "English" if code == ENGLISH else LANGUAGES.get(code, (code, code, "ltr"))[1]


def direction(code: str) -> str:
    """ "rtl" for a language written right to left (Arabic, Urdu, Persian), else "ltr"."""
    return "ltr" if code == ENGLISH else LANGUAGES.get(code, (code, code, "ltr"))[2]
