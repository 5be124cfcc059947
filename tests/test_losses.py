import numpy as np
import pytest
import tensorflow as tf

from gan_helpers import losses

LOGITS = np.array([-3.0, 0.0, 2.0], dtype=np.float32)
P = 1 / (1 + np.exp(-LOGITS.astype(np.float64)))


def test_discriminator_loss_matches_hand_computation():
    real, fake = LOGITS, LOGITS[::-1].copy()
    p_real, p_fake = P, P[::-1]
    expected = np.mean(-np.log(p_real)) + np.mean(-np.log(1 - p_fake))
    assert float(losses.discriminator_loss(real, fake)) == pytest.approx(expected, rel=1e-5)
    # At D = 1/2 everywhere the loss is 2 log 2 (Goodfellow et al., 2014, Theorem 1)
    assert float(losses.discriminator_loss(np.zeros(4), np.zeros(4))) == pytest.approx(
        2 * np.log(2), rel=1e-6
    )


def test_generator_losses_match_hand_computation():
    assert float(losses.generator_loss_minimax(LOGITS)) == pytest.approx(
        np.mean(np.log(1 - P)), rel=1e-5
    )
    assert float(losses.generator_loss_nonsaturating(LOGITS)) == pytest.approx(
        np.mean(-np.log(P)), rel=1e-5
    )
    assert float(losses.generator_loss(LOGITS, "minimax")) == float(
        losses.generator_loss_minimax(LOGITS)
    )
    with pytest.raises(ValueError, match="must be one of"):
        losses.generator_loss(LOGITS, "wasserstein")


def test_losses_stay_finite_for_extreme_logits():
    extreme = tf.constant([-500.0, 500.0])
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(extreme)
        values = [
            losses.discriminator_loss(extreme, extreme),
            losses.generator_loss_minimax(extreme),
            losses.generator_loss_nonsaturating(extreme),
        ]
    for v in values:
        assert np.isfinite(v.numpy()) and np.all(np.isfinite(tape.gradient(v, extreme).numpy()))
    # the naive version on probabilities breaks, the clamped one does not
    naive = tf.math.log(1.0 - tf.sigmoid(extreme))
    assert not np.all(np.isfinite(naive.numpy()))
    assert np.all(np.isfinite(losses.clamped_log(1.0 - tf.sigmoid(extreme)).numpy()))


def test_minimax_saturates_nonsaturating_does_not():
    """When D confidently rejects fakes (logit -8, D(G(z)) ~ 3e-4), compare d(loss)/d(logit)."""
    logit = tf.constant([-8.0])
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(logit)
        mm, ns = losses.generator_loss_minimax(logit), losses.generator_loss_nonsaturating(logit)
    g_mm, g_ns = float(tape.gradient(mm, logit)[0]), float(tape.gradient(ns, logit)[0])
    assert abs(g_mm) == pytest.approx(1 / (1 + np.exp(8)), rel=1e-4)  # sigmoid(-8)
    assert abs(g_ns) > 0.999 and abs(g_ns) / abs(g_mm) > 1000
