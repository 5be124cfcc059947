"""Reference solutions of notebook 08 (the conditional GAN): its section 9, Exercises."""

import tensorflow as tf

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

NOTES = {
    "generator_input": (
        "Practises: what a conditional generator's input is (z, then a one-hot label, along the "
        "columns). Typical mistakes: the digit as one number, one-hot of depth max(digits) + 1, "
        "concatenating along axis 0, the label before z."
    ),
    "extra_generator_parameters": (
        "Practises: where the label's information enters G (the first Dense layer's weights, "
        "31,360). Typical mistakes: 0 (Concatenate has no weights), 10 (the inputs only)."
    ),
    "label_changes": (
        "Practises: the projection discriminator's two terms; only e_y·φ(x) reads the label. "
        "Typical mistakes: 'both', 'real_or_fake'."
    ),
}
