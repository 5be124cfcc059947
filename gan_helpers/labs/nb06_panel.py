"""Notebook 06's widget panel: a 2-D GAN on a mixture of Gaussians, trained live, GAN Lab style.

``ModePanel(lesson)``: the settings (dataset, G loss, k, the two learning rates, pack size m,
noise_dim, seed), the buttons Train (``MAX_STEPS`` G steps, notebook 06's budget, or until Stop),
Stop, Step D, Step G and Reset, a status line, the mode scores, and a live figure: D's heat-map,
real and generated points, and arrows of minus d g_loss / d x on some of G's points (colours and
words: ``LEGEND``); beside it, modes captured and % high quality over the G steps.

No lesson code and no runner live here. The runs are notebook 06's (``nb06_runs.build``: the
lesson's networks, ``make_optimizers`` decaying over ``MAX_STEPS``, and steps), one per structure
in a ``runs.Cache``, restarted from the seed (``runs.Run.restart``): a Train from a seed is the
table's run from that seed. Status, background job, Stop, errors, throttle and the blitted canvas
are the panel kit's (``gan_helpers.widgets``). ``benchmarks/mode_panel.py`` measures the frames/s.
"""

from __future__ import annotations

import dataclasses
import threading
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import tensorflow as tf

from gan_helpers import runs
from gan_helpers import widgets as kit
from gan_helpers.config import check_int
from gan_helpers.labs import nb06_mixtures as mixtures
from gan_helpers.labs import nb06_runs
from gan_helpers.plotting import FIGURE_WIDTH
from gan_helpers.training import NonFiniteLossError

DATASETS: dict[str, Callable[[], mixtures.Mixture]] = {
    "ring": mixtures.ring,
    "grid": mixtures.grid,
}
MAX_K, MAX_PACK, MAX_NOISE_DIM = 10, 4, 16
MAX_STEPS = 1500  # what Train runs: notebook 06's budget (its STEPS)
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
MAX_BUILDS = 8  # runs kept, one per structure (least recently used dropped)


@dataclass(frozen=True)
class Legend:
    """The colours of D's heat-map, of the points and of the arrows, with the words naming them.

    One constant, ``LEGEND``, draws the panel's figure and notebook 06's pictures of D and writes
    the words (``markdown()``, shown by the notebook and ``app/panels.ipynb``): they cannot drift
    (tests/labs/test_nb06_panel.py reads the drawn colours back). D(x) goes on ``cmap`` from 0
    (D says "fake") to 1 (D says "real")."""

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

    def markdown(self) -> str:
        """The panel's legend, one paragraph of Markdown."""
        return (
            f"**The colours.** The background is D's opinion of every point of the plane, "
            f'{self.real} where D says "real" and {self.fake} where it says "fake" (for '
            f"WGAN-GP the critic's score, rescaled in each picture: {self.real} for high). The "
            f"real points are {self.data}, G's points {self.generated}, and the {self.arrow} "
            "arrows show where the next generator step pushes some of G's points."
        )

    def heat(self) -> str:
        """The heat-map's colours in a few words: "blue: D says real, red: D says fake"."""
        return f"{self.real}: D says real, {self.fake}: D says fake"


LEGEND = Legend()


@dataclass(frozen=True)
class Lesson(nb06_runs.Lesson):
    """Notebook 06's lesson code, as the panel calls it: ``nb06_runs.Lesson``'s names, and
    ``g_objective(scores, loss)`` and ``packed(points, pack)`` for the arrows, ``LOSSES``."""

    g_objective: Callable
    packed: Callable
    losses: tuple[str, ...]


@dataclass(frozen=True)
class ModeConfig(kit.Settings):
    """The panel's settings. ``structure`` names the ones that need another run (models,
    optimizers, data): the learning rates too, as the lesson's rates follow a schedule."""

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
        rates = (self.d_learning_rate, self.g_learning_rate)
        return (self.dataset, self.loss, self.pack, self.noise_dim, *rates)

    def problems(self, losses=()) -> list:
        rate = dict(low=0, high=1, hint=" such as 1e-3")
        return [
            kit.one_of("dataset", self.dataset, DATASETS),
            kit.one_of("G loss", self.loss, losses),
            kit.whole("k", self.k, 1, MAX_K),
            kit.whole("pack m", self.pack, 1, MAX_PACK),
            kit.whole("noise_dim", self.noise_dim, 1, MAX_NOISE_DIM),
            kit.number("d_learning_rate", self.d_learning_rate, **rate),
            kit.number("g_learning_rate", self.g_learning_rate, **rate),
            kit.whole("seed", self.seed, 0),
        ]

    def label(self) -> str:
        return (
            f"{self.dataset}, {self.loss}, k={self.k}, m={self.pack}, "
            f"noise_dim={self.noise_dim}, lr D {self.d_learning_rate:.0e} "
            f"G {self.g_learning_rate:.0e}, seed {self.seed}"
        )


