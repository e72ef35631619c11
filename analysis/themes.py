"""Find themes in free text with BERTopic, quickly and deterministically, on a small server.

The pipeline is BERTopic's (embeddings, dimension reduction, clustering, c-TF-IDF keywords) with parts
chosen for speed and for leads reading the result:

- embeddings from `analysis.embeddings` (static, distilled from all-MiniLM-L6-v2; thousands of texts a second);
- PCA instead of UMAP (no JIT compilation, deterministic, a second for 10,000 texts);
- k-means instead of HDBSCAN, with k chosen for a readable number of themes, so no comment is left
  unthemed as an "outlier" merely for sitting between clusters. Only texts with no words at all
  ("", "??", emoji) get no theme;
- labels made from each theme's strongest phrase, and representative quotes nearest its centre.

Small inputs (fewer than 40 texts) take a small-data path: fewer themes and no dimension reduction.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cache

import numpy as np

from analysis.redact import PLACES, scrub, word_tags

WORD = re.compile(r"[^\W\d_]{2,}")
WORDS_ONLY = r"(?u)\b[^\W\d_]{2,}\b"  # letters only: no numbers, dates or underscores as keywords
MIN_THEMES, MAX_THEMES = 8, 40
QUOTES = 5
# A comment raises a theme besides its own when it sits nearly as close to that theme's centre (within
# SECONDARY_MARGIN of cosine similarity, and at least SECONDARY_FLOOR), or when one of its sentences or clauses
# is nearest that theme (at least SECONDARY_PART): "the nurses were kind but parking cost a fortune". Up to
# SECONDARY_MAX more themes each. Chosen on the NEAS comments' multi-label framework codes (bench/framework.py).
SECONDARY_MARGIN, SECONDARY_FLOOR, SECONDARY_PART, SECONDARY_MAX = 0.05, 0.4, 0.6, 2
PARTS = re.compile(r"(?<=[.!?;])\s+|\s+(?:but|however|although|and also)\s+", re.IGNORECASE)
# Parts of speech a label's phrase never ends on: adverbs, prepositions, pronouns, auxiliaries.
HANGING = frozenset({"RB", "RBR", "RBS", "IN", "DT", "PRP", "PRP$", "CC", "MD", "TO", "VBZ", "VBP", "VBD"})
# Phrases for labels are read within a clause, never across a full stop or comma ("taken seriously. Strategies").
CLAUSE = re.compile(r"[.,;:!?()\n]+")

# Beyond sklearn's English stop words: contractions typed without apostrophes, and filler common in feedback.
EXTRA_STOP_WORDS = {
    "dont", "didnt", "doesnt", "im", "ive", "id", "cant", "couldnt", "wasnt", "isnt", "wont", "wouldnt", "youre",
    "theyre", "thats", "theres", "feel", "felt", "like", "know", "think", "really", "just", "bit", "lot", "lots",
    "things", "thing", "got", "get", "getting", "did", "does", "make", "made", "way", "want", "able", "say", "said",
    "ok", "okay", "yes", "use", "used", "sure", "maybe", "good", "great", "nothing", "better", "improve", "improved",
    # Marks that NHS feedback files put where a name was taken out ("XXXX was lovely"): never a theme's name.
    "xx", "xxx", "xxxx", "xxxxx",
}  # fmt: skip

Progress = Callable[[str, float], None]


@cache
def stop_words() -> frozenset[str]:
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return frozenset(ENGLISH_STOP_WORDS | EXTRA_STOP_WORDS)


@dataclass
class Theme:
    label: str
    keywords: list[str]
    size: int
    quotes: list[int]  # indices into the texts given to find_themes


@dataclass
class ThemeResult:
    assignments: list[int]
    themes: list[Theme]
    # One unit-length centre per theme, in embedding space: how new texts are assigned without refitting.
    centroids: np.ndarray = field(repr=False)

    def assign(self, texts: Sequence[str], embeddings: np.ndarray | None = None) -> list[int]:
        """The theme of each new text (its nearest theme centre), or -1 for a text with no words."""
        if not self.themes:
            return [-1] * len(texts)
        if embeddings is None:
            from analysis.embeddings import encode

            embeddings = encode(list(texts))
        nearest = (embeddings @ self.centroids.T).argmax(axis=1)
        return [int(k) if has_words(t) else -1 for k, t in zip(nearest, texts, strict=True)]

    def secondary(self, texts: Sequence[str], embeddings: np.ndarray) -> list[list[int]]:
        """Each text's other themes, closest first (see SECONDARY_MARGIN)."""
        return secondary_themes(texts, embeddings, self.centroids, self.assignments)


