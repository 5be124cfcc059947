"""Notebook 01's exercise checks reject typical wrong answers, each with its own message, and
accept right answers written in other ways (tests/exercises/test_solutions.py checks that the
reference solutions pass and the stubs say "not attempted yet")."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from gan_helpers import exercises


def _verdict(check, answer):
    return check(answer, quiet=True)


def _keras_bce(labels_of, from_logits=True, **options):
    """Keras' BinaryCrossentropy against labels_of(logits)."""
    bce = keras.losses.BinaryCrossentropy(from_logits=from_logits, **options)
    return lambda x: bce(labels_of(x), x if from_logits else tf.sigmoid(x))


@pytest.mark.parametrize(
    "right",
    [
        lambda x: -tf.reduce_mean(tf.math.log_sigmoid(x)),
        _keras_bce(tf.ones_like),
        lambda x: tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(tf.ones_like(x), x)),
        # float64 inside, a float64 result: the same loss
        lambda x: tf.reduce_mean(tf.nn.softplus(-tf.cast(x, tf.float64))),
        # the stable formula written out
        lambda x: tf.reduce_mean(tf.nn.relu(-x) + tf.math.log1p(tf.exp(-tf.abs(x)))),
    ],
)
def test_nonsaturating_loss_accepts_right_answers_written_differently(right):
    verdict = _verdict(exercises.check_nonsaturating_loss, right)
    assert verdict.passed, verdict


@pytest.mark.parametrize(
    "wrong, message",
    [
        (lambda x: -tf.reduce_mean(tf.nn.softplus(x)), "the minimax loss"),
        (lambda x: tf.reduce_mean(tf.nn.softplus(x)), "Which label do the fakes carry"),
        (lambda x: -tf.reduce_mean(tf.math.log(tf.sigmoid(x))), "sigmoid first, then the log"),
        (
            lambda x: -tf.reduce_mean(tf.math.log(tf.clip_by_value(tf.sigmoid(x), 1e-7, 1.0))),
            "you clamp",
        ),
        (lambda x: tf.reduce_sum(tf.nn.softplus(-x)), "not the sum"),
        (lambda x: tf.nn.softplus(-x), "a loss is one number"),
        (lambda x: float(np.mean(np.logaddexp(0, -np.asarray(x)))), "not a TensorFlow tensor"),
        # new (issue 27): Keras' BinaryCrossentropy on probabilities clamps them to [1e-7, 1 - 1e-7]
        (_keras_bce(tf.ones_like, from_logits=False), "you clamp"),
        # new: an eps inside the log (value right on moderate logits, no gradient at -120)
        (lambda x: -tf.reduce_mean(tf.math.log(tf.sigmoid(x) + 1e-8)), "an eps added"),
        # new: clipping the logits before softplus
        (lambda x: tf.reduce_mean(tf.nn.softplus(-tf.clip_by_value(x, -20.0, 20.0))), "the logit"),
        # new: log(1 + exp(-logit)) overflows at -120 (a different cause than sigmoid-then-log)
        (lambda x: tf.reduce_mean(tf.math.log(1.0 + tf.exp(-x))), "overflows"),
        # new: the notebook's batch size hard-coded as the denominator
        (lambda x: tf.reduce_sum(tf.nn.softplus(-x)) / 64.0, "a fixed 64, not by the batch size"),
        # new: right value, but the gradient is cut
        (lambda x: tf.stop_gradient(tf.reduce_mean(tf.nn.softplus(-x))), "no gradient reaches"),
    ],
)
def test_nonsaturating_loss_rejects(wrong, message):
    verdict = _verdict(exercises.check_nonsaturating_loss, wrong)
    assert verdict.status == "wrong" and message in verdict.message, verdict


def _smoothed(y_real, y_fake):
    def loss(real, fake):
        on_real = y_real * tf.nn.softplus(-real) + (1 - y_real) * tf.nn.softplus(real)
        on_fake = y_fake * tf.nn.softplus(-fake) + (1 - y_fake) * tf.nn.softplus(fake)
        return tf.reduce_mean(on_real) + tf.reduce_mean(on_fake)

    return loss


def _on_probabilities(real, fake):
    p_real, p_fake = tf.sigmoid(real), tf.sigmoid(fake)
    on_real = -0.9 * tf.math.log(p_real) - 0.1 * tf.math.log(1 - p_real)
    return tf.reduce_mean(on_real) - tf.reduce_mean(tf.math.log(1 - p_fake))


def _keras_on_both(real, fake):
    bce = keras.losses.BinaryCrossentropy(from_logits=True)
    labels = tf.concat([tf.fill(tf.shape(real), 0.9), tf.zeros_like(fake)], axis=0)
    return bce(labels, tf.concat([real, fake], axis=0))


def _clamped(real, fake):
    """On probabilities clamped to [1e-7, 1 - 1e-7]: finite everywhere, flat at the extremes."""
    p_real = tf.clip_by_value(tf.sigmoid(real), 1e-7, 1 - 1e-7)
    p_fake = tf.clip_by_value(tf.sigmoid(fake), 1e-7, 1 - 1e-7)
    on_real = -0.9 * tf.math.log(p_real) - 0.1 * tf.math.log(1 - p_real)
    return tf.reduce_mean(on_real) - tf.reduce_mean(tf.math.log(1 - p_fake))


