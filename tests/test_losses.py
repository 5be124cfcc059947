"""Notebook 01's losses, loaded from the notebook's ``lesson`` cells, against the textbook.

The losses are written once, in notebooks/01_vanilla_gan_mnist.ipynb; ``gan_helpers.lessons``
runs those cells, so these tests check exactly the code a student reads (and notebooks 04 and 05
reuse).
"""

import numpy as np
import pytest
import tensorflow as tf

from gan_helpers import lessons

nb01 = lessons.load("01_vanilla_gan_mnist")

REAL = np.array([2.0, -1.0, 0.5, 0.0], dtype=np.float32)
FAKE = np.array([-3.0, 0.2, 1.0, -0.5], dtype=np.float32)


def sigmoid(logits):
    return 1 / (1 + np.exp(-np.asarray(logits, dtype=np.float64)))


def test_discriminator_loss_is_minus_the_value_function():
    """-V = -E[log D(x)] - E[log(1 - D(G(z)))], computed on probabilities in float64."""
    expected = -np.mean(np.log(sigmoid(REAL))) - np.mean(np.log(1 - sigmoid(FAKE)))
    assert float(nb01.discriminator_loss(REAL, FAKE)) == pytest.approx(expected, rel=1e-5)
    # At D = 1/2 everywhere the loss is 2 log 2 = log 4 (Goodfellow et al., 2014, Theorem 1)
    zeros = tf.zeros(4)
    assert float(nb01.discriminator_loss(zeros, zeros)) == pytest.approx(np.log(4), rel=1e-6)


@pytest.mark.parametrize(
    "kind, textbook",
    [
        ("minimax", lambda p: np.mean(np.log(1 - p))),
        ("non-saturating", lambda p: -np.mean(np.log(p))),
    ],
)
def test_generator_losses_match_the_textbook(kind, textbook):
    assert kind in nb01.GENERATOR_LOSSES
    value = float(nb01.generator_loss(FAKE, kind))
    assert value == pytest.approx(textbook(sigmoid(FAKE)), rel=1e-5)


def test_the_default_generator_loss_is_non_saturating():
    assert nb01.GENERATOR_LOSSES[0] == "non-saturating"
    assert float(nb01.generator_loss(FAKE)) == float(nb01.generator_loss(FAKE, "non-saturating"))


def test_mean_prob_is_the_mean_of_the_sigmoid():
    assert float(nb01.mean_prob(REAL)) == pytest.approx(np.mean(sigmoid(REAL)), rel=1e-6)


def test_an_unknown_kind_names_the_known_ones():
    with pytest.raises(ValueError, match="kind must be one of .*non-saturating.*minimax.*'wgan'"):
        nb01.generator_loss(FAKE, "wgan")


def test_losses_and_gradients_stay_finite_at_extreme_logits():
    extreme = tf.constant([-500.0, -120.0, 120.0, 500.0])
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(extreme)
        values = {
            "D": nb01.discriminator_loss(extreme, extreme),
            **{kind: nb01.generator_loss(extreme, kind) for kind in nb01.GENERATOR_LOSSES},
        }
        # the same -log D(G(z)) computed on a probability: sigmoid(-120) is 0 in float32
        naive = -tf.math.log(tf.sigmoid(extreme))
    for name, value in values.items():
        assert np.isfinite(value.numpy()), name
        assert np.all(np.isfinite(tape.gradient(value, extreme).numpy())), name
    assert not np.all(np.isfinite(naive.numpy())), "on probabilities log(0) = -inf"


def test_minimax_saturates_where_non_saturating_does_not():
    """d loss / d logit: minimax -sigmoid(l) / n, non-saturating -(1 - sigmoid(l)) / n."""
    logits = tf.constant([-8.0, -2.0, 0.0, 3.0])
    n = len(logits)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(logits)
        loss = {kind: nb01.generator_loss(logits, kind) for kind in nb01.GENERATOR_LOSSES}
    grad = {kind: tape.gradient(value, logits).numpy() for kind, value in loss.items()}
    p = sigmoid(logits.numpy())
    np.testing.assert_allclose(grad["minimax"], -p / n, rtol=1e-4)
    np.testing.assert_allclose(grad["non-saturating"], -(1 - p) / n, rtol=1e-4)
    # D(G(z)) = sigmoid(-8) ~ 3e-4: the minimax gradient has all but vanished
    assert grad["non-saturating"][0] / grad["minimax"][0] > 1000
