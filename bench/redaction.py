"""Redaction recall on a labelled set of our own making (bench/redaction_cases.json).

    .venv/bin/python bench/redaction.py

recall: the share of personal details (across every format) that redact() removed.
kept_intact: the share of texts with nothing personal that came back unchanged.
The last line printed is JSON, with recall per kind of detail.
"""

from __future__ import annotations

import json
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from analysis.redact import redact  # noqa: E402


def kind(text: str, secret: str) -> str:
    if "@" in secret:
        return "email"
    digits = sum(ch.isdigit() for ch in secret)
    if "NHS" in text.upper() and digits >= 10:
        return "nhs_number"
    if "NI" in text.upper() or "insurance" in text.lower():
        return "ni_number"
    if digits >= 6:
        return "phone"
    if any(ch.isdigit() for ch in secret):
        return "postcode"
    return "name"


def main() -> None:
    cases = json.loads((ROOT / "bench" / "redaction_cases.json").read_text())
    found: dict[str, list[bool]] = defaultdict(list)
    missed = []
    for case in cases["personal"]:
        out = redact(case["text"])
        for secret in case["secrets"]:
            removed = secret not in out
            found[kind(case["text"], secret)].append(removed)
            if not removed:
                missed.append(f"{secret!r} in {out!r}")
    intact = [redact(text) == text for text in cases["not_personal"]]
    every = [ok for oks in found.values() for ok in oks]
    for line in missed:
        print("missed:", line, file=sys.stderr)
    print(
        json.dumps(
            {
                "details": len(every),
                "recall": round(sum(every) / len(every), 3),
                "recall_by_kind": {k: round(sum(v) / len(v), 3) for k, v in sorted(found.items())},
                "not_personal_texts": len(intact),
                "kept_intact": round(sum(intact) / len(intact), 3),
            }
        )
    )


if __name__ == "__main__":
    main()
