"""Conflict-check name matching (PRODUCT §2.3): how two party names are compared.

`normalize` is stored on every Party and PriorParty (`normalized`), so the matcher compares
names that already lost the differences that do not tell two parties apart (case, accents,
punctuation, "Inc." vs "Incorporated").
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.conf import settings
from rapidfuzz import fuzz, process

# Legal-entity suffixes and noise words: "Acme Corp." and "ACME Corporation" are one party.
NOISE_WORDS = frozenset(
    {
        "inc",
        "incorporated",
        "corp",
        "corporation",
        "co",
        "company",
        "llc",
        "llp",
        "lp",
        "ltd",
        "limited",
        "pc",
        "plc",
        "pllc",
        "the",
    }
)

# Dotted abbreviations ("l.l.c.", "p.c.") are joined before punctuation is stripped so they
# become the words above rather than stray letters ("l l c").
_DOTTED_ABBREVIATION = re.compile(r"\b(?:[a-z]\.){2,}")
# Apostrophes join ("O'Brien" → "obrien"); every other punctuation mark separates words.
_APOSTROPHES = re.compile(r"['’`]")
_NON_WORD = re.compile(r"[^a-z0-9]+")


def _strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def normalize(name: str) -> str:
    """The form a party name is compared in: casefolded, accents and punctuation removed,
    "&" read as "and", legal-entity suffixes and "the" dropped, whitespace collapsed.

    Word order is kept ("Smith, John" stays "smith john"); reordering is the matcher's job.
    A name made only of noise words ("The Company") keeps them rather than becoming empty,
    because an empty name would match nothing and silently hide a party.
    """
    text = _strip_accents(name).casefold()
    text = text.replace("&", " and ")
    text = _DOTTED_ABBREVIATION.sub(lambda m: m.group(0).replace(".", ""), text)
    text = _APOSTROPHES.sub("", text)
    words = _NON_WORD.sub(" ", text).split()
    kept = [w for w in words if w not in NOISE_WORDS]
    return " ".join(kept or words)


# --- Matching -------------------------------------------------------------------------------------

# How far below the threshold the prefilter cuts (see _Shortlister): wide enough that it keeps
# every pair the full score accepts (a property test checks it against a brute-force loop).
PREFILTER_MARGIN = 20
DEFAULT_THRESHOLD = 88
# Two words this alike (fuzz.ratio) count as one word with a typo, for reading initials.
SHARED_WORD_RATIO = 80


def default_threshold() -> int:
    """The firm-wide match threshold, `CONFLICT_MATCH_THRESHOLD` in settings (default 88)."""
    return int(getattr(settings, "CONFLICT_MATCH_THRESHOLD", DEFAULT_THRESHOLD))


def _align_initials(words: list[str], other: list[str]) -> list[str]:
    """Read each one-letter word as the word of `other` it abbreviates ("j smith" against
    "john smith" becomes "john smith"), and drop initials that abbreviate nothing there (a middle
    initial one side omits: "john a smith" vs "john smith") as long as two words remain, so a
    lone initial never turns a surname into a match on its own.

    Words both names share are paired first, so an initial the other name also has stays an
    initial ("john j" against "jane j" does not read the "j" as "jane")."""
    unpaired = Counter(other)
    shared = Counter(words) & unpaired
    unpaired -= shared
    available = [w for w in unpaired.elements() if len(w) > 1]
    left_as_is = Counter(shared)
    aligned: list[str] = []
    for word in words:
        if left_as_is[word] > 0:
            left_as_is[word] -= 1
            aligned.append(word)
        elif len(word) == 1 and word.isalpha():
            expansion = next((w for w in available if w[0] == word), None)
            if expansion is not None:
                available.remove(expansion)
            # An unmatched initial ("") is dropped below if enough words remain.
            aligned.append(expansion or "")
        else:
            aligned.append(word)
    kept = [w for w in aligned if w]
    if len(kept) >= 2:
        return kept
    return [w or original for w, original in zip(aligned, words, strict=True)]


def _share_a_word(words_a: set[str], words_b: set[str]) -> bool:
    """Whether two names have a word in common, give or take a typo ("oneill" / "oneil")."""
    return any(fuzz.ratio(a, b) >= SHARED_WORD_RATIO for a in words_a for b in words_b)


def score_normalized(a: str, b: str) -> int:
    """The match score (0..100) of two names already in `normalize`d form.

    - Word order does not count: token_sort_ratio ("smith john" = "john smith"). Sorting
      moves a word whose first letter is mistyped ("katherine" / "catherine"), so the plain
      ratio in written order counts too, and so does the ratio without spaces, for words written
      joined or apart ("wal mart stores" / "walmart stores"). Spelling slips score high ("jon
      smith" 94), while a different first name ("jane smith", 80) or a longer surname ("john
      smithers", 87) stays under the default threshold.
    - Initials match the word they abbreviate (see `_align_initials`), but only between names
      that share a word, give or take a typo: "j smith" is "john smith", while "s bank" is not
      "a smithfield" just because both initials could stand for the other's words.
    - A name whose words (initials aside) are all contained in the other scores 100, but only
      when it has at least two such words: "first national bank" inside "first national bank
      of texas" needs a look, whereas a lone word inside a longer name ("smith" in "john
      smith", "acme" in "acme holdings") is not a hit. That is a deliberate choice against
      token_set_ratio, which gives every such subset 100: in a firm with tens of thousands of
      parties a bare common surname would flag every namesake, and reviewers who must clear
      floods of false hits stop reading them. An identical one-word name still scores 100.
    """
    if not a or not b:
        return 0
    if a == b:
        return 100
    words_a, words_b = a.split(), b.split()
    full_a = {w for w in words_a if len(w) > 1}
    full_b = {w for w in words_b if len(w) > 1}
    if min(len(full_a), len(full_b)) >= 2 and (full_a <= full_b or full_b <= full_a):
        return 100
    aligned_a, aligned_b = words_a, words_b
    if _share_a_word(full_a, full_b):
        aligned_a = _align_initials(words_a, words_b)
        aligned_b = _align_initials(words_b, aligned_a)
    joined_a, joined_b = " ".join(aligned_a), " ".join(aligned_b)
    score = max(
        fuzz.token_sort_ratio(joined_a, joined_b),
        fuzz.ratio(joined_a, joined_b),
        fuzz.ratio(joined_a.replace(" ", ""), joined_b.replace(" ", "")),
    )
    return int(score)  # truncated: a pair must fully reach the threshold


def match_score(a: str, b: str) -> int:
    """How alike two party names are as written (0..100): both are normalized first."""
    return score_normalized(normalize(a), normalize(b))


@dataclass(frozen=True)
class Match:
    """One name matched to one candidate; the indexes point into the lists given."""

    name_index: int
    candidate_index: int
    name: str
    candidate: str
    score: int


def _initials(name: str) -> str:
    return " ".join(word[0] for word in name.split())


def _has_initial(name: str) -> bool:
    return any(len(word) == 1 for word in name.split())


class _Shortlister:
    """The C-speed prefilter (rapidfuzz.process.extract with a score cutoff) over deduplicated
    candidates, in two passes whose union the full score then runs on:

    - the names themselves, with token_set_ratio, which scores no pair much lower than the full
      score's word-order part does (and gives contained names 100), and with the plain ratio,
      for names alike in written order but not once their words are sorted;
    - for pairs where one side has initials, the names reduced to their initials ("r j oneill"
      → "r j o"), because expanding an initial can lift a pair from 64 to 97 ("r j oneill" /
      "robert james oneil"). Only candidates with initials take part unless the name has one.
    """

    def __init__(self, choices: list[str], cutoff: int) -> None:
        self.choices = choices
        self.cutoff = cutoff
        self.by_key: dict[str, list[str]] = {}
        self.by_key_with_initial: dict[str, list[str]] = {}
        for choice in choices:
            key = _initials(choice)
            self.by_key.setdefault(key, []).append(choice)
            if _has_initial(choice):
                self.by_key_with_initial.setdefault(key, []).append(choice)
        self.keys = list(self.by_key)
        self.keys_with_initial = list(self.by_key_with_initial)

    def _extract(
        self, query: str, choices: list[str], scorer: Any = fuzz.token_set_ratio
    ) -> list[str]:
        found = process.extract(query, choices, scorer=scorer, score_cutoff=self.cutoff, limit=None)
        return [choice for choice, _, _ in found]

    def shortlist(self, name: str) -> set[str]:
        shortlist = set(self._extract(name, self.choices))
        shortlist.update(self._extract(name, self.choices, scorer=fuzz.ratio))
        if _has_initial(name):
            by_key, keys = self.by_key, self.keys
        else:
            by_key, keys = self.by_key_with_initial, self.keys_with_initial
        for key in self._extract(_initials(name), keys):
            shortlist.update(by_key[key])
        return shortlist


@lru_cache(maxsize=8)
def _prepared(
    candidates: tuple[str, ...], cutoff: int
) -> tuple[dict[str, list[int]], _Shortlister]:
    """Each distinct candidate's positions, and the shortlister over them. Kept for the last few
    candidate lists: a firm's parties are the same from one public intake submission to the
    next, and building this was a tenth of the submission's conflict check."""
    positions: dict[str, list[int]] = {}
    for index, candidate in enumerate(candidates):
        if candidate:
            positions.setdefault(candidate, []).append(index)
    return positions, _Shortlister(list(positions), cutoff=cutoff)


def find_matches(
    names: Sequence[str], candidates: Sequence[str], threshold: int | None = None
) -> list[Match]:
    """Every (name, candidate) pair scoring at least `threshold`, best first.

    Both lists hold `normalize`d names (Party.normalized, PriorParty.normalized). Candidates are
    deduplicated and prefiltered in C (`_Shortlister`), so a firm with ~50k parties is checked
    in tens of milliseconds per name rather than with a Python double loop.
    """
    threshold = default_threshold() if threshold is None else threshold
    positions, shortlister = _prepared(tuple(candidates), max(0, threshold - PREFILTER_MARGIN))
    matches: list[Match] = []
    for name_index, name in enumerate(names):
        if not name:
            continue
        for candidate in shortlister.shortlist(name):
            score = score_normalized(name, candidate)
            if score >= threshold:
                matches.extend(
                    Match(name_index, candidate_index, name, candidate, score)
                    for candidate_index in positions[candidate]
                )
    matches.sort(key=lambda m: (-m.score, m.name_index, m.candidate_index))
    return matches
