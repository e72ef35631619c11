"""Keyword quality of Engage's themes by the BERTopic paper's protocol, as OCTIS computes it.

Coherence is NPMI (gensim's `c_npmi`, which OCTIS's Coherence metric calls: a sliding window of 10 words) of
each theme's top 10 words against the corpus the themes were fitted on; diversity is the share of unique
words among all themes' top 10 (OCTIS's TopicDiversity). Both are averaged over K = 10, 20, 30, 40 and 50
themes with 3 seeds each, as in the paper (Grootendorst 2022, section 5).

The corpus is the 15,421 shared NHS comments (phase 1 and NEAS), prepared as OCTIS prepares its datasets:
lower case, punctuation and numbers removed, English stop words removed, words of fewer than 3 letters and
words in fewer than 5 comments dropped, and comments left with fewer than 3 words dropped. Themes are fitted
on the prepared text (as the paper's models are, since OCTIS datasets hold only the prepared text), and each
theme's top 10 words are its keywords as Engage picks them (analysis.themes.CoherentKeywords), single words
only.

With --public the corpus is instead the long public texts gensim ships with its tests (no download): the Lee
background corpus (300 Australian news articles, Lee, Pincombe and Welsh 2005), 250 Wikipedia articles and
201 posts from 20 Newsgroups, prepared the same way. The paper's corpora are news and forum posts; the NHS
comments are a sentence or two each. Each run also scores plain c-TF-IDF keywords (BERTopic's default
representation: ClassTfidfTransformer's top 10 words) for the same themes.

    .venv/bin/python bench/coherence.py [SHARED_DATA_DIR] [--quick] [--public]
"""

from __future__ import annotations

import csv
import json
import re
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from analysis.themes import find_themes  # noqa: E402

KS = (10, 20, 30, 40, 50)
SEEDS = (0, 1, 2)
TOP = 10


def corpus(data_dir: Path) -> list[list[str]]:
    """The shared comments, tokenised and filtered as described above."""
    folder = data_dir / "patient_feedback"
    with (folder / "phase1_text_data.csv").open(encoding="utf-8", newline="") as handle:
        texts = [row["feedback"] for row in csv.DictReader(handle)]
    with (folder / "v6framework_neas.csv").open(encoding="utf-8-sig", newline="") as handle:
        texts += [row["FFT answer"] for row in csv.DictReader(handle)]
    return prepared(texts)


def public_texts() -> list[str]:
    """The long public texts in gensim's test data: news articles, Wikipedia articles and newsgroup posts."""
    import zlib

    import gensim

    folder = Path(gensim.__file__).parent / "test" / "test_data"
    texts = (folder / "lee_background.cor").read_text(encoding="utf-8").splitlines()
    texts += (folder / "head500.noblanks.cor").read_text(encoding="utf-8").splitlines()
    # The posts are a pickled scikit-learn Bunch of an old version that no longer unpickles; each post is one
    # of the pickle's text lines ("V" then the text, escaped), so they are read as text, never unpickled.
    pickled = zlib.decompress((folder / "mini_newsgroup").read_bytes()).decode("latin-1")
    data = pickled[pickled.index("S'data'") :]
    data = data[: data.index("sS'target'")]  # the list of posts ends where the Bunch's next key starts
    posts = re.findall(r"^a?V(.*)$", data, flags=re.MULTILINE)
    posts = [post.encode("latin-1").decode("raw_unicode_escape") for post in posts]
    return texts + [post.split("\n\n", 1)[-1] for post in posts]  # the body, without the mail headers


def prepared(texts: list[str]) -> list[list[str]]:
    """Texts tokenised and filtered as OCTIS prepares its datasets (see the module's docstring)."""
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    tokens = [[w for w in re.findall(r"[a-z]{3,}", t.lower()) if w not in ENGLISH_STOP_WORDS] for t in texts if t]
    counts: dict[str, int] = {}
    for doc in tokens:
        for word in set(doc):
            counts[word] = counts.get(word, 0) + 1
    kept = [[w for w in doc if counts[w] >= 5] for doc in tokens]
    return [doc for doc in kept if len(doc) >= 3]


def plain_keywords(docs: list[str], assignments: list[int]) -> list[list[str]]:
    """Each theme's top words by c-TF-IDF alone, as BERTopic's default representation picks them."""
    from bertopic.vectorizers import ClassTfidfTransformer
    from sklearn.feature_extraction.text import CountVectorizer

    themes = sorted(set(assignments) - {-1})
    joined = [" ".join(d for d, a in zip(docs, assignments, strict=True) if a == theme) for theme in themes]
    vectorizer = CountVectorizer().fit(docs)
    weights = ClassTfidfTransformer().fit_transform(vectorizer.transform(joined)).toarray()
    words = vectorizer.get_feature_names_out()
    return [[str(words[i]) for i in np.argsort(-row)[:TOP]] for row in weights]


def main(tokens: list[list[str]], quick: bool = False) -> dict:
    from gensim.corpora import Dictionary
    from gensim.models.coherencemodel import CoherenceModel

    docs = [" ".join(doc) for doc in tokens]
    dictionary = Dictionary(tokens)
    rows = []
    for k in KS[:2] if quick else KS:
        for seed in SEEDS[:1] if quick else SEEDS:
            started = time.perf_counter()
            result = find_themes(docs, seed=seed, n_themes=k, keywords=TOP, phrases=False)
            fit_s = time.perf_counter() - started
            row: dict[str, float] = {"k": k, "seed": seed}
            for name, topics in (
                ("", [theme.keywords for theme in result.themes]),
                ("ctfidf_", plain_keywords(docs, result.assignments)),
            ):
                npmi = CoherenceModel(
                    topics=topics, texts=tokens, dictionary=dictionary, coherence="c_npmi", topn=TOP
                ).get_coherence()
                row[f"{name}npmi"] = round(npmi, 4)
                row[f"{name}diversity"] = round(len({w for topic in topics for w in topic}) / (TOP * len(topics)), 4)
            rows.append(row)
            print(json.dumps({**row, "themes": len(result.themes), "fit_s": round(fit_s, 1)}), flush=True)
    return {
        "documents": len(docs),
        "vocabulary": len(dictionary),
        **{key: round(float(np.mean([r[key] for r in rows])), 3) for key in rows[0] if key not in ("k", "seed")},
    }


if __name__ == "__main__":
    arguments = [a for a in sys.argv[1:] if not a.startswith("--")]
    shared = Path(arguments[0]) if arguments else ROOT.parent / "shared" / "data"
    texts = prepared(public_texts()) if "--public" in sys.argv else corpus(shared)
    print(json.dumps(main(texts, quick="--quick" in sys.argv)))
