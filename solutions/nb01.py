"""Reference solutions of the exercises of notebook 01 (a vanilla GAN on MNIST), section 9."""

import keras
import numpy as np
import tensorflow as tf

import gan_helpers
from gan_helpers import lessons
from gan_helpers.training import random_batch

# the notebook's own names, which the instructor's copy uses as they stand
_vanilla = lessons.load("01_vanilla_gan_mnist")
make_generator, make_discriminator = _vanilla.make_generator, _vanilla.make_discriminator
mean_prob, BATCH_SIZE, NOISE_DIM = _vanilla.mean_prob, _vanilla.BATCH_SIZE, _vanilla.NOISE_DIM


def nonsaturating_loss(fake_logits):
    """-log D(G(z)) on logits: the batch mean of softplus(-fake_logits)."""
    return tf.reduce_mean(tf.nn.softplus(-fake_logits))


def smoothed_discriminator_loss(real_logits, fake_logits):
    """D's loss with one-sided label smoothing: real images carry the label 0.9, fakes 0."""
    real_term = 0.9 * tf.nn.softplus(-real_logits) + 0.1 * tf.nn.softplus(real_logits)
    return tf.reduce_mean(real_term) + tf.reduce_mean(tf.nn.softplus(fake_logits))


def discriminator_optimum(p_data, p_g):
    """D* = p_data / (p_data + p_g) at every point, and V(D*, G) = -log 4 + 2 JS(p_data || p_g)."""
    from scipy.special import xlogy

    d_star = p_data / (p_data + p_g)
    mixture = (p_data + p_g) / 2
    js = 0.5 * np.sum(xlogy(p_data, p_data / mixture)) + 0.5 * np.sum(xlogy(p_g, p_g / mixture))
    return d_star, float(-np.log(4) + 2 * js)


def train_discriminator_alone(d_loss, images, steps=100, seed=0):
    """Train a fresh D against a fresh, fixed G with d_loss; then mean D(x) and D(G(z))."""
    gan_helpers.set_seed(seed)
    G, D = make_generator(), make_discriminator()
    d_opt = keras.optimizers.Adam(2e-4, beta_1=0.5)
    rng = tf.random.Generator.from_seed(seed)
    data = tf.constant(images)

    @tf.function
    def d_step():
        real = random_batch(data, BATCH_SIZE, rng)
        z = rng.normal([BATCH_SIZE, NOISE_DIM])
        with tf.GradientTape() as tape:
            loss = d_loss(D(real, training=True), D(G(z, training=True), training=True))
        grads = tape.gradient(loss, D.trainable_variables)
        d_opt.apply_gradients(zip(grads, D.trainable_variables))

    for _ in range(steps):
        d_step()
    real, fake = random_batch(data, 512, rng), G(rng.normal([512, NOISE_DIM]))
    return {
        "d_real": float(mean_prob(D(real))),
        "d_fake": float(mean_prob(D(fake))),
    }


NOTES = {
    "nonsaturating_loss": (
        "Practises: writing -log D(G(z)) on logits as softplus(-logit). Typical mistakes: the "
        "minimax sign (-softplus(logit)), the fakes' label 0 (softplus(logit)), sigmoid then log "
        "(inf at logit -120), log(1 + exp(-logit)) (exp overflows), a clamp in any form (clipped "
        "probability, an eps in the log, clipped logits, Keras' BinaryCrossentropy without "
        "from_logits: no gradient at -120), a sum or a sum over a fixed 64 instead of a mean."
    ),
    "smoothed_discriminator_loss": (
        "Practises: cross-entropy with a soft label on logits, y softplus(-l) + (1 - y) "
        "softplus(l), and one-sided smoothing (Salimans et al. 2016). Typical mistakes: smoothing "
        "the fakes too, the label 0.1 for real images, Keras' label_smoothing=0.1 (real target "
        "0.95), dropping the (1 - y) term, sigmoid then log, clamped probabilities (flat at the "
        "extremes, on the real or the fake side), sums instead of means."
    ),
    "discriminator_optimum": (
        "Practises: Goodfellow et al. (2014), Proposition 1 and Theorem 1, on distributions on a "
        "few points: maximise p_data log D + p_g log(1 - D) point by point (derivative "
        "p_data / D - p_g / (1 - D) = 0, so D* = p_data / (p_data + p_g)), plug D* in and "
        "rewrite both sums as KL divergences to M = (p_data + p_g) / 2: V(D*, G) = -log 4 + "
        "KL(p_data || M) + KL(p_g || M) = -log 4 + 2 JS. Typical mistakes: D* upside down "
        "(p_g on top), the density ratio p_data / p_g, -log 4 + JS (the factor 2 lost), JS in "
        "bits, -log 4 alone or 2 JS alone, KL(p_data || p_g) for JS, log(0) = nan where one "
        "distribution is 0 (use xlogy or np.where)."
    ),
    "train_discriminator_alone": (
        "Practises: a small training run written from section 4's d_step (one tape, D's "
        "variables only, Adam(2e-4, beta_1=0.5)), measured after training, and read: against "
        "an untrained G, D with target 1 wins outright (D(x) -> 1, D(G(z)) -> 0), while 9b's "
        "smoothed loss, minimised at sigmoid(l) = 0.9, holds D(x) at 0.9. Typical mistakes: "
        "gradients applied to G's variables (D learns nothing), real and fake logits swapped, "
        "ignoring d_loss (discriminator_loss hard-coded), averaging logits instead of "
        "probabilities, measuring before training or training fewer steps."
    ),
}
