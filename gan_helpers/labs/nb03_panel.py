"""Notebook 03's widget panel, its live figure, and the tables and heat-map of its sweeps.

``ToyPanel(lesson, config)`` shows sliders for k, noise_dim, the learning rate and the number of
generator steps, drop-downs for the discriminator and the generator loss, a seed box, Train and
Stop, a status line and one live figure. Every run is ``nb03_toy.train_toy_gan`` with the
notebook's own lesson code; the machinery around it (status and state, the background job, the
draw throttle, the blitted canvas) is the panel kit's (``gan_helpers.widgets``).
``sweep_table``, ``plot_sweep`` and ``show_result`` present the results.
"""

from __future__ import annotations

import textwrap
import threading

import numpy as np

from gan_helpers import widgets as kit
from gan_helpers.labs import nb03_toy as toy
from gan_helpers.labs.nb03_toy import CHUNK, MAX_NOISE_DIM, X_GRID, Lesson, ToyConfig, ToyResult
from gan_helpers.plotting import FIGURE_WIDTH

CHART = 4.0  # the histogram and D(x) show x in [-CHART, CHART]


class LiveFigure:
    """The panel's figure, redrawn in place into an image (``render(result)``: JPEG bytes).

    Left: a histogram of G's samples over the N(0, 1) density (and how many fall off the chart).
    Middle: D(x) over x. Right: W1 to N(0, 1) over the generator steps.

    Why not the course's ``plotting.LivePlot``: LivePlot draws metric series over the steps (and
    image samples), while this figure shows a histogram and a function of x; and it redraws every
    frame from scratch (clear, plot, ``tight_layout``, PNG), while a slider-started run of about a
    second wants several frames without slowing the training thread. Drawing axes, ticks and text
    is most of matplotlib's time, so the static part here is drawn once (again only when the step
    or W1 axis must change) and kept as a bitmap; each frame restores it and draws only the moving
    artists (``widgets.Canvas``). Measured with ``.venv/bin/python benchmarks/toy_run.py --frames``
    (median ms per frame on the 2-core machine at load average 9.6): blitted 3.3 ms, the same figure
    fully redrawn 187 ms, a LivePlot of the W1 series alone 224 ms.
    """

    def __init__(self, dpi: int = 100):
        # the course's width (shown unshrunk at 1280 px) and fonts
        self.canvas = kit.Canvas(FIGURE_WIDTH, 3.4, dpi, layout="constrained")
        self.fig = self.canvas.fig
        with self.canvas.style():
            self.ax_hist, self.ax_d, self.ax_w1 = self.fig.subplots(1, 3)
            self._draw_axes()
        self._top = None

    def _draw_axes(self) -> None:
        self.edges = np.linspace(-CHART, CHART, 65)
        density = np.exp(-(X_GRID**2) / 2) / np.sqrt(2 * np.pi)
        self.ax_hist.plot(X_GRID, density, color="black", lw=1.5, label="N(0, 1)")
        zeros = np.zeros(len(self.edges) - 1)
        self.hist = self.ax_hist.stairs(
            zeros, self.edges, fill=True, alpha=0.5, color="tab:orange", label="G(z)", animated=True
        )
        self.ax_hist.set(xlim=(-CHART, CHART), ylim=(0, 0.8), xlabel="x", title="samples")
        self.ax_hist.legend(loc="upper right")
        # where G's samples run off the chart (k = 1 with the post's D), it says so, top left
        place = dict(transform=self.ax_hist.transAxes, va="top", fontsize=10)
        self.off_chart = self.ax_hist.text(0.03, 0.97, "", color="tab:red", animated=True, **place)
        self.ax_d.axhline(0.5, color="gray", ls="--", lw=1)
        nan = np.full_like(X_GRID, np.nan)
        (self.d_line,) = self.ax_d.plot(X_GRID, nan, color="tab:blue", animated=True)
        self.ax_d.set(xlim=(-CHART, CHART), ylim=(0, 1.02), xlabel="x", title="D(x)")
        (self.w1_line,) = self.ax_w1.plot([], [], color="tab:green", marker=".", animated=True)
        floor = toy.w1_noise_floor(toy.LIVE_SAMPLES, reference_size=toy.LIVE_REFERENCE)
        self.ax_w1.axhline(floor, color="gray", ls="--", lw=1)
        self.ax_w1.set(
            yscale="log", ylim=(0.01, 10), xlabel="generator steps", title="W1 to N(0, 1)"
        )

    @staticmethod
    def off_chart(samples: np.ndarray | None) -> float:
        """The share of ``samples`` outside the chart's [-CHART, CHART]."""
        x = np.ravel(samples) if samples is not None else np.zeros(0)
        return float(np.mean(np.abs(x) > CHART)) if x.size else 0.0

    @classmethod
    def off_chart_note(cls, samples: np.ndarray | None) -> str:
        """A sentence when at least 1% of the samples fall outside the chart, else ""."""
        outside = cls.off_chart(samples)
        if outside < 0.01:
            return ""
        median = np.median(np.ravel(samples))
        return f"{outside:.0%} of G's samples are off this chart (median x = {median:.3g})"

    def render(
        self, result: ToyResult | None = None, fmt: str = "jpeg", blit: bool = True
    ) -> bytes:
        """The figure for ``result`` as JPEG (or PNG) bytes. ``blit=False`` redraws everything."""
        if result is None or result.samples is None:
            return self.canvas.render(fmt=fmt)
        top = 10.0 ** max(1, int(np.ceil(np.log10(max(result.w1 or [1.0]) * 1.5))))

        def static():  # the axes' ranges for this run (drawn once while they stay the same)
            self.ax_w1.set_xlim(0, result.config.steps)
            self.ax_w1.set_ylim(0.01, top)

        def moving():
            # a density over all the samples: those off the chart count in the total too
            x = np.ravel(result.samples)
            counts, _ = np.histogram(x, self.edges)
            self.hist.set_data(counts / max(len(x), 1) / np.diff(self.edges))
            if result.d_curve is not None:
                self.d_line.set_ydata(result.d_curve)
            self.w1_line.set_data(result.steps, result.w1)
            self.off_chart.set_text(textwrap.fill(self.off_chart_note(result.samples), 20))
            return self.hist, self.d_line, self.w1_line, self.off_chart

        key = (result.config.steps, top)
        return self.canvas.render(moving, key=key, static=static, blit=blit, fmt=fmt)


