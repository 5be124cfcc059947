"""Notebook 06's widget panel: a 2-D GAN on a mixture of Gaussians, trained live, GAN Lab style.

``ModePanel(lesson)`` shows the settings (dataset, generator loss, k, the two learning rates, the
pack size m, noise_dim, seed), the buttons **Train**, **Stop**, **Step D**, **Step G** and
**Reset**, a status line, a line of mode scores and one live figure:

* left: D's opinion of every point of the plane (the heat-map: D(x) for the GAN losses, the
  critic's score rescaled to [0, 1] for WGAN-GP), real samples, generated samples and arrows of
  the gradient that moves each of a subset of generated points (their colours, and the words
  that name them, are ``LEGEND``'s): minus d g_loss / d x, the direction the generator step
  pushes that point, drawn to scale (so a saturated minimax loss shows short arrows) and capped
  at a fixed length;
* right: modes captured and % of high-quality samples (``mixtures.mode_stats`` on 2,500 samples
  from a fixed noise batch) over the generator steps.

No lesson code lives here. The networks, the step and the losses are notebook 06's ``lesson``
cells, handed in as ``lesson`` (the module ``gan_helpers.lessons.load("06_mode_collapse")``, the
notebook's ``globals()``, or a ``Lesson``). The panel calls ``make_generator(noise_dim=)``,
``make_discriminator(pack=)``, ``make_steps(G, D, g_opt, d_opt, mixture, rng, loss=, pack=)``,
``g_objective(scores, loss)`` and ``packed(points, pack)`` and reads ``LOSSES``.

How it stays live (the technique of notebook 03's ``toy_panel``):

* Training runs in a background thread, so the kernel stays free for a click on Stop; every
  button runs its work in that one thread, one job at a time, and any error ends as one line in
  the status, never as a traceback.
* The lesson's ``d_step``/``g_step`` run in ``TrainingLoop`` in short compiled calls of up to
  ``CAPACITY`` generator steps (a call's length is a tensor: any length reuses the graph),
  sized to take about ``CHUNK_S`` seconds, so Stop acts within a fraction of a second and the
  figure can be redrawn between calls. k and the learning rates change a running training at
  its next call (k is a tensor, the learning rates are variables).
* A build (models, optimizers, traced functions) is cached per dataset, loss, m, noise_dim and
  seed; Reset puts back the weights, optimizer state and random stream saved right after the
  build, so coming back to a combination compiles nothing.
* The figure is blitted (its axes, ticks and labels are drawn once and kept as a bitmap) and
  sent as a JPEG into one ``ipywidgets.Image``. ``benchmarks/mode_panel.py`` measures frames per
  second while training.
"""

from __future__ import annotations

import html
import io
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import keras
import numpy as np
import tensorflow as tf

from gan_helpers import plotting
from gan_helpers.config import check_int
from gan_helpers.labs import nb06_mixtures as mixtures
from gan_helpers.plotting import COURSE_STYLE, FIGURE_WIDTH
from gan_helpers.training import History, NonFiniteLossError, TrainingLoop

DATASETS: dict[str, Callable[[], mixtures.Mixture]] = {
    "ring": mixtures.ring,
    "grid": mixtures.grid,
}
MAX_K, MAX_PACK, MAX_NOISE_DIM = 10, 4, 16
LR_RANGE = (1e-5, 1e-2)  # the learning-rate sliders' range (log scale)
CAPACITY = 200  # most generator steps in one compiled call (the history buffer's size)
CHUNK_S = 0.06  # a compiled call is sized to take about this long: Stop acts within it
DRAW_EVERY_S = 0.1  # a new frame at most this often while training
N_EVAL = 2_500  # generated samples scored per frame (VEEGAN's and PacGAN's count)
N_SHOWN = 1_000  # of them drawn as dots
N_REAL = 500  # real samples drawn
N_ARROWS = 60  # generated points with an arrow (divisible by every pack size 1-4)
HEAT_SIZE = 64  # the heat-map is D on HEAT_SIZE x HEAT_SIZE points
ARROW_GAIN = 0.5  # arrow length per unit of |d g_loss / d x| (plane units)
ARROW_CAP = 0.12  # longest arrow, as a fraction of the plot's width
MAX_BUILDS = 8  # cached builds kept (least recently used dropped)