def _fakes_clamped(real, fake):
    """Right on the real logits, clamped on the fakes: only the fakes' gradient shows it."""
    on_real = 0.9 * tf.nn.softplus(-real) + 0.1 * tf.nn.softplus(real)
    p_fake = tf.clip_by_value(tf.sigmoid(fake), 1e-7, 1 - 1e-7)
    return tf.reduce_mean(on_real) - tf.reduce_mean(tf.math.log(1 - p_fake))


def _keras_label_smoothing(real, fake):
    bce = keras.losses.BinaryCrossentropy(from_logits=True)
    smoothing = keras.losses.BinaryCrossentropy(from_logits=True, label_smoothing=0.1)
    return smoothing(tf.ones_like(real), real) + bce(tf.zeros_like(fake), fake)


def _sums(real, fake):
    on_real = 0.9 * tf.nn.softplus(-real) + 0.1 * tf.nn.softplus(real)
    return tf.reduce_sum(on_real) + tf.reduce_sum(tf.nn.softplus(fake))


@pytest.mark.parametrize(
    "right",
    [
        lambda r, f: (
            keras.losses.BinaryCrossentropy(from_logits=True)(tf.fill(tf.shape(r), 0.9), r)
            + keras.losses.BinaryCrossentropy(from_logits=True)(tf.zeros_like(f), f)
        ),
        # one mean of the two per-example terms: the same for batches of one size
        lambda r, f: tf.reduce_mean(
            0.9 * tf.nn.softplus(-r) + 0.1 * tf.nn.softplus(r) + tf.nn.softplus(f)
        ),
        # notebook 04's form: notebook 01's loss plus 0.1 * mean(real_logit)
        lambda r, f: (
            tf.reduce_mean(tf.nn.softplus(-r))
            + tf.reduce_mean(tf.nn.softplus(f))
            + 0.1 * tf.reduce_mean(r)
        ),
    ],
)
def test_smoothed_discriminator_loss_accepts_right_answers_written_differently(right):
    verdict = _verdict(exercises.check_smoothed_discriminator_loss, right)
    assert verdict.passed, verdict


@pytest.mark.parametrize(
    "wrong, message",
    [
        (_smoothed(0.9, 0.1), "smoothing is one-sided"),
        (_smoothed(0.1, 0.0), "Which way round"),
        (_smoothed(1.0, 0.0), "unsmoothed loss"),
        (
            lambda r, f: (
                tf.reduce_mean(0.9 * tf.nn.softplus(-r)) + tf.reduce_mean(tf.nn.softplus(f))
            ),
            "misses the term",
        ),
        (_keras_on_both, "half the right one"),
        (_on_probabilities, "sigmoid first, then the log"),
        # new (issue 27): the clamp that the old check let through (it only tested finiteness)
        (_clamped, "you clamp"),
        # new: clamped on the fakes only: caught by the gradient with respect to the fake logits
        (_fakes_clamped, "at a fake logit of 120 your loss has gradient 0"),
        # new: Keras' label_smoothing=0.1 gives the real images 0.95, not 0.9
        (_keras_label_smoothing, "label_smoothing=0.1 moves every label"),
        # new: sums instead of means
        (_sums, "sums over each batch"),
        # new: the notebook's batch size hard-coded
        (lambda r, f: _sums(r, f) / 64.0, "a fixed 64, not by the batch size"),
    ],
)
def test_smoothed_discriminator_loss_rejects(wrong, message):
    verdict = _verdict(exercises.check_smoothed_discriminator_loss, wrong)
    assert verdict.status == "wrong" and message in verdict.message, verdict


@pytest.mark.parametrize("right", [99, 99.0, np.float32(99.0), np.int64(99), tf.constant(99.0)])
def test_gradient_ratio_accepts_any_real_number_type(right):
    verdict = _verdict(exercises.check_gradient_ratio, right)
    assert verdict.passed, verdict


@pytest.mark.parametrize(
    "wrong, message",
    [
        (1, "share their fixed point"),
        (0.0101, "the question asks the other way"),
        (10, "what is (1 - D) / D"),
        (-99, "is positive"),
        ("99", "should be one number"),
        # new (issue 27): 1/D, accepted by the old 10% tolerance
        (100, "takes the non-saturating slope as 1"),
        # new: the non-saturating slope alone
        (0.99, "is the non-saturating slope 1 - D alone"),
        # new: the ratio of the losses' values, not of their slopes
        (458, "the ratio of the two losses' values"),
    ],
)
def test_gradient_ratio_rejects(wrong, message):
    verdict = _verdict(exercises.check_gradient_ratio, wrong)
    assert verdict.status == "wrong" and message in verdict.message, verdict


@pytest.mark.parametrize("right", ["minimax", "Minimax", " MINIMAX "])
def test_larger_gradient_when_fooled_accepts_any_spelling(right):
    verdict = _verdict(exercises.check_larger_gradient_when_fooled, right)
    assert verdict.passed, verdict


@pytest.mark.parametrize(
    "wrong, message",
    [
        ("non-saturating", "which is small when D(G(z)) is near 1"),
        ("equal", "equal only at D(G(z)) = 1/2"),
        ("the minimax one", "answer one of"),
        # new (issue 27): other spellings get the message of their cause, not "answer one of"
        ("Non-Saturating", "which is small when D(G(z)) is near 1"),
        ("non saturating", "which is small when D(G(z)) is near 1"),
        ("Equal", "equal only at D(G(z)) = 1/2"),
        (0.99, "answer one of"),
    ],
)
def test_larger_gradient_when_fooled_rejects(wrong, message):
    verdict = _verdict(exercises.check_larger_gradient_when_fooled, wrong)
    assert verdict.status == "wrong" and message in verdict.message, verdict
