"""Reading an uploaded CSV file the way people save them: UTF-8, or Excel's plain CSV in the UK."""

from __future__ import annotations

import csv
import io

from engage.exceptions import EngageError


class UnreadableFile(EngageError):
    """The upload cannot be read as a CSV file; the message says what to do."""

    def __init__(self, message: str) -> None:
        super().__init__(message, "file")


def decode(data: bytes) -> str:
    """UTF-8 (with or without a byte order mark), or Windows-1252 as Excel's plain "CSV" saves in the UK."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    # UTF-16 ("Unicode text") and binary files hold NUL bytes; Windows-1252 text never does.
    if b"\x00" not in data:
        try:
            return data.decode("cp1252")
        except UnicodeDecodeError:
            pass
    raise UnreadableFile("The file must be a CSV saved as UTF-8. In Excel, choose Save As, then “CSV UTF-8”")


def csv_rows(data: bytes) -> list[tuple[int, list[str]]]:
    """Each row that is not blank, with its line number and its cells trimmed (RFC 4180 quoting)."""
    reader = csv.reader(io.StringIO(decode(data), newline=""), dialect=csv.excel, strict=True)
    try:
        rows = [(number, [cell.strip() for cell in row]) for number, row in enumerate(reader, start=1)]
    except csv.Error as error:
        raise UnreadableFile(
            f"The file is not readable as a CSV: near line {reader.line_num} a double quote is out of place or never "
            "closed. Text containing commas, quotes or line breaks must be inside double quotes"
        ) from error
    return [(number, row) for number, row in rows if any(row)]
