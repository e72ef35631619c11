"""Theme keywords that belong together: a BERTopic representation model (imported with BERTopic, in jobs only)."""

from __future__ import annotations

from typing import Any

import numpy as np
from bertopic.representation import BaseRepresentation

# Picked from each theme's 40 strongest words, c-TF-IDF weight (relative to the
# strongest) counting half as much as co-occurrence; a word is a candidate for its 2 strongest themes only.
KEYWORD_POOL, KEYWORD_WEIGHT, KEYWORD_SHARE = 40, 0.5, 2


class CoherentKeywords(BaseRepresentation):
    """A BERTopic representation model: each theme's keywords, picked from its KEYWORD_POOL strongest c-TF-IDF
    words one at a time, for their c-TF-IDF weight and for how often they appear in the same comments as the
    keywords already picked (NPMI over the themed comments). A word that two other themes weigh more is left to
    them. Plain c-TF-IDF tops every theme with the same common words ("staff", "service") and with rare words
    that never occur together; on the shared NHS comments this raises keyword coherence (NPMI) from 0.015 to
    0.043 and diversity from 0.63 to 0.80 (bench/coherence.py)."""

    def __init__(self, count: int) -> None:
        self.count = count

    def extract_topics(self, topic_model: Any, documents: Any, c_tf_idf: Any, topics: dict) -> dict:
        words = topic_model.vectorizer_model.get_feature_names_out()
        labels = sorted(topics)  # c-TF-IDF rows follow the topics in order
        weights = c_tf_idf.toarray()
        held = np.zeros(weights.shape, dtype=bool)  # each word is a candidate for its KEYWORD_SHARE strongest themes
        for rank in np.argsort(-weights, axis=0)[:KEYWORD_SHARE]:
            held[rank, np.arange(weights.shape[1])] = True
        present = (topic_model.vectorizer_model.transform(documents.Document) > 0).astype(np.float32).tocsc()
        chosen = {}
        for row, label in enumerate(labels):
            score = np.where(held[row], weights[row], 0.0)
            pool = [int(i) for i in np.argsort(-score)[:KEYWORD_POOL] if score[i] > 0]
            picked = _coherent(pool, score, present, self.count)
            chosen[label] = [(str(words[i]), float(weights[row, i])) for i in picked]
        return chosen


def _coherent(pool: list[int], score: np.ndarray, present: Any, count: int) -> list[int]:
    """`count` of the pool's words in the order picked: the strongest first, then by weight plus mean NPMI with
    those already picked (words that never share a comment count -1)."""
    if len(pool) < 2:
        return pool[:count]
    columns = present[:, pool]
    together = (columns.T @ columns).toarray() / present.shape[0]
    alone = np.diag(together).copy()
    with np.errstate(divide="ignore", invalid="ignore"):
        npmi = np.log(together / np.outer(alone, alone)) / -np.log(together)
    npmi = np.where(together > 0, np.nan_to_num(npmi, nan=1.0), -1.0)
    weight = KEYWORD_WEIGHT * score[pool] / score[pool[0]]
    picked, left = [0], np.ones(len(pool), dtype=bool)
    left[0] = False
    with_picked = npmi[:, 0].copy()  # each word's summed NPMI with the words picked so far
    while left.any() and len(picked) < count:
        value = np.where(left, weight + with_picked / len(picked), -np.inf)
        best = int(value.argmax())  # the first of equals: the stronger c-TF-IDF word
        picked.append(best)
        left[best] = False
        with_picked += npmi[:, best]
    return [pool[j] for j in picked]
