"""How well the safeguarding screen finds disclosures it has never seen, and how often it cries wolf.

Scores the held-out fifth of analysis/models/safeguarding_dev.txt (chosen by a hash of each normalised
text, so neither learnt layer trained on them): recall per risk category, false alarms per kind of
ordinary text, for the patterns alone, for the quick classifier's gate (what gets a second look) and for
the whole screen. Then the share of the 15,430 comments in
../shared/data that the screen flags (real NHS feedback: almost all ordinary, a few real disclosures).

    .venv/bin/python bench/safeguarding.py [SHARED_DATA_DIR]
"""

from __future__ import annotations

import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from analysis.safeguarding import GATE, NONE, dev_set, held_out, patterns, risk, screen, screen_all, shared_comments  # noqa: E402


def main() -> None:
    data = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "data"
    rows = [row for row in dev_set() if held_out(row[2])]
    # key -> [(patterns flag, second look given, screen flag)]
    found: dict[str, list[tuple[bool, bool, bool]]] = defaultdict(list)
    for label, kind, text in rows:
        key = label if label != NONE else f"{NONE}: {kind}"
        matched = bool(patterns(text))
        found[key].append((matched, matched or risk([text])[0][0] >= GATE, screen(text).flagged))
    print(f"Held-out development set: {len(rows)} texts\n")
    print(f"{'':<28}{'n':>4}  {'patterns':>9}  {'gate':>5}  {'screen':>7}")
    totals: dict[str, list[int]] = {"risk": [0, 0, 0, 0], "none": [0, 0, 0, 0]}
    for key in sorted(found, key=lambda k: (k.startswith(NONE), k)):
        results = found[key]
        counts = [sum(r[i] for r in results) for i in range(3)]
        side = totals["none" if key.startswith(NONE) else "risk"]
        side[0] += len(results)
        for i, count in enumerate(counts):
            side[i + 1] += count
        shares = [c / len(results) for c in counts]
        print(f"{key:<28}{len(results):>4}  {shares[0]:>9.2f}  {shares[1]:>5.2f}  {shares[2]:>7.2f}")
    for side, name in (("risk", "recall (risk found)"), ("none", "false alarms")):
        n, *counts = totals[side]
        print(f"{name:<28}{n:>4}  {counts[0] / n:>9.3f}  {counts[1] / n:>5.3f}  {counts[2] / n:>7.3f}")
    if data.exists():
        comments = shared_comments(data)
        start = time.perf_counter()
        flagged = sum(s.flagged for s in screen_all(comments))
        seconds = time.perf_counter() - start
        print(
            f"\nShared NHS comments: {len(comments)}; flagged {flagged} ({flagged / len(comments):.1%}); "
            f"{len(comments) / seconds:.0f} texts a second (all at once)"
        )


if __name__ == "__main__":
    main()
