"""Time one run of notebook 03's toy GAN the way a slider change triggers it.

The run is the blog post's setup: k = 20, noise_dim = 4, 300 generator steps, so 300 * (20 + 1) =
6,300 optimizer steps, trained exactly as the panel's background thread does it
(``ToyPanel.train``: live figure redrawn every 0.15 s, status line, final 10,000-sample W1), with
the notebook's own lesson code (loaded from its ``lesson`` cells, as the tests do it). Each
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
    .venv/bin/python benchmarks/toy_run.py --frames        # the live figure's frame time

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
    from gan_helpers.labs import nb03_panel as toy_panel
    from gan_helpers.labs import nb03_toy as toy

    gan_helpers.set_seed(0)  # as the notebook does (deterministic ops on)
    lesson = toy.Lesson.load()  # notebook 03's lesson cells
    jit = variant.endswith("xla")
    panel = toy_panel.ToyPanel(lesson, auto_run=False, jit_compile=jit) if draw else None
    times, cpu, w1 = [], [], []
    for i in range(runs):
        if variant.startswith("fresh"):
            toy.clear_cache()  # forget models and compiled functions: build everything again
        config = toy.ToyConfig(k=20, noise_dim=4, steps=300, seed=gan_helpers.seed(i))
        started, started_cpu = time.perf_counter(), time.process_time()
        if draw:
            result = panel.train(config)
        else:
            result = toy.train_toy_gan(lesson, config, jit_compile=jit)
        times.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
        w1.append(result.final_w1)
    return {"variant": variant, "times": times, "cpu": cpu, "w1": w1}


def frame_times(frames: int = 30) -> None:
    """Milliseconds per frame of the panel's figure: blitted, fully redrawn, and as a LivePlot."""
    import io

    import gan_helpers
    from gan_helpers.labs import nb03_panel as toy_panel
    from gan_helpers.labs import nb03_toy as toy
    from gan_helpers.plotting import LivePlot

    lesson = toy.Lesson.load()
    config = toy.ToyConfig(k=20, noise_dim=4, steps=300, seed=gan_helpers.seed(0))
    result = toy.train_toy_gan(lesson, config, jit_compile=False)
    figure = toy_panel.LiveFigure()
    live = LivePlot({"W1 to N(0, 1)": ["w1"]}, samples=False, smooth_window=1)
    history = {"step": result.steps, "w1": result.w1}

    def live_plot_frame():  # what LivePlot does per update, and the PNG its display handle sends
        live.update(history)
        live.fig.savefig(io.BytesIO(), format="png")

    ways = {
        "blitted (the panel)": lambda: figure.render(result),
        "full redraw": lambda: figure.render(result, blit=False),
        "LivePlot, W1 only": live_plot_frame,
    }
    for name, draw in ways.items():
        draw()  # the first frame draws the static part
        times = []
        for _ in range(frames):
            started = time.perf_counter()
            draw()
            times.append(1000 * (time.perf_counter() - started))
        print(f"{name:20s} median {statistics.median(times):6.1f} ms per frame ({frames} frames)")


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
    parser.add_argument(
        "--frames", action="store_true", help="time the live figure's frames instead of runs"
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
    if args.frames:
        frame_times()
        return
    summary = None
    for variant in VARIANTS if args.all else (args.variant,):
        cmd = [sys.executable, __file__, "--json", "--variant", variant, "--runs", str(args.runs)]
        cmd += ["--no-draw"] if args.no_draw else []
        out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
        res = json.loads(next(line for line in out.splitlines() if line.startswith("RESULT "))[7:])
        t, c = res["times"], res["cpu"]
        later, later_cpu = t[1:] or t, c[1:] or c
        print(
            f"{variant:11s} first run (builds the graph) {t[0]:6.2f} s (CPU {c[0]:6.2f} s) | "
            f"later runs: median {statistics.median(later):5.2f} s best {min(later):5.2f} s "
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
