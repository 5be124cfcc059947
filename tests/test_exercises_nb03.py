"""The exercises of notebook 03: each check rejects typical wrong answers, each with its own
message (tests/test_solutions.py checks that the reference solutions pass and the stubs say
"not attempted yet")."""

import numpy as np
import pytest

from gan_helpers import exercises


@pytest.mark.parametrize(
    "wrong, message",
    [
        (lambda a, b: float(np.mean(np.abs(a - b))), "Did you sort both samples?"),
        (lambda a, b: float(np.mean(np.abs(np.sort(a) - b))), "Did you sort both samples?"),
        (lambda a, b: float(abs(np.mean(a) - np.mean(b))), "Are you comparing the means?"),
        (lambda a, b: float(np.sqrt(np.mean((np.sort(a) - np.sort(b)) ** 2))), "not their squares"),
        (lambda a, b: float(np.mean((np.sort(a) - np.sort(b)) ** 2)), "should cost exactly 0.5"),
        (lambda a, b: np.abs(np.sort(a) - np.sort(b)), "it should be one number"),
        (lambda a, b: float(np.median(np.abs(np.sort(a) - np.sort(b)))), "want"),
    ],
)
def test_w1_distance_rejects(wrong, message):
    verdict = exercises.check_w1_distance(wrong, quiet=True)
    assert verdict.status == "wrong" and message in verdict.message, verdict


@pytest.mark.parametrize(
    "name, wrong, message",
    [
        ("d_updates_per_run", 300, "counts the generator steps"),
        ("d_updates_per_run", 6300, "counts both"),
        ("d_updates_per_run", 20, "before EACH generator step"),
        ("d_updates_per_run", 5999, "is off"),
        ("d_updates_per_run", "6000", "it should be one number"),
        ("unused_noise_rows", "tiny", "eps only prevents a division by zero"),
        ("unused_noise_rows", "like the others", "Adam's moments m and v stay 0"),
        ("unused_noise_rows", 0, "answer one of"),
    ],
)
def test_predictions_reject(name, wrong, message):
    verdict = getattr(exercises, f"check_{name}")(wrong, quiet=True)
    assert verdict.status == "wrong" and message in verdict.message, verdict
