"""Notebook 05's comparison table for several base seeds and any budget, from the notebook's code.

DCGAN, WGAN with weight clipping (n_critic 1 and 5) and WGAN-GP (Adam beta_1 0.5 and 0) train the
same generator for the same number of generator steps; the table gives the digit-classifier Frechet
distance and mode coverage of the final generator (same real images and same noise for every row)
and the time of the training steps.

Nothing of the notebook is copied here: every row (networks, optimizers, training steps, k) is built
by the notebook's own ``make_run`` and measured on its own ``evaluation_set``, both loaded from its
cells tagged ``lesson`` with ``gan_helpers.lessons.load("05_wgan")``. That, rather than executing
the whole notebook with other settings, because this script then runs only the comparison (not the
notebook's other experiments), for any budget (``--steps``, ``--batch``), where the notebook offers
its two profiles only. With the profile's budget and base seed ``b`` it trains what the notebook
trains with ``GAN_HELPERS_SEED=b``, so it prints the notebook's Frechet distances.

Usage (from the repository root; set ``GAN_HELPERS_MNIST_DIR`` as the README says)::

    .venv/bin/python benchmarks/wgan_comparison.py --seeds 0 1   # base seeds, full profile
    GAN_HELPERS_QUICK=1 .venv/bin/python benchmarks/wgan_comparison.py   # the quick budget
    .venv/bin/python benchmarks/wgan_comparison.py --steps 300 --batch 64  # any other budget

The machine's load average is printed next to the timings: on a shared machine they are pessimistic.
"""

from __future__ import annotations

import argparse
import os

import numpy as np

import gan_helpers
from gan_helpers import lessons, metrics
from gan_helpers.config import SEED_ENV_VAR
from gan_helpers.data import load_mnist


def train_row(wgan, model, images, seed, steps, batch):
    """Train one row: its final generator, training seconds and ms per G step (fastest chunk)."""
    G, _, loop = wgan.make_run(model, images, seed, batch_size=batch)
    chunk_seconds, clock = [], [gan_helpers.Timer()]

    def lap(history):
        chunk_seconds.append(clock[0].seconds)
        clock[0] = gan_helpers.Timer()

    chunk = max(1, steps // wgan.CHECKPOINTS)
    loop.train(steps, chunk=chunk, callback=lap, verbose=False)
    sizes = [chunk] * (steps // chunk) + ([steps % chunk] if steps % chunk else [])
    # the fastest chunk: other programs on the machine can slow a chunk down, never speed it up
    step_ms = 1000 * float(np.min(np.array(chunk_seconds) / np.array(sizes)))
    return G, float(np.sum(chunk_seconds)), step_ms


def main() -> None:
    wgan = lessons.load("05_wgan")
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[gan_helpers.base_seed()])
    parser.add_argument("--steps", type=int, help="generator steps (default: the profile's)")
    parser.add_argument("--batch", type=int, help="batch size (default: the notebook's)")
    parser.add_argument("--models", nargs="+", default=list(wgan.MODELS), choices=wgan.MODELS)
    args = parser.parse_args()
    steps = gan_helpers.check_int("--steps", args.steps or wgan.STEPS, 1)
    batch = gan_helpers.check_int("--batch", args.batch or wgan.BATCH_SIZE, 2)

    print(gan_helpers.describe_profile())
    images, _, _ = load_mnist()
    classifier = metrics.digit_classifier()
    results: dict[str, list[dict]] = {name: [] for name in args.models}
    for base in args.seeds:
        # the notebook's seeds for this base seed: gan_helpers.seed(i) reads the variable
        os.environ[SEED_ENV_VAR] = str(gan_helpers.check_int("--seeds", base, 0))
        real_eval, _, z_eval = wgan.evaluation_set(images)
        for name in args.models:
            G, seconds, step_ms = train_row(wgan, name, images, gan_helpers.seed(0), steps, batch)
            fake = G(z_eval, training=False).numpy()
            q = metrics.evaluate(fake, real_eval, classifier)
            results[name].append({**q, "seconds": seconds, "step_ms": step_ms})
            print(
                f"base seed {base} {name:20s}: Frechet {q['frechet']:7.1f}  coverage "
                f"{q['coverage']:2d}/10  {seconds:5.0f} s  {step_ms:4.0f} ms/step  "
                f"(load average {os.getloadavg()[0]:.1f})",
                flush=True,
            )
    print_table(results, steps, batch, len(real_eval), args.seeds)


def print_table(results, steps, batch, n_eval, seeds) -> None:
    print(f"\n{steps} generator steps, batch {batch}, {n_eval} images per measurement")
    print(f"base seeds {seeds} (one value per seed)")
    print("| model | Frechet distance | mode coverage | wall time (s) | ms per G step (fastest) |")
    print("|---|---|---|---|---|")
    for name, rs in results.items():
        fd = " / ".join(f"{r['frechet']:.1f}" for r in rs)
        cov = " / ".join(f"{r['coverage']}" for r in rs)
        sec = np.mean([r["seconds"] for r in rs])
        ms = np.min([r["step_ms"] for r in rs])
        print(f"| {name} | {fd} | {cov} | {sec:.0f} | {ms:.0f} |")


if __name__ == "__main__":
    main()