@dataclass(frozen=True)
class Legend:
    """The colours of D's heat-map, of the points and of the arrows, with the words naming them.

    One constant, ``LEGEND``, draws the panel's figure and notebook 06's pictures of D, and writes
    the sentences that explain them (the notebook and ``app/panels.ipynb`` display ``markdown()``),
    so the words cannot drift from the picture: tests/test_mode_panel.py reads the colours the
    panel really draws back and checks that the words name them. The heat-map shows D(x) on
    ``cmap`` from 0 (D says "fake") to 1 (D says "real").
    """

    cmap: str = "RdBu"
    # the words for the colours cmap draws at D(x) = 0 and at D(x) = 1
    fake: str = "red"
    real: str = "blue"
    # matplotlib colours of the real points, G's points and the arrows, and their words
    data_colour: str = "black"
    data: str = "black"
    generated_colour: str = "tab:orange"
    generated: str = "orange"
    arrow_colour: str = "tab:green"
    arrow: str = "green"

    def heat(self) -> str:
        """The heat-map's colours in a few words: "blue: D says real, red: D says fake"."""
        return f"{self.real}: D says real, {self.fake}: D says fake"

    def markdown(self) -> str:
        """The panel's legend, one paragraph of Markdown."""
        return (
            f"**The colours.** The background is D's opinion of every point of the plane, "
            f'{self.real} where D says "real" and {self.fake} where it says "fake" (for '
            f"WGAN-GP the critic's score, rescaled in each picture: {self.real} for high). The "
            f"real points are {self.data}, G's points {self.generated}, and the {self.arrow} "
            "arrows show where the next generator step pushes some of G's points."
        )


LEGEND = Legend()


# --- the lesson code the panel calls ------------------------------------------------------------
@dataclass(frozen=True)
class Lesson:
    """Notebook 06's lesson code, as the panel calls it (see the module doc)."""

    make_generator: Callable
    make_discriminator: Callable
    make_steps: Callable
    g_objective: Callable
    packed: Callable
    losses: tuple[str, ...]

    @classmethod
    def of(cls, source) -> Lesson:
        """From a module (``lessons.load("06_mode_collapse")``), a dict (``globals()``) or a
        ``Lesson``; says which names are missing."""
        if isinstance(source, Lesson):
            return source
        names = source if isinstance(source, dict) else vars(source)
        wanted = (
            "make_generator",
            "make_discriminator",
            "make_steps",
            "g_objective",
            "packed",
            "LOSSES",
        )
        missing = [n for n in wanted if n not in names]
        if missing:
            raise ValueError(
                f"the panel needs notebook 06's lesson names {missing}: run the notebook's "
                "lesson cells first, or pass gan_helpers.lessons.load('06_mode_collapse')"
            )
        return cls(*(names[n] for n in wanted[:-1]), tuple(names["LOSSES"]))


# --- the settings -------------------------------------------------------------------------------
@dataclass(frozen=True)
class ModeConfig:
    """The panel's settings. ``structure`` names the ones that need other models or data."""

    dataset: str = "ring"
    loss: str = "non-saturating"
    k: int = 1
    d_learning_rate: float = 1e-3
    g_learning_rate: float = 1e-3
    pack: int = 1
    noise_dim: int = 8
    seed: int = 0

    @property
    def structure(self) -> tuple:
        return (self.dataset, self.loss, self.pack, self.noise_dim, self.seed)

    def problems(self, losses) -> list[str]:
        """What is wrong with these settings, each as a sentence that says what to change."""
        found = []
        if self.dataset not in DATASETS:
            found.append(f"dataset must be one of {tuple(DATASETS)}, not {self.dataset!r}")
        if self.loss not in losses:
            found.append(f"G loss must be one of {tuple(losses)}, not {self.loss!r}")
        for name, value, top in (
            ("k", self.k, MAX_K),
            ("pack m", self.pack, MAX_PACK),
            ("noise_dim", self.noise_dim, MAX_NOISE_DIM),
        ):
            if not (isinstance(value, int) and 1 <= value <= top):
                found.append(f"{name} must be a whole number from 1 to {top}, not {value!r}")
        for name in ("d_learning_rate", "g_learning_rate"):
            value = getattr(self, name)
            if not (isinstance(value, (int, float)) and 0 < value < 1):
                found.append(f"{name} must be a number in (0, 1) such as 1e-3, not {value!r}")
        if not (isinstance(self.seed, int) and self.seed >= 0):
            found.append(f"seed must be a whole number >= 0, not {self.seed!r}")
        return found

    def label(self) -> str:
        return (
            f"{self.dataset}, {self.loss}, k={self.k}, m={self.pack}, "
            f"noise_dim={self.noise_dim}, lr D {self.d_learning_rate:.0e} "
            f"G {self.g_learning_rate:.0e}, seed {self.seed}"
        )


