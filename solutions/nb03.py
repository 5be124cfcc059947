"""Reference solutions of the exercises of notebook 03 (a 1-D toy GAN), section 8."""

import keras
import numpy as np
import tensorflow as tf

import gan_helpers
from gan_helpers import lessons

# the notebook's own names, which the instructor's copy uses as they stand
_toy = lessons.load("03_toy_gaussian_gan")
make_discriminator, discriminator_loss = _toy.make_discriminator, _toy.discriminator_loss
BATCH_SIZE = _toy.BATCH_SIZE


def w1_distance(a, b):
    """W1 between two 1-D samples of the same size: the mean gap between the sorted samples."""
    return float(np.mean(np.abs(np.sort(a) - np.sort(b))))


def train_toy_discriminator(shift, steps=200, seed=0):
    """The sigmoid D trained alone, real N(0, 1) against fakes N(shift, 1); returns D."""
    gan_helpers.set_seed(seed)
    D = make_discriminator("sigmoid")
    d_opt = keras.optimizers.Adam(1e-3)
    rng = tf.random.Generator.from_seed(seed)

    @tf.function
    def d_step():
        x = rng.normal((BATCH_SIZE, 1))
        fake = rng.normal((BATCH_SIZE, 1)) + shift
        with tf.GradientTape() as tape:
            loss = discriminator_loss(D(x, training=True), D(fake, training=True))
        grads = tape.gradient(loss, D.trainable_variables)
        d_opt.apply_gradients(zip(grads, D.trainable_variables))

    for _ in range(steps):
        d_step()
    return D


unused_noise_rows = "exactly 0"

NOTES = {
    "w1_distance": (
        "Practises: what W1 measures in 1-D, the area between the CDFs = the mean gap between "
        "sorted samples of equal size. Typical mistakes: not sorting (or sorting one sample, or "
        "the two in opposite orders), comparing means or averaging signed gaps, squaring the "
        "gaps (W2), dividing by n - 1 or by a fixed 1,000, the largest or the median gap."
    ),
    "train_toy_discriminator": (
        "Practises: a small training run in section 3's d_step shape (one tape, D's variables "
        "only) against a generator held fixed, g(z) = z + shift as in section 8, and reading it "
        "against the theory: after 200 steps D is near D* = p_data / (p_data + p_g) but not on "
        "it (the check prints E|D - D*| before and after). Typical mistakes: d_real and d_fake "
        "swapped (D near 1 - D*), the gradients never applied or applied to nothing, fakes "
        "without the shift (D stays near 1/2), a hard-coded shift, too few steps."
    ),
    "unused_noise_rows": (
        "Practises: section 7's trick (one cached 16-input G for every noise_dim): a zero input "
        "gives its kernel row a zero gradient, and Adam's step is then 0 / (0 + eps) = 0. Typical "
        "mistake: 'tiny', thinking eps or rounding moves them."
    ),
}
