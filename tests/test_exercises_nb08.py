"""Notebook 08's exercise checks: the solutions pass, stubs and typical mistakes do not."""

import numpy as np
import pytest

from gan_helpers import exercises
from solutions import nb08


def _stub(*args):
    raise NotImplementedError("your code here")


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


def test_generator_input_solution_passes():
    verdict = exercises.check_generator_input(nb08.generator_input, quiet=True)
    assert verdict.passed, verdict.message
    verdict = exercises.check_generator_input(_stub, quiet=True)
    assert verdict.status == exercises.NOT_ATTEMPTED


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


def test_extra_generator_parameters():
    check = exercises.check_extra_generator_parameters
    assert check(nb08.extra_generator_parameters, quiet=True).passed
    assert check(None, quiet=True).status == exercises.NOT_ATTEMPTED
    for answer, message in [
        (0, "Concatenate has no weights"),
        (10, "each connects to every unit"),
        (74 * 3136, "how many weights does each input have?"),
        (3.5, "whole number"),
    ]:
        verdict = check(answer, quiet=True)
        assert verdict.status == "wrong" and message in verdict.message, verdict.message


def test_label_changes():
    check = exercises.check_label_changes
    assert check(nb08.label_changes, quiet=True).passed
    assert check(None, quiet=True).status == exercises.NOT_ATTEMPTED
    for answer, message in [
        ("both", "computed from the image alone"),
        ("real_or_fake", "which term is e_y in?"),
        ("the label", "answer one of"),
    ]:
        verdict = check(answer, quiet=True)
        assert verdict.status == "wrong" and message in verdict.message, verdict.message
