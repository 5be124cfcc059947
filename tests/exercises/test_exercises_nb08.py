"""Notebook 08's exercise checks reject typical wrong answers, each with its own message, and
accept right answers written in other ways (tests/exercises/test_solutions.py checks that the
reference solutions pass and the stubs say "not attempted yet")."""

import numpy as np
import pytest
import tensorflow as tf

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


def _shifted(z, digits):
    return tf.concat([z, tf.one_hot(digits - 1, 10)], axis=1)


def _plus_minus_one(z, digits):
    return np.concatenate([z, 2 * np.eye(10)[digits] - 1], axis=1)


def _squeezed(z, digits):
    return tf.concat([z, tf.squeeze(tf.one_hot(digits, 10))], axis=1)


def _batch_64(z, digits):
    labels = np.zeros((64, 10), np.float32)
    labels[np.arange(64), digits] = 1
    return np.concatenate([z, labels], axis=1)


def _depth_11(z, digits):
    return np.concatenate([z, np.eye(11)[digits]], axis=1)


@pytest.mark.parametrize(
    "right",
    [
        lambda z, digits: np.concatenate([z, np.eye(10)[digits]], axis=1),
        lambda z, digits: tf.concat([z, tf.one_hot(digits, 10)], axis=-1),
        lambda z, digits: np.hstack([z, np.eye(10, dtype=int)[digits]]),
    ],
)
def test_generator_input_accepts_tf_and_np(right):
    verdict = exercises.check_generator_input(right, quiet=True)
    assert verdict.passed, verdict.message


@pytest.mark.parametrize(
    "answer, message",
    [
        (_digit_as_number, "instead of a one-hot vector"),
        (_depth_from_batch, "whichever digits the batch holds"),
        (_axis_0, "which axis?"),
        (_label_first, "the label comes first"),
        (_noise_rescaled, "leave the noise as it is"),
        # new (issue 27): digit d in column d - 1 (TensorFlow leaves digit 0 with no 1 at all)
        (_shifted, "one column left of its digit"),
        # new: -1 for the other classes
        (_plus_minus_one, "your labels hold -1s"),
        # new: tf.squeeze drops the batch axis of a batch of one
        (_squeezed, "does a squeeze drop the batch axis"),
        # new: the notebook's batch size written in (the old check used batches of 10 and 6)
        (_batch_64, "works for a batch of 64 digits 0-9 but fails"),
        # new: depth 11
        (_depth_11, "not 11"),
    ],
)
def test_generator_input_rejects_typical_mistakes(answer, message):
    verdict = exercises.check_generator_input(answer, quiet=True)
    assert verdict.status == "wrong" and message in verdict.message, verdict.message


@pytest.mark.parametrize(
    "name, right",
    [
        ("extra_generator_parameters", 31360),
        ("extra_generator_parameters", 31360.0),
        ("extra_generator_parameters", np.int64(31360)),
        ("extra_generator_parameters", 10 * 7 * 7 * 64),
        ("label_changes", "Projection"),
        ("label_changes", " projection "),
    ],
)
def test_predictions_accept_any_number_type_and_spelling(name, right):
    verdict = getattr(exercises, f"check_{name}")(right, quiet=True)
    assert verdict.passed, verdict.message


@pytest.mark.parametrize(
    "name, answer, message",
    [
        ("extra_generator_parameters", 0, "Concatenate has no weights"),
        ("extra_generator_parameters", 10, "each connects to every unit"),
        ("extra_generator_parameters", 74 * 3136, "all of the first Dense layer's weights"),
        ("extra_generator_parameters", 3.5, "whole number"),
        # new (issue 27): biases counted for the new inputs
        ("extra_generator_parameters", 31360 + 10, "no extra biases"),
        # new: one input's weights
        ("extra_generator_parameters", 3136, "one input's weights"),
        # new: NOISE_DIM in place of the Dense layer's units
        ("extra_generator_parameters", 640, "not to the 64 noise numbers"),
        # new: the difference the wrong way round
        ("extra_generator_parameters", -31360, "MORE parameters"),
        ("label_changes", "both", "computed from the image alone"),
        ("label_changes", "real_or_fake", "which term is e_y in?"),
        ("label_changes", "the label", "answer one of"),
        # new: other spellings get their cause's message
        ("label_changes", "Both", "computed from the image alone"),
        ("label_changes", "real or fake", "which term is e_y in?"),
        ("label_changes", "neither", "e_y·φ(x) changes with it"),
    ],
)
def test_predictions_reject_typical_mistakes(name, answer, message):
    verdict = getattr(exercises, f"check_{name}")(answer, quiet=True)
    assert verdict.status == "wrong" and message in verdict.message, verdict.message