class PanelError(Exception):
    """A problem the panel reports in its status line (a message that says what to change)."""


# --- one build: the lesson's models and steps, compiled, with their starting values -------------
@dataclass(eq=False)
class Build:
    mixture: mixtures.Mixture
    config: ModeConfig  # the settings it was built with (structure fixed; k and rates change)
    G: keras.Model
    D: keras.Model
    g_opt: keras.optimizers.Optimizer
    d_opt: keras.optimizers.Optimizer
    rng: tf.random.Generator
    loop: TrainingLoop
    d_step: Callable  # one D update, compiled
    g_step: Callable  # one G update, compiled
    snapshot: Callable  # () -> (generated points, D on the heat-map grid, minus dg/dx at N_ARROWS)
    real: np.ndarray  # N_REAL real points to draw
    extent: float  # the plot shows [-extent, extent]^2
    start: list = field(default_factory=list)  # (variable, value) right after the build
    timeline: list = field(default_factory=list)  # (G steps, modes captured, high quality)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def g_steps(self) -> int:
        return int(self.g_opt.iterations.numpy())

    @property
    def d_steps(self) -> int:
        return int(self.d_opt.iterations.numpy())

    def set_rates(self, config: ModeConfig) -> None:
        self.d_opt.learning_rate.assign(config.d_learning_rate)
        self.g_opt.learning_rate.assign(config.g_learning_rate)

    def reset(self, config: ModeConfig) -> None:
        """Back to the state right after the build: weights, optimizer state, random stream."""
        for variable, value in self.start:
            variable.assign(value)
        self.rng.reset_from_seed(config.seed)
        self.set_rates(config)
        self.loop.k = config.k
        self.loop.history = History()
        self.timeline = []


def _optimizer(learning_rate: float) -> keras.optimizers.Optimizer:
    # Adam with beta_1 = 0.5, beta_2 = 0.9: WGAN-GP's settings, also usual for small GANs
    return keras.optimizers.Adam(learning_rate, beta_1=0.5, beta_2=0.9)


def build(lesson: Lesson, config: ModeConfig, jit_compile: bool = False) -> Build:
    """The lesson's networks and steps for ``config`` (weights drawn from ``config.seed``)."""
    mixture = DATASETS[config.dataset]()
    keras.utils.set_random_seed(config.seed)
    G = lesson.make_generator(noise_dim=config.noise_dim)
    D = lesson.make_discriminator(pack=config.pack)
    g_opt, d_opt = _optimizer(config.g_learning_rate), _optimizer(config.d_learning_rate)
    # built now, so that no variable is created inside a compiled function
    g_opt.build(G.trainable_variables)
    d_opt.build(D.trainable_variables)
    rng = tf.random.Generator.from_seed(config.seed)
    d_step, g_step = lesson.make_steps(
        G, D, g_opt, d_opt, mixture, rng, loss=config.loss, pack=config.pack
    )
    loop = TrainingLoop(d_step, g_step, k=config.k, jit_compile=jit_compile)
    extent = float(np.abs(mixture.centres).max()) + 1.5
    snapshot = _make_snapshot(lesson, G, D, mixture, config, extent)
    real = mixture.sample(N_REAL, np.random.default_rng(config.seed))
    result = Build(
        mixture,
        config,
        G,
        D,
        g_opt,
        d_opt,
        rng,
        loop,
        tf.function(d_step),
        tf.function(g_step),
        snapshot,
        real,
        extent,
    )
    variables = [*G.weights, *D.weights, *g_opt.variables, *d_opt.variables]
    result.start = [(v, v.numpy()) for v in variables]
    return result


def _make_snapshot(lesson, G, D, mixture, config, extent):
    """A compiled function: G's points for a fixed noise batch, D on the grid, and the arrows.

    With pack m > 1, D judges m points at a time: the heat-map packs each grid point with the
    same m - 1 real points, and the arrows are the gradients of G's loss for packs of generated
    points (what a generator step sees), scaled back from the batch mean to one pack.
    """
    axis = np.linspace(-extent, extent, HEAT_SIZE, dtype=np.float32)
    xs, ys = np.meshgrid(axis, axis)
    grid = np.stack([xs.ravel(), ys.ravel()], axis=1)
    if config.pack > 1:
        partners = mixture.sample(config.pack - 1, np.random.default_rng([config.seed, 2]))
        grid = np.concatenate([grid, np.tile(partners.reshape(1, -1), (len(grid), 1))], axis=1)
    grid = tf.constant(grid)
    z = tf.random.stateless_normal([N_EVAL, config.noise_dim], seed=[config.seed, 1])

    @tf.function
    def snapshot():
        fake = G(z, training=False)
        scores = tf.reshape(D(grid, training=False), [HEAT_SIZE, HEAT_SIZE])
        x = fake[:N_ARROWS]
        with tf.GradientTape() as tape:
            tape.watch(x)
            scores_of_packs = D(lesson.packed(x, config.pack), training=False)
            g_loss = lesson.g_objective(scores_of_packs, config.loss)
        # the loss is a mean over N_ARROWS / m packs: times that, the gradient of one pack's loss
        push = -tape.gradient(g_loss, x) * (N_ARROWS / config.pack)
        return fake, scores, push

    return snapshot


