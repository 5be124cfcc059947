"""The small MLP generator and discriminator used by notebook 01, the tests and the benchmark.

Sized for a laptop CPU: about 0.6 M parameters in total, so a few thousand steps take a minute or
two. The discriminator returns a **logit** (no sigmoid): ``gan_helpers.losses`` turns it into
numerically safe log-probabilities.
"""

from __future__ import annotations

import keras


def mlp_generator(noise_dim: int = 64, hidden: tuple[int, ...] = (256, 512),
                  image_shape: tuple[int, ...] = (28, 28, 1)) -> keras.Sequential:
    """z (noise_dim) -> Dense + LeakyReLU layers -> Dense(prod(image_shape), tanh) -> image in [-1, 1]."""
    size = 1
    for d in image_shape:
        size *= d
    layers = [keras.Input((noise_dim,))]
    for units in hidden:
        layers += [keras.layers.Dense(units), keras.layers.LeakyReLU(0.2)]
    layers += [keras.layers.Dense(size, activation="tanh"), keras.layers.Reshape(image_shape)]
    return keras.Sequential(layers, name="generator")


def mlp_discriminator(hidden: tuple[int, ...] = (512, 256),
                      image_shape: tuple[int, ...] = (28, 28, 1)) -> keras.Sequential:
    """image -> Flatten -> Dense + LeakyReLU layers -> Dense(1): one logit per image."""
    layers = [keras.Input(image_shape), keras.layers.Flatten()]
    for units in hidden:
        layers += [keras.layers.Dense(units), keras.layers.LeakyReLU(0.2)]
    layers += [keras.layers.Dense(1)]
    return keras.Sequential(layers, name="discriminator")
