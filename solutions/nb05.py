"""Reference solutions of the exercises of notebook 05 (Wasserstein GANs), section 10."""

import keras
import numpy as np
import tensorflow as tf
from scipy.stats import norm

import gan_helpers
from gan_helpers import lessons

# the notebook's names these solutions use
GP_WEIGHT, CLIP = 10.0, 0.01


def wgan_gp_penalty(critic, real, fake, weight=GP_WEIGHT):
    """weight * mean((|grad f(x_hat)| - 1)^2), one alpha ~ U(0, 1) per sample."""
    real = tf.convert_to_tensor(real)
    fake = tf.convert_to_tensor(fake, dtype=real.dtype)
    alpha = tf.random.uniform([tf.shape(real)[0]] + [1] * (real.shape.rank - 1))
    x_hat = alpha * real + (1.0 - alpha) * fake
    with tf.GradientTape() as tape:
        tape.watch(x_hat)
        scores = critic(x_hat, training=True)
    grads = tape.gradient(scores, x_hat)
    squares = tf.reduce_sum(tf.square(grads), axis=list(range(1, real.shape.rank)))
    # eps under the root: a finite gradient where a sample's input gradient is 0
    norms = tf.sqrt(squares + 1e-12)
    return weight * tf.reduce_mean(tf.square(norms - 1.0))


def clip_critic(critic, c=CLIP):
    """Clip every trainable weight of the critic to [-c, c], in place."""
    for variable in critic.trainable_variables:
        variable.assign(tf.clip_by_value(variable, -c, c))


def w1_gaussians(mean, std):
    """W1(N(0, 1), N(mean, std^2)) = E|a + b Z|, a = mean, b = std - 1: a folded normal's mean."""
    a, b = mean, abs(std - 1)
    if b == 0:
        return abs(a)
    return a * (1 - 2 * norm.cdf(-a / b)) + 2 * b * norm.pdf(a / b)


def w1_by_critic(mean, std, seed):
    """Train a small critic with notebook 05's gradient-penalty step against a fixed generator
    N(mean, std^2), real data N(0, 1); its W estimate averaged over the last 100 steps."""
    wgan = lessons.load("05_wgan")
    gan_helpers.set_seed(seed)
    G = keras.Sequential([keras.Input((wgan.NOISE_DIM,)), keras.layers.Dense(1)])
    kernel = np.zeros((wgan.NOISE_DIM, 1), "float32")
    kernel[0, 0] = std
    G.layers[0].set_weights([kernel, np.array([mean], "float32")])
    hidden = [keras.layers.Dense(64, activation="relu") for _ in range(2)]
    C = keras.Sequential([keras.Input((1,)), *hidden, keras.layers.Dense(1)])
    real = np.random.default_rng(seed).normal(size=(4096, 1)).astype("float32")
    c_opt = keras.optimizers.Adam(1e-3, beta_1=0.5, beta_2=0.9)
    rng = tf.random.Generator.from_seed(seed)
    d_step, _ = wgan.make_gp_steps(G, C, None, c_opt, real, rng, batch_size=256)
    # G is held fixed: its step does nothing
    loop = wgan.TrainingLoop(d_step, lambda: {"held": tf.constant(0.0)}, k=1)
    history = loop.train(400, chunk=100, verbose=False)
    return history.mean_of_last(100)["w_estimate"]


NOTES = {
    "wgan_gp_penalty": (
        "Practises: section 7's penalty from scratch: alpha ~ U(0, 1) per sample, x_hat on the "
        "segment, a watched input-gradient tape, the norm per sample, eps under the root. Typical "
        "mistakes: alpha from a normal distribution, per pixel or one for the batch, the same "
        "alphas on every call (a fixed seed), penalising |grad| or |grad|^2 instead of "
        "(|grad| - 1)^2, a one-sided penalty, one norm for the whole batch or a norm over the "
        "wrong axes, the gradient of the mean score, GP_WEIGHT instead of weight, a sum over the "
        "batch, no tape.watch, no eps (NaN gradient for a flat critic), numpy inside or "
        "tf.stop_gradient (no gradient to the critic)."
    ),
    "clip_critic": (
        "Practises: the original WGAN's constraint, in place on trainable_variables only. "
        "Typical mistakes: tf.clip_by_value without assign (nothing happens), critic.weights or "
        "get_weights() (clips BatchNormalization's moving statistics too), [0, c], the bounds "
        "swapped or sign(v) * c (every weight at the bound: a frozen critic), tf.clip_by_norm, "
        "BatchNormalization's gamma and beta left out, the constant CLIP instead of c."
    ),
    "w1_gaussians": (
        "Practises: the 1-D optimal coupling (quantile against quantile, notebook 03's sorted "
        "samples) turned into a closed form, W1 = E|m + (s − 1)Z| = a(1 − 2Φ(−a/|b|)) + "
        "2|b|φ(a/|b|), checked against a quadrature of the quantile gap. Typical mistakes: "
        "|m| + |s − 1|·√(2/π) (the triangle bound), the shift or the spread alone, W2's "
        "√(m² + (s − 1)²), E|Z| = 1, b without its absolute value, the variance for the std, a "
        "division by zero at s = 1."
    ),
    "w1_by_critic": (
        "Practises: training the notebook's own WGAN-GP critic step (make_gp_steps) with a "
        "fixed generator and reading the Kantorovich-Rubinstein dual off it: the estimate lands "
        "near W1 (measured 0.77-1.11 W1 for N(2, 1), 0.84-1.08 for N(1, 0.5²), base seeds 0-2: "
        "the soft penalty lets the slope exceed 1 a little, 400 steps leave some critics "
        "short). Typical mistakes: the penalty left out (the estimate runs away: about 170 for "
        "W1 = 2), a clipped critic (about 0.001: W1 times a tiny Lipschitz constant), returning "
        "the critic's loss (negative), too few steps."
    ),
}
