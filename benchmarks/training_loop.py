"""Classic Keras GAN loop vs. the course's compiled loop: notebook 01's MLP GAN, data, batch size.

The classic loop is the one most pre-2024 tutorials teach; per generator step it calls
``generator.predict``, ``discriminator.train_on_batch`` and ``gan.train_on_batch`` (three trips
through Keras' Python machinery for a few milliseconds of arithmetic). The compiled loop is
notebook 01's OWN training step (its ``lesson`` cells, loaded with ``gan_helpers.lessons``) run by
``gan_helpers.training.TrainingLoop``: many steps inside one ``tf.function``. Both loops train the
networks notebook 01 builds, with the same optimizers, on the same data and batch size.

(On Keras 3 the classic loop's ``discriminator.train_on_batch`` does not even update D once
``trainable`` was set to False before its first call: notebook 02 measures this, and Keras warns
"The model does not have any trainable weights", silenced here. So the classic loop does less work
than it should, which only makes it look faster. Here only speed is compared.)

Both loops run with one intra-op thread per TensorFlow op by default (``--intra-op-threads``; 0
is TensorFlow's default, one per core). On the 2-core machine that made the compiled loop about
1.2-1.6x faster (its small matrix products lose more to splitting across cores than they gain,
while independent ops still run side by side) and left the classic loop within its noise.

Run:  .venv/bin/python benchmarks/training_loop.py [--steps 300] [--intra-op-threads 1]
      (offline: set GAN_HELPERS_MNIST_DIR to a folder of MNIST IDX files, as for the notebooks)
Last line:  speedup: N.Nx (compiled A steps/s, classic B steps/s, load average L)
"""

from __future__ import annotations

import argparse
import os
import sys
import warnings

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

import gan_helpers  # noqa: E402
from gan_helpers import lessons  # noqa: E402
from gan_helpers.config import Timer  # noqa: E402
from gan_helpers.data import load_mnist  # noqa: E402
from gan_helpers.training import TrainingLoop  # noqa: E402

LESSON = "01_vanilla_gan_mnist"


def adam() -> keras.optimizers.Optimizer:
    return keras.optimizers.Adam(2e-4, beta_1=0.5)


def classic(images: np.ndarray, steps: int, batch: int, warmup: int) -> float:
    """Steps per second of the tutorial loop (predict + two train_on_batch per step)."""
    nb01 = lessons.load(LESSON)
    gan_helpers.set_seed(gan_helpers.seed(0))
    G = nb01.make_generator()
    D = keras.Sequential([nb01.make_discriminator(), keras.layers.Activation("sigmoid")])
    D.compile(optimizer=adam(), loss="binary_crossentropy")
    D.trainable = False
    # the Keras 3 trap of notebook 02: D.train_on_batch now trains nothing, and Keras says so
    warnings.filterwarnings("ignore", message="The model does not have any trainable weights")
    gan = keras.Sequential([G, D])
    gan.compile(optimizer=adam(), loss="binary_crossentropy")
    rng = np.random.default_rng(gan_helpers.seed(0))
    noise_dim = nb01.NOISE_DIM
    labels = np.concatenate([np.ones((batch, 1)), np.zeros((batch, 1))]).astype(np.float32)
    ones = np.ones((batch, 1), dtype=np.float32)

    def step() -> None:
        real = images[rng.integers(0, len(images), batch)]
        z = rng.normal(size=(batch, noise_dim)).astype(np.float32)
        fake = G.predict(z, verbose=0)
        D.train_on_batch(np.concatenate([real, fake]), labels)
        z = rng.normal(size=(batch, noise_dim)).astype(np.float32)
        gan.train_on_batch(z, ones)

    # The first steps build Keras' train and predict functions: excluded from the timing.
    for _ in range(warmup):
        step()
    with Timer() as timer:
        for _ in range(steps):
            step()
    return steps / timer.seconds


def compiled(images: np.ndarray, steps: int, batch: int, warmup: int) -> float:
    """Steps per second of notebook 01's own d_step/g_step in ``TrainingLoop`` (one chunk)."""
    nb01 = lessons.load(LESSON)
    gan_helpers.set_seed(gan_helpers.seed(0))
    G, D = nb01.make_generator(), nb01.make_discriminator()
    rng = tf.random.Generator.from_seed(gan_helpers.seed(0))
    d_step, g_step = nb01.make_steps(G, D, adam(), adam(), images, rng, batch_size=batch)
    loop = TrainingLoop(d_step, g_step, k=1)
    # The first call traces the graph: excluded from the timing.
    loop.train(warmup, chunk=warmup, verbose=False)
    with Timer() as timer:
        loop.train(steps, chunk=steps, verbose=False)
    return steps / timer.seconds


def load_average() -> str:
    try:
        return f"{os.getloadavg()[0]:.1f}"
    except OSError:
        return "unknown"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=300, help="timed generator steps per loop")
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument("--repeats", type=int, default=3, help="best of this many timings each")
    parser.add_argument(
        "--intra-op-threads", type=int, default=1, help="threads per op, both loops (0: TF default)"
    )
    args = parser.parse_args(argv)
    tf.config.threading.set_intra_op_parallelism_threads(args.intra_op_threads)
    images, _, source = load_mnist()
    print(
        f"notebook 01's MLP GAN, MNIST from {source}, batch {args.batch_size}, "
        f"{args.steps} timed steps, best of {args.repeats}, CPUs: {os.cpu_count()}, "
        f"intra-op threads: {args.intra_op_threads or 'default'}, load average {load_average()}"
    )
    c = max(
        classic(images, args.steps // 3, args.batch_size, args.warmup) for _ in range(args.repeats)
    )
    print(f"classic  (predict + 2x train_on_batch):         {c:7.1f} steps/s")
    f = max(compiled(images, args.steps, args.batch_size, args.warmup) for _ in range(args.repeats))
    print(f"compiled (notebook 01's step in TrainingLoop):  {f:7.1f} steps/s")
    print(
        f"speedup: {f / c:.1f}x (compiled {f:.0f} steps/s, classic {c:.0f} steps/s, "
        f"load average {load_average()})"
    )


if __name__ == "__main__":
    sys.exit(main())
