"""Notebook 06's exercise checks reject typical mistakes, each with its own message
(tests/test_solutions.py checks that the reference solutions pass and the stubs say "not attempted
yet")."""

import numpy as np
import pytest

from gan_helpers import exercises


def _counter(limit, squared=False, count_samples=False):
    """modes_captured with a chosen threshold rule (a typical mistake each)."""

    def modes_captured(samples, mixture):
        gaps = np.linalg.norm(samples[:, None, :] - mixture.centres[None, :, :], axis=-1)
        distance = gaps.min(axis=1) ** 2 if squared else gaps.min(axis=1)
        good = distance <= limit(mixture.sigma)
        if count_samples:
            return int(good.sum())
        return len(np.unique(gaps.argmin(axis=1)[good]))

    return modes_captured


@pytest.mark.parametrize(
    "answer, message",
    [
        (_counter(lambda s: np.inf), "where is the 3σ threshold?"),
        (_counter(lambda s: 3 * s, squared=True), "squared distance"),
        (_counter(lambda s: s), "σ instead of 3σ"),
        (_counter(lambda s: 3 * s, count_samples=True), "instead of the modes"),
        (lambda samples, mixture: 8.0, "whole number"),
    ],
)
def test_modes_captured_rejects_typical_mistakes(answer, message):
    verdict = exercises.check_modes_captured(answer, quiet=True)
    assert verdict.status == "wrong" and message in verdict.message, verdict.message


@pytest.mark.parametrize(
    "answer, message",
    [
        ((0.0, 1.0), "'almost never' is not never"),
        ((1 / 64, 1.0), "one given mode"),
        ((0.125, 0.125), "for the collapsed generator"),
        ((12.5, 100), "not percentages"),
        (0.125, "a pair of two fractions"),
    ],
)
def test_pack_same_mode_rejects_typical_mistakes(answer, message):
    verdict = exercises.check_pack_same_mode(answer, quiet=True)
    assert verdict.status == "wrong" and message in verdict.message, verdict.message
