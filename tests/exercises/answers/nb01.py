"""Notebook 01's exercises: right answers written differently, and typical wrong ones.

A row: ``Right("<exercise>", answer, "why")`` or ``Wrong("<exercise>", answer, "message")``
(see ``tests/exercises/answers/__init__.py``); add one line to ``RIGHT`` or ``WRONG``.
"""

import keras
import numpy as np
import tensorflow as tf
from scipy.special import xlogy

import gan_helpers
from answers import Right, Wrong


def _keras_bce(labels_of, from_logits=True, **options):
    """Keras' BinaryCrossentropy against labels_of(logits)."""
    bce = keras.losses.BinaryCrossentropy(from_logits=from_logits, **options)
    return lambda x: bce(labels_of(x), x if from_logits else tf.sigmoid(x))


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


def _keras_smoothed(real, fake):
    bce = keras.losses.BinaryCrossentropy(from_logits=True)
    return bce(tf.fill(tf.shape(real), 0.9), real) + bce(tf.zeros_like(fake), fake)


def _one_mean(real, fake):
    return tf.reduce_mean(
        0.9 * tf.nn.softplus(-real) + 0.1 * tf.nn.softplus(real) + tf.nn.softplus(fake)
    )


def _notebook_04_form(real, fake):
    unsmoothed = tf.reduce_mean(tf.nn.softplus(-real)) + tf.reduce_mean(tf.nn.softplus(fake))
    return unsmoothed + 0.1 * tf.reduce_mean(real)


def _js(p, q):
    m = (p + q) / 2
    return 0.5 * np.sum(xlogy(p, p / m)) + 0.5 * np.sum(xlogy(q, q / m))


def _optimum_swapped(p, q):
    return q / (p + q), -np.log(4) + 2 * _js(p, q)


def _optimum_js_once(p, q):
    return p / (p + q), -np.log(4) + _js(p, q)


def _optimum_in_bits(p, q):
    return p / (p + q), -np.log(4) + 2 * _js(p, q) / np.log(2)


def _optimum_without_log4(p, q):
    return p / (p + q), 2 * _js(p, q)


def _optimum_half(p, q):
    return np.full_like(p, 0.5), -np.log(4)


def _optimum_kl(p, q):
    return p / (p + q), -np.log(4) + 2 * np.sum(xlogy(p, p / q))


def _optimum_log_of_zero(p, q):
    m = (p + q) / 2
    with np.errstate(divide="ignore", invalid="ignore"):
        return p / (p + q), -np.log(4) + np.sum(p * np.log(p / m)) + np.sum(q * np.log(q / m))


def _optimum_with_logs(p, q):
    """The value written out as V(D*, G), not through JS: the same number."""
    d = p / (p + q)
    return d, float(np.sum(xlogy(p, d) + xlogy(q, 1 - d)))


def _alone(swap=False, train_g=False, ignore_loss=False, logits=False, steps_used=None):
    """9d's run with one mistake: the logits swapped, G's variables, discriminator_loss
    hard-coded, logits averaged, or fewer steps than asked."""
    from gan_helpers import lessons
    from gan_helpers.training import random_batch

    lesson = lessons.load("01_vanilla_gan_mnist")

    def train(d_loss, images, steps=100, seed=0):
        gan_helpers.set_seed(seed)
        G, D = lesson.make_generator(), lesson.make_discriminator()
        opt, rng = keras.optimizers.Adam(2e-4, beta_1=0.5), tf.random.Generator.from_seed(seed)
        data, loss_of = tf.constant(images), lesson.discriminator_loss if ignore_loss else d_loss
        trained = G if train_g else D

        @tf.function
        def step():
            real, z = random_batch(data, 64, rng), rng.normal([64, lesson.NOISE_DIM])
            with tf.GradientTape() as tape:
                r, f = D(real, training=True), D(G(z, training=True), training=True)
                loss = loss_of(f, r) if swap else loss_of(r, f)
            grads = tape.gradient(loss, trained.trainable_variables)
            opt.apply_gradients(zip(grads, trained.trainable_variables))

        for _ in range(steps if steps_used is None else steps_used):
            step()
        real, fake = random_batch(data, 512, rng), G(rng.normal([512, lesson.NOISE_DIM]))
        mean = tf.reduce_mean if logits else lesson.mean_prob
        return {"d_real": float(mean(D(real))), "d_fake": float(mean(D(fake)))}

    return train


