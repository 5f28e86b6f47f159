"""The category suggester: ≥ 85% top-1 accuracy on held-out labelled descriptions, explainable,
and learning from a firm's corrections."""

import csv
from pathlib import Path

import pytest

from counselbench.selfaudit.suggest import Suggester
from counselbench.selfaudit.taxonomy import CATEGORY_VOCABULARY, SHIPPED_CATEGORIES

# The goal is 85% top-1. Measured with the shipped vocabulary: 87.2–89.7% per fold, 89.1% on
# average (about 88% averaged over shuffled 4-fold splits, none below 86.9%).
ACCURACY_FLOOR = 0.85

LABELLED = Path(__file__).parent / "data" / "labelled_tasks.csv"


def labelled() -> list[tuple[str, str]]:
    with LABELLED.open(newline="") as f:
        return [(row["description"], row["category"]) for row in csv.DictReader(f)]


def taxonomy_examples() -> list[tuple[str, str]]:
    """What a new firm's suggester knows: the shipped taxonomy and its vocabulary."""
    from counselbench.selfaudit.suggest import taxonomy_training_examples

    categories = [
        (key, name, description, examples)
        for key, name, _level, description, examples in SHIPPED_CATEGORIES
    ]
    return taxonomy_training_examples(categories, CATEGORY_VOCABULARY)


def test_the_labelled_set_is_large_covers_every_category_and_is_well_formed():
    rows = labelled()
    keys = {key for key, *_ in SHIPPED_CATEGORIES}
    assert len(rows) >= 300
    assert {category for _, category in rows} == keys
    assert len({text for text, _ in rows}) == len(rows)  # no duplicates to inflate accuracy


def test_top_1_accuracy_on_held_out_descriptions(capsys):
    """4-fold cross-validation: each description is held out once, never trained on then."""
    rows = labelled()
    accuracies, misses = [], []
    for fold in range(4):
        held_out = rows[fold::4]
        training = [r for i, r in enumerate(rows) if i % 4 != fold]
        suggester = Suggester(taxonomy_examples() + training)
        hits = 0
        for text, expected in held_out:
            got = suggester.suggest(text)
            hits += bool(got and got.category == expected)
            if not (got and got.category == expected):
                misses.append((text, expected, got.category if got else None))
        accuracies.append(hits / len(held_out))
    mean = sum(accuracies) / len(accuracies)
    with capsys.disabled():
        print(
            f"\nsuggester top-1 accuracy, 4-fold cross-validation over {len(rows)} labelled "
            f"descriptions: {', '.join(f'{a:.1%}' for a in accuracies)}; mean {mean:.1%}"
        )
    assert mean >= ACCURACY_FLOOR, misses


FRESH = Path(__file__).parent / "data" / "heldout_tasks.csv"


def test_top_1_accuracy_on_a_fresh_set_never_used_for_tuning(capsys):
    """The vocabulary and weights were tuned against the labelled set, so cross-validation on it
    flatters them. heldout_tasks.csv (5 descriptions per category) was written afterwards, without
    looking at the vocabulary, and is never used to tune anything: the suggester trained on the
    taxonomy and the whole labelled set must still reach the goal on it."""
    with FRESH.open(newline="") as f:
        fresh = [(row["description"], row["category"]) for row in csv.DictReader(f)]
    assert {c for _, c in fresh} == {key for key, *_ in SHIPPED_CATEGORIES}
    assert not {t.lower() for t, _ in fresh} & {t.lower() for t, _ in labelled()}
    suggester = Suggester(taxonomy_examples() + labelled())
    misses = [
        (text, expected, got.category if got else None)
        for text, expected in fresh
        if not ((got := suggester.suggest(text)) and got.category == expected)
    ]
    accuracy = 1 - len(misses) / len(fresh)
    with capsys.disabled():
        print(f"\nsuggester top-1 accuracy on {len(fresh)} fresh descriptions: {accuracy:.1%}")
    assert accuracy >= ACCURACY_FLOOR, misses


def test_a_suggestion_explains_itself():
    suggestion = Suggester(taxonomy_examples()).suggest("E-file the motion in the county portal")
    assert suggestion.category == "e-filing"
    # The user's own words (not stems) explain the choice.
    text_words = {"e", "file", "the", "motion", "in", "county", "portal"}
    assert suggestion.because
    assert all(set(w.split()) <= text_words for w in suggestion.because)
    assert suggestion.similar_example
    assert 0 < suggestion.confidence <= 1


def test_a_firms_corrections_improve_later_suggestions():
    text = "Prepare the Henderson board resolutions packet"
    before = Suggester(taxonomy_examples()).suggest(text)
    corrected = [
        *taxonomy_examples(),
        ("Prepare board resolutions packet for client", "drafting"),
        ("Board resolutions packet for annual meeting", "drafting"),
    ]
    after = Suggester(corrected).suggest(text)
    assert after.category == "drafting"
    assert before is None or before.category != "drafting" or before.confidence < after.confidence


@pytest.mark.parametrize("text", ["", "   ", "zzqx qqq"])
def test_nothing_to_go_on_gives_no_suggestion(text):
    assert Suggester(taxonomy_examples()).suggest(text) is None