class ToyPanel(kit.Panel):
    """The widget panel of notebook 03: settings, Train and Stop, a status line, one live figure.

    The Train button (and any change of a setting) calls ``start()``: it asks the current run to
    stop and trains the widgets' settings in the background, so the kernel stays free to receive a
    click on Stop (``stop()``: the run ends after its current chunk of ``chunk`` generator steps).
    ``train()`` runs the same code in the foreground and returns the ``ToyResult``: that is how a
    test, or nbval, exercises what the button does.

    Widget descriptions (for people and for browser tests): sliders ``k``, ``noise_dim``,
    ``learning_rate``, ``G steps``; drop-downs ``discriminator``, ``G loss``; box ``seed``; buttons
    ``Train``, ``Stop``. The status line ends every run with ``ToyResult.summary()`` ("done: k=20
    noise_dim=4 ... W1 0.057 ..."), its state (``widgets.STATES``) and the facts ``k``,
    ``noise_dim``, ``steps``, ``done`` (G steps run) and ``w1``. ``result`` is shown until the
    first run (notebook 03 passes its run of the post's settings); ``run=True`` trains the
    starting settings at once, in the background (the app: it compiles while the page opens).
    """

    css = "toy-panel"

    def __init__(
        self,
        lesson: Lesson,
        config: ToyConfig | None = None,
        chunk: int = CHUNK,
        draw_every_s: float = 0.15,
        auto_run: bool = True,
        jit_compile: bool = True,
        result: ToyResult | None = None,
        run: bool = False,
    ):
        import ipywidgets as W

        super().__init__("jpeg")
        self.lesson = lesson
        config = (config or ToyConfig()).validate(lesson)
        self.chunk, self.jit_compile = chunk, jit_compile
        self.throttle = kit.Throttle(draw_every_s)
        rate = dict(base=10, min=-4, max=-2, step=0.25, readout_format=".1e")
        # steps in whole chunks: every chunk then has the same length (one XLA compilation)
        steps = dict(min=chunk, max=150 * chunk, step=chunk)
        self.settings = {
            "k": kit.slider("int", config.k, "k", 330, min=1, max=30),
            "noise_dim": kit.slider(
                "int", config.noise_dim, "noise_dim", 330, min=1, max=MAX_NOISE_DIM
            ),
            "learning_rate": kit.slider("log", config.learning_rate, "learning_rate", 330, **rate),
            "steps": kit.slider("int", config.steps, "G steps", 330, **steps),
            "discriminator": kit.dropdown(
                lesson.discriminators, config.discriminator, "discriminator", 300
            ),
            "loss": kit.dropdown(lesson.generator_losses, config.loss, "G loss", 300),
            "seed": kit.seed_box(config.seed, 200),
        }
        for name, widget in self.settings.items():
            setattr(self, name, widget)
        found = kit.buttons(Train="success", Stop="danger")
        self.train_button, self.stop_button = found["Train"], found["Stop"]
        self.figure = LiveFigure()
        self.last_result: ToyResult | None = result
        self.image.value = self.figure.render(result or ToyResult(config))
        self.train_button.on_click(lambda _: self.start())
        self.stop_button.on_click(lambda _: self.stop())
        if auto_run:
            for w in self.controls:
                w.observe(lambda _: self.start(), names="value")
        # three controls a row, the status on a row of its own: nothing wraps at 1280 px
        s = self.settings
        self.assemble(
            [
                W.HBox([s["k"], s["noise_dim"], s["steps"]]),
                W.HBox([s["learning_rate"], s["discriminator"], s["loss"]]),
                W.HBox([s["seed"], self.train_button, self.stop_button]),
                self.status,
                self.image,
            ]
        )
        self.say(kit.IDLE, "ready: move a slider or press Train", **self._facts(config))
        if run:
            self.start()

    @property
    def controls(self) -> list:
        return list(self.settings.values())

    def config(self) -> ToyConfig:
        """The settings the widgets show now."""
        return kit.read_settings(ToyConfig, self.settings)

    @staticmethod
    def _facts(config: ToyConfig, result: ToyResult | None = None) -> dict:
        facts = dict(k=config.k, noise_dim=config.noise_dim, steps=config.steps)
        if result is not None and result.steps:
            facts.update(done=result.steps[-1], w1=f"{result.w1[-1]:.4g}")
            facts.update(off_chart=f"{LiveFigure.off_chart(result.samples):.2f}")
        return facts

    def start(self) -> threading.Thread:
        """Stop the current run (if any) and train the widgets' settings in the background."""
        config = self.config()
        return self.submit(lambda event: self._train(config, event))

    def wait(self, timeout: float | None = None) -> ToyResult | None:
        """Block until the background run ends (for scripts and tests); returns its result."""
        super().wait(timeout)
        return self.last_result

    def train(self, config: ToyConfig | None = None) -> ToyResult:
        """Train ``config`` (default: the widgets' settings) in the foreground, drawing live."""
        event = self.foreground()
        return self._train(config or self.config(), event)

    def _train(self, config: ToyConfig, event: threading.Event) -> ToyResult:
        try:
            config.validate(self.lesson)
        except ValueError as err:
            raise kit.SettingsError(str(err)) from None
        label, facts = f"training: {config.short_label()}", self._facts(config)
        if toy.is_built(self.lesson, config.discriminator, config.loss, self.jit_compile):
            self.say(kit.TRAINING, f"{label} | starting", **facts)
        else:
            note = "compiling the step for this D and G loss (once, seconds)"
            self.say(kit.COMPILING, f"{label} | {note}", **facts)
        self.throttle.last = float("-inf")
        result = toy.train_toy_gan(
            self.lesson,
            config,
            should_stop=event.is_set,
            on_progress=lambda r: self._progress(r, event),
            jit_compile=self.jit_compile,
            chunk=self.chunk,
        )
        self.last_result = result
        self.image.value = self.figure.render(result)
        note = LiveFigure.off_chart_note(result.samples)
        state = kit.STOPPED if result.stopped else kit.IDLE
        self.say(
            state, result.summary() + (f" | {note}" if note else ""), **self._facts(config, result)
        )
        return result

    def _progress(self, result: ToyResult, event: threading.Event) -> None:
        self.progress(event)
        if result.steps and self.throttle.due():
            self.image.value = self.figure.render(result)
            # timed after drawing: training gets the time in between
            self.throttle.mark()
            self.say(
                kit.TRAINING,
                f"training: {result.config.short_label()} | {result.steps[-1]}/"
                f"{result.config.steps} G steps, W1 {result.w1[-1]:.3f}",
                **self._facts(result.config, result),
            )