RIGHT = [
    # discriminator_optimum
    Right("discriminator_optimum", _optimum_with_logs, "V(D*, G) summed directly: the same value"),
    # nonsaturating_loss
    Right(
        "nonsaturating_loss",
        lambda x: -tf.reduce_mean(tf.math.log_sigmoid(x)),
        "log_sigmoid is the stable log of the sigmoid",
        id="log_sigmoid",
    ),
    Right("nonsaturating_loss", _keras_bce(tf.ones_like), "BCE on logits, label 1", id="keras_bce"),
    Right(
        "nonsaturating_loss",
        lambda x: tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(tf.ones_like(x), x)),
        "TensorFlow's cross-entropy on logits, label 1",
        id="sigmoid_cross_entropy",
    ),
    Right(
        "nonsaturating_loss",
        lambda x: tf.reduce_mean(tf.nn.softplus(-tf.cast(x, tf.float64))),
        "float64 inside, a float64 result: the same loss",
        id="float64",
    ),
    Right(
        "nonsaturating_loss",
        lambda x: tf.reduce_mean(tf.nn.relu(-x) + tf.math.log1p(tf.exp(-tf.abs(x)))),
        "the stable formula written out",
        id="stable_formula",
    ),
    # smoothed_discriminator_loss
    Right("smoothed_discriminator_loss", _keras_smoothed, "Keras' BCE, label 0.9, then 0"),
    Right(
        "smoothed_discriminator_loss",
        _one_mean,
        "one mean of the two per-example terms: the same for batches of one size",
    ),
    Right(
        "smoothed_discriminator_loss",
        _notebook_04_form,
        "notebook 04's form: notebook 01's loss plus 0.1 * mean(real_logit)",
    ),
]

