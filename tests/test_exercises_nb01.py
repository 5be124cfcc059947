"""The exercises of notebook 01: each check rejects typical wrong answers, each with its own
message (tests/test_solutions.py checks that the reference solutions pass and the stubs say
"not attempted yet")."""

import numpy as np
import pytest
import tensorflow as tf

from gan_helpers import exercises


def _verdict(check, answer):
    return check(answer, quiet=True)


@pytest.mark.parametrize(
    "wrong, message",
    [
        (lambda x: -tf.reduce_mean(tf.nn.softplus(x)), "the minimax loss"),
        (lambda x: tf.reduce_mean(tf.nn.softplus(x)), "Which label do the fakes carry"),
        (lambda x: -tf.reduce_mean(tf.math.log(tf.sigmoid(x))), "sigmoid first, then the log"),
        (
            lambda x: -tf.reduce_mean(tf.math.log(tf.clip_by_value(tf.sigmoid(x), 1e-7, 1.0))),
            "Do you clamp",
        ),
        (lambda x: tf.reduce_sum(tf.nn.softplus(-x)), "not the sum"),
        (lambda x: tf.nn.softplus(-x), "a loss is one number"),
        (lambda x: float(np.mean(np.logaddexp(0, -np.asarray(x)))), "not a TensorFlow tensor"),
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
    bce = tf.keras.losses.BinaryCrossentropy(from_logits=True)
    labels = tf.concat([tf.fill(tf.shape(real), 0.9), tf.zeros_like(fake)], axis=0)
    return bce(labels, tf.concat([real, fake], axis=0))


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
    ],
)
def test_smoothed_discriminator_loss_rejects(wrong, message):
    verdict = _verdict(exercises.check_smoothed_discriminator_loss, wrong)
    assert verdict.status == "wrong" and message in verdict.message, verdict


@pytest.mark.parametrize(
    "wrong, message",
    [
        (1, "share their fixed point"),
        (0.0101, "the question asks the other way"),
        (10, "what is (1 - D) / D"),
        (-99, "is positive"),
        ("99", "should be a number"),
    ],
)
def test_gradient_ratio_rejects(wrong, message):
    verdict = _verdict(exercises.check_gradient_ratio, wrong)
    assert verdict.status == "wrong" and message in verdict.message, verdict


@pytest.mark.parametrize(
    "wrong, message",
    [
        ("non-saturating", "which is small when D(G(z)) is near 1"),
        ("equal", "equal only at D(G(z)) = 1/2"),
        ("Minimax", "answer one of"),
    ],
)
def test_larger_gradient_when_fooled_rejects(wrong, message):
    verdict = _verdict(exercises.check_larger_gradient_when_fooled, wrong)
    assert verdict.status == "wrong" and message in verdict.message, verdict
