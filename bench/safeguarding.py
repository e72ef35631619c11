"""How well the safeguarding screen finds disclosures it has never seen, and how often it cries wolf.

Scores the held-out fifth of analysis/models/safeguarding_dev.txt (chosen by a hash of each normalised
text, so the classifier never trained on them): recall per risk category, false alarms per kind of
ordinary text, for the patterns alone and for the whole screen. Then the share of the 15,430 comments in
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

from analysis.safeguarding import NONE, dev_set, held_out, patterns, screen, shared_comments  # noqa: E402


def main() -> None:
    data = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "data"
    rows = [row for row in dev_set() if held_out(row[2])]
    found: dict[str, list[tuple[bool, bool]]] = defaultdict(list)  # key -> [(patterns flag, screen flag)]
    for label, kind, text in rows:
        key = label if label != NONE else f"{NONE}: {kind}"
        found[key].append((bool(patterns(text)), screen(text).flagged))
    print(f"Held-out development set: {len(rows)} texts\n")
    print(f"{'':<28}{'n':>4}  {'patterns':>9}  {'screen':>7}")
    totals = {"risk": [0, 0, 0], "none": [0, 0, 0]}
    for key in sorted(found, key=lambda k: (k.startswith(NONE), k)):
        results = found[key]
        by_patterns, by_screen = sum(p for p, _ in results), sum(s for _, s in results)
        side = "none" if key.startswith(NONE) else "risk"
        totals[side][0] += len(results)
        totals[side][1] += by_patterns
        totals[side][2] += by_screen
        print(f"{key:<28}{len(results):>4}  {by_patterns / len(results):>9.2f}  {by_screen / len(results):>7.2f}")
    for side, name in (("risk", "recall (risk found)"), ("none", "false alarms")):
        n, by_patterns, by_screen = totals[side]
        print(f"{name:<28}{n:>4}  {by_patterns / n:>9.2f}  {by_screen / n:>7.2f}")
    if data.exists():
        comments = shared_comments(data)
        start = time.perf_counter()
        flagged = sum(screen(text).flagged for text in comments)
        seconds = time.perf_counter() - start
        print(
            f"\nShared NHS comments: {len(comments)}; flagged {flagged} ({flagged / len(comments):.1%}); "
            f"{len(comments) / seconds:.0f} texts a second"
        )


if __name__ == "__main__":
    main()
