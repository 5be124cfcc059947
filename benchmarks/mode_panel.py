"""Frames per second of notebook 06's panel while it trains (the issue asks for at least 5).

The panel (``gan_helpers.labs.nb06_panel.ModePanel``) is built with notebook 06's own lesson code
(loaded from its ``lesson`` cells, as the tests do), then its Train button's job runs in the
background exactly as a click starts it, for ``--seconds`` per setting. Every picture the panel
sends to its ``ipywidgets.Image`` is counted (with its time), as the browser would receive it.
The first seconds of a setting (building and tracing) are not counted: timing starts with the
first frame after training began.

Settings (``--settings``; default all): the ring with the non-saturating loss and k = 1; the ring
with minimax; the grid with WGAN-GP, k = 5, m = 4 (the heaviest: a gradient penalty, five critic
steps per generator step, packs of four).

Each line gives frames per second, generator steps per second, and the median time of one frame
(snapshot of G and D, mode scores, blitted drawing, JPEG); the load average (``os.getloadavg``)
is printed before and after, since on a shared machine every figure moves with it. Exit status
1 when a setting stays below ``--min-fps`` (default 5).

Usage::

    .venv/bin/python benchmarks/mode_panel.py
    .venv/bin/python benchmarks/mode_panel.py --seconds 10 --settings ring-ns
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time

os.environ.setdefault("MPLBACKEND", "Agg")

SETTINGS = {
    "ring-ns": dict(dataset="ring", loss="non-saturating", k=1),
    "ring-minimax": dict(dataset="ring", loss="minimax", k=1),
    "grid-wgan-gp-m4": dict(dataset="grid", loss="wgan-gp", k=5, pack=4),
}


def load() -> str:
    return "{:.1f} {:.1f} {:.1f}".format(*os.getloadavg())


def measure(panel, name: str, seconds: float) -> dict:
    from gan_helpers.labs import nb06_panel as mode_panel

    config = mode_panel.ModeConfig(**SETTINGS[name])
    for widget, value in (
        (panel.dataset, config.dataset),
        (panel.loss, config.loss),
        (panel.k, config.k),
        (panel.pack, config.pack),
    ):
        widget.value = value
    panel.reset_now()  # build (or fetch) and draw the first picture, in the foreground
    frames, draw_ms = [], []
    render = panel.figure.render

    def timed_render(*args, **kwargs):
        t0 = time.perf_counter()
        out = render(*args, **kwargs)
        draw_ms.append(1000 * (time.perf_counter() - t0))
        return out

    panel.figure.render = timed_render
    panel.image.observe(lambda _: frames.append(time.perf_counter()), names="value")
    steps_before = panel.current.g_steps
    panel.start()  # what the Train button does
    started = time.perf_counter()
    while not frames or frames[0] < started:  # the first frame of training (after any tracing)
        time.sleep(0.01)
        frames[:] = [t for t in frames if t >= started]
    t0, g0 = frames[0], panel.current.g_steps
    time.sleep(seconds)
    panel.stop()
    panel.wait()
    counted = [t for t in frames if t0 <= t <= t0 + seconds]
    g_steps = panel.current.g_steps
    panel.image.unobserve_all()
    panel.figure.render = render
    return {
        "fps": (len(counted) - 1) / (counted[-1] - counted[0]) if len(counted) > 1 else 0.0,
        "steps_per_s": (g_steps - g0) / seconds,
        "frame_ms": statistics.median(draw_ms) if draw_ms else float("nan"),
        "g_steps": g_steps - steps_before,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=8.0, help="training time per setting")
    parser.add_argument("--settings", nargs="+", choices=list(SETTINGS), default=list(SETTINGS))
    parser.add_argument("--min-fps", type=float, default=5.0)
    parser.add_argument("--jit-compile", action="store_true", help="XLA-compile the loop")
    args = parser.parse_args()

    import gan_helpers
    from gan_helpers import lessons
    from gan_helpers.labs import nb06_panel as mode_panel

    gan_helpers.set_seed(0)
    lesson = lessons.load("06_mode_collapse")
    panel = mode_panel.ModePanel(
        lesson, auto_start=False, jit_compile=args.jit_compile, max_steps=1_000_000
    )
    print(f"notebook 06's panel, CPUs: {os.cpu_count()}, load average before: {load()}")
    worst = float("inf")
    for name in args.settings:
        r = measure(panel, name, args.seconds)
        worst = min(worst, r["fps"])
        print(
            f"{name:<16} {r['fps']:5.1f} frames/s | {r['steps_per_s']:6.0f} G steps/s | "
            f"{r['frame_ms']:5.1f} ms to draw a frame (median) | load {load()}",
            flush=True,
        )
    verdict = "ok" if worst >= args.min_fps else "TOO SLOW"
    print(f"mode panel: {worst:.1f} frames/s at worst ({verdict}, needs {args.min_fps:g})")
    return 0 if worst >= args.min_fps else 1


if __name__ == "__main__":
    sys.exit(main())
