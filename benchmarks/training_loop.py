"""Classic Keras GAN loop vs. a compiled loop: the same MLP GAN, data and batch size, in one run.

The classic loop is the one most pre-2024 tutorials teach; per generator step it calls
``generator.predict``, ``discriminator.train_on_batch`` and ``gan.train_on_batch`` (three trips
through Keras' Python machinery for a few milliseconds of arithmetic). The compiled loop is
``gan_helpers.training.GANTrainer``: many steps inside one ``tf.function``.

(On Keras 3 the classic loop's ``discriminator.train_on_batch`` does not even update D once
``trainable`` was set to False before its first call: notebook 02 measures this. Here only speed is
compared.)

Run:  .venv/bin/python benchmarks/training_loop.py [--steps 300] [--batch-size 64]
Last line:  speedup: N.Nx (compiled A steps/s, classic B steps/s)
"""

from __future__ import annotations

import argparse
import os
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402
import numpy as np  # noqa: E402

import gan_helpers  # noqa: E402
from gan_helpers.data import load_mnist  # noqa: E402
from gan_helpers.models import mlp_discriminator, mlp_generator  # noqa: E402
from gan_helpers.training import GANTrainer  # noqa: E402

NOISE_DIM = 64


def classic(images: np.ndarray, steps: int, batch: int, warmup: int) -> float:
    """Steps per second of the tutorial loop (predict + two train_on_batch per step)."""
    gan_helpers.set_seed(0)
    G = mlp_generator(NOISE_DIM)
    D = keras.Sequential([mlp_discriminator(), keras.layers.Activation("sigmoid")])
    D.compile(optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5), loss="binary_crossentropy")
    D.trainable = False
    gan = keras.Sequential([G, D])
    gan.compile(optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5), loss="binary_crossentropy")
    rng = np.random.default_rng(0)
    labels = np.concatenate([np.ones((batch, 1)), np.zeros((batch, 1))]).astype(np.float32)
    ones = np.ones((batch, 1), dtype=np.float32)

    def step() -> None:
        real = images[rng.integers(0, len(images), batch)]
        z = rng.normal(size=(batch, NOISE_DIM)).astype(np.float32)
        fake = G.predict(z, verbose=0)
        D.train_on_batch(np.concatenate([real, fake]), labels)
        z = rng.normal(size=(batch, NOISE_DIM)).astype(np.float32)
        gan.train_on_batch(z, ones)

    for _ in range(warmup):  # builds Keras' train/predict functions, excluded from the timing
        step()
    start = time.perf_counter()
    for _ in range(steps):
        step()
    return steps / (time.perf_counter() - start)


def compiled(images: np.ndarray, steps: int, batch: int, warmup: int) -> float:
    """Steps per second of GANTrainer (all steps of a chunk inside one tf.function)."""
    gan_helpers.set_seed(0)
    trainer = GANTrainer(
        mlp_generator(NOISE_DIM),
        mlp_discriminator(),
        images,
        noise_dim=NOISE_DIM,
        batch_size=batch,
        k=1,
    )
    trainer.train(warmup, chunk=warmup, verbose=False)  # traces the graph, excluded from the timing
    start = time.perf_counter()
    trainer.train(steps, chunk=steps, verbose=False)
    return steps / (time.perf_counter() - start)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=300, help="timed generator steps per loop")
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument("--repeats", type=int, default=3, help="best of this many timings each")
    args = parser.parse_args(argv)
    images, _ = load_mnist()
    print(
        f"MLP GAN, batch {args.batch_size}, {args.steps} timed steps, best of {args.repeats}, "
        f"TensorFlow threads: default, CPUs: {os.cpu_count()}"
    )
    c = max(
        classic(images, args.steps // 3, args.batch_size, args.warmup) for _ in range(args.repeats)
    )
    print(f"classic  (predict + 2x train_on_batch): {c:7.1f} steps/s")
    f = max(compiled(images, args.steps, args.batch_size, args.warmup) for _ in range(args.repeats))
    print(f"compiled (GANTrainer, one tf.function): {f:7.1f} steps/s")
    print(f"speedup: {f / c:.1f}x (compiled {f:.0f} steps/s, classic {c:.0f} steps/s)")


if __name__ == "__main__":
    sys.exit(main())
