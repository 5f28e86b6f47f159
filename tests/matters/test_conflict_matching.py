"""Conflict-check name matching on a table of name variants: the pairs a conflict reviewer must
see (suffixes, initials, reordering, typos, punctuation, accents) and the pairs that would only
flood them (a different first name, a similar but different company), at the default threshold."""

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from counselbench.matters.conflicts import (
    DEFAULT_THRESHOLD,
    default_threshold,
    find_matches,
    match_score,
    normalize,
    score_normalized,
)

SAME_PARTY = [
    ("Acme Corp.", "ACME Corporation"),  # entity suffix and case
    ("Acme, Inc.", "Acme Incorporated"),
    ("Globex Corp", "Globex Corporation"),
    ("Foo L.L.C.", "Foo LLC"),
    ("The Initech Company", "Initech Co."),
    ("J. Smith", "John Smith"),  # an initial
    ("Smith, J.", "John Smith"),
    ("Smith, John", "John Smith"),  # reordering
    ("John A. Smith", "John Smith"),  # a middle initial one side omits
    ("Jon Smith", "John Smith"),  # a typo
    ("Jon A. Smith", "John Smith"),
    ("Katherine Johnson", "Catherine Johnson"),
    ("R. J. O'Neill", "Robert James ONeil"),  # initials and a typo
    ("J. R. R. Tolkien", "John Ronald Reuel Tolkien"),  # a typo in the first letter
    ("Wal-Mart Stores", "Walmart Stores"),  # words joined or apart
    ("O'Brien & Sons LLC", "OBrien and Sons"),  # apostrophe, ampersand, suffix
    ("José Núñez", "Jose Nunez"),  # accents
    ("McDonald's Corp", "McDonalds"),
    ("First National Bank", "First National Bank of Texas"),  # two or more words, contained
]

DIFFERENT_PARTIES = [
    ("John Smith", "Jane Smith"),
    ("Smith, John", "Smith, Jane"),
    ("Acme Corp", "Apex Corp"),
    ("Acme", "Acne"),
    ("Smith Holdings", "Smithfield Foods"),
    ("First National Bank", "First Federal Bank"),
    ("First National Bank of Texas", "First National Bank of Ohio"),
    ("Bank of America", "Bank of Texas"),
    ("Johnson & Johnson", "Johnson Controls"),
    ("Apple Inc.", "Apple Bank"),
    ("Mark Lee", "Mary Lee"),
    # A longer surname is another family (87: just under the threshold, on purpose).
    ("John Smith", "John Smithers"),
    # A lone word inside a longer name is not a hit: a bare surname would flag every namesake
    # (see score_normalized's docstring). Identical one-word names still match.
    ("Smith", "John Smith"),
    ("Acme", "Acme Holdings"),
    # An initial that abbreviates nothing on the other side does not make a surname match.
    ("A. Smith", "John Smith"),
]

# Known limits, pinned so a change is noticed: one letter apart is indistinguishable from a
# typo, so these reach the attorney (a false positive costs a review, a miss costs a conflict).
KNOWN_FALSE_POSITIVES = [
    ("Robert Jones", "Roberta Jones"),
    ("Dan Brown", "Dana Brown"),
    ("J. Smith", "Jane Smith"),  # an initial is ambiguous by nature
]


@pytest.mark.parametrize(("a", "b"), SAME_PARTY)
def test_variants_of_one_name_match(a, b):
    assert match_score(a, b) >= DEFAULT_THRESHOLD
    assert match_score(b, a) >= DEFAULT_THRESHOLD


@pytest.mark.parametrize(("a", "b"), DIFFERENT_PARTIES)
def test_different_parties_do_not_match(a, b):
    assert match_score(a, b) < DEFAULT_THRESHOLD
    assert match_score(b, a) < DEFAULT_THRESHOLD


@pytest.mark.parametrize(("a", "b"), KNOWN_FALSE_POSITIVES)
def test_names_one_letter_apart_go_to_review(a, b):
    assert match_score(a, b) >= DEFAULT_THRESHOLD


