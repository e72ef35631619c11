"""Redaction: how many personal details `analysis.redact` removes, by kind, and what it wrongly removes.

Usage: .venv/bin/python bench/redaction.py

The labelled set is built here, deterministically (seed 2026), from sentence patterns written the way people
write feedback, with the details filled in from pools written by hand for this benchmark, not taken from the
lists the redactor uses: first names and surnames common in the UK's communities (English, Scottish, Irish,
Welsh, South Asian, Somali, West African, Caribbean, Polish, Romanian, Turkish, Chinese, Vietnamese, Arabic),
street names, dates, and numbers in the reserved Ofcom and NHS test ranges. Each kind has at least 300
details. A detail counts as removed when none of its words (for names) or none of its text (for the rest)
survives. Service names (wards, teams, hospitals) must survive: their keep rate is printed too, and the share
of the 417 real demo comments that lose any word.
"""

from __future__ import annotations

import csv
import json
import random
import re
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from analysis.redact import nhs_number_is_valid, redact

FIRST = """
Sarah James Emma Oliver Chloe Harry Megan Callum Bethan Rhys Niamh Ciaran Siobhan Declan Fiona Hamish Eilidh
Priya Rajesh Anjali Sanjay Harpreet Gurpreet Manpreet Jaswinder Arjun Kavita Deepak Sunita Imran Ayesha Bilal
Zainab Tariq Nadia Farhan Rukhsana Shahid Nasreen Shamima Rahim Tahmina Shafiqul Nusrat Abdul Mohammed Fatima
Hodan Abdirahman Ayan Faisal Hibaaq Mahad Sahra Ifrah Warsame Chidi Ngozi Oluwaseun Adaeze Emeka Funmilayo
Kwame Akosua Kofi Abena Yaw Ama Tunde Folake Chiamaka Obinna Delroy Marcia Winston Claudette Desmond Leroy
Beverley Tyrone Shanice Jerome Agnieszka Tomasz Katarzyna Piotr Magdalena Krzysztof Joanna Wojciech Ioana
Andrei Mihaela Bogdan Elena Florin Mehmet Ayse Emre Zeynep Hakan Elif Wei Mei Jun Ling Hao Xiu Minh Linh Tuan
Hoa Omar Layla Youssef Amira Khalid Noor Hassan Mariam Darren Kerry Shaun Leanne Gemma Lewis Jade Kieran
Stacey
""".split()  # noqa: SIM905 (a pool of words reads better as text)
SURNAMES = """
Jones Williams Taylor Davies Evans Thomas Roberts Hughes Lewis Morgan Macdonald Campbell Stewart Robertson
Murphy Kelly Byrne Doherty Gallagher Quinn O'Brien O'Neill McCarthy Patel Shah Sharma Singh Kaur Gill Sandhu
Chaudhry Hussain Khan Akhtar Iqbal Rahman Begum Uddin Chowdhury Islam Miah Ahmed Ali Abdi Mohamed Hassan Farah
Warsame Osman Aden Okafor Okeke Adeyemi Okonkwo Mensah Asante Boateng Owusu Adebayo Nwosu Eze Oyelaran
Campbell Brown Johnson Clarke Francis Gordon Henry Reid Kowalski Nowak Wisniewski Wojcik Lewandowski Kaminska
Zielinski Popescu Ionescu Dumitru Stan Constantin Yilmaz Demir Kaya Sahin Celik Wang Li Zhang Liu Chen Nguyen
Tran Pham Le Hoang Haddad Mansour Khalil Saleh Nasser Abdullah Whitfield Ashworth Pemberton Gallacher
Fitzgerald Doyle
""".split()  # noqa: SIM905 (a pool of words reads better as text)
STREETS = """
Acacia Avenue|Station Road|High Street|Church Lane|Victoria Road|Green Lane|Manor Road|Park Avenue|Mill Lane|
Kings Road|Queens Road|Grove Road|Albert Street|Springfield Close|Windsor Drive|Oak Crescent|Elm Grove|
Chapel Street|Brook Lane|Meadow Way|Cedar Court|Holly Terrace|Orchard Gardens|Market Place|Rectory Close
""".replace("\n", "").split("|")
MONTHS = """
January February March April May June July August September October November December
""".split()  # noqa: SIM905 (a pool of words reads better as text)
ROLES = ["nurse", "CPN", "care coordinator", "social worker", "support worker", "key worker", "GP", "therapist"]
TITLES = ["Dr", "Mr", "Mrs", "Ms", "Miss", "Dr.", "Nurse", "Sister"]
FAMILY = ["son", "daughter", "husband", "wife", "partner", "mum", "dad", "brother", "friend", "neighbour"]
SERVICES = [
    "Rose Ward", "Jasmine Unit", "Maple Ward", "the Maudsley Hospital", "Florence Nightingale Ward",
    "the Crisis Team", "Lambeth Hospital", "the Oxleas Recovery Team", "Ruby Ward", "Willow House",
    "the Single Point of Access Team", "Springfield Hospital", "Ladywell Unit", "the Hope Centre",
    "Beech Lodge", "the Bethlem Royal Hospital", "Grace Ward", "the Lewisham Home Treatment Team",
]  # fmt: skip

