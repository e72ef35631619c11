"""Remove personal details from free text before anyone outside the engagement team sees it.

What it removes, each replaced by a bracketed word so the sentence still reads:
emails; UK phone numbers in the common written forms (including the Ofcom drama ranges such as
07700 900123 and 01632 960001); NHS numbers that pass the modulus 11 check; National Insurance
numbers; full postcodes; and people's names where they can be found offline: a first name from the
US Census 1990 name lists (the `names` package), a title followed by a name ("Dr Patel"), or a name
after "called" or "named". Helpline numbers people are told to ring (111, 999, 116 123) stay.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources

EMAIL = re.compile(r"[A-Za-z0-9._%+'-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
# 10 digits as 3-3-4, or run together; checked with the modulus 11 algorithm before removal.
NHS_NUMBER = re.compile(r"(?<![\d+])(\d{3})[ -]?(\d{3})[ -]?(\d{4})(?!\d)")
PHONE = re.compile(r"(?<![\w+])(?:(?:\+|00)44[\s.-]?(?:\(0\)[\s.-]?)?|\(?0)\d(?:[\s.)-]{0,2}\d){8,9}(?![\d])")
# Any two letters, not only the prefixes HMRC issues: people copy example numbers such as QQ 12 34 56 C.
NI_NUMBER = re.compile(r"\b[A-Z]{2}\s?\d{2}\s?\d{2}\s?\d{2}\s?[A-D]\b", re.IGNORECASE)
POSTCODE = re.compile(r"\b(?:GIR ?0AA|[A-PR-UWYZ][A-HK-Y]?\d[A-HJKMNPR-Y\d]? ?\d[ABD-HJLNP-UW-Z]{2})\b", re.IGNORECASE)
TITLES = "Mr|Mrs|Ms|Miss|Mx|Dr|Doctor|Prof|Professor|Nurse|Sister|Matron|Father|Rev"
TITLED = re.compile(rf"\b(?:{TITLES})\.? [A-Z][a-z'-]+(?: [A-Z][a-z'-]+)?")
CALLED = re.compile(r"\b(?:called|named|name is|name was)\s+([A-Z][a-z'-]+(?: [A-Z][a-z'-]+)?)")
CAPITALISED = re.compile(r"\b[A-Z][a-z'-]{1,}\b")

# Words that are also first names but usually are not one here.
NOT_NAMES = {
    "will", "may", "june", "april", "august", "hope", "grace", "faith", "joy", "mark", "bill", "rose", "dawn",
    "sue", "pat", "art", "ray", "sky", "summer", "autumn", "winter", "spring", "amber", "ruby", "iris", "holly",
    "ivy", "violet", "page", "rich", "guy", "major", "sunday", "monday", "tuesday", "wednesday", "thursday",
    "friday", "saturday", "christian", "nurse", "doctor", "sister", "care", "support", "see", "can", "long", "young",
    "king", "love", "star", "an", "in", "else", "les", "le", "ed", "al", "so", "do", "lean", "said", "son",
    "happy", "merry", "precious", "patience", "charity", "mercy", "honey", "sunny", "lane", "green", "brown",
    "white", "black", "trust", "gp", "ward", "center", "centre", "hospital", "team", "staff",
    # Census first names that NHS feedback mostly uses as ordinary words (lower-case more often than not).
    "bell", "carry", "chance", "chase", "don", "hang", "hung", "lady", "man", "many", "miles", "min", "miss", "my",
    "numbers", "ok", "soon", "van", "walker",
}  # fmt: skip


@cache
def first_names() -> frozenset[str]:
    """First names from the US Census 1990 lists shipped in the `names` package (public domain data)."""
    found: set[str] = set()
    for file in ("dist.female.first", "dist.male.first"):
        text = resources.files("names").joinpath(file).read_text()
        found.update(line.split()[0].lower() for line in text.splitlines() if line.strip())
    return frozenset(found - NOT_NAMES)


def nhs_number_is_valid(digits: str) -> bool:
    """The NHS number modulus 11 check (weights 10 to 2 on the first nine digits)."""
    if len(digits) != 10 or not digits.isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    check = 0 if check == 11 else check
    return check != 10 and check == int(digits[9])


def _nhs(match: re.Match[str]) -> str:
    digits = "".join(match.groups())
    return "[NHS number]" if nhs_number_is_valid(digits) else match.group(0)


def _phone(match: re.Match[str]) -> str:
    digits = re.sub(r"\D", "", match.group(0).replace("(0)", ""))
    digits = digits[2:] if digits.startswith("0044") else digits
    national = "0" + digits[2:] if digits.startswith("44") else digits
    return "[phone]" if len(national) in (10, 11) and national.startswith("0") else match.group(0)


def _names(text: str) -> str:
    text = TITLED.sub("[name]", text)
    text = CALLED.sub(lambda m: m.group(0)[: m.start(1) - m.start(0)] + "[name]", text)
    known = first_names()

    def replace(match: re.Match[str]) -> str:
        word = match.group(0)
        return "[name]" if word.lower() in known else word

    return CAPITALISED.sub(replace, text)


def redact(text: str) -> str:
    """The text with personal details replaced by [email], [phone], [NHS number], [NI number], [postcode], [name]."""
    if not text:
        return ""
    text = EMAIL.sub("[email]", text)
    text = NHS_NUMBER.sub(_nhs, text)
    text = PHONE.sub(_phone, text)
    text = NI_NUMBER.sub("[NI number]", text)
    text = POSTCODE.sub("[postcode]", text)
    return _names(text)