# --- the live figure ----------------------------------------------------------------------------
@dataclass
class Frame:
    """What one picture shows."""

    build: Build
    fake: np.ndarray
    scores: np.ndarray
    push: np.ndarray
    stats: dict
    g_steps: int


class ModeFigure:
    """The panel's figure (no pyplot), blitted, rendered to JPEG bytes.

    ``FIGURE_WIDTH`` (10 in) wide at 100 dpi, the course's font sizes. The static part (axes,
    ticks, labels, colour bar) is drawn once per build and per range of the step axis; a frame
    restores it and draws the moving artists: heat-map, real and generated points, arrows and
    the two score lines.
    """

    def __init__(self, dpi: int = 100):
        import matplotlib
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.cm import ScalarMappable
        from matplotlib.colors import Normalize
        from matplotlib.figure import Figure
        from matplotlib.lines import Line2D
        from matplotlib.ticker import MaxNLocator

        with matplotlib.rc_context(COURSE_STYLE):
            self.fig = Figure(figsize=(FIGURE_WIDTH, 4.6), dpi=dpi)
            self.canvas = FigureCanvasAgg(self.fig)
            # a square field, its colour bar, and the two score panels (figure fractions)
            self.ax = self.fig.add_axes((0.055, 0.11, 0.35, 0.76))
            self.ax_bar = self.fig.add_axes((0.415, 0.11, 0.014, 0.76))
            self.ax_modes = self.fig.add_axes((0.56, 0.58, 0.425, 0.29))
            self.ax_hq = self.fig.add_axes((0.56, 0.11, 0.425, 0.29))
            # the heat-map is painted straight into the canvas' pixels (``_paint_heat``):
            # a colour table, not an image artist, which matplotlib would resample every frame
            colours = matplotlib.colormaps[LEGEND.cmap](np.linspace(0.0, 1.0, 256))
            self.heat_colours = np.round(255 * (0.9 * colours + 0.1)).astype(np.uint8)
            self.heat_colours[:, 3] = 255
            scale = ScalarMappable(Normalize(0, 1), matplotlib.colormaps[LEGEND.cmap])
            self.fig.colorbar(scale, cax=self.ax_bar)
            self.real = self.ax.scatter(
                [], [], s=4, c=LEGEND.data_colour, animated=True, label="real"
            )
            self.fake = self.ax.scatter(
                [], [], s=5, c=LEGEND.generated_colour, animated=True, label="generated"
            )
            self.arrows = self.ax.quiver(
                np.zeros(N_ARROWS),
                np.zeros(N_ARROWS),
                np.zeros(N_ARROWS),
                np.zeros(N_ARROWS),
                angles="xy",
                scale_units="xy",
                scale=1,
                width=0.004,
                color=LEGEND.arrow_colour,
                animated=True,
            )
            self.ax.set_aspect("equal")
            self.ax.grid(False)
            # above the field, in the static part (text is the slowest thing to draw)
            arrow = Line2D([], [], color=LEGEND.arrow_colour, marker=">", markersize=6, lw=1.5)
            handles = [
                Line2D([], [], ls="", marker="o", color=LEGEND.data_colour, markersize=5),
                Line2D([], [], ls="", marker="o", color=LEGEND.generated_colour, markersize=5),
                arrow,
            ]
            self.ax.legend(
                handles,
                ["real", "generated", "push on G's points"],
                loc="lower left",
                bbox_to_anchor=(-0.02, 1.0),
                ncol=3,
                fontsize=11,
                frameon=False,
                handlelength=1.2,
                columnspacing=0.8,
            )
            self.ax_modes.yaxis.set_major_locator(MaxNLocator(integer=True))
            (self.modes_line,) = self.ax_modes.plot([], [], color="tab:blue", animated=True)
            (self.hq_line,) = self.ax_hq.plot([], [], color="tab:purple", animated=True)
            self.ax_hq.set(title="high quality (%)", xlabel="generator steps", ylim=(0, 100))
        self._background = None
        self._static_key = None

    def _draw_static(self, frame: Frame, top: int) -> None:
        b, c = frame.build, frame.build.config
        e = b.extent
        self.ax.set(xlim=(-e, e), ylim=(-e, e))
        critic = c.loss == "wgan-gp"
        self.ax_modes.set_title(f"modes captured, of {b.mixture.n_modes} ({b.mixture.name})")
        self.ax_bar.set_ylabel(
            "critic score, rescaled per frame" if critic else "D(x)", fontsize=11
        )
        for ax in (self.ax_modes, self.ax_hq):
            ax.set_xlim(0, top)
        self.ax_modes.set_ylim(0, b.mixture.n_modes + 0.5)
        self.canvas.draw()
        self._background = self.canvas.copy_from_bbox(self.fig.bbox)
        # the field's pixels (rows from the top) and the heat-map cell under each of them
        height = self.canvas.get_width_height()[1]
        x0, y0, x1, y1 = (int(round(v)) for v in self.ax.bbox.extents)
        self._box = (height - y1 + 1, height - y0, x0 + 1, x1)
        r0, r1, c0, c1 = self._box
        self._cols = ((np.arange(c0, c1) - c0 + 0.5) / (c1 - c0) * HEAT_SIZE).astype(int)
        rows = ((np.arange(r0, r1) - r0 + 0.5) / (r1 - r0) * HEAT_SIZE).astype(int)
        self._rows = HEAT_SIZE - 1 - rows  # row 0 of the heat-map is the bottom of the plot

    def _paint_heat(self, values: np.ndarray) -> None:
        """Values in [0, 1] on the HEAT_SIZE x HEAT_SIZE grid, painted into the field's pixels."""
        index = np.round(255 * np.clip(np.nan_to_num(values), 0.0, 1.0)).astype(np.uint8)
        pixels = self.heat_colours[index][self._rows[:, None], self._cols[None, :]]
        r0, r1, c0, c1 = self._box
        np.asarray(self.canvas.buffer_rgba())[r0:r1, c0:c1] = pixels

    def render(self, frame: Frame, fmt: str = "jpeg", blit: bool = True) -> bytes:

        b = frame.build
        steps = [t[0] for t in b.timeline] or [0]
        top = 100
        while top < max(steps):
            top *= 2
        key = (id(b), top)
        if not blit or self._background is None or key != self._static_key:
            self._draw_static(frame, top)
            self._static_key = key
        else:
            self.canvas.restore_region(self._background)
        scores = frame.scores
        if b.config.loss == "wgan-gp":
            scores = (scores - scores.min()) / max(float(np.ptp(scores)), 1e-12)
        else:
            scores = 1.0 / (1.0 + np.exp(-np.clip(scores, -60, 60)))
        self._paint_heat(scores)
        self.real.set_offsets(b.real)
        self.fake.set_offsets(frame.fake[:N_SHOWN])
        self.arrows.set_offsets(frame.fake[:N_ARROWS])
        self.arrows.set_UVC(*_capped(frame.push * ARROW_GAIN, ARROW_CAP * 2 * b.extent).T)
        timeline = np.array(b.timeline or [(0, 0, 0.0)], dtype=float)
        self.modes_line.set_data(timeline[:, 0], timeline[:, 1])
        self.hq_line.set_data(timeline[:, 0], 100 * timeline[:, 2])
        for ax, artist in (
            (self.ax, self.real),
            (self.ax, self.fake),
            (self.ax, self.arrows),
            (self.ax_modes, self.modes_line),
            (self.ax_hq, self.hq_line),
        ):
            ax.draw_artist(artist)
        return self.encode(fmt)

    def encode(self, fmt: str = "jpeg") -> bytes:
        """The canvas as it is now, as JPEG (or PNG) bytes."""
        from PIL import Image

        width, height = self.canvas.get_width_height()
        rgba = Image.frombuffer(
            "RGBA", (width, height), self.canvas.buffer_rgba(), "raw", "RGBA", 0, 1
        )
        buffer = io.BytesIO()
        if fmt == "png":
            rgba.save(buffer, format="png")
        else:
            rgba.convert("RGB").save(buffer, format="jpeg", quality=85)
        return buffer.getvalue()