PATTERNS = {
    "full name": [
        "My nurse {name} was lovely.", "{name} never called me back.", "I was seen by {name} at the hub.",
        "Please thank {name} for everything.", "The worker, {name}, listened.", "I'd like to praise {name}.",
    ],
    "lower-case name": [
        "{lower} my cpn was great", "ask for {lower} at reception", "my worker {lower} never rings back",
        "thank you {lower} and the team", "{lower} from the crisis team helped", "i spoke to {lower} twice",
    ],
    "title or role and name": [
        "{title} {surname} was very kind.", "My {role} {first} {surname} was rude.", "I saw {title} {surname} twice.",
        "my {role} {lower} was off sick", "My {family} {first} had to call 999.", "{title} {surname}'s clinic",
    ],
    "address": [
        "I live at {address} and the bus is hard.", "Send it to {address} please.", "they came to {address}",
        "Flat {flat}, {address} has no lift", "my address is {address}, near the park",
    ],
    "date of birth": [
        "My DOB is {date}.", "date of birth: {date}", "I was born on {date} and I'm still waiting.",
        "D.O.B {date}", "born {date}, so I'm under 25",
    ],
    "email": ["Email me at {email} please.", "my email is {email}", "({email})"],
    "phone": ["Ring me on {phone}.", "my number is {phone}", "Call {phone} after 5pm.", "({phone})"],
    "postcode": ["I live in {postcode}.", "postcode {postcode} please", "near {postcode}"],
    "NHS number": ["My NHS number is {nhs}.", "nhs no {nhs}", "ref {nhs}"],
}  # fmt: skip
PER_KIND = 320


def _nhs(rng: random.Random) -> str:
    while True:
        digits = "".join(str(rng.randint(0, 9)) for _ in range(10))
        if digits[0] != "0" and nhs_number_is_valid(digits):
            return f"{digits[:3]} {digits[3:6]} {digits[6:]}"


def _date(rng: random.Random) -> str:
    day, month, year = rng.randint(1, 28), rng.randint(1, 12), rng.randint(1940, 2008)
    return rng.choice(
        [f"{day:02d}/{month:02d}/{year}", f"{day} {MONTHS[month - 1]} {year}", f"{year}-{month:02d}-{day:02d}",
         f"{day}th {MONTHS[month - 1][:3]} {year}", f"{day}.{month}.{year}"]
    )  # fmt: skip


