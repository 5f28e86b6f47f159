"""Category suggestion for uncategorized task descriptions, explainable and learning per firm.

A multinomial naive Bayes over words and word pairs. It learns from the firm's taxonomy (names,
descriptions, examples) and from every entry the firm has categorized, so each correction a user
makes becomes an example for later suggestions. A suggestion says which words decided it and the
most similar known example.
"""

from __future__ import annotations

import itertools
import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass

_STOPWORDS = frozenset(
    {
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "for",
        "from",
        "in",
        "into",
        "is",
        "it",
        "of",
        "on",
        "or",
        "the",
        "to",
        "with",
        "our",
        "their",
        "his",
        "her",
        "its",
        "this",
        "that",
        "these",
        "those",
        "about",
        "after",
        "before",
        "new",
        "all",
        "per",
        "up",
        "out",
        "over",
        "via",
    }
)
_WORD = re.compile(r"[a-z0-9]+")


def _stem(word: str) -> str:
    for suffix, keep in (("ings", 5), ("ing", 5), ("ies", 4), ("ed", 4), ("es", 4), ("s", 3)):
        if (
            word.endswith(suffix)
            and len(word) - len(suffix) >= keep - 1
            and not word.endswith("ss")
        ):
            return word[: -len(suffix)] + ("y" if suffix == "ies" else "")
    return word


def words(text: str) -> list[str]:
    return [_stem(w) for w in _WORD.findall(text.lower()) if w not in _STOPWORDS]


def features(text: str) -> list[str]:
    tokens = words(text)
    return tokens + [f"{a} {b}" for a, b in itertools.pairwise(tokens)]


@dataclass(frozen=True)
class Suggestion:
    category: int | str
    confidence: float  # posterior probability among the categories, 0–1
    because: list[str]  # the words that weighed most for this category
    similar_example: str  # the most similar description the suggester learned from


class Suggester:
    """Train once on (description, category) pairs, then suggest for any description."""

    def __init__(self, examples: list[tuple[str, int | str]], smoothing: float = 0.3):
        self.smoothing = smoothing
        self.counts: dict[int | str, Counter[str]] = defaultdict(Counter)
        self.examples: dict[int | str, list[tuple[str, frozenset[str]]]] = defaultdict(list)
        for text, category in examples:
            feats = features(text)
            self.counts[category].update(feats)
            self.examples[category].append((text, frozenset(words(text))))
        self.vocabulary = set().union(*self.counts.values()) if self.counts else set()
        self.totals = {c: sum(counter.values()) for c, counter in self.counts.items()}

    def _log_likelihood(self, category: int | str, feature: str) -> float:
        v = len(self.vocabulary) or 1
        return math.log(
            (self.counts[category][feature] + self.smoothing)
            / (self.totals[category] + self.smoothing * v)
        )

    def suggest(self, text: str) -> Suggestion | None:
        """The most likely category (uniform prior: history must not drown the words)."""
        feats = [f for f in features(text) if f in self.vocabulary]
        if not feats or not self.counts:
            return None
        scores = {c: sum(self._log_likelihood(c, f) for f in feats) for c in self.counts}
        best = max(scores, key=lambda c: scores[c])
        top = max(scores.values())
        total = sum(math.exp(s - top) for s in scores.values())
        others = [c for c in self.counts if c != best]

        def weight(feature: str) -> float:  # how much more this word points to `best`
            mean_other = sum(self._log_likelihood(c, feature) for c in others) / max(len(others), 1)
            return self._log_likelihood(best, feature) - mean_other

        # Report the user's own words, not stems: map each stem back to the first word it came
        # from, and skip one-letter fragments (the "e" of "e-file").
        surface: dict[str, str] = {}
        for word in _WORD.findall(text.lower()):
            surface.setdefault(_stem(word), word)
        because: list[str] = []
        for feature in sorted({f for f in feats if weight(f) > 0}, key=weight, reverse=True):
            shown = " ".join(surface.get(part, part) for part in feature.split())
            if len(shown) > 1 and shown not in because:
                because.append(shown)
            if len(because) == 3:
                break
        mine = frozenset(words(text))
        similar = max(
            self.examples[best], key=lambda ex: len(mine & ex[1]) / (len(mine | ex[1]) or 1)
        )[0]
        return Suggestion(best, round(1 / total, 3), because, similar)