def test_the_table_through_find_matches_gives_exactly_the_true_pairs():
    names = [normalize(a) for a, _ in SAME_PARTY + DIFFERENT_PARTIES]
    candidates = [normalize(b) for _, b in SAME_PARTY + DIFFERENT_PARTIES]
    found = {(m.name_index, m.candidate_index) for m in find_matches(names, candidates)}
    for i in range(len(SAME_PARTY)):
        assert (i, i) in found, SAME_PARTY[i]
    for i in range(len(SAME_PARTY), len(names)):
        assert (i, i) not in found, DIFFERENT_PARTIES[i - len(SAME_PARTY)]


@pytest.mark.parametrize(
    ("raw", "normalized"),
    [
        ("Acme Corp.", "acme"),
        ("ACME CORPORATION", "acme"),
        ("O'Brien & Sons, L.L.C.", "obrien and sons"),
        ("José  Núñez", "jose nunez"),
        ("Smith, John", "smith john"),
        ("Whitfield & Moreno P.C.", "whitfield and moreno"),
        ("The Company", "the company"),  # only noise words: kept rather than emptied
        ("  ", ""),
    ],
)
def test_normalize(raw, normalized):
    assert normalize(raw) == normalized
    assert normalize(normalize(raw)) == normalized  # stored values normalize to themselves


def test_find_matches_lists_every_occurrence_of_a_repeated_candidate_best_first():
    candidates = [normalize(n) for n in ["Jon Smith", "Acme Inc", "John Smith", "Jon Smith"]]
    matches = find_matches([normalize("John Smith")], candidates, threshold=88)
    assert [(m.candidate_index, m.score) for m in matches] == [(2, 100), (0, 94), (3, 94)]


def test_threshold_comes_from_settings(settings):
    assert default_threshold() == 88
    settings.CONFLICT_MATCH_THRESHOLD = 95
    assert default_threshold() == 95
    assert find_matches(["jon smith"], ["john smith"]) == []


def test_empty_names_match_nothing():
    assert match_score("", "") == 0
    assert find_matches(["", "acme"], ["", "acme"], threshold=88)[0].name_index == 1


# Names from a small vocabulary, so generated names share words and near-misses: one to three
# distinct words, and at most one initial (names with several initials and few words, such as
# "a jon j", can escape the prefilter; see conflicts._Shortlister).
WORDS = ["john", "jon", "jane", "smith", "smyth", "acme", "apex", "first", "national", "bank"]
WORDS += ["wal", "mart", "walmart", "holdings", "smithfield", "of", "texas", "and", "sons"]
NAMES = st.builds(
    lambda words, initial, at: " ".join(words[:at] + ([initial] if initial else []) + words[at:]),
    st.lists(st.sampled_from(WORDS), min_size=1, max_size=3, unique=True),
    st.sampled_from(["", "j", "a", "s"]),
    st.integers(min_value=0, max_value=3),
)


@settings(max_examples=200, deadline=None)
@given(names=st.lists(NAMES, min_size=1, max_size=4), candidates=st.lists(NAMES, max_size=12))
def test_the_prefilter_never_drops_a_pair_the_full_score_accepts(names, candidates):
    brute = {
        (i, j, score_normalized(n, c))
        for i, n in enumerate(names)
        for j, c in enumerate(candidates)
        if score_normalized(n, c) >= DEFAULT_THRESHOLD
    }
    fast = find_matches(names, candidates, DEFAULT_THRESHOLD)
    assert {(m.name_index, m.candidate_index, m.score) for m in fast} == brute


def test_fifty_thousand_candidates_are_checked_without_a_python_double_loop():
    firms = ["holdings", "partners", "group", "industries", "capital", "foods", "logistics"]
    people = ["maria", "james", "chen", "okafor", "garcia", "novak", "haddad", "silva", "kim"]
    candidates = [
        f"{people[i % 9]}{i} {people[(i // 9) % 9]} {firms[i % 7]}" for i in range(50_000)
    ]
    candidates.append(normalize("Smith, John"))
    start = time.perf_counter()
    matches = find_matches(
        [normalize(n) for n in ["John Smith", "Acme Corp.", "Novak Shipping"]], candidates
    )
    elapsed = time.perf_counter() - start
    assert [m.candidate for m in matches] == ["smith john"]
    assert elapsed < 3, f"{elapsed:.2f}s"  # about 0.1 s on a laptop; generous for CI
