"""Notebook 03's exercise checks reject typical wrong answers, each with its own message, and
accept right answers written in other ways (tests/exercises/test_solutions.py checks that the
reference solutions pass and the stubs say "not attempted yet")."""

import numpy as np
import pytest
import tensorflow as tf

from gan_helpers import exercises


def _gaps(a, b):
    return np.abs(np.sort(a) - np.sort(b))


@pytest.mark.parametrize(
    "right",
    [
        # float32 arithmetic, a np.float32 result
        lambda a, b: np.mean(np.abs(np.sort(a.astype(np.float32)) - np.sort(b.astype(np.float32)))),
        # a TensorFlow scalar
        lambda a, b: tf.reduce_mean(tf.abs(tf.sort(a) - tf.sort(b))),
        # a NumPy float64, not a Python float
        lambda a, b: np.mean(_gaps(a, b)),
        lambda a, b: sum(abs(x - y) for x, y in zip(sorted(a), sorted(b))) / len(a),
    ],
)
def test_w1_distance_accepts_right_answers_written_differently(right):
    verdict = exercises.check_w1_distance(right, quiet=True)
    assert verdict.passed, verdict


@pytest.mark.parametrize(
    "wrong, message",
    [
        (lambda a, b: float(np.mean(np.abs(a - b))), "without sorting"),
        (lambda a, b: float(np.mean(np.abs(np.sort(a) - b))), "you sort only the first sample"),
        (lambda a, b: float(abs(np.mean(a) - np.mean(b))), "you compare the means"),
        (lambda a, b: float(np.sqrt(np.mean((np.sort(a) - np.sort(b)) ** 2))), "not their squares"),
        (lambda a, b: float(np.mean((np.sort(a) - np.sort(b)) ** 2)), "W2 squared"),
        (lambda a, b: _gaps(a, b), "it should be one number"),
        (lambda a, b: float(np.median(_gaps(a, b))), "the median gap"),
        # new (issue 27): the check's old sample size, 1,000, hard-coded
        (lambda a, b: float(np.sum(_gaps(a, b)) / 1000), "a fixed 1000, not by the sample size"),
        # new: n - 1, off by 0.1% at n = 1,000 but not at n = 7
        (lambda a, b: float(np.sum(_gaps(a, b)) / (len(a) - 1)), "you divide by n - 1"),
        # new: sorted in opposite orders
        (lambda a, b: float(np.mean(np.abs(np.sort(a) - np.sort(b)[::-1]))), "opposite orders"),
        # new: signed gaps
        (lambda a, b: float(np.mean(np.sort(a) - np.sort(b))), "signed gaps"),
        # new: the largest gap
        (lambda a, b: float(np.max(_gaps(a, b))), "the largest gap"),
    ],
)
def test_w1_distance_rejects(wrong, message):
    verdict = exercises.check_w1_distance(wrong, quiet=True)
    assert verdict.status == "wrong" and message in verdict.message, verdict


@pytest.mark.parametrize(
    "name, right",
    [
        ("d_updates_per_run", 6000),
        ("d_updates_per_run", 6000.0),
        ("d_updates_per_run", np.int64(6000)),
        ("d_updates_per_run", np.float32(6000)),
        ("d_updates_per_run", 20 * 300),
        ("unused_noise_rows", "Exactly 0"),
        ("unused_noise_rows", "exactly zero"),
    ],
)
def test_predictions_accept_any_number_type_and_spelling(name, right):
    verdict = getattr(exercises, f"check_{name}")(right, quiet=True)
    assert verdict.passed, verdict


@pytest.mark.parametrize(
    "name, wrong, message",
    [
        ("d_updates_per_run", 300, "counts the generator steps"),
        ("d_updates_per_run", 6300, "counts both"),
        ("d_updates_per_run", 20, "before EACH generator step"),
        ("d_updates_per_run", 5999, "off by one"),
        ("d_updates_per_run", "6000", "it should be one number"),
        # new (issue 27): k read the other way round
        ("d_updates_per_run", 15, "not generator steps per D step"),
        # new: k added instead of multiplied
        ("d_updates_per_run", 320, "k multiplies"),
        # new: one generator step too many
        ("d_updates_per_run", 6020, "off by one generator step"),
        # new: not a whole number
        ("d_updates_per_run", 6000.5, "a whole number"),
        ("unused_noise_rows", "tiny", "eps only prevents a division by zero"),
        ("unused_noise_rows", "like the others", "Adam's moments m and v stay 0"),
        ("unused_noise_rows", 0, "answer one of"),
        # new: other spellings get the message of their cause
        ("unused_noise_rows", "Tiny", "eps only prevents a division by zero"),
        ("unused_noise_rows", " Like the others", "a row learns from its input"),
        ("unused_noise_rows", "zero", "answer one of"),
    ],
)
def test_predictions_reject(name, wrong, message):
    verdict = getattr(exercises, f"check_{name}")(wrong, quiet=True)
    assert verdict.status == "wrong" and message in verdict.message, verdict