def labelled_set(seed: int = 2026) -> list[tuple[str, str, list[str]]]:
    """(kind, text, the details that must not survive), PER_KIND of each kind."""
    rng = random.Random(seed)
    rows = []
    for kind, patterns in PATTERNS.items():
        for n in range(PER_KIND):
            first, surname = rng.choice(FIRST), rng.choice(SURNAMES)
            lower = rng.choice(FIRST).lower()
            street = rng.choice(STREETS)
            number = f"{rng.randint(1, 240)}{rng.choice(['', '', 'a', 'b'])}"
            values = {
                "name": f"{first} {surname}", "first": first, "surname": surname, "lower": lower,
                "title": rng.choice(TITLES), "role": rng.choice(ROLES), "family": rng.choice(FAMILY),
                "address": f"{number} {street}" if n % 2 else f"{number} {street.lower()}", "flat": rng.randint(1, 30),
                "date": _date(rng),
                "email": f"{first.lower()}.{surname.lower().replace(chr(39), '')}{rng.randint(1, 99)}@example.org",
                "phone": rng.choice([f"07700 900{rng.randint(0, 999):03d}", f"0161 496 0{rng.randint(0, 999):03d}",
                                     f"+44 7700 900{rng.randint(0, 999):03d}", f"020 7946 0{rng.randint(0, 999):03d}"]),
                "postcode": rng.choice(["SW1A 1AA", "E1 6AN", "M1 1AE", "B33 8TH", "CR2 6XH", "LS1 4AP", "N17 6PN"]),
                "nhs": _nhs(rng),
            }  # fmt: skip
            pattern = patterns[n % len(patterns)]
            text = pattern.format(**values)
            if kind in ("full name", "title or role and name"):
                used = [values[key] for key in ("name", "first", "surname", "lower") if "{" + key + "}" in pattern]
                details = [word for value in used for word in value.split()]
            elif kind == "lower-case name":
                details = [lower]
            elif kind == "address":
                details = [values["address"]]
            else:
                details = [values[{"date of birth": "date", "NHS number": "nhs"}.get(kind, kind)]]
            rows.append((kind, text, details))
    return rows


def survives(detail: str, redacted: str) -> bool:
    return re.search(rf"(?<![\w]){re.escape(detail)}(?![\w])", redacted, re.IGNORECASE) is not None


def main() -> None:
    rows = labelled_set()
    removed: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    missed: dict[str, list[str]] = defaultdict(list)
    started = time.perf_counter()
    for kind, text, details in rows:
        redacted = redact(text)
        ok = not any(survives(detail, redacted) for detail in details)
        removed[kind][0] += ok
        removed[kind][1] += 1
        if not ok:
            missed[kind].append(f"{text!r} -> {redacted!r}")
    elapsed = time.perf_counter() - started
    print(f"{'kind':<24}{'details':>8}{'removed':>9}")
    total = [0, 0]
    for kind, (ok, count) in removed.items():
        print(f"{kind:<24}{count:>8}{ok / count:>9.3f}")
        total[0] += ok
        total[1] += count
    print(f"{'all':<24}{total[1]:>8}{total[0] / total[1]:>9.3f}")
    kept = sum(survives(service.removeprefix("the "), redact(f"I was at {service} last week.")) for service in SERVICES)
    print(f"service names kept: {kept}/{len(SERVICES)}")
    cases = json.loads((Path(__file__).with_name("redaction_cases.json")).read_text(encoding="utf-8"))
    secrets = [(case["text"], secret) for case in cases["personal"] for secret in case["secrets"]]
    caught = sum(secret not in redact(text) for text, secret in secrets)
    intact = sum(redact(text) == text for text in cases["not_personal"])
    print(
        f"hand-written cases (redaction_cases.json): {caught}/{len(secrets)} details removed, "
        f"{intact}/{len(cases['not_personal'])} texts with nothing personal left intact"
    )
    demo = Path(__file__).resolve().parents[1] / "engage/surveys/demo_data/mental_health_feedback.csv"
    with demo.open(encoding="utf-8") as handle:
        comments = [row["feedback"] for row in csv.DictReader(handle)]
    changed = [c for c in comments if redact(c) != c]
    print(f"real demo comments changed: {len(changed)}/{len(comments)} ({len(changed) / len(comments):.1%})")
    print(f"speed: {len(rows) / elapsed:,.0f} texts/s")
    if "--show" in sys.argv:
        for kind, lines in missed.items():
            print(f"\n{kind}:", *lines[:15], sep="\n  ")
        print("\nchanged demo comments:", *[f"{c[:100]!r} -> {redact(c)[:100]!r}" for c in changed[:25]], sep="\n  ")


if __name__ == "__main__":
    main()
