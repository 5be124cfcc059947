"""Notebook 03's widget panel, its live figure, and the tables and heat-map of its sweeps.

``ToyPanel(lesson, config)`` shows sliders for k, noise_dim, the learning rate and the number of
generator steps, drop-downs for the discriminator and the generator loss, a seed box, Train and
Stop, a status line and one live figure. Every run is ``nb03_toy.train_toy_gan`` with the
notebook's own lesson code. ``sweep_table``, ``plot_sweep`` and ``show_result`` present the results.
"""

from __future__ import annotations

import html
import io
import threading
import time

import numpy as np

from gan_helpers import plotting
from gan_helpers.labs import nb03_toy as toy
from gan_helpers.labs.nb03_toy import CHUNK, MAX_NOISE_DIM, X_GRID, Lesson, ToyConfig, ToyResult
from gan_helpers.plotting import FIGURE_WIDTH


class LiveFigure:
    """One matplotlib figure (no pyplot: nothing is shown twice) redrawn in place into an image.

    Left: a histogram of G's samples over the N(0, 1) density. Middle: D(x) over x. Right: W1 to
    N(0, 1) over the generator steps. ``render(result)`` returns JPEG bytes (10 times faster to
    encode than PNG; ``fmt="png"`` for a sharp still); the panel puts them into one
    ``ipywidgets.Image``, which the browser swaps without flicker.

    Why not the course's ``plotting.LivePlot``: LivePlot draws metric series over the steps (and
    image samples), while this figure shows a histogram and a function of x; and it redraws every
    frame from scratch (clear, plot, ``tight_layout``, PNG), while a slider-started run of about a
    second wants several frames without slowing the training thread. Drawing axes, ticks and text
    is most of matplotlib's time, so the static part here is drawn once (again only when the step
    or W1 axis must change) and kept as a bitmap; each frame restores it and draws only the three
    moving artists ("blitting"). Measured with ``.venv/bin/python benchmarks/toy_run.py --frames``
    (median ms per frame on the 2-core machine at load average 9.6): blitted 3.3 ms, the same figure
    fully redrawn 187 ms, a LivePlot of the W1 series alone 224 ms.
    """

    def __init__(self, dpi: int = 100):
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        # the course's width (shown unshrunk at 1280 px); fonts from the course style, if applied
        self.fig = Figure(figsize=(FIGURE_WIDTH, 3.4), dpi=dpi, layout="constrained")
        self.canvas = FigureCanvasAgg(self.fig)
        self.ax_hist, self.ax_d, self.ax_w1 = self.fig.subplots(1, 3)
        self.edges = np.linspace(-4.0, 4.0, 65)
        density = np.exp(-(X_GRID**2) / 2) / np.sqrt(2 * np.pi)
        self.ax_hist.plot(X_GRID, density, color="black", lw=1.5, label="N(0, 1)")
        zeros = np.zeros(len(self.edges) - 1)
        self.hist = self.ax_hist.stairs(
            zeros, self.edges, fill=True, alpha=0.5, color="tab:orange", label="G(z)", animated=True
        )
        self.ax_hist.set(xlim=(-4, 4), ylim=(0, 0.8), xlabel="x", title="samples")
        self.ax_hist.legend(loc="upper right")
        self.ax_d.axhline(0.5, color="gray", ls="--", lw=1)
        nan = np.full_like(X_GRID, np.nan)
        (self.d_line,) = self.ax_d.plot(X_GRID, nan, color="tab:blue", animated=True)
        self.ax_d.set(xlim=(-4, 4), ylim=(0, 1.02), xlabel="x", title="D(x)")
        (self.w1_line,) = self.ax_w1.plot([], [], color="tab:green", marker=".", animated=True)
        floor = toy.w1_noise_floor(toy.LIVE_SAMPLES, reference_size=toy.LIVE_REFERENCE)
        self.ax_w1.axhline(floor, color="gray", ls="--", lw=1)
        self.ax_w1.set(
            yscale="log", ylim=(0.01, 10), xlabel="generator steps", title="W1 to N(0, 1)"
        )
        self._background = None
        self._static_key = None

    def render(
        self, result: ToyResult | None = None, fmt: str = "jpeg", blit: bool = True
    ) -> bytes:
        """The figure for ``result`` as JPEG (or PNG) bytes. ``blit=False`` redraws everything."""
        from PIL import Image

        key = None
        if result is not None:
            top = 10.0 ** max(1, int(np.ceil(np.log10(max(result.w1 or [1.0]) * 1.5))))
            key = (result.config.steps, top)
        if not blit or self._background is None or key != self._static_key:
            if result is not None:  # draw the static part (once, while the axes stay the same)
                self.ax_w1.set_xlim(0, result.config.steps)
                self.ax_w1.set_ylim(0.01, top)
            self.canvas.draw()
            self._background = self.canvas.copy_from_bbox(self.fig.bbox)
            self._static_key = key
        else:
            self.canvas.restore_region(self._background)
        if result is not None and result.samples is not None:
            counts, _ = np.histogram(np.ravel(result.samples), self.edges, density=True)
            self.hist.set_data(np.nan_to_num(counts))
            if result.d_curve is not None:
                self.d_line.set_ydata(result.d_curve)
            self.w1_line.set_data(result.steps, result.w1)
            for ax, artist in (
                (self.ax_hist, self.hist),
                (self.ax_d, self.d_line),
                (self.ax_w1, self.w1_line),
            ):
                ax.draw_artist(artist)
        width, height = self.canvas.get_width_height()
        buffer = io.BytesIO()
        rgba = Image.frombuffer(
            "RGBA", (width, height), self.canvas.buffer_rgba(), "raw", "RGBA", 0, 1
        )
        if fmt == "png":
            rgba.save(buffer, format="png")
        else:
            rgba.convert("RGB").save(buffer, format="jpeg", quality=90)
        return buffer.getvalue()


