"""Notebook 08's exercise checks reject typical mistakes, each with its own message
(tests/test_solutions.py checks that the reference solutions pass and the stubs say "not attempted
yet")."""

import numpy as np
import pytest

from gan_helpers import exercises


def _digit_as_number(z, digits):
    return np.concatenate([z, digits[:, None].astype(np.float32)], axis=1)


def _depth_from_batch(z, digits):
    return np.concatenate([z, np.eye(digits.max() + 1)[digits]], axis=1)


def _axis_0(z, digits):
    return np.concatenate([z, np.eye(10)[digits]], axis=0)


def _label_first(z, digits):
    return np.concatenate([np.eye(10)[digits], z], axis=1)


def _noise_rescaled(z, digits):
    return np.concatenate([z / np.abs(z).max(), np.eye(10)[digits]], axis=1)


@pytest.mark.parametrize(
    "answer, message",
    [
        (_digit_as_number, "instead of a one-hot vector"),
        (_depth_from_batch, "whichever digits the batch holds"),
        (_axis_0, "which axis?"),
        (_label_first, "the label comes first"),
        (_noise_rescaled, "leave the noise as it is"),
    ],
)
def test_generator_input_rejects_typical_mistakes(answer, message):
    verdict = exercises.check_generator_input(answer, quiet=True)
    assert verdict.status == "wrong" and message in verdict.message, verdict.message


@pytest.mark.parametrize(
    "name, answer, message",
    [
        ("extra_generator_parameters", 0, "Concatenate has no weights"),
        ("extra_generator_parameters", 10, "each connects to every unit"),
        ("extra_generator_parameters", 74 * 3136, "how many weights does each input have?"),
        ("extra_generator_parameters", 3.5, "whole number"),
        ("label_changes", "both", "computed from the image alone"),
        ("label_changes", "real_or_fake", "which term is e_y in?"),
        ("label_changes", "the label", "answer one of"),
    ],
)
def test_predictions_reject_typical_mistakes(name, answer, message):
    verdict = getattr(exercises, f"check_{name}")(answer, quiet=True)
    assert verdict.status == "wrong" and message in verdict.message, verdict.message