def secondary_themes(
    texts: Sequence[str], embeddings: np.ndarray, centroids: np.ndarray, assignments: Sequence[int]
) -> list[list[int]]:
    """For each text with a theme, the other themes it raises too (see SECONDARY_MARGIN); [] for the rest."""
    out: list[list[int]] = [[] for _ in assignments]
    if len(centroids) < 2 or not len(assignments):
        return out
    similarity = embeddings @ centroids.T
    own = np.asarray(assignments)
    themed = np.flatnonzero(own >= 0)
    bar = np.maximum(similarity[themed, own[themed]] - SECONDARY_MARGIN, SECONDARY_FLOOR)
    nearest = np.argsort(-similarity[themed], axis=1)[:, : SECONDARY_MAX + 1]
    for i, row_bar, row in zip(themed, bar, nearest, strict=True):
        out[i] = [int(k) for k in row if k != own[i] and similarity[i, k] >= row_bar]
    parts, owners = clauses([text if theme >= 0 else "" for text, theme in zip(texts, own, strict=True)])
    if parts:
        from analysis.embeddings import encode

        part_similarity = encode(parts) @ centroids.T
        for i, row in zip(owners, part_similarity, strict=True):
            k = int(row.argmax())
            if k != own[i] and k not in out[i] and row[k] >= SECONDARY_PART:
                out[i].append(k)
    return [others[:SECONDARY_MAX] for others in out]


def clauses(texts: Sequence[str]) -> tuple[list[str], list[int]]:
    """The sentences and clauses (three words or more) of each text that has more than one, and whose they are."""
    parts, owners = [], []
    for i, text in enumerate(texts):
        pieces = [p for p in PARTS.split(text or "") if len(WORD.findall(p)) >= 3]
        if len(pieces) > 1:
            parts.extend(pieces)
            owners.extend([i] * len(pieces))
    return parts, owners


def has_words(text: str) -> bool:
    return bool(WORD.search(text or ""))


