"""Notebook 06's exercise checks reject typical wrong answers, each with its own message, and
accept right answers written in other ways (tests/exercises/test_solutions.py checks that the
reference solutions pass and the stubs say "not attempted yet")."""

import numpy as np
import pytest

from gan_helpers import exercises
from solutions import nb06


def _counter(limit, squared=False, count_samples=False, box=False, at_least=1, share=False):
    """modes_captured with a chosen threshold rule (a typical mistake each)."""

    def modes_captured(samples, mixture):
        gaps = np.linalg.norm(samples[:, None, :] - mixture.centres[None, :, :], axis=-1)
        nearest = gaps.argmin(axis=1)
        distance = gaps.min(axis=1) ** 2 if squared else gaps.min(axis=1)
        good = distance <= limit(mixture.sigma)
        if box:
            offset = np.abs(samples - mixture.centres[nearest])
            good = np.all(offset <= limit(mixture.sigma), axis=1)
        if count_samples:
            return int(good.sum())
        counts = np.bincount(nearest[good], minlength=len(mixture.centres))
        if share:
            return np.count_nonzero(counts) / len(mixture.centres)
        return int(np.sum(counts >= at_least))

    return modes_captured


def _ring_sigma(samples, mixture):
    """The ring's sigma, 0.02, written in: wrong on the grid (sigma 0.05)."""
    gaps = np.linalg.norm(samples[:, None, :] - mixture.centres[None, :, :], axis=-1)
    return len(np.unique(gaps.argmin(axis=1)[gaps.min(axis=1) <= 3 * 0.02]))


def _first_eight(samples, mixture):
    """K = 8 written in: a count of the ring's modes, wrong on the grid's 25."""
    gaps = np.linalg.norm(samples[:, None, :] - mixture.centres[None, :, :], axis=-1)
    good = gaps.argmin(axis=1)[gaps.min(axis=1) <= 3 * mixture.sigma]
    return int(np.count_nonzero(np.bincount(good, minlength=25)[:8]))


@pytest.mark.parametrize(
    "right",
    [
        lambda samples, mixture: float(nb06.modes_captured(samples, mixture)),
        lambda samples, mixture: np.int64(nb06.modes_captured(samples, mixture)),
        _counter(lambda s: (3 * s) ** 2, squared=True),
    ],
)
def test_modes_captured_accepts_any_whole_number_type(right):
    verdict = exercises.check_modes_captured(right, quiet=True)
    assert verdict.passed, verdict


@pytest.mark.parametrize(
    "answer, message",
    [
        (_counter(lambda s: np.inf), "where is the 3σ threshold?"),
        (_counter(lambda s: 3 * s, squared=True), "squared distance"),
        (_counter(lambda s: s), "your threshold is σ, not 3σ"),
        (_counter(lambda s: 3 * s, count_samples=True), "not the modes they sit on"),
        (lambda samples, mixture: 8.0, "a mode counts when it is the nearest mode"),
        # new (issue 27): a square box instead of a distance
        (_counter(lambda s: 3 * s, box=True), "a square box"),
        # new: two samples needed per mode
        (_counter(lambda s: 3 * s, at_least=2), "needs only one sample"),
        # new: the share of modes instead of their number
        (_counter(lambda s: 3 * s, share=True), "return their number"),
        # new: 2σ, 3σ², the ring's sigma and K written in
        (_counter(lambda s: 2 * s), "your threshold is 2σ"),
        (_counter(lambda s: 3 * s**2), "a variance"),
        (_ring_sigma, "use mixture.sigma"),
        (_first_eight, "only the first 8 modes"),
        (lambda samples, mixture: "8", "return one whole number"),
    ],
)
def test_modes_captured_rejects_typical_mistakes(answer, message):
    verdict = exercises.check_modes_captured(answer, quiet=True)
    assert verdict.status == "wrong" and message in verdict.message, verdict.message


@pytest.mark.parametrize(
    "right",
    [(1 / 8, 1.0), [0.125, 1], np.array([0.125, 1.0]), (np.float32(0.125), np.int64(1))],
)
def test_pack_same_mode_accepts_any_pair_of_real_numbers(right):
    verdict = exercises.check_pack_same_mode(right, quiet=True)
    assert verdict.passed, verdict


@pytest.mark.parametrize(
    "answer, message",
    [
        ((0.0, 1.0), "'almost never' is not never"),
        ((1 / 64, 1.0), "one given mode"),
        ((0.125, 0.125), "does not draw its modes like the data"),
        ((12.5, 100), "not percentages"),
        (0.125, "a pair of two fractions"),
        # new (issue 27): 1/7 and 1/9, accepted by the old 0.03 tolerance
        ((1 / 7, 1.0), "does not avoid the first one's mode"),
        ((1 / 9, 1.0), "drawn independently"),
        # new: the share of packs on different modes
        ((7 / 8, 1.0), "two DIFFERENT modes"),
        # new: 50-50
        ((0.5, 1.0), "not 50-50"),
        # new: a collapsed generator's packs never agree
        ((0.125, 0.0), "both points of a pack always share it"),
    ],
)
def test_pack_same_mode_rejects_typical_mistakes(answer, message):
    verdict = exercises.check_pack_same_mode(answer, quiet=True)
    assert verdict.status == "wrong" and message in verdict.message, verdict.message