@dataclass(eq=False)
class Live:
    """One structure's run (``nb06_runs.Run``) as the panel shows it since its last ``restart``:
    ``G``, ``D``, ``g_opt``, ``d_opt``, ``loop`` are the run's; ``real``, the real points drawn;
    ``timeline``, (G steps, modes captured, high quality) at each frame."""

    run: nb06_runs.Run
    snapshot: Callable  # (z, points) -> (G's points, D at the points, push): nb06_runs'
    config: ModeConfig | None = None  # the settings of the last restart (k may have moved)
    timeline: list = field(default_factory=list)
    real: np.ndarray | None = None
    inputs: tuple = ()  # the snapshot's: the seed's noise batch, D's points
    G = property(lambda self: self.run.gan.G)
    D = property(lambda self: self.run.gan.D)
    g_opt = property(lambda self: self.run.gan.g_opt)
    d_opt = property(lambda self: self.run.gan.d_opt)
    loop = property(lambda self: self.run.gan.loop)
    mixture = property(lambda self: self.run.mixture)
    g_steps = property(lambda self: self.run.g_steps)
    d_steps = property(lambda self: self.run.d_steps)
    d_step = property(lambda self: self.run.d_step)  # one D update, compiled
    step = property(lambda self: self.run.step)  # step("D" or "G"): one update, its metrics

    @property
    def extent(self) -> float:
        """The plot shows [-extent, extent]^2."""
        return float(np.abs(self.mixture.centres).max()) + 1.5

    def restart(self, config: ModeConfig) -> None:
        """Fresh from ``config.seed``: the weights, optimizer state and random stream of a new
        build, the seed's real points, noise batch and (m > 1) the real points packed with each
        point of the heat-map."""
        seed, mixture, pack = config.seed, self.mixture, self.run.pack
        self.run.gan.restart(seed)
        self.real = mixture.sample(N_REAL, np.random.default_rng(seed))
        points = nb06_runs.grid(self.extent, HEAT_SIZE)
        if pack > 1:
            partners = mixture.sample(pack - 1, np.random.default_rng([seed, 2]))
            points = np.concatenate([points, np.tile(partners.reshape(1, -1), (len(points), 1))], 1)
        self.inputs = (
            tf.random.stateless_normal([N_EVAL, self.G.input_shape[-1]], seed=[seed, 1]),
            tf.constant(points),
        )
        self.config, self.timeline = config, []
        self.set_live(config)

    def set_live(self, config: ModeConfig) -> None:
        """k: it acts at the next compiled call."""
        self.loop.k = config.k

    def train(self, n: int) -> None:
        """``n`` generator steps (k D steps each) in one compiled call."""
        with self.run.gan.lock:
            self.loop.train(n, chunk=CAPACITY, verbose=False)

    def picture(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(G's points, D's scores on the heat-map grid, the push on the arrowed points)."""
        with self.run.gan.lock:
            fake, scores, push = (t.numpy() for t in self.snapshot(*self.inputs))
        if not np.all(np.isfinite(fake)):
            raise NonFiniteLossError("generated points are not finite", self.loop.history)
        return fake, scores.reshape(HEAT_SIZE, HEAT_SIZE), push


# --- the panel: its figure and its controls -----------------------------------------------------
class ModeFigure:
    """The panel's figure: D's heat-map with the points and arrows, and the two score lines.

    10 by 3.8 in at 100 dpi: with the controls, the panel fits 1280x720. The static part is drawn
    once per run and range of the step axis; a frame restores it, paints the heat-map into the
    field's pixels (a colour table: an image artist is resampled every frame), draws the rest.
    """

    def __init__(self, dpi: int = 100):
        import matplotlib
        from matplotlib.cm import ScalarMappable
        from matplotlib.colors import Normalize
        from matplotlib.lines import Line2D
        from matplotlib.ticker import MaxNLocator

        self.canvas = kit.Canvas(FIGURE_WIDTH, 3.8, dpi)
        fig = self.canvas.fig
        with self.canvas.style():
            # a square field, its colour bar, and the two score panels (figure fractions)
            self.ax = fig.add_axes((0.05, 0.12, 0.296, 0.78))
            self.ax_bar = fig.add_axes((0.355, 0.12, 0.014, 0.78))
            self.ax_modes = fig.add_axes((0.49, 0.6, 0.495, 0.3))
            self.ax_hq = fig.add_axes((0.49, 0.14, 0.495, 0.3))
            colours = matplotlib.colormaps[LEGEND.cmap](np.linspace(0.0, 1.0, 256))
            self.heat_colours = np.round(255 * (0.9 * colours + 0.1)).astype(np.uint8)
            self.heat_colours[:, 3] = 255
            scale = ScalarMappable(Normalize(0, 1), matplotlib.colormaps[LEGEND.cmap])
            fig.colorbar(scale, cax=self.ax_bar)
            scatter = dict(animated=True)
            self.real = self.ax.scatter([], [], s=4, c=LEGEND.data_colour, **scatter)
            self.fake = self.ax.scatter([], [], s=5, c=LEGEND.generated_colour, **scatter)
            arrows = dict(angles="xy", scale_units="xy", scale=1, width=0.004, animated=True)
            zeros = [np.zeros(N_ARROWS)] * 4
            self.arrows = self.ax.quiver(*zeros, color=LEGEND.arrow_colour, **arrows)
            self.ax.set_aspect("equal")
            self.ax.grid(False)
            # above the field, in the static part (text is the slowest thing to draw)
            dot = dict(ls="", marker="o", markersize=5)
            handles = [
                Line2D([], [], color=LEGEND.data_colour, **dot),
                Line2D([], [], color=LEGEND.generated_colour, **dot),
                Line2D([], [], color=LEGEND.arrow_colour, marker=">", markersize=6, lw=1.5),
            ]
            words = ["real", "generated", "push on G's points"]
            place = dict(loc="lower left", bbox_to_anchor=(-0.02, 1.0), ncol=3, frameon=False)
            place.update(fontsize=10, handlelength=1.2, columnspacing=0.6)
            self.ax.legend(handles, words, **place)
            self.ax_modes.yaxis.set_major_locator(MaxNLocator(nbins=4, integer=True))
            (self.modes_line,) = self.ax_modes.plot([], [], color="tab:blue", animated=True)
            (self.hq_line,) = self.ax_hq.plot([], [], color="tab:purple", animated=True)
            self.ax_hq.set(title="high quality (%)", xlabel="generator steps", ylim=(0, 100))

    def _static(self, b: Live, top: int) -> None:
        e = b.extent
        self.ax.set(xlim=(-e, e), ylim=(-e, e))
        critic = b.config.loss == "wgan-gp"
        self.ax_modes.set_title(f"modes captured, of {b.mixture.n_modes} ({b.mixture.name})")
        label = "critic score, rescaled per frame" if critic else "D(x)"
        self.ax_bar.set_ylabel(label, fontsize=11)
        for ax in (self.ax_modes, self.ax_hq):
            ax.set_xlim(0, top)
        self.ax_modes.set_ylim(0, b.mixture.n_modes + 0.5)
        # the field's pixels (rows from the top) and the heat-map cell under each of them
        height = self.canvas.agg.get_width_height()[1]
        x0, y0, x1, y1 = (int(round(v)) for v in self.ax.bbox.extents)
        self._box = (height - y1 + 1, height - y0, x0 + 1, x1)
        r0, r1, c0, c1 = self._box
        self._cols = ((np.arange(c0, c1) - c0 + 0.5) / (c1 - c0) * HEAT_SIZE).astype(int)
        rows = ((np.arange(r0, r1) - r0 + 0.5) / (r1 - r0) * HEAT_SIZE).astype(int)
        self._rows = HEAT_SIZE - 1 - rows  # row 0 of the heat-map is the bottom of the plot

    def render(self, b: Live, fake, scores, push, fmt: str = "jpeg", blit: bool = True) -> bytes:
        """One frame of run ``b`` (``b.picture()``'s arrays) as JPEG (or PNG) bytes."""
        top = 100
        while top < max([t[0] for t in b.timeline] or [0]):
            top *= 2

        def moving():
            values = scores
            if b.config.loss == "wgan-gp":
                values = (values - values.min()) / max(float(np.ptp(values)), 1e-12)
            else:
                values = 1.0 / (1.0 + np.exp(-np.clip(values, -60, 60)))
            index = np.round(255 * np.clip(np.nan_to_num(values), 0.0, 1.0)).astype(np.uint8)
            r0, r1, c0, c1 = self._box
            heat = self.heat_colours[index][self._rows[:, None], self._cols[None, :]]
            self.canvas.pixels()[r0:r1, c0:c1] = heat
            self.real.set_offsets(b.real)
            self.fake.set_offsets(fake[:N_SHOWN])
            self.arrows.set_offsets(fake[:N_ARROWS])
            self.arrows.set_UVC(*_capped(push * ARROW_GAIN, ARROW_CAP * 2 * b.extent).T)
            timeline = np.array(b.timeline or [(0, 0, 0.0)], dtype=float)
            self.modes_line.set_data(timeline[:, 0], timeline[:, 1])
            self.hq_line.set_data(timeline[:, 0], 100 * timeline[:, 2])
            return self.real, self.fake, self.arrows, self.modes_line, self.hq_line

        static = lambda: self._static(b, top)  # noqa: E731
        return self.canvas.render(moving, key=(id(b), top), static=static, blit=blit, fmt=fmt)


def _capped(vectors: np.ndarray, cap: float) -> np.ndarray:
    """The vectors, each shortened to length ``cap`` if longer (NaN -> 0)."""
    vectors = np.nan_to_num(np.asarray(vectors, dtype=np.float64))
    length = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors * np.minimum(1.0, cap / np.maximum(length, 1e-12))


class ModePanel(kit.Panel):
    """Notebook 06's panel (see the module doc). Widgets, by description: drop-downs ``dataset``
    and ``G loss``; sliders ``k``, ``D learning rate``, ``G learning rate``, ``pack m``,
    ``noise_dim``; box ``seed``; buttons ``Train``, ``Stop``, ``Step D``, ``Step G``, ``Reset``.

    ``status`` says what the panel does (its state, and the facts ``dataset``, ``loss``, ``k``,
    ``pack``, ``g-steps``, ``d-steps``, ``modes``); ``scores`` reads "G steps 120 · D steps 120 ·
    modes captured 5 / 8 · high quality 63.2 % · reverse KL 0.31". At construction the panel
    builds its models and draws them (the still image shows the data, G's first samples and D);
    ``auto_start=False`` leaves that to the first job. Every button runs its job in the
    background (``start``, ``step``, ``reset``; ``wait`` joins it); scripts and tests run the
    same in the foreground: ``train(steps)``, ``step_d()``, ``step_g()``, ``reset_now()``.
    ``current`` is the ``Live`` run shown.
    """

    css = "mode-panel"

    def __init__(
        self,
        lesson,
        config: ModeConfig | None = None,
        *,
        max_steps: int = MAX_STEPS,
        jit_compile: bool = False,
        auto_start: bool = True,
        draw_every_s: float = DRAW_EVERY_S,
    ):
        import ipywidgets as W

        super().__init__("jpeg", image_width=round(FIGURE_WIDTH * 100))
        c = config or ModeConfig()
        self.lesson = Lesson.of(lesson)
        self.max_steps = check_int("max_steps", max_steps, 1, "Train runs this many G steps.")
        self.jit_compile, self.runs = jit_compile, runs.Cache(MAX_BUILDS)
        self.current: Live | None = None
        self.throttle = kit.Throttle(draw_every_s)
        rate = dict(base=10, min=-5, max=-2, step=0.25, readout_format=".0e")
        self.dataset = kit.dropdown(DATASETS, c.dataset, "dataset", 170)
        self.loss = kit.dropdown(self.lesson.losses, c.loss, "G loss", 240)
        self.k = kit.slider("int", c.k, "k", 260, min=1, max=MAX_K)
        self.d_rate = kit.slider("log", c.d_learning_rate, "D learning rate", 255, **rate)
        self.g_rate = kit.slider("log", c.g_learning_rate, "G learning rate", 255, **rate)
        self.pack = kit.slider("int", c.pack, "pack m", 175, min=1, max=MAX_PACK)
        self.noise_dim = kit.slider("int", c.noise_dim, "noise_dim", 195, min=1, max=MAX_NOISE_DIM)
        self.seed = kit.seed_box(c.seed, 150)
        shown = (self.dataset, self.loss, self.k, self.d_rate, self.g_rate, self.pack)
        fields = [f.name for f in dataclasses.fields(ModeConfig)]
        self.settings = dict(zip(fields, (*shown, self.noise_dim, self.seed)))
        kinds = dict(Train="success", Stop="danger", Step_D="info", Step_G="info", Reset="warning")
        self.buttons = kit.buttons(**kinds)
        self.scores = W.HTML("")
        self.scores.add_class("mode-panel-scores")
        self.figure = ModeFigure()
        self.frames = 0  # pictures sent to the image so far
        self._traced = weakref.WeakSet()  # runs whose training step has been compiled
        jobs = (self.start, self.stop, lambda: self.step("D"), lambda: self.step("G"), self.reset)
        for button, job in zip(self.buttons.values(), jobs):
            button.on_click(lambda _, job=job: job())
        for w in (self.dataset, self.loss, self.pack, self.noise_dim, self.seed, *shown[3:5]):
            w.observe(lambda _: self.reset(), names="value")
        self.k.observe(lambda _: self._live_settings(), names="value")
        self.assemble(
            [
                kit.row(self.dataset, self.loss, self.k, self.seed),
                kit.row(self.d_rate, self.g_rate, self.pack, self.noise_dim),
                kit.row(*self.buttons.values()),
                self.status,
                self.scores,
                self.image,
            ]
        )
        self.image.value = self.figure.canvas.render(fmt="jpeg")  # the axes, until a first frame
        self.say(kit.IDLE, "ready: press Train, Step D or Step G")
        if auto_start:
            self.reset_now()

    # --- settings --------------------------------------------------------------------------------
    def config(self) -> ModeConfig:
        """The settings the widgets show now."""
        return ModeConfig.read(self.settings)

    def _checked(self) -> ModeConfig:
        return self.config().validate(self.lesson.losses)

    def _facts(self, config: ModeConfig) -> dict:
        b, c = self.current, config
        counts = {} if b is None else {"g_steps": b.g_steps, "d_steps": b.d_steps}
        if b is not None and b.timeline:
            counts["modes"] = b.timeline[-1][1]
        return dict(dataset=c.dataset, loss=c.loss, k=c.k, pack=c.pack, **counts)

    def _live_settings(self) -> None:
        """k acts on a running training at its next compiled call."""
        try:
            config = self._checked()
        except kit.SettingsError as err:
            self.fail(err)
            return
        b = self.current
        if b is not None and b.config.structure == config.structure:
            b.set_live(config)
            if not self.running:
                self.say(kit.IDLE, f"ready: {config.label()}", **self._facts(config))

    # --- the buttons -----------------------------------------------------------------------------
    def start(self) -> threading.Thread:
        """The Train button: ``max_steps`` G steps in the background, or until Stop."""
        return self.submit(lambda event: self._train(self.max_steps, event))

    def step(self, network: str) -> threading.Thread:
        """The Step D / Step G buttons: one update of one network, in the background."""
        return self.submit(lambda event: self._step(network))

    def reset(self) -> threading.Thread:
        """The Reset button (and a new dataset, loss, learning rate, m, noise_dim or seed):
        fresh weights from the seed."""
        return self.submit(lambda event: self._reset())

    # foreground versions (scripts, tests, nbval): errors are raised, not shown
    def reset_now(self) -> Live:
        self.foreground()
        return self._reset()

    def step_d(self) -> dict:
        self.foreground()
        return self._step("D")

    def step_g(self) -> dict:
        self.foreground()
        return self._step("G")

    def train(self, steps: int) -> Live:
        """Train ``steps`` more G steps in the foreground, drawing live; returns the run."""
        self._train(steps, self.foreground())
        return self.current

    # --- what the jobs do ------------------------------------------------------------------------
    def _ensure(self, reset: bool = False) -> Live:
        """The run of the widgets' settings; from their seed if ``reset`` or another run."""
        config = self._checked()
        b, wanted = self.current, (config.structure, config.seed)
        if reset or b is None or (b.config.structure, b.config.seed) != wanted:
            key = (*config.structure, self.jit_compile)
            if key not in self.runs:
                text = f"building: {config.label()} (compiling, a few seconds)"
                self.say(kit.COMPILING, text, **self._facts(config))
            b = self.current = self.runs.get(key, lambda: self._build(config))
            b.restart(config)
        b.set_live(config)
        return b

    def _build(self, config: ModeConfig) -> Live:
        c, lesson = config, self.lesson
        options = dict(learning_rate=c.g_learning_rate, d_learning_rate=c.d_learning_rate)
        options.update(loss=c.loss, pack=c.pack, noise_dim=c.noise_dim, k=c.k, steps=MAX_STEPS)
        try:
            run = nb06_runs.build(
                lesson, DATASETS[c.dataset](), jit_compile=self.jit_compile, **options
            )
        except (ValueError, TypeError) as err:
            raise kit.SettingsError(f"{config.label()}: {err}") from None
        return Live(run, nb06_runs.make_snapshot(run, lesson.g_objective, lesson.packed, N_ARROWS))

    def _reset(self) -> Live:
        b = self._ensure(reset=True)
        self._draw(b)
        config = self.config()
        text = f"ready: {config.label()}: press Train, Step D or Step G"
        self.say(kit.IDLE, text, **self._facts(config))
        return b

    def _step(self, network: str) -> dict:
        b = self._ensure()
        metrics = b.step(network)
        self._draw(b)
        shown = ", ".join(f"{name} {value:.3g}" for name, value in metrics.items())
        self.say(kit.IDLE, f"one {network} step: {shown}", **self._facts(self.config()))
        return metrics

    def _train(self, steps: int, event: threading.Event) -> None:
        b = self._ensure()
        config = self.config()
        label = f"training: {config.label()}"
        if b not in self._traced:
            note = f"{label} (compiling the training step, a few seconds)"
            self.say(kit.COMPILING, note, **self._facts(config))
        done, per_step = 0, None
        self.throttle.mark()
        while done < steps and not event.is_set():
            # a call that ends about when the next frame is due (at most CHUNK_S)
            budget = np.clip(self.throttle.left(), 0.01, CHUNK_S)
            n = int(np.clip(5 if per_step is None else budget / per_step, 1, CAPACITY))
            n = min(n, steps - done)
            t0 = time.perf_counter()
            b.train(n)
            self._traced.add(b)
            per_step = max((time.perf_counter() - t0) / n, 1e-6)
            done += n
            self.progress(event)
            if self.throttle.due():
                self._draw(b)
                self.say(kit.TRAINING, label, **self._facts(config))
        self._draw(b)
        state, word = (kit.STOPPED, "stopped") if event.is_set() else (kit.IDLE, "done")
        text = f"{word}: {config.label()}: {done} G steps ({b.g_steps} in all); Train goes on"
        self.say(state, text, **self._facts(config))

    def diverged(self, err: NonFiniteLossError) -> str:
        b, c = self.current, self.config()
        steps = b.g_steps if b is not None else len(err.history)
        if b is not None:
            self._draw(b)
        return (
            f"(a loss became NaN or infinite; the weights were put back to G step {steps}). "
            f"Lower the learning rates (now D {c.d_learning_rate:.0e}, G "
            f"{c.g_learning_rate:.0e}) and press Reset."
        )

    def _draw(self, b: Live) -> None:
        self.throttle.mark()  # frames start draw_every_s apart, when training allows
        fake, scores, push = b.picture()
        g_steps, d_steps = b.g_steps, b.d_steps
        stats = mixtures.mode_stats(fake, b.mixture)
        if not b.timeline or b.timeline[-1][0] != g_steps:
            b.timeline.append((g_steps, stats["modes_captured"], stats["high_quality"]))
        self.image.value = self.figure.render(b, fake, scores, push)
        self.frames += 1
        kl = stats["reverse_kl"]
        self.scores.value = (
            f"G steps {g_steps} · D steps {d_steps} · <b>modes captured "
            f"{stats['modes_captured']} / {b.mixture.n_modes}</b> · high quality "
            f"{100 * stats['high_quality']:.1f} % · reverse KL "
            + ("∞" if not np.isfinite(kl) else f"{kl:.2f}")
        )