def default_theme_count(n: int) -> int:
    """A readable number of themes: 11 to 15 for a few hundred texts, 24 for 1,000, 40 from about 2,800.

    Measured against human coding, agreement with coarse themes (9 categories) is flat from 0.5 to 1 times
    the square root of the number of texts, and agreement with fine ones (34 or 44) rises all the way
    (bench/themes.py, bench/transfer.py). Three quarters of the root keeps the coarse agreement and most of
    the fine, and stays a list a lead can read; beyond 40 it is flat at 10,000.
    """
    if n < 40:
        return max(1, min(n // 6, 5))
    if n < 200:
        return max(3, min(n // 15, MIN_THEMES))
    return max(MIN_THEMES, min(MAX_THEMES, round(math.sqrt(n) * 0.75)))


def _phrase(members: list[str], keywords: list[str]) -> str | None:
    """The two- or three-word phrase, containing a top keyword, that most of the theme's texts use, read
    within a clause and never ending on a word that leaves it hanging ("Nurse was extremely")."""
    stop, top = stop_words(), [k for k in keywords if " " not in k][:5]
    counts: Counter[str] = Counter()
    for text in members:
        grams = set()
        for clause in CLAUSE.split(text):
            tokens = [w.lower() for w in WORD.findall(clause)]
            for n in (2, 3):
                for i in range(len(tokens) - n + 1):
                    gram = tokens[i : i + n]
                    if gram[0] not in stop and gram[-1] not in stop and any(k in gram for k in top) and _ends(gram[-1]):
                        grams.add(" ".join(gram))
        counts.update(grams)
    if not counts:
        return None
    phrase, count = max(counts.items(), key=lambda item: (item[1] * (1.2 if item[0].count(" ") == 2 else 1), item[0]))
    return phrase if count >= max(2, 0.04 * len(members)) else None


def _label(members: list[str], keywords: list[str], taken: set[str], majority: str | None = None) -> str:
    """A short readable label: a phrase people used, else a two-word keyword that names something ("Crisis
    team"), else two things the comments name together, else the strongest thing ("Psychiatrist", not
    "Psychiatrist and voices"); never a place, and never one whose tone contradicts what most of the theme's
    comments do ("Recommend this service" over mostly complaints)."""
    words = [k for k in keywords if " " not in k and k not in PLACES]
    things = [w for w in words if _is_thing(w)]
    candidates = [_phrase(members, keywords), _named_pair(keywords), _together(members, things), *things, *words]
    fitting = (c for c in candidates if c and not PLACES.intersection(c.split()) and _agrees(c, majority))
    phrase = next(fitting, "Other comments")
    label = _readable(phrase[:1].upper() + phrase[1:])
    if label.lower() in taken:
        extra = next((w for w in things if w not in label.lower() and _agrees(w, majority)), None)
        label = f"{label} ({_readable(extra)})" if extra else f"{label} ({len(taken) + 1})"
    taken.add(label.lower())
    return label


def _named_pair(keywords: list[str]) -> str | None:
    """The strongest two-word keyword that names something ("Crisis team", "Telephone assessment")."""
    stop = stop_words()
    for keyword in keywords:
        first, *rest = keyword.split()
        if len(rest) == 1 and first != rest[0] and first not in stop and _is_thing(rest[0]) and not _is_verb(first):
            return keyword
    return None


def _together(members: list[str], things: list[str]) -> str | None:
    """Two things the theme's comments name together ("Anxiety and depression"), not two strong words that
    seldom meet ("Life and worker"): both in at least one comment in ten."""
    if len(things) < 2:
        return None
    first, second = things[:2]
    both = sum(1 for text in members if {first, second} <= {w.lower() for w in WORD.findall(text)})
    return f"{first} and {second}" if both >= max(2, 0.1 * len(members)) else None


def _ends(word: str) -> bool:
    """Whether a phrase may end on this word: not one that leaves it hanging ("Nurse was extremely")."""
    tags = word_tags().get(word)
    return not tags or not tags <= HANGING


def _is_verb(word: str) -> bool:
    """A word only ever a verb or an adverb; "waiting" (as in "waiting time") is not one."""
    tags = word_tags().get(word)
    return bool(tags) and tags <= {"VB", "VBD", "VBN", "VBP", "VBZ", "RB"}


def _is_thing(word: str) -> bool:
    """A noun, or a word the lexicon does not know (usually a service's name or abbreviation, "CPN"), that
    passes no judgement: the tagger's lexicon gives each word its commonest part of speech, "kind" a noun
    ("a kind of"), but in feedback it is praise, and "Therapist and kind" is not a theme's name."""
    from textblob.en import sentiment

    tags = word_tags().get(word)
    return (not tags or bool(tags & {"NN", "NNS", "NNP"})) and sentiment(word)[0] == 0


# NHS abbreviations leads write in capitals: "Cpn and happy" reads as "CPN and happy".
ABBREVIATIONS = {"cpn", "gp", "gps", "nhs", "a&e", "camhs", "cmht", "iapt", "spa", "crht", "ocd", "ptsd", "adhd", "ect"}
# Words of praise that TextBlob's lexicon scores as neutral.
PRAISING = {"recommend", "recommended", "thank", "thanks", "thankful", "grateful", "praise"}


def _readable(label: str) -> str:
    def written(match: re.Match[str]) -> str:
        word = match.group(0)
        if word.lower() in ABBREVIATIONS:
            return word.upper()
        if word.lower().endswith("s") and word[:-1].lower() in ABBREVIATIONS:
            return word[:-1].upper() + "s"  # "CPNs"
        return word

    return re.sub(r"[\w&]+", written, label)


def _agrees(text: str, majority: str | None) -> bool:
    """Whether a label's own tone fits a theme whose comments are mostly praise or mostly complaints."""
    if majority not in ("praise", "complaint"):
        return True
    from textblob.en import sentiment

    tone = sentiment(text)[0]
    if majority == "complaint":
        return tone <= 0.1 and not PRAISING.intersection(text.lower().split())
    return tone >= -0.1


def _majority(kinds: Sequence[str] | None, members: list[int]) -> str | None:
    """What more than half of a theme's comments do (praise, complaint...), if anything."""
    if not kinds or not members:
        return None
    top, count = Counter(kinds[i] for i in members).most_common(1)[0]
    return top if count * 2 > len(members) else None


def find_themes(
    texts: Sequence[str],
    *,
    seed: int = 0,
    n_themes: int | None = None,
    embeddings: np.ndarray | None = None,
    progress: Progress | None = None,
    kinds: Sequence[str] | None = None,
    keywords: int = 8,
    phrases: bool = True,
) -> ThemeResult:
    """Group texts into themes. assignments[i] is the theme index of texts[i], or -1 for no theme.

    `kinds` (analysis.sentiment.kind of each text), when given, keeps each label's tone in line with what
    most of its theme's comments do. Each theme gets `keywords` keywords, two-word phrases among them unless
    `phrases` is false (bench/coherence.py scores 10 single words a theme, as the BERTopic paper does).
    """
    report = progress or (lambda stage, fraction: None)
    texts = [t or "" for t in texts]
    usable = [i for i, t in enumerate(texts) if has_words(t)]
    if embeddings is None:
        report("Reading the comments", 0.05)
        from analysis.embeddings import encode

        embeddings = encode(texts)
    dims = embeddings.shape[1] if len(embeddings.shape) == 2 and len(texts) else 384
    if len(usable) < 2:
        return ThemeResult([-1] * len(texts), [], np.zeros((0, dims), dtype=np.float32))
    # Never ask for more themes than there are different texts (duplicates embed identically).
    distinct = len(np.unique(embeddings[usable].round(5), axis=0))
    k = max(1, min(n_themes or default_theme_count(len(usable)), distinct))
    # Keywords and labels are counted from the words with personal details taken out, so no name can become
    # a keyword or a label; the embeddings read the whole text.
    usable_set = set(usable)
    clean = [scrub(text) if i in usable_set else "" for i, text in enumerate(texts)]
    if k == 1:
        return _single_theme(clean, usable, embeddings)

    report("Grouping similar comments", 0.4)
    from bertopic import BERTopic
    from bertopic.dimensionality import BaseDimensionalityReduction
    from sklearn.cluster import KMeans, MiniBatchKMeans
    from sklearn.decomposition import PCA
    from sklearn.feature_extraction.text import CountVectorizer

    from analysis.keywords import CoherentKeywords

    docs = [clean[i] for i in usable]
    vectors = embeddings[usable]
    small = len(docs) < 40
    reducer = BaseDimensionalityReduction() if small else PCA(n_components=min(48, len(docs) - 1), random_state=seed)
    if len(docs) > 20_000:
        clusterer = MiniBatchKMeans(n_clusters=k, random_state=seed, n_init=3, batch_size=4096)
    else:
        clusterer = KMeans(n_clusters=k, random_state=seed, n_init=4)
    vectorizer = CountVectorizer(
        stop_words=sorted(stop_words()),
        ngram_range=(1, 2 if phrases else 1),
        min_df=1 if small else 2,
        token_pattern=WORDS_ONLY,
    )
    model = BERTopic(
        embedding_model=None,
        umap_model=reducer,
        hdbscan_model=clusterer,
        vectorizer_model=vectorizer,
        top_n_words=keywords,
        representation_model=CoherentKeywords(keywords),
        calculate_probabilities=False,
        verbose=False,
    )
    try:
        topics, _ = model.fit_transform(docs, embeddings=vectors)
    except ValueError:
        # Too few distinct words for c-TF-IDF (for example, the same word repeated): one theme for all.
        return _single_theme(clean, usable, embeddings)

    report("Naming the themes", 0.85)
    return _result(model, texts, clean, usable, np.asarray(topics), embeddings, kinds)


def _single_theme(texts: list[str], usable: list[int], embeddings: np.ndarray) -> ThemeResult:
    """One theme for every usable text (`texts` with personal details taken out, for its keywords)."""
    centre = embeddings[usable].mean(axis=0)
    centre /= np.linalg.norm(centre) or 1.0
    words = [w.lower() for i in usable for w in WORD.findall(texts[i])]
    common = sorted(set(words), key=lambda w: (-words.count(w), w))[:5]
    theme = Theme(
        label=(common[0].capitalize() if common else "All comments"),
        keywords=common,
        size=len(usable),
        quotes=usable[:QUOTES],
    )
    assignments = [0 if i in set(usable) else -1 for i in range(len(texts))]
    return ThemeResult(assignments, [theme], centre[None, :].astype(np.float32))


def _result(
    model: object,
    texts: list[str],
    clean: list[str],
    usable: list[int],
    topics: np.ndarray,
    embeddings: np.ndarray,
    kinds: Sequence[str] | None,
) -> ThemeResult:
    ids = sorted(set(int(t) for t in topics if t >= 0), key=lambda t: (-(topics == t).sum(), t))
    index = {topic: n for n, topic in enumerate(ids)}
    assignments = [-1] * len(texts)
    for position, topic in zip(usable, topics, strict=True):
        assignments[position] = index.get(int(topic), -1)
    themes, centroids, taken = [], [], set()
    for topic in ids:
        members = [usable[j] for j in np.flatnonzero(topics == topic)]
        centre = embeddings[members].mean(axis=0)
        centre /= np.linalg.norm(centre) or 1.0
        centroids.append(centre)
        keywords = [w for w, _ in model.get_topic(topic) or [] if w]  # type: ignore[attr-defined]
        themes.append(
            Theme(
                label=_label([clean[i] for i in members], keywords, taken, _majority(kinds, members)),
                keywords=keywords,
                size=len(members),
                quotes=_representative(members, texts, embeddings, centre),
            )
        )
    return ThemeResult(assignments, themes, np.asarray(centroids, dtype=np.float32))


def _representative(members: list[int], texts: list[str], embeddings: np.ndarray, centre: np.ndarray) -> list[int]:
    """Up to five members nearest the centre, preferring texts of a readable length and skipping repeats."""
    order = sorted(members, key=lambda i: -float(embeddings[i] @ centre))
    chosen, seen = [], set()
    for readable in (True, False):
        for i in order:
            key = texts[i].strip().lower()
            if key in seen or (readable and not 6 <= len(texts[i].split()) <= 80):
                continue
            chosen.append(i)
            seen.add(key)
            if len(chosen) == QUOTES:
                return chosen
    return chosen