# --- showing results in the notebook ----------------------------------------------------------
def show_result(result: ToyResult):
    """The panel's three-part figure for one finished run, titled, as an image for ``display``."""
    from IPython.display import Image

    c = result.config
    title = (
        f"k={c.k}, noise_dim={c.noise_dim}, D={c.discriminator}, G loss={c.loss}, seed {c.seed}: "
        f"{result.steps[-1] if result.steps else 0} G steps, final W1 = {result.final_w1:.3f}"
    )
    figure = LiveFigure()
    figure.fig.suptitle(title, fontsize="medium")
    return Image(figure.render(result, fmt="png"))


def sweep_table(
    values: dict, rows, cols, fmt: str = ".2f", row_name: str = "k", col_name: str = "noise_dim"
) -> str:
    """A text table of ``values[row, col]`` (lists over seeds): cells "mean ± sd [min, max]"."""

    def cell(v):
        v = np.asarray(v, dtype=float)
        return f"{v.mean():{fmt}} ± {v.std():{fmt}} [{v.min():{fmt}}, {v.max():{fmt}}]"

    def name(label, value):
        return f"{label}={value}" if label else str(value)

    grid = [[name(row_name, r)] + [cell(values[r, c]) for c in cols] for r in rows]
    grid.insert(0, [""] + [name(col_name, c) for c in cols])
    widths = [max(len(line[i]) for line in grid) + 2 for i in range(len(cols) + 1)]
    return "\n".join("".join(text.rjust(w) for text, w in zip(line, widths)) for line in grid)


