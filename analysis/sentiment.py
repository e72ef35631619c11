"""Sentiment of free text, from -1 (negative) to 1 (positive)."""

from __future__ import annotations

from collections.abc import Sequence


def polarity(texts: Sequence[str]) -> list[float]:
    """TextBlob's polarity for each text (its pattern lexicon needs no NLTK corpus download)."""
    from textblob import TextBlob

    return [float(TextBlob(t or "").sentiment.polarity) for t in texts]