def _capped(vectors: np.ndarray, cap: float) -> np.ndarray:
    """The vectors, each shortened to length ``cap`` if longer (NaN -> 0)."""
    vectors = np.nan_to_num(np.asarray(vectors, dtype=np.float64))
    length = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors * np.minimum(1.0, cap / np.maximum(length, 1e-12))


# --- the panel ----------------------------------------------------------------------------------
class ModePanel:
    """Notebook 06's panel (see the module doc). Widgets, by description: drop-downs ``dataset``
    and ``G loss``; sliders ``k``, ``D learning rate``, ``G learning rate``, ``pack m``,
    ``noise_dim``; box ``seed``; buttons ``Train``, ``Stop``, ``Step D``, ``Step G``, ``Reset``.

    ``status`` (HTML) says what the panel is doing or what to change; ``scores`` (HTML) reads
    "G steps 120 · D steps 120 · modes captured 5 / 8 · high quality 63.2 % · reverse KL 0.31".

    Every button runs its job in one background thread (``start``, ``step``, ``reset``; ``wait``
    joins it). The same jobs run in the foreground for scripts and tests: ``train(steps)``,
    ``step_d()``, ``step_g()``, ``reset_now()``.
    """

    def __init__(
        self,
        lesson,
        config: ModeConfig | None = None,
        *,
        max_steps: int = 5_000,
        jit_compile: bool = False,
        auto_start: bool = True,
        draw_every_s: float = DRAW_EVERY_S,
    ):
        import ipywidgets as W

        self.lesson = Lesson.of(lesson)
        config = config or ModeConfig()
        self.max_steps = check_int("max_steps", max_steps, 1, "Train runs this many G steps.")
        self.jit_compile, self.draw_every_s = jit_compile, draw_every_s
        wide = {"description_width": "initial"}
        slider = dict(continuous_update=False, style=wide, layout=W.Layout(width="300px"))
        rate = dict(base=10, min=-5, max=-2, step=0.25, readout_format=".0e", **slider)
        self.dataset = W.Dropdown(
            options=list(DATASETS), value=config.dataset, description="dataset", style=wide
        )
        self.loss = W.Dropdown(
            options=list(self.lesson.losses), value=config.loss, description="G loss", style=wide
        )
        self.k = W.IntSlider(config.k, min=1, max=MAX_K, description="k", **slider)
        self.d_rate = W.FloatLogSlider(
            config.d_learning_rate, description="D learning rate", **rate
        )
        self.g_rate = W.FloatLogSlider(
            config.g_learning_rate, description="G learning rate", **rate
        )
        self.pack = W.IntSlider(config.pack, min=1, max=MAX_PACK, description="pack m", **slider)
        self.noise_dim = W.IntSlider(
            config.noise_dim, min=1, max=MAX_NOISE_DIM, description="noise_dim", **slider
        )
        self.seed = W.BoundedIntText(
            config.seed, min=0, max=1_000_000, description="seed", layout=W.Layout(width="160px")
        )
        buttons = {}
        for name, style in (
            ("Train", "success"),
            ("Stop", "danger"),
            ("Step D", "info"),
            ("Step G", "info"),
            ("Reset", "warning"),
        ):
            buttons[name] = W.Button(
                description=name, button_style=style, tooltip=name, layout=W.Layout(width="90px")
            )
        self.buttons = buttons
        self.status = W.HTML("ready: press Train, Step D or Step G")
        self.scores = W.HTML("")
        self.figure = ModeFigure()
        self.figure.canvas.draw()  # the empty axes, until the first frame
        width = W.Layout(width=f"{FIGURE_WIDTH * 100:.0f}px")
        self.image = W.Image(value=self.figure.encode(), format="jpeg", layout=width)
        self.image.add_class("mode-panel-figure")
        self.status.add_class("mode-panel-status")
        self.scores.add_class("mode-panel-scores")
        buttons["Train"].on_click(lambda _: self.start())
        buttons["Stop"].on_click(lambda _: self.stop())
        buttons["Step D"].on_click(lambda _: self.step("D"))
        buttons["Step G"].on_click(lambda _: self.step("G"))
        buttons["Reset"].on_click(lambda _: self.reset())
        for w in (self.dataset, self.loss, self.pack, self.noise_dim, self.seed):
            w.observe(lambda _: self.reset(), names="value")
        for w in (self.k, self.d_rate, self.g_rate):
            w.observe(lambda _: self._live_settings(), names="value")
        self.widget = W.VBox(
            [
                W.HBox([self.dataset, self.loss, self.k, self.seed]),
                W.HBox([self.d_rate, self.g_rate]),
                W.HBox([self.pack, self.noise_dim]),
                W.HBox([*buttons.values()]),
                self.status,
                self.scores,
                self.image,
            ]
        )
        self.widget.add_class("mode-panel")
        self._builds: dict[tuple, Build] = {}
        self.current: Build | None = None
        self.frames = 0  # pictures sent to the image so far
        self._thread: threading.Thread | None = None
        self._stop_event = threading.Event()
        self._last_draw = 0.0
        if auto_start:
            self.reset()

    # --- settings --------------------------------------------------------------------------------
    def config(self) -> ModeConfig:
        """The settings the widgets show now."""
        return ModeConfig(
            dataset=self.dataset.value,
            loss=self.loss.value,
            k=int(self.k.value),
            d_learning_rate=float(self.d_rate.value),
            g_learning_rate=float(self.g_rate.value),
            pack=int(self.pack.value),
            noise_dim=int(self.noise_dim.value),
            seed=int(self.seed.value),
        )

    def _checked(self) -> ModeConfig:
        config = self.config()
        problems = config.problems(self.lesson.losses)
        if problems:
            raise PanelError("; ".join(problems))
        return config

    def _live_settings(self) -> None:
        """k and the learning rates act on a running training at its next compiled call."""
        b = self.current
        try:
            config = self._checked()
        except PanelError as err:
            self._say(f"<b>cannot use these settings:</b> {html.escape(str(err))}")
            return
        if b is not None and b.config.structure == config.structure:
            b.set_rates(config)
            b.loop.k = config.k
            if not self.running:
                self._say(f"ready: {html.escape(config.label())}")

    def _say(self, text: str) -> None:
        self.status.value = text

    # --- jobs ------------------------------------------------------------------------------------
    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def _submit(self, job: Callable[[threading.Event], None]) -> threading.Thread:
        """Stop the current job and run ``job(stop_event)`` in the background after it."""
        previous = self._thread
        self._stop_event.set()
        event = self._stop_event = threading.Event()

        def run():
            if previous is not None:
                previous.join()  # one job at a time: they share the models
            if event.is_set():
                return  # superseded before it began
            self._guarded(job, event)

        self._thread = threading.Thread(target=run, daemon=True, name="mode-panel")
        self._thread.start()
        return self._thread

    def _guarded(self, job, event) -> None:
        """Run ``job``; any error becomes one line in the status, never a traceback."""
        try:
            job(event)
        except PanelError as err:
            self._say(f"<b>cannot train this:</b> {html.escape(str(err))}")
        except NonFiniteLossError as err:
            self._diverged(err)
        except Exception as err:  # a background thread has no cell to fail: show it here
            text = " ".join(f"{type(err).__name__}: {err}".split())
            if len(text) > 400:
                text = text[:400] + " ..."
            self._say(
                "<b>error:</b> these settings did not work; change them or press Reset. "
                f"({html.escape(text)})"
            )

    def _diverged(self, err: NonFiniteLossError) -> None:
        b, c = self.current, self.config()
        steps = b.g_steps if b is not None else len(err.history)
        self._say(
            f"<b>stopped: the training diverged</b> (a loss became NaN or infinite; the weights "
            f"were put back to G step {steps}). Lower the learning rates (now D "
            f"{c.d_learning_rate:.0e}, G {c.g_learning_rate:.0e}) and press Reset."
        )
        self._draw(b, force=True)

    def start(self) -> threading.Thread:
        """The Train button: train in the background until Stop (or ``max_steps`` G steps)."""
        return self._submit(lambda event: self._train(self.max_steps, event))

    def stop(self) -> None:
        """The Stop button: the job ends after its current compiled call (a fraction of a s)."""
        self._stop_event.set()
        if not self.running:
            self._say("stopped")

    def step(self, network: str) -> threading.Thread:
        """The Step D / Step G buttons: one update of one network, in the background."""
        return self._submit(lambda event: self._step(network))

    def reset(self) -> threading.Thread:
        """The Reset button (and a new dataset, loss, m, noise_dim or seed): fresh weights."""
        return self._submit(lambda event: self._reset())

    def wait(self, timeout: float | None = None) -> None:
        """Block until the current job ends (for scripts and tests)."""
        if self._thread is not None:
            self._thread.join(timeout)

    # foreground versions (scripts, tests, nbval): errors are raised, not shown
    def reset_now(self) -> Build:
        self.stop()
        self.wait()
        return self._reset()

    def step_d(self) -> dict:
        self.stop()
        self.wait()
        return self._step("D")

    def step_g(self) -> dict:
        self.stop()
        self.wait()
        return self._step("G")

    def train(self, steps: int) -> Build:
        """Train ``steps`` more G steps in the foreground, drawing live; returns the build."""
        self.stop()
        self.wait()
        self._stop_event = threading.Event()
        self._train(steps, self._stop_event)
        return self.current

    # --- what the jobs do ------------------------------------------------------------------------
    def _use(self, config: ModeConfig) -> Build:
        """The build for ``config`` (cached, or built now), made current."""
        key = (*config.structure, self.jit_compile)
        b = self._builds.pop(key, None)
        if b is None:
            self._say(f"building: {html.escape(config.label())} (compiling, a few seconds)")
            try:
                b = build(self.lesson, config, self.jit_compile)
            except (ValueError, TypeError) as err:
                raise PanelError(f"{config.label()}: {err}") from None
            fresh = True
        else:
            fresh = False
        self._builds[key] = b  # most recently used last
        while len(self._builds) > MAX_BUILDS:
            self._builds.pop(next(iter(self._builds)))
        if fresh or self.current is not b:
            b.reset(config)
        self.current = b
        return b

    def _ensure(self) -> Build:
        config = self._checked()
        b = self.current
        if b is None or b.config.structure != config.structure:
            b = self._use(config)
        b.set_rates(config)
        b.loop.k = config.k
        return b

    def _reset(self) -> Build:
        config = self._checked()
        b = self._use(config)
        b.reset(config)
        self._draw(b, force=True)
        self._say(f"ready: {html.escape(config.label())}: press Train, Step D or Step G")
        return b

    def _step(self, network: str) -> dict:
        b = self._ensure()
        with b.lock:
            out = b.d_step() if network == "D" else b.g_step()
            metrics = {name: float(value) for name, value in out.items()}
        if not all(np.isfinite(list(metrics.values()))):
            raise NonFiniteLossError(f"{network} step: {metrics}", b.loop.history)
        self._draw(b, force=True)
        shown = ", ".join(f"{name} {value:.3g}" for name, value in metrics.items())
        self._say(f"one {network} step: {html.escape(shown)}")
        return metrics

    def _train(self, steps: int, event: threading.Event) -> None:
        b = self._ensure()
        self._say(f"training: {html.escape(self.config().label())}")
        done, per_step = 0, None
        self._last_draw = time.perf_counter()
        while done < steps and not event.is_set():
            # a call that ends about when the next frame is due (at most CHUNK_S)
            due = self.draw_every_s - (time.perf_counter() - self._last_draw)
            n = 5 if per_step is None else int(np.clip(due, 0.01, CHUNK_S) / per_step)
            n = int(np.clip(n, 1, min(CAPACITY, steps - done)))
            t0 = time.perf_counter()
            with b.lock:
                b.loop.train(n, chunk=CAPACITY, verbose=False)
            per_step = max((time.perf_counter() - t0) / n, 1e-6)
            done += n
            self._draw(b)
        self._draw(b, force=True)
        state = "stopped" if event.is_set() else "done"
        self._say(
            f"{state}: {html.escape(self.config().label())}: {done} G steps "
            f"({b.g_steps} in all); press Train to go on"
        )

    def _draw(self, b: Build | None, force: bool = False) -> None:
        if b is None:
            return
        now = time.perf_counter()
        if not force and now - self._last_draw < self.draw_every_s:
            return
        self._last_draw = now  # frames start draw_every_s apart, when training allows
        with b.lock:
            fake, scores, push = (t.numpy() for t in b.snapshot())
            g_steps, d_steps = b.g_steps, b.d_steps
        if not np.all(np.isfinite(fake)):
            raise NonFiniteLossError("generated points are not finite", b.loop.history)
        stats = mixtures.mode_stats(fake, b.mixture)
        if not b.timeline or b.timeline[-1][0] != g_steps:
            b.timeline.append((g_steps, stats["modes_captured"], stats["high_quality"]))
        frame = Frame(b, fake, scores, push, stats, g_steps)
        self.image.value = self.figure.render(frame)
        self.frames += 1
        kl = stats["reverse_kl"]
        self.scores.value = (
            f"G steps {g_steps} · D steps {d_steps} · <b>modes captured "
            f"{stats['modes_captured']} / {b.mixture.n_modes}</b> · high quality "
            f"{100 * stats['high_quality']:.1f} % · reverse KL "
            + ("∞" if not np.isfinite(kl) else f"{kl:.2f}")
        )

    def _ipython_display_(self):
        plotting.display_panel(self.widget, self.image)