WRONG = [
    # nonsaturating_loss
    Wrong(
        "nonsaturating_loss",
        lambda x: -tf.reduce_mean(tf.nn.softplus(x)),
        "the minimax loss",
        id="minimax",
    ),
    Wrong(
        "nonsaturating_loss",
        lambda x: tf.reduce_mean(tf.nn.softplus(x)),
        "Which label do the fakes carry",
        id="label_0",
    ),
    Wrong(
        "nonsaturating_loss",
        lambda x: -tf.reduce_mean(tf.math.log(tf.sigmoid(x))),
        "sigmoid first, then the log",
        id="log_of_sigmoid",
    ),
    Wrong(
        "nonsaturating_loss",
        lambda x: -tf.reduce_mean(tf.math.log(tf.clip_by_value(tf.sigmoid(x), 1e-7, 1.0))),
        "you clamp",
        id="clamped",
    ),
    Wrong(
        "nonsaturating_loss", lambda x: tf.reduce_sum(tf.nn.softplus(-x)), "not the sum", id="sum"
    ),
    Wrong("nonsaturating_loss", lambda x: tf.nn.softplus(-x), "a loss is one number", id="no_mean"),
    Wrong(
        "nonsaturating_loss",
        lambda x: float(np.mean(np.logaddexp(0, -np.asarray(x)))),
        "not a TensorFlow tensor",
        id="numpy_float",
    ),
    # Keras' BinaryCrossentropy on probabilities clamps them to [1e-7, 1 - 1e-7]
    Wrong(
        "nonsaturating_loss",
        _keras_bce(tf.ones_like, from_logits=False),
        "you clamp",
        id="keras_bce_probabilities",
    ),
    # an eps inside the log (value right on moderate logits, no gradient at -120)
    Wrong(
        "nonsaturating_loss",
        lambda x: -tf.reduce_mean(tf.math.log(tf.sigmoid(x) + 1e-8)),
        "an eps added",
        id="eps_in_log",
    ),
    Wrong(
        "nonsaturating_loss",
        lambda x: tf.reduce_mean(tf.nn.softplus(-tf.clip_by_value(x, -20.0, 20.0))),
        "the logit",
        id="clipped_logits",
    ),
    # log(1 + exp(-logit)) overflows at -120 (a different cause than sigmoid-then-log)
    Wrong(
        "nonsaturating_loss",
        lambda x: tf.reduce_mean(tf.math.log(1.0 + tf.exp(-x))),
        "overflows",
        id="log_1_plus_exp",
    ),
    # the notebook's batch size hard-coded as the denominator
    Wrong(
        "nonsaturating_loss",
        lambda x: tf.reduce_sum(tf.nn.softplus(-x)) / 64.0,
        "a fixed 64, not by the batch size",
        id="divided_by_64",
    ),
    # right value, but the gradient is cut
    Wrong(
        "nonsaturating_loss",
        lambda x: tf.stop_gradient(tf.reduce_mean(tf.nn.softplus(-x))),
        "no gradient reaches",
        id="stop_gradient",
    ),
    # smoothed_discriminator_loss
    Wrong(
        "smoothed_discriminator_loss", _smoothed(0.9, 0.1), "smoothing is one-sided", id="0.9_0.1"
    ),
    Wrong("smoothed_discriminator_loss", _smoothed(0.1, 0.0), "Which way round", id="0.1_0"),
    Wrong("smoothed_discriminator_loss", _smoothed(1.0, 0.0), "unsmoothed loss", id="1_0"),
    Wrong(
        "smoothed_discriminator_loss",
        lambda r, f: tf.reduce_mean(0.9 * tf.nn.softplus(-r)) + tf.reduce_mean(tf.nn.softplus(f)),
        "misses the term",
        id="no_0.1_term",
    ),
    Wrong("smoothed_discriminator_loss", _keras_on_both, "half the right one"),
    Wrong("smoothed_discriminator_loss", _on_probabilities, "sigmoid first, then the log"),
    # the clamp that an older check let through (it only tested finiteness)
    Wrong("smoothed_discriminator_loss", _clamped, "you clamp"),
    # clamped on the fakes only: caught by the gradient with respect to the fake logits
    Wrong(
        "smoothed_discriminator_loss",
        _fakes_clamped,
        "at a fake logit of 120 your loss has gradient 0",
    ),
    # Keras' label_smoothing=0.1 gives the real images 0.95, not 0.9
    Wrong(
        "smoothed_discriminator_loss",
        _keras_label_smoothing,
        "label_smoothing=0.1 moves every label",
    ),
    Wrong("smoothed_discriminator_loss", _sums, "sums over each batch"),
    Wrong(
        "smoothed_discriminator_loss",
        lambda r, f: _sums(r, f) / 64.0,
        "a fixed 64, not by the batch size",
        id="divided_by_64",
    ),
    # discriminator_optimum
    Wrong("discriminator_optimum", _optimum_swapped, "p_data goes on top"),
    Wrong("discriminator_optimum", _optimum_half, "D* = 1/2 only where"),
    Wrong("discriminator_optimum", _optimum_js_once, "the 2 of Theorem 1"),
    Wrong("discriminator_optimum", _optimum_in_bits, "in bits"),
    Wrong("discriminator_optimum", _optimum_without_log4, "you left out -log 4"),
    Wrong("discriminator_optimum", _optimum_kl, "KL(p_data || p_g) is not JS"),
    Wrong("discriminator_optimum", _optimum_log_of_zero, "0 log 0 = 0"),
    # train_discriminator_alone: each trains 2 x 100 D steps (a few seconds)
    Wrong("train_discriminator_alone", _alone(swap=True), "in the wrong order", id="swapped"),
    Wrong("train_discriminator_alone", _alone(train_g=True), "has not learned", id="g_variables"),
    Wrong("train_discriminator_alone", _alone(ignore_loss=True), "ignore d_loss", id="own_loss"),
    Wrong("train_discriminator_alone", _alone(logits=True), "average the logits", id="logits"),
    Wrong(
        "train_discriminator_alone", _alone(steps_used=10), "far from the check's", id="10_steps"
    ),
]
