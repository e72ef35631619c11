"""Reading a lead's population figures and a postcode deprivation lookup: every row checked, all or nothing."""

from __future__ import annotations

from engage.exceptions import EngageError
from engage.representation.services import DECILES, DEPRIVATION, GROUP_LABELS
from engage.surveys.equality import EQUALITY_KEYS, POSTCODE
from engage.tables import csv_rows

# Percentages are usually published rounded, so a group's may add up to a little more or less than 100.
ROUNDING = 0.5
MAX_ERRORS = 20
LOOKUP_COLUMNS = ("postcode", "index of multiple deprivation decile")


class UploadProblem(EngageError):
    """The file cannot be used; `rows` lists each row's problem, for the lead to fix and upload again."""

    def __init__(self, message: str, rows: list[str] | None = None) -> None:
        super().__init__(message, "file")
        self.rows = rows or []


def _records(data: bytes) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The heading row, lower-cased, and every non-empty row with its line number."""
    rows = csv_rows(data)
    if len(rows) < 2:
        raise UploadProblem("The file needs a heading row and at least one row of figures")
    return [heading.lower() for heading in rows[0][1]], rows[1:]


def _group_key(text: str) -> str | None:
    wanted = text.strip().lower()
    return next((key for key, label in GROUP_LABELS.items() if wanted in (key, label.lower())), None)


def _categories(group: str) -> dict[str, str]:
    """A group's categories, by their lower-case wording."""
    names = DECILES if group == DEPRIVATION else [o for o in EQUALITY_KEYS[group].options if o != "Prefer not to say"]
    return {name.lower(): name for name in names}


def read_population(data: bytes) -> list[tuple[str, str, float]]:
    """(group, category, per cent) from a CSV headed group, category and either percent or people.

    With people, an optional row per group with the category "Total" must equal the group's sum; with percent,
    each group must add up to 100 (give or take rounding). Groups are the equality set's keys or names, and
    deprivation deciles 1 to 10.
    """
    headings, rows = _records(data)
    value = "percent" if "percent" in headings else "people" if "people" in headings else None
    if "group" not in headings or "category" not in headings or value is None:
        raise UploadProblem(
            "The first row must have the headings group, category and percent (or people instead of percent)"
        )
    at = {name: headings.index(name) for name in ("group", "category", value)}
    errors: list[str] = []
    amounts: dict[str, dict[str, float]] = {}
    totals: dict[str, float] = {}
    for line, row in rows:
        cells = {name: row[i] if i < len(row) else "" for name, i in at.items()}
        group = _group_key(cells["group"])
        if group is None:
            errors.append(f"Row {line}: “{cells['group'][:60]}” is not a group Engage asks about")
            continue
        try:
            amount = float(cells[value].replace(",", "").rstrip("%"))
        except ValueError:
            errors.append(f"Row {line}: “{cells[value][:30]}” is not a number")
            continue
        if amount < 0 or (value == "percent" and amount > 100):
            errors.append(f"Row {line}: {amount:g} is outside the range a {value} figure can take")
            continue
        if value == "people" and cells["category"].lower() == "total":
            totals[group] = amount
            continue
        category, name = _categories(group).get(cells["category"].lower()), GROUP_LABELS[group].lower()
        if category is None:
            errors.append(f"Row {line}: “{cells['category'][:60]}” is not one of the {name} answers")
        elif category in amounts.setdefault(group, {}):
            errors.append(f"Row {line}: {category} appears twice in {name}")
        else:
            amounts[group][category] = amount
    for group, shares in amounts.items():
        added = sum(shares.values())
        if value == "percent" and abs(added - 100) > ROUNDING:
            errors.append(f"{GROUP_LABELS[group]}: the percentages add up to {added:g}, not 100")
        if value == "people" and group in totals and abs(added - totals[group]) > ROUNDING:
            total = totals[group]
            errors.append(f"{GROUP_LABELS[group]}: the people add up to {added:g}, but the total row says {total:g}")
        if value == "people" and added == 0:
            errors.append(f"{GROUP_LABELS[group]}: every count is 0")
    if errors:
        raise UploadProblem("Nothing was saved. Correct these rows and upload the file again", errors[:MAX_ERRORS])
    if value == "percent":
        return [(g, c, round(p, 2)) for g, shares in amounts.items() for c, p in shares.items()]
    return [
        (g, c, round(100 * n / sum(shares.values()), 2)) for g, shares in amounts.items() for c, n in shares.items()
    ]


def read_lookup(data: bytes) -> dict[str, int]:
    """{postcode: decile} from the public "IMD by postcode" file (imd-by-postcode.opendatacommunities.org),
    which has a column headed Postcode and one headed Index of Multiple Deprivation Decile among others."""
    headings, rows = _records(data)
    if not all(name in headings for name in LOOKUP_COLUMNS):
        raise UploadProblem(
            "This is not a postcode lookup in the public file's format: it needs a column headed “Postcode” and "
            "one headed “Index of Multiple Deprivation Decile”, as in the file from "
            "imd-by-postcode.opendatacommunities.org"
        )
    postcode_at, decile_at = (headings.index(name) for name in LOOKUP_COLUMNS)
    deciles: dict[str, int] = {}
    errors: list[str] = []
    for line, row in rows:
        postcode = row[postcode_at] if postcode_at < len(row) else ""
        decile = row[decile_at] if decile_at < len(row) else ""
        match = POSTCODE.fullmatch(postcode)
        if match is None:
            errors.append(f"Row {line}: “{postcode[:20]}” is not a full postcode, such as N17 0AA")
        elif decile not in DECILES:
            errors.append(f"Row {line}: the decile must be a whole number from 1 to 10, not “{decile[:20]}”")
        else:
            deciles[(match.group(1) + match.group(2)).upper()] = int(decile)
    if errors:
        raise UploadProblem(
            f"Nothing was saved: {len(errors):,} rows have a problem. Correct them and upload the file again",
            errors[:MAX_ERRORS],
        )
    return deciles
