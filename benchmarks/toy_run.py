"""Time one run of notebook 03's toy GAN the way a slider change triggers it.

The run is the blog post's setup: k = 20, noise_dim = 4, 300 generator steps, so 300 * (20 + 1) =
6,300 optimizer steps, trained exactly as the panel's background thread does it
(``ToyPanel.train``: live figure redrawn every 0.15 s, status line, final 10,000-sample W1). Each
variant runs in a FRESH Python process, so its first run pays for building the graph (tracing, and
for XLA compiling) like the first slider change after opening the notebook; the next runs change
the seed, as moving a slider does.

Variants (``--variant``):

* ``fresh``       new models and a new ``tf.function`` for every run (the straightforward loop);
* ``fresh-xla``   the same with XLA: compiles on every run;
* ``cached``      models and compiled function cached (one graph for every k, noise_dim, seed,
                  learning rate and step count: they are tensors or weights), no XLA;
* ``cached-xla``  cached and XLA-compiled: what the panel uses (the default).

Usage::

    .venv/bin/python benchmarks/toy_run.py                 # cached-xla, 5 runs
    .venv/bin/python benchmarks/toy_run.py --all --runs 3  # every variant, one process each

Each line gives wall-clock seconds and the process's CPU seconds (all threads): on a machine that
other jobs share, wall time grows with their load (CPU time less so), so run it a few times and
note ``uptime``. The last line is always ``toy run: N.NN s median over M runs`` (wall
time, all runs including the first, of the default or last variant).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

VARIANTS = ("fresh", "fresh-xla", "cached", "cached-xla")


def one_variant(variant: str, runs: int, draw: bool) -> dict:
    import gan_helpers
    from gan_helpers import toy

    gan_helpers.set_seed(0)  # as the notebook does (deterministic ops on)
    jit = variant.endswith("xla")
    panel = toy.ToyPanel(auto_run=False, jit_compile=jit) if draw else None
    times, cpu, w1 = [], [], []
    for i in range(runs):
        if variant.startswith("fresh"):
            toy.clear_cache()  # forget models and compiled functions: build everything again
        config = toy.ToyConfig(k=20, noise_dim=4, steps=300, seed=i)
        started, started_cpu = time.perf_counter(), time.process_time()
        result = panel.train(config) if draw else toy.train_toy_gan(config, jit_compile=jit)
        times.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
        w1.append(result.final_w1)
    return {"variant": variant, "times": times, "cpu": cpu, "w1": w1}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--variant", choices=VARIANTS, default="cached-xla")
    parser.add_argument("--all", action="store_true", help="every variant, each in a fresh process")
    parser.add_argument(
        "--runs", type=int, default=5, help="runs per variant (the first builds the graph)"
    )
    parser.add_argument(
        "--no-draw", action="store_true", help="time train_toy_gan alone, without the figure"
    )
    parser.add_argument("--json", action="store_true", help=argparse.SUPPRESS)  # child-process mode
    args = parser.parse_args()
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    if args.json:
        print("RESULT " + json.dumps(one_variant(args.variant, args.runs, not args.no_draw)))
        return
    with open("/proc/loadavg") as f:
        print(f"load average before: {' '.join(f.read().split()[:3])} on {os.cpu_count()} CPUs")
    summary = None
    for variant in VARIANTS if args.all else (args.variant,):
        cmd = [sys.executable, __file__, "--json", "--variant", variant, "--runs", str(args.runs)]
        cmd += ["--no-draw"] if args.no_draw else []
        out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
        res = json.loads(next(line for line in out.splitlines() if line.startswith("RESULT "))[7:])
        t, c = res["times"], res["cpu"]
        later, later_cpu = t[1:] or t, c[1:] or c
        print(
            f"{variant:11s} first run (builds the graph) {t[0]:6.2f} s (CPU {c[0]:6.2f} s) | later runs: "
            f"median {statistics.median(later):5.2f} s best {min(later):5.2f} s "
            f"(CPU median {statistics.median(later_cpu):5.2f} s) | all: "
            + " ".join(f"{x:.2f}" for x in t)
            + " | W1: "
            + " ".join(f"{w:.3f}" for w in res["w1"])
        )
        summary = f"toy run: {statistics.median(t):.2f} s median over {len(t)} runs"
    with open("/proc/loadavg") as f:
        print(f"load average after: {' '.join(f.read().split()[:3])}")
    print(summary)


if __name__ == "__main__":
    main()
