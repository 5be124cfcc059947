"""Notebook 08's exercises: right answers written differently, and typical wrong ones.

A row: ``Right("<exercise>", answer, "why")`` or ``Wrong("<exercise>", answer, "message")``
(see ``tests/exercises/answers/__init__.py``); add one line to ``RIGHT`` or ``WRONG``.
"""

import numpy as np
import tensorflow as tf

from answers import Right, Wrong


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


def _reader(swap=False, shift=(1, 10), steps_done=None, returns=None):
    """train_label_reader with one typical mistake: logits swapped, labels not shifted, ..."""
    import keras

    import gan_helpers
    from gan_helpers import lessons

    def train_label_reader(images, labels, steps=50, seed=0):
        lesson = lessons.load("08_conditional_gan")
        gan_helpers.set_seed(seed)
        D = lesson.make_projection_discriminator()
        d_opt = keras.optimizers.Adam(lesson.LEARNING_RATE, beta_1=0.5)
        rng = tf.random.Generator.from_seed(seed)
        data, data_labels = tf.constant(images), lesson.one_hot(labels)

        @tf.function
        def d_step():
            real, real_y = lesson.real_batch_with_labels(data, data_labels, 64, rng)
            digit = tf.argmax(real_y, axis=1, output_type=tf.int32)
            other = (digit + rng.uniform([64], *shift, dtype=tf.int32)) % 10
            with tf.GradientTape() as tape:
                logits = [D([real, real_y]), D([real, lesson.one_hot(other)])]
                loss = lesson.discriminator_loss(*(logits[::-1] if swap else logits))
            grads = tape.gradient(loss, D.trainable_variables)
            d_opt.apply_gradients(zip(grads, D.trainable_variables))

        for _ in range(steps if steps_done is None else steps_done):
            d_step()
        return D if returns is None else returns

    return train_label_reader


RIGHT = [
    # generator_input: TensorFlow or NumPy
    # train_label_reader: a random wrong digit that is sometimes the right one still teaches D
    Right("train_label_reader", _reader(shift=(0, 10)), "any random digit", id="any_digit"),
    Right(
        "generator_input",
        lambda z, digits: np.concatenate([z, np.eye(10)[digits]], axis=1),
        "rows of the identity are one-hot vectors",
        id="np_eye",
    ),
    Right(
        "generator_input",
        lambda z, digits: tf.concat([z, tf.one_hot(digits, 10)], axis=-1),
        "tf.one_hot, the last axis",
        id="tf_one_hot",
    ),
    Right(
        "generator_input",
        lambda z, digits: np.hstack([z, np.eye(10, dtype=int)[digits]]),
        "hstack, integer one-hots",
        id="np_hstack_int",
    ),
    # extra_generator_parameters: any number type
    Right("extra_generator_parameters", 31360, "an int"),
    Right("extra_generator_parameters", 31360.0, "a float"),
    Right("extra_generator_parameters", np.int64(31360), "a NumPy int64"),
    Right("extra_generator_parameters", 10 * 7 * 7 * 64, "the product", id="10*7*7*64"),
    # label_changes: any spelling
    Right("label_changes", "Projection", "capitalised"),
    Right("label_changes", " projection ", "spaces around"),
]

WRONG = [
    # generator_input
    Wrong("generator_input", _digit_as_number, "instead of a one-hot vector"),
    Wrong("generator_input", _depth_from_batch, "whichever digits the batch holds"),
    Wrong("generator_input", _axis_0, "which axis?"),
    Wrong("generator_input", _label_first, "the label comes first"),
    Wrong("generator_input", _noise_rescaled, "leave the noise as it is"),
    # digit d in column d - 1 (TensorFlow leaves digit 0 with no 1 at all)
    Wrong("generator_input", _shifted, "one column left of its digit"),
    Wrong("generator_input", _plus_minus_one, "your labels hold -1s"),
    # tf.squeeze drops the batch axis of a batch of one
    Wrong("generator_input", _squeezed, "does a squeeze drop the batch axis"),
    # the notebook's batch size written in (an older check used batches of 10 and 6)
    Wrong("generator_input", _batch_64, "works for a batch of 64 digits 0-9 but fails"),
    Wrong("generator_input", _depth_11, "not 11"),
    # extra_generator_parameters
    Wrong("extra_generator_parameters", 0, "Concatenate has no weights"),
    Wrong("extra_generator_parameters", 10, "each connects to every unit"),
    Wrong(
        "extra_generator_parameters",
        74 * 3136,
        "all of the first Dense layer's weights",
        id="74*3136",
    ),
    Wrong("extra_generator_parameters", 3.5, "whole number"),
    # biases counted for the new inputs
    Wrong("extra_generator_parameters", 31360 + 10, "no extra biases", id="31360+10"),
    Wrong("extra_generator_parameters", 3136, "one input's weights"),
    # NOISE_DIM in place of the Dense layer's units
    Wrong("extra_generator_parameters", 640, "not to the 64 noise numbers"),
    Wrong("extra_generator_parameters", -31360, "MORE parameters"),
    # label_changes; other spellings get their cause's message
    Wrong("label_changes", "both", "computed from the image alone"),
    Wrong("label_changes", "real_or_fake", "which term is e_y in?"),
    Wrong("label_changes", "the label", "answer one of"),
    Wrong("label_changes", "Both", "computed from the image alone"),
    Wrong("label_changes", "real or fake", "which term is e_y in?"),
    Wrong("label_changes", "neither", "e_y·φ(x) changes with it"),
    # train_label_reader
    Wrong("train_label_reader", _reader(swap=True), "prefers the wrong labels", id="swapped"),
    Wrong("train_label_reader", _reader(shift=(0, 1)), "never different", id="no_shift"),
    Wrong("train_label_reader", _reader(steps_done=0), "has not learned", id="untrained"),
    Wrong("train_label_reader", _reader(returns=0.6), "return the trained", id="a_number"),
]
