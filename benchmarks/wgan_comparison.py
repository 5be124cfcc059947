"""Reproduce the comparison table of notebook 05: DCGAN, WGAN with clipping (n_critic 1 and 5), WGAN-GP (Adam beta_1 0.5 and 0).

Every model trains the same DCGAN generator (``gan_helpers.models``) for the same number of generator
steps; the table reports the digit-classifier Frechet distance and mode coverage of the final
generator (``gan_helpers.metrics``, same real images and same noise for every row) and the wall time of
the training steps. The training steps are the ones written out in ``notebooks/05_wgan.ipynb``, so the
script prints the notebook's numbers, up to floating-point rounding (its graphs differ slightly from
the notebook's, and over a long run a rounding difference can grow: seed 1, full profile, n_critic=1
gave 292.2 here and 291.9 in the notebook).

Usage (from the repository root)::

    GAN_HELPERS_MNIST_DIR=/work/shared/data/mnist .venv/bin/python benchmarks/wgan_comparison.py --seeds 0 1
    GAN_HELPERS_QUICK=1 ...                      # the quick profile's budget (what CI runs)
    ... --steps 300 --batch 64                   # any other budget (default: the notebook's)

The machine's load average is printed next to the timings: on a shared machine they are pessimistic.
"""

from __future__ import annotations

import argparse
import os
import time

import keras
import numpy as np
import tensorflow as tf

import gan_helpers
from gan_helpers import metrics, wgan
from gan_helpers.data import load_mnist
from gan_helpers.losses import discriminator_loss, generator_loss_nonsaturating
from gan_helpers.models import dcgan_discriminator, dcgan_generator

NOISE_DIM = 64
ADAM_LR = 2e-4
MODELS = (
    "DCGAN",
    "clip, n_critic=1",
    "clip, n_critic=5",
    "WGAN-GP, beta_1=0.5",
    "WGAN-GP, beta_1=0",
)


def build(name: str):
    """The generator, the critic/discriminator and the training step of one row (seeded by the caller)."""
    G = dcgan_generator(NOISE_DIM)
    if name == "DCGAN":
        return G, dcgan_discriminator(batchnorm=False)
    if name.startswith("clip"):
        return G, dcgan_discriminator(batchnorm=True, name="critic")
    return G, dcgan_discriminator(batchnorm=False, name="critic")


def make_step(name: str, G, C, data: tf.Tensor, batch: int, seed: int):
    rng = tf.random.Generator.from_seed(seed)

    def real_batch():
        return tf.gather(data, rng.uniform([batch], 0, data.shape[0], dtype=tf.int32))

    def noise():
        return rng.normal([batch, NOISE_DIM])

    if name == "DCGAN":
        g_opt, d_opt = (
            keras.optimizers.Adam(ADAM_LR, beta_1=0.5),
            keras.optimizers.Adam(ADAM_LR, beta_1=0.5),
        )

        @tf.function
        def d_step():
            real, fake = real_batch(), G(noise(), training=True)
            with tf.GradientTape() as tape:
                d_loss = discriminator_loss(C(real, training=True), C(fake, training=True))
            d_opt.apply_gradients(
                zip(tape.gradient(d_loss, C.trainable_variables), C.trainable_variables)
            )

        @tf.function
        def g_step():
            with tf.GradientTape() as tape:
                g_loss = generator_loss_nonsaturating(C(G(noise(), training=True), training=True))
            g_opt.apply_gradients(
                zip(tape.gradient(g_loss, G.trainable_variables), G.trainable_variables)
            )

        def step():
            d_step()
            g_step()

        return step

    n_critic = 1 if name == "clip, n_critic=1" else 5
    clipping = name.startswith("clip")
    if clipping:
        g_opt, c_opt = keras.optimizers.RMSprop(5e-5), keras.optimizers.RMSprop(5e-5)
    else:
        beta_1 = 0.0 if name == "WGAN-GP, beta_1=0" else 0.5  # the WGAN-GP paper uses both
        g_opt = keras.optimizers.Adam(ADAM_LR, beta_1=beta_1, beta_2=0.9)
        c_opt = keras.optimizers.Adam(ADAM_LR, beta_1=beta_1, beta_2=0.9)

    @tf.function
    def c_step():
        real, fake = real_batch(), G(noise(), training=True)
        with tf.GradientTape() as tape:
            c_loss = wgan.critic_loss(C(real, training=True), C(fake, training=True))
            if not clipping:
                c_loss += wgan.gradient_penalty(C, real, fake, 10.0, rng=rng)
        c_opt.apply_gradients(
            zip(tape.gradient(c_loss, C.trainable_variables), C.trainable_variables)
        )
        if clipping:
            wgan.clip_weights(C.trainable_variables, 0.01)

    @tf.function
    def g_step():
        with tf.GradientTape() as tape:
            g_loss = wgan.generator_loss(C(G(noise(), training=True), training=True))
        g_opt.apply_gradients(
            zip(tape.gradient(g_loss, G.trainable_variables), G.trainable_variables)
        )

    def step():
        for _ in range(n_critic):
            c_step()
        g_step()

    return step


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0])
    parser.add_argument(
        "--steps", type=int, default=None, help="generator steps (default: the profile's)"
    )
    parser.add_argument(
        "--batch", type=int, default=None, help="batch size (default: the profile's)"
    )
    parser.add_argument("--models", nargs="+", default=list(MODELS), choices=MODELS)
    args = parser.parse_args()
    steps = args.steps or gan_helpers.choose(quick=150, full=600)
    batch = args.batch or 32
    if steps < 1 or batch < 2:
        raise SystemExit("--steps must be >= 1 and --batch >= 2")

    print(gan_helpers.describe_profile())
    images, _ = load_mnist()
    data = tf.constant(images)
    classifier = metrics.digit_classifier()
    order = np.random.default_rng(0).permutation(len(images))
    n_eval = min(gan_helpers.choose(quick=500, full=1000), len(images) // 2)
    real_eval = images[order[:n_eval]]
    z_eval = tf.random.stateless_normal([n_eval, NOISE_DIM], seed=[0, 5])

    results: dict[str, list[dict]] = {name: [] for name in args.models}
    for seed in args.seeds:
        for name in args.models:
            gan_helpers.set_seed(seed)
            G, C = build(name)
            step = make_step(name, G, C, data, batch, seed)
            start = time.perf_counter()
            for _ in range(steps):
                step()
            seconds = time.perf_counter() - start
            q = metrics.evaluate(G(z_eval, training=True).numpy(), real_eval, classifier)
            results[name].append(
                {"frechet": q["frechet"], "coverage": q["coverage"], "seconds": seconds}
            )
            print(
                f"seed {seed} {name:20s}: Frechet {q['frechet']:7.1f}  coverage {q['coverage']:2d}/10  "
                f"{seconds:6.0f} s  (load average {os.getloadavg()[0]:.1f})",
                flush=True,
            )

    print(
        f"\n{steps} generator steps, batch {batch}, {n_eval} images per measurement, seeds {args.seeds}"
    )
    print("| model | Frechet distance | mode coverage | wall time (s) | ms per generator step |")
    print("|---|---|---|---|---|")
    for name, rs in results.items():
        fd = " / ".join(f"{r['frechet']:.1f}" for r in rs)
        cov = " / ".join(f"{r['coverage']}" for r in rs)
        sec = np.mean([r["seconds"] for r in rs])
        print(f"| {name} | {fd} | {cov} | {sec:.0f} | {1000 * sec / steps:.0f} |")


if __name__ == "__main__":
    main()