class ToyPanel:
    """The widget panel of notebook 03: settings, Train and Stop, a status line, one live figure.

    The Train button (and any change of a setting) calls ``start()``: it asks the current run to
    stop and trains the widgets' settings in a background thread, so the kernel stays free to
    receive a click on Stop (``stop()``: the run ends after its current chunk of ``chunk``
    generator steps). ``train()`` runs the same code in the foreground and returns the
    ``ToyResult``: that is how a test, or nbval, exercises what the button does.

    Widget descriptions (for people and for browser tests): sliders ``k``, ``noise_dim``,
    ``learning_rate``, ``G steps``; drop-downs ``discriminator``, ``G loss``; box ``seed``; buttons
    ``Train``, ``Stop``. The status line (``status``, HTML) ends every run with
    ``ToyResult.summary()``: "done: k=20 noise_dim=4 ... W1=0.057" (or "stopped: ...").
    """

    def __init__(
        self,
        lesson: Lesson,
        config: ToyConfig | None = None,
        chunk: int = CHUNK,
        draw_every_s: float = 0.15,
        auto_run: bool = True,
        jit_compile: bool = True,
    ):
        import ipywidgets as W

        self.lesson = lesson
        config = (config or ToyConfig()).validate(lesson)
        self.chunk, self.draw_every_s, self.jit_compile = chunk, draw_every_s, jit_compile
        # full labels, and sliders wide enough to set a value (never squeezed by their row)
        slider = dict(
            continuous_update=False,
            style={"description_width": "initial"},
            layout=W.Layout(width="330px", flex="0 0 auto"),
        )
        self.k = W.IntSlider(config.k, min=1, max=30, description="k", **slider)
        self.noise_dim = W.IntSlider(
            config.noise_dim, min=1, max=MAX_NOISE_DIM, description="noise_dim", **slider
        )
        self.learning_rate = W.FloatLogSlider(
            config.learning_rate,
            base=10,
            min=-4,
            max=-2,
            step=0.25,
            readout_format=".1e",
            description="learning_rate",
            **slider,
        )
        # steps in whole chunks: every chunk then has the same length (one XLA compilation)
        self.steps = W.IntSlider(
            config.steps, min=chunk, max=150 * chunk, step=chunk, description="G steps", **slider
        )
        # drop-downs with full labels, never squeezed either
        dropdown = dict(
            style={"description_width": "initial"}, layout=W.Layout(width="300px", flex="0 0 auto")
        )
        self.discriminator = W.Dropdown(
            options=lesson.discriminators,
            value=config.discriminator,
            description="discriminator",
            **dropdown,
        )
        self.loss = W.Dropdown(
            options=lesson.generator_losses, value=config.loss, description="G loss", **dropdown
        )
        self.seed = W.BoundedIntText(
            config.seed, min=0, max=1_000_000, description="seed", layout=W.Layout(width="200px")
        )
        self.train_button = W.Button(description="Train", button_style="success", tooltip="Train")
        self.stop_button = W.Button(description="Stop", button_style="danger", tooltip="Stop")
        self.status = W.HTML("ready: move a slider or press Train")
        self.figure = LiveFigure()
        # the empty axes for this config, until the first run draws into them
        self.image = W.Image(value=self.figure.render(ToyResult(config)), format="jpeg")
        self.train_button.on_click(lambda _: self.start())
        self.stop_button.on_click(lambda _: self.stop())
        if auto_run:
            for w in self.controls:
                w.observe(lambda _: self.start(), names="value")
        # three controls a row, the status on a row of its own: nothing wraps at 1280 px
        self.widget = W.VBox(
            [
                W.HBox([self.k, self.noise_dim, self.steps]),
                W.HBox([self.learning_rate, self.discriminator, self.loss]),
                W.HBox([self.seed, self.train_button, self.stop_button]),
                self.status,
                self.image,
            ]
        )
        self.last_result: ToyResult | None = None
        self._thread: threading.Thread | None = None
        self._stop_event = threading.Event()
        self._progressed = threading.Event()  # set once the current run has finished a chunk
        self._last_draw = 0.0

    @property
    def controls(self) -> list:
        return [
            self.k,
            self.noise_dim,
            self.learning_rate,
            self.steps,
            self.discriminator,
            self.loss,
            self.seed,
        ]

    def _ipython_display_(self):
        plotting.display_panel(self.widget, self.image)

    def config(self) -> ToyConfig:
        """The settings the widgets show now."""
        return ToyConfig(
            k=self.k.value,
            noise_dim=self.noise_dim.value,
            steps=self.steps.value,
            learning_rate=float(self.learning_rate.value),
            discriminator=self.discriminator.value,
            loss=self.loss.value,
            seed=int(self.seed.value),
        )

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> threading.Thread:
        """Stop the current run (if any) and train the widgets' settings in a background thread."""
        previous = self._thread
        self._stop_event.set()
        self._progressed.clear()
        event = self._stop_event = threading.Event()
        config = self.config()
        self._thread = threading.Thread(
            target=self._background, args=(config, event, previous), daemon=True
        )
        self._thread.start()
        return self._thread

    def stop(self) -> None:
        """Ask the current run to stop; it does after its current chunk of generator steps."""
        self._stop_event.set()

    def wait_for_progress(self, timeout: float | None = None) -> bool:
        """Block until the run started last has trained its first chunk (for scripts and tests)."""
        return self._progressed.wait(timeout)

    def wait(self, timeout: float | None = None) -> ToyResult | None:
        """Block until the background run ends (for scripts and tests); returns its result."""
        if self._thread is not None:
            self._thread.join(timeout)
        return self.last_result

    def train(self, config: ToyConfig | None = None) -> ToyResult:
        """Train ``config`` (default: the widgets' settings) in the foreground, drawing live."""
        self.stop()
        self.wait()
        self._stop_event = threading.Event()
        self._progressed.clear()
        return self._train(config or self.config(), self._stop_event)

    def _background(
        self, config: ToyConfig, event: threading.Event, previous: threading.Thread | None
    ):
        if previous is not None:
            previous.join()  # one run at a time: the cached models are shared
        if event.is_set():
            return  # superseded by a newer slider value before it began
        try:
            self._train(config, event)
        except Exception as err:  # show it in the panel: a background thread has no cell to fail
            self.status.value = f"<b>error:</b> {html.escape(f'{type(err).__name__}: {err}')}"

    def _train(self, config: ToyConfig, event: threading.Event) -> ToyResult:
        built = toy.is_built(self.lesson, config.discriminator, config.loss, self.jit_compile)
        note = "starting" if built else "compiling the step for this D and G loss (once, seconds)"
        self.status.value = f"training: {config.short_label()} | {note}"
        self._last_draw = 0.0
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
        self.status.value = result.summary()
        return result

    def _progress(self, result: ToyResult, event: threading.Event) -> None:
        if event is self._stop_event:  # this run is still the current one
            self._progressed.set()
        if time.perf_counter() - self._last_draw >= self.draw_every_s:
            self.image.value = self.figure.render(result)
            # timed after drawing: training gets the time in between
            self._last_draw = time.perf_counter()
            self.status.value = (
                f"training: {result.config.short_label()} | {result.steps[-1]}/"
                f"{result.config.steps} G steps, W1 {result.w1[-1]:.3f}"
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
