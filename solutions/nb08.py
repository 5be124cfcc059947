"""Reference solutions of notebook 08 (the conditional GAN): its section 9, Exercises."""

import keras
import tensorflow as tf

import gan_helpers
from gan_helpers import lessons

# the notebook's constant (the solutions' source uses it as the notebook does)
NUM_CLASSES = lessons.load("08_conditional_gan").NUM_CLASSES


def generator_input(z, digits):
    """z (n, NOISE_DIM) and the digits' one-hot rows (n, 10), side by side: (n, NOISE_DIM + 10)."""
    labels = tf.one_hot(digits, NUM_CLASSES)
    # axis 1: the columns; each row stays one example
    return tf.concat([tf.cast(z, tf.float32), labels], axis=1)


# 10 more inputs to the generator's first Dense layer (no bias), each with a weight to every one
# of its 7 * 7 * 64 units
extra_generator_parameters = 10 * 7 * 7 * 64

# the label picks the class vector e_y, which only the projection term uses
label_changes = "projection"


def train_label_reader(images, labels, steps=50, seed=0):
    """D alone: each image with its own label is 'real', with a wrong label 'fake'."""
    lesson = lessons.load("08_conditional_gan")
    gan_helpers.set_seed(seed)
    D = lesson.make_projection_discriminator()
    d_opt = keras.optimizers.Adam(lesson.LEARNING_RATE, beta_1=0.5)
    rng = tf.random.Generator.from_seed(seed)
    data, data_labels = tf.constant(images), lesson.one_hot(labels)
    n = lesson.BATCH_SIZE

    @tf.function
    def d_step():
        real, real_y = lesson.real_batch_with_labels(data, data_labels, n, rng)
        # a wrong digit for every image: its own plus 1 to 9, mod 10
        digit = tf.argmax(real_y, axis=1, output_type=tf.int32)
        shift = rng.uniform([n], 1, NUM_CLASSES, dtype=tf.int32)
        wrong_y = lesson.one_hot((digit + shift) % NUM_CLASSES)
        with tf.GradientTape() as tape:
            real_logits = D([real, real_y], training=True)
            wrong_logits = D([real, wrong_y], training=True)
            loss = lesson.discriminator_loss(real_logits, wrong_logits)
        grads = tape.gradient(loss, D.trainable_variables)
        d_opt.apply_gradients(zip(grads, D.trainable_variables))

    for _ in range(steps):
        d_step()
    return D


NOTES = {
    "generator_input": (
        "Practises: what a conditional generator's input is (z, then a one-hot label, along the "
        "columns). Typical mistakes: the digit as one number, one-hot of depth max(digits) + 1 "
        "or 11, digits - 1 (one column off), -1/+1 labels, concatenating along axis 0, the label "
        "before z, a batch size written in or a squeeze (a batch of one fails)."
    ),
    "extra_generator_parameters": (
        "Practises: where the label's information enters G (the first Dense layer's weights, "
        "31,360). Typical mistakes: 0 (Concatenate has no weights), 10 (the inputs only), 3,136 "
        "(one input), 31,370 (biases the layer does not have), 640 (NOISE_DIM for the units)."
    ),
    "label_changes": (
        "Practises: the projection discriminator's two terms; only e_y·φ(x) reads the label. "
        "Typical mistakes: 'both', 'real_or_fake'."
    ),
    "train_label_reader": (
        "Practises: a training step written with the lesson's pieces (make_projection_"
        "discriminator, real_batch_with_labels, one_hot, discriminator_loss), and reading the "
        "result: trained only to tell an image's own label from a wrong one, the projection D "
        "becomes a digit classifier (argmax over the 10 labels of its logit), 62-70% right "
        "on real MNIST and 73-77% on the fallback digits after 50 steps (base seeds 0-2), "
        "against 10% by chance. "
        "Typical mistakes: the two logits swapped in discriminator_loss (D prefers wrong "
        "labels, ~0%), 'wrong' labels that can equal the true one or always do (no shift), no "
        "training, returning a number instead of D."
    ),
}
