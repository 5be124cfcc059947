"""Notebook 06's panel against notebook 06's table: the same run from the same seed?

For each seed and pack size m (1: the panel's defaults, the GAN of section 4; 2: PacGAN2 of
section 5) the panel's Train (``MAX_STEPS`` generator steps on the ring, non-saturating loss)
runs in the foreground, then notebook 06's runner (``nb06_runs``, without XLA, as the quick
profile) trains the same model from the same seed. Printed per run: the modes captured by each
(each scored on its own fixed noise batch of 2,500 samples) and whether G's weights are
bit-for-bit equal.

Usage::

    .venv/bin/python benchmarks/mode_panel_vs_table.py --seeds 0 1 100 101 200 201
"""

from __future__ import annotations

import argparse
import time

import numpy as np

import gan_helpers
from gan_helpers import lessons
from gan_helpers.labs import nb06_mixtures as mixtures
from gan_helpers.labs import nb06_panel as mode_panel
from gan_helpers.labs import nb06_runs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1])
    args = parser.parse_args()
    gan_helpers.set_seed(0)
    lesson = lessons.load("06_mode_collapse")
    ring = mixtures.ring()
    for seed in args.seeds:
        for pack in (1, 2):
            started = time.perf_counter()
            config = mode_panel.ModeConfig(seed=seed, pack=pack)
            panel = mode_panel.ModePanel(lesson, config, draw_every_s=1e9)
            panel.train(mode_panel.MAX_STEPS)
            build = panel.current
            shown = mixtures.mode_stats(build.picture()[0], build.mixture)["modes_captured"]
            options = dict(loss="non-saturating", pack=pack, jit_compile=False)
            run = nb06_runs.get_run(lesson, ring, steps=mode_panel.MAX_STEPS, **options)
            samples = nb06_runs.train(run, seed, mode_panel.MAX_STEPS)
            table = mixtures.mode_stats(samples[-1], ring)["modes_captured"]
            pairs = zip(build.G.get_weights(), run.gan.G.get_weights())
            same = all(np.array_equal(a, b) for a, b in pairs)
            seconds = time.perf_counter() - started
            print(
                f"seed {seed:3d}, m = {pack}: panel {shown} modes, table {table} modes, "
                f"G's weights equal: {same} ({seconds:.0f} s)",
                flush=True,
            )


if __name__ == "__main__":
    main()
