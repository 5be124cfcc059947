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
}
