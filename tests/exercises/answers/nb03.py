"""Notebook 03's exercises: right answers written differently, and typical wrong ones.

A row: ``Right("<exercise>", answer, "why")`` or ``Wrong("<exercise>", answer, "message")``
(see ``tests/exercises/answers/__init__.py``); add one line to ``RIGHT`` or ``WRONG``.
"""

import keras
import numpy as np
import tensorflow as tf

import gan_helpers
from answers import Right, Wrong


def _gaps(a, b):
    return np.abs(np.sort(a) - np.sort(b))


def _alone(swap=False, apply=True, shifted=True, shift_used=None, steps_used=None):
    """9b's run with one mistake: the two batches swapped, no update, fakes not shifted, a
    hard-coded shift, or fewer steps than asked."""
    from gan_helpers import lessons

    lesson = lessons.load("03_toy_gaussian_gan")

    def train(shift, steps=200, seed=0):
        gan_helpers.set_seed(seed)
        D, d_opt = lesson.make_discriminator("sigmoid"), keras.optimizers.Adam(1e-3)
        rng, n = tf.random.Generator.from_seed(seed), lesson.BATCH_SIZE
        moved = shift if shift_used is None else shift_used

        @tf.function
        def step():
            x, fake = rng.normal((n, 1)), rng.normal((n, 1)) + (moved if shifted else 0.0)
            with tf.GradientTape() as tape:
                d_real, d_fake = D(x, training=True), D(fake, training=True)
                loss = lesson.discriminator_loss(*((d_fake, d_real) if swap else (d_real, d_fake)))
            if apply:
                d_opt.apply_gradients(
                    zip(tape.gradient(loss, D.trainable_variables), D.trainable_variables)
                )

        for _ in range(steps if steps_used is None else steps_used):
            step()
        return D

    return train


RIGHT = [
    # w1_distance
    Right(
        "w1_distance",
        lambda a, b: np.mean(np.abs(np.sort(a.astype(np.float32)) - np.sort(b.astype(np.float32)))),
        "float32 arithmetic, a np.float32 result",
        id="float32",
    ),
    Right(
        "w1_distance",
        lambda a, b: tf.reduce_mean(tf.abs(tf.sort(a) - tf.sort(b))),
        "a TensorFlow scalar",
        id="tensorflow",
    ),
    Right(
        "w1_distance",
        lambda a, b: np.mean(_gaps(a, b)),
        "a NumPy float64, not a Python float",
        id="numpy_float64",
    ),
    Right(
        "w1_distance",
        lambda a, b: sum(abs(x - y) for x, y in zip(sorted(a), sorted(b))) / len(a),
        "plain Python",
        id="python",
    ),
    # unused_noise_rows: any spelling
    Right("unused_noise_rows", "Exactly 0", "capitalised"),
    Right("unused_noise_rows", "exactly zero", "in words"),
]

WRONG = [
    # w1_distance
    Wrong(
        "w1_distance",
        lambda a, b: float(np.mean(np.abs(a - b))),
        "without sorting",
        id="unsorted",
    ),
    Wrong(
        "w1_distance",
        lambda a, b: float(np.mean(np.abs(np.sort(a) - b))),
        "you sort only the first sample",
        id="first_sorted",
    ),
    Wrong(
        "w1_distance",
        lambda a, b: float(abs(np.mean(a) - np.mean(b))),
        "you compare the means",
        id="means",
    ),
    Wrong(
        "w1_distance",
        lambda a, b: float(np.sqrt(np.mean((np.sort(a) - np.sort(b)) ** 2))),
        "not their squares",
        id="w2",
    ),
    Wrong(
        "w1_distance",
        lambda a, b: float(np.mean((np.sort(a) - np.sort(b)) ** 2)),
        "W2 squared",
        id="w2_squared",
    ),
    Wrong("w1_distance", lambda a, b: _gaps(a, b), "it should be one number", id="gaps"),
    Wrong(
        "w1_distance",
        lambda a, b: float(np.median(_gaps(a, b))),
        "the median gap",
        id="median",
    ),
    # an older check's sample size, 1,000, hard-coded
    Wrong(
        "w1_distance",
        lambda a, b: float(np.sum(_gaps(a, b)) / 1000),
        "a fixed 1000, not by the sample size",
        id="divided_by_1000",
    ),
    # n - 1, off by 0.1% at n = 1,000 but not at n = 7
    Wrong(
        "w1_distance",
        lambda a, b: float(np.sum(_gaps(a, b)) / (len(a) - 1)),
        "you divide by n - 1",
        id="n_minus_1",
    ),
    Wrong(
        "w1_distance",
        lambda a, b: float(np.mean(np.abs(np.sort(a) - np.sort(b)[::-1]))),
        "opposite orders",
        id="opposite_orders",
    ),
    Wrong(
        "w1_distance",
        lambda a, b: float(np.mean(np.sort(a) - np.sort(b))),
        "signed gaps",
        id="signed",
    ),
    Wrong("w1_distance", lambda a, b: float(np.max(_gaps(a, b))), "the largest gap", id="max"),
    # k read the other way round
    # k added instead of multiplied
    # unused_noise_rows; other spellings get the message of their cause
    Wrong("unused_noise_rows", "tiny", "eps only prevents a division by zero"),
    Wrong("unused_noise_rows", "like the others", "Adam's moments m and v stay 0"),
    Wrong("unused_noise_rows", 0, "answer one of"),
    Wrong("unused_noise_rows", "Tiny", "eps only prevents a division by zero"),
    Wrong("unused_noise_rows", " Like the others", "a row learns from its input"),
    Wrong("unused_noise_rows", "zero", "answer one of"),
    # train_toy_discriminator: each trains 2 x 200 steps of the 1-D D (a few seconds)
    Wrong("train_toy_discriminator", _alone(swap=True), "close to 1 - D*", id="swapped"),
    Wrong("train_toy_discriminator", _alone(apply=False), "hardly nearer D*", id="no_update"),
    Wrong("train_toy_discriminator", _alone(shifted=False), "hardly nearer D*", id="no_shift"),
    Wrong(
        "train_toy_discriminator", _alone(shift_used=1.5), "much further from D*", id="shift_1.5"
    ),
    Wrong("train_toy_discriminator", _alone(steps_used=5), "hardly nearer D*", id="5_steps"),
    Wrong(
        "train_toy_discriminator",
        lambda shift, steps=200, seed=0: None,
        "should return the trained D",
        id="returns_none",
    ),
]
