"""The networks the notebooks share: a small MLP pair (notebook 01, the tests, the benchmark) and a
DCGAN pair (notebook 05; notebook 04 builds the same networks layer by layer).

Sized for a laptop CPU: the MLP pair has about 0.6 M parameters in total, so a few thousand steps
take a minute or two. The discriminator returns a **logit** (no sigmoid): ``gan_helpers.losses`` turns it into
numerically safe log-probabilities.
"""

from __future__ import annotations

import keras


def mlp_generator(
    noise_dim: int = 64,
    hidden: tuple[int, ...] = (256, 512),
    image_shape: tuple[int, ...] = (28, 28, 1),
) -> keras.Sequential:
    """z (noise_dim) -> Dense + LeakyReLU layers -> Dense(prod(image_shape), tanh) -> image in [-1, 1]."""
    size = 1
    for d in image_shape:
        size *= d
    layers = [keras.Input((noise_dim,))]
    for units in hidden:
        layers += [keras.layers.Dense(units), keras.layers.LeakyReLU(0.2)]
    layers += [keras.layers.Dense(size, activation="tanh"), keras.layers.Reshape(image_shape)]
    return keras.Sequential(layers, name="generator")


def mlp_discriminator(
    hidden: tuple[int, ...] = (512, 256), image_shape: tuple[int, ...] = (28, 28, 1)
) -> keras.Sequential:
    """image -> Flatten -> Dense + LeakyReLU layers -> Dense(1): one logit per image."""
    layers = [keras.Input(image_shape), keras.layers.Flatten()]
    for units in hidden:
        layers += [keras.layers.Dense(units), keras.layers.LeakyReLU(0.2)]
    layers += [keras.layers.Dense(1)]
    return keras.Sequential(layers, name="discriminator")


# --- DCGAN-style convolutional networks (built step by step in notebook 04; imported by notebook 05) ---
def dcgan_generator(
    noise_dim: int = 64,
    filters: int = 32,
    kernel_size: int = 5,
    image_shape: tuple[int, int, int] = (28, 28, 1),
) -> keras.Sequential:
    """z -> Dense(7*7*2f) -> BN -> ReLU -> reshape -> ConvT(f, stride 2) -> BN -> ReLU -> ConvT(1, stride 2, tanh).

    The DCGAN recipe (Radford et al., 2015) sized for a CPU: the generator that notebook 04 writes out
    layer by layer (``make_generator`` there), packaged for notebook 05. Two transposed convolutions
    double the size twice, 7x7 -> 14x14 -> 28x28. Layers followed by
    BatchNormalization have ``use_bias=False`` (BN's own offset replaces the bias). BN uses
    ``momentum=0.9`` so that its running statistics, used with ``training=False``, settle within a
    few dozen steps. The ``tanh`` output lies in [-1, 1], the range of the data.
    """
    if image_shape[:2] != (28, 28) or noise_dim < 1 or filters < 1:
        raise ValueError(
            "dcgan_generator makes 28x28 images from noise_dim >= 1 with filters >= 1; "
            f"got image_shape={image_shape}, noise_dim={noise_dim}, filters={filters}"
        )
    layers = keras.layers
    return keras.Sequential(
        [
            keras.Input((noise_dim,)),
            layers.Dense(7 * 7 * 2 * filters, use_bias=False),
            layers.BatchNormalization(momentum=0.9),
            layers.ReLU(),
            layers.Reshape((7, 7, 2 * filters)),
            layers.Conv2DTranspose(filters, kernel_size, strides=2, padding="same", use_bias=False),
            layers.BatchNormalization(momentum=0.9),
            layers.ReLU(),
            layers.Conv2DTranspose(
                image_shape[2], kernel_size, strides=2, padding="same", activation="tanh"
            ),
        ],
        name="generator",
    )


def dcgan_discriminator(
    filters: int = 32,
    kernel_size: int = 5,
    batchnorm: bool = False,
    dropout: float = 0.0,
    image_shape: tuple[int, int, int] = (28, 28, 1),
    name: str = "discriminator",
) -> keras.Sequential:
    """image -> Conv(f, stride 2) -> LeakyReLU -> Conv(2f, stride 2) [-> BN] -> LeakyReLU -> Dense(1).

    The output is one unbounded number per image: a **logit** for the standard GAN loss, or the
    **critic score** of a WGAN (same network, different loss). ``batchnorm=True`` adds the
    BatchNormalization that DCGAN puts after every discriminator convolution but the first (the
    tutorials' WGAN keeps it); a WGAN-GP critic must not have it (the penalty is defined per sample,
    batch normalisation mixes samples). ``dropout > 0`` adds Dropout after each LeakyReLU (notebook 04).
    """
    if filters < 1:
        raise ValueError(f"filters must be at least 1, got {filters}")
    if not 0.0 <= dropout < 1.0:
        raise ValueError(f"dropout must be in [0, 1), got {dropout}")
    layers = keras.layers
    extra = [layers.Dropout(dropout)] if dropout else []
    stack = [
        keras.Input(image_shape),
        layers.Conv2D(filters, kernel_size, strides=2, padding="same"),
        layers.LeakyReLU(0.2),
        *extra,
        layers.Conv2D(2 * filters, kernel_size, strides=2, padding="same", use_bias=not batchnorm),
    ]
    if batchnorm:
        stack.append(layers.BatchNormalization())
    stack += [layers.LeakyReLU(0.2), *extra, layers.Flatten(), layers.Dense(1)]
    return keras.Sequential(stack, name=name)