def plot_sweep(values: dict, k_values, noise_dims, title: str = "final W1 to N(0, 1)"):
    """Heat-map of the mean (colour: log scale up to the largest mean) with "mean ± sd" in each
    cell; returns the Figure."""
    import matplotlib.pyplot as plt
    from matplotlib.colors import LogNorm

    mean = np.array([[np.mean(values[k, d]) for d in noise_dims] for k in k_values])
    sd = np.array([[np.std(values[k, d]) for d in noise_dims] for k in k_values])
    top = 10.0 ** np.ceil(np.log10(max(np.nanmax(mean), 10.0)))  # the scale covers every cell
    fig, ax = plt.subplots(figsize=(1.9 * len(noise_dims) + 1.5, 0.75 * len(k_values) + 1.2))
    image = ax.imshow(
        np.clip(mean, 1e-3, None),
        cmap="viridis_r",
        norm=LogNorm(vmin=0.03, vmax=top),
        aspect="auto",
    )
    for i in range(len(k_values)):
        for j in range(len(noise_dims)):
            digits = 2 if mean[i, j] < 100 else 0
            text = f"{mean[i, j]:.{digits}f}\n± {sd[i, j]:.{digits}f}"
            bright = image.norm(max(mean[i, j], 1e-3)) < 0.6  # viridis_r: small W1 = light yellow
            color = "black" if bright else "white"
            ax.text(j, i, text, ha="center", va="center", fontsize=10, color=color)
    ax.set_xticks(range(len(noise_dims)), [str(d) for d in noise_dims])
    ax.set_yticks(range(len(k_values)), [str(k) for k in k_values])
    ax.set(xlabel="noise_dim", ylabel="k (D steps per G step)", title=title)
    # no grid lines across the cells
    ax.grid(False)
    fig.colorbar(image, ax=ax, label="mean W1 (log scale)", extend="min")
    return fig
