"""Notebook 07's panel: the Dirac-GAN's vector field and one trajectory, redrawn as sliders move.

No lesson code lives here. The losses, the vector field and the update rules are written in
notebook 07's ``lesson`` cells; the notebook hands them to this module as a ``DiracLesson``, and
tests load the same cells with ``DiracLesson.load()``. This module adds only plumbing:

* ``field_on_grid``: the lesson's ``vector_field`` evaluated on a grid of (theta, psi) points, in
  one compiled call per loss (a new gamma or sigma reuses it);
* ``draw_phase``: the arrows of the field, a trajectory over them, the start and the equilibrium;
* ``DiracPanel``: drop-downs (method, loss) and sliders (h, gamma, sigma, start, steps); every
  change runs the lesson's update rule from the start point and redraws the figure at once. The
  lesson's ``make_dirac_gan(method, loss)`` builds a compiled run once per method and loss; a new
  h, gamma, sigma, start or step count reuses it (a run of 300 steps takes milliseconds).
"""

from __future__ import annotations

import html
import io
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import tensorflow as tf

from gan_helpers import lessons, plotting
from gan_helpers.config import check_int
from gan_helpers.plotting import FIGURE_WIDTH
from gan_helpers.training import NonFiniteLossError

NOTEBOOK = "07_dirac_gan"
LIMIT = 2.5  # the figure shows theta and psi in [-LIMIT, LIMIT] (WGAN-GP swings to ±2 inside it)
GRID = 15  # arrows per axis


@dataclass(frozen=True)
class DiracLesson:
    """Notebook 07's lesson code, as the panel calls it (the notebook passes its own functions).

    * ``make_dirac_gan(method, loss)`` returns ``run(start, steps, h, gamma, sigma)``, which
      trains from ``start = (theta, psi)`` and returns the ``(steps + 1, 2)`` trajectory;
    * ``vector_field(theta, psi, loss, gamma, sigma)`` returns (v_theta, v_psi);
    * ``methods``, ``losses``: the names the two accept; ``chunk``: steps per compiled call.
    """

    make_dirac_gan: Callable
    vector_field: Callable
    methods: tuple[str, ...]
    losses: tuple[str, ...]
    chunk: int

    @classmethod
    def load(cls, notebook: str = NOTEBOOK) -> DiracLesson:
        """The lesson cells of ``notebook`` (run by ``gan_helpers.lessons.load``): for tests."""
        m = lessons.load(notebook)
        return cls(m.make_dirac_gan, m.vector_field, tuple(m.METHODS), tuple(m.LOSSES), m.CHUNK)


@dataclass(frozen=True)
class DiracConfig:
    """The settings of one trajectory (the panel's widgets)."""

    method: str = "simultaneous"
    loss: str = "GAN"
    h: float = 0.1
    gamma: float = 0.5
    sigma: float = 1.0
    theta: float = 1.0
    psi: float = 0.0
    steps: int = 300

    def validate(self, lesson: DiracLesson) -> DiracConfig:
        """Stop with a message that says what to change."""
        if self.method not in lesson.methods:
            raise ValueError(f"method must be one of {lesson.methods}, got {self.method!r}")
        if self.loss not in lesson.losses:
            raise ValueError(f"loss must be one of {lesson.losses}, got {self.loss!r}")
        for name in ("h", "gamma", "sigma", "theta", "psi"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float, np.floating)):
                raise ValueError(f"{name} must be a number, got {value!r}")
            if not np.isfinite(value):
                raise ValueError(f"{name} must be finite, got {value!r}")
        if not 0 < self.h <= 1:
            raise ValueError(f"h (the step size) must be in (0, 1], got {self.h!r}; try 0.1")
        if self.gamma < 0 or self.sigma < 0:
            raise ValueError(
                f"gamma and sigma must be >= 0 (0 switches R1 or the noise off), "
                f"got gamma={self.gamma!r}, sigma={self.sigma!r}"
            )
        check_int("steps", self.steps, lesson.chunk, "Run at least one chunk of steps.")
        if self.steps % lesson.chunk:
            raise ValueError(
                f"steps must be a multiple of {lesson.chunk} (one compiled chunk), got {self.steps}"
            )
        return self

    def label(self) -> str:
        return (
            f"{self.method}, {self.loss}, h={self.h:g}, gamma={self.gamma:g}, "
            f"sigma={self.sigma:g}, start=({self.theta:g}, {self.psi:g}), {self.steps} steps"
        )


# --- the field on a grid -------------------------------------------------------------------------
_FIELDS: dict[tuple, Callable] = {}


def field_on_grid(
    vector_field: Callable,
    loss: str,
    gamma: float,
    sigma: float,
    n: int = GRID,
    limit: float = LIMIT,
) -> tuple[np.ndarray, ...]:
    """(theta, psi, v_theta, v_psi), each (n, n): the lesson's ``vector_field`` on a grid."""
    key = (vector_field, loss)
    if key not in _FIELDS:

        def one(point, g, s):
            return tf.stack(vector_field(point[0], point[1], loss, g, s))

        _FIELDS[key] = tf.function(lambda points, g, s: tf.map_fn(lambda p: one(p, g, s), points))
    axis = np.linspace(-limit, limit, n)
    theta, psi = np.meshgrid(axis, axis)
    points = tf.constant(np.column_stack([theta.ravel(), psi.ravel()]), tf.float64)
    v = _FIELDS[key](points, tf.constant(gamma, tf.float64), tf.constant(sigma, tf.float64))
    v = v.numpy()
    return theta, psi, v[:, 0].reshape(theta.shape), v[:, 1].reshape(theta.shape)


def draw_phase(ax, field, trajectory: np.ndarray | None = None, title: str = "", limit=LIMIT):
    """Arrows of the field (direction only: all the same length), the trajectory, its start."""
    theta, psi, vt, vp = field
    norm = np.hypot(vt, vp)
    scale = np.where(norm > 0, 1 / np.maximum(norm, 1e-12), 0.0)
    ax.quiver(theta, psi, vt * scale, vp * scale, color="0.6", width=0.004)
    if trajectory is not None:
        ax.plot(trajectory[:, 0], trajectory[:, 1], color="tab:red", lw=1.3)
        ax.plot(*trajectory[0], "o", color="tab:red", ms=6, label="start")
        ax.plot(*trajectory[-1], "s", color="tab:red", ms=5, mfc="white", label="end")
    ax.plot(0, 0, "*", color="tab:blue", ms=12, label="equilibrium")
    ax.set(xlim=(-limit, limit), ylim=(-limit, limit), xlabel="θ (generator)", ylabel="ψ (D)")
    ax.set_aspect("equal")
    if title:
        ax.set_title(title)


def distance(trajectory: np.ndarray) -> np.ndarray:
    """Distance of every iterate to the equilibrium (0, 0)."""
    return np.hypot(trajectory[:, 0], trajectory[:, 1])


# --- the panel -----------------------------------------------------------------------------------
class PhaseFigure:
    """The panel's figure: the phase plane (left) and the distance to (0, 0) per step (right)."""

    def __init__(self, dpi: int = 90):
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        self.fig = Figure(figsize=(FIGURE_WIDTH * 0.9, 4.0), dpi=dpi, layout="constrained")
        self.canvas = FigureCanvasAgg(self.fig)
        self.ax_phase, self.ax_dist = self.fig.subplots(1, 2, width_ratios=[1, 1.25])

    def render(self, field, trajectory: np.ndarray | None, title: str = "") -> bytes:
        """Redraw both axes and return the figure as PNG bytes."""
        self.ax_phase.clear()
        self.ax_dist.clear()
        draw_phase(self.ax_phase, field, trajectory)
        self.ax_phase.legend(loc="lower left", fontsize=9)
        if trajectory is not None:
            d = distance(trajectory)
            self.ax_dist.plot(np.arange(len(d)), np.maximum(d, 1e-12), color="tab:red")
            self.ax_dist.set_yscale("log")
        self.ax_dist.set(xlabel="step", title="distance to (0, 0)")
        self.fig.suptitle(title, fontsize=11)
        buffer = io.BytesIO()
        self.fig.savefig(buffer, format="png")
        return buffer.getvalue()


class DiracPanel:
    """Drop-downs and sliders; any change reruns the lesson's dynamics and redraws at once.

    Widget descriptions (for people and browser tests): drop-downs ``method``, ``loss``; sliders
    ``h``, ``gamma``, ``sigma``, ``theta0``, ``psi0``, ``steps``. ``status`` (HTML) reports the
    settings and the distance to the equilibrium at the start and at the end, or what went wrong.
    ``redraw()`` is what a slider change calls; it returns the trajectory (None after an error).
    """

    def __init__(self, lesson: DiracLesson, config: DiracConfig | None = None, auto: bool = True):
        import ipywidgets as W

        self.lesson = lesson
        config = (config or DiracConfig()).validate(lesson)
        slider = dict(
            continuous_update=False,
            style={"description_width": "initial"},
            layout=W.Layout(width="300px"),
        )
        wide = {"description_width": "initial"}
        self.method = W.Dropdown(
            options=lesson.methods, value=config.method, description="method", style=wide
        )
        self.loss = W.Dropdown(
            options=lesson.losses, value=config.loss, description="loss", style=wide
        )
        self.h = W.FloatSlider(config.h, min=0.01, max=1.0, step=0.01, description="h", **slider)
        self.gamma = W.FloatSlider(
            config.gamma, min=0.0, max=3.0, step=0.05, description="gamma", **slider
        )
        self.sigma = W.FloatSlider(
            config.sigma, min=0.0, max=2.0, step=0.05, description="sigma", **slider
        )
        self.theta0 = W.FloatSlider(
            config.theta, min=-LIMIT, max=LIMIT, step=0.05, description="theta0", **slider
        )
        self.psi0 = W.FloatSlider(
            config.psi, min=-LIMIT, max=LIMIT, step=0.05, description="psi0", **slider
        )
        chunk = lesson.chunk
        self.steps = W.IntSlider(
            config.steps, min=chunk, max=30 * chunk, step=chunk, description="steps", **slider
        )
        self.status = W.HTML("")
        self.figure = PhaseFigure()
        self.image = W.Image(format="png")
        self.redraws = 0
        self.last_trajectory: np.ndarray | None = None
        self._runs: dict[tuple[str, str], Callable] = {}
        self.widget = W.VBox(
            [
                W.HBox([self.method, self.loss, self.steps]),
                W.HBox([self.h, self.gamma, self.sigma]),
                W.HBox([self.theta0, self.psi0]),
                self.status,
                self.image,
            ]
        )
        self.redraw()
        if auto:
            for w in self.controls:
                w.observe(lambda _: self.redraw(), names="value")

    @property
    def controls(self) -> list:
        return [
            self.method,
            self.loss,
            self.h,
            self.gamma,
            self.sigma,
            self.theta0,
            self.psi0,
            self.steps,
        ]

    def _ipython_display_(self):
        plotting.display_panel(self.widget, self.image)

    def config(self) -> DiracConfig:
        """The settings the widgets show now."""
        return DiracConfig(
            method=self.method.value,
            loss=self.loss.value,
            h=float(self.h.value),
            gamma=float(self.gamma.value),
            sigma=float(self.sigma.value),
            theta=float(self.theta0.value),
            psi=float(self.psi0.value),
            steps=int(self.steps.value),
        )

    def trajectory(self, config: DiracConfig) -> np.ndarray:
        """Run the lesson's dynamics for ``config`` (one compiled run per method and loss)."""
        config.validate(self.lesson)
        key = (config.method, config.loss)
        if key not in self._runs:
            self._runs[key] = self.lesson.make_dirac_gan(config.method, config.loss)
        start = (config.theta, config.psi)
        return self._runs[key](start, config.steps, config.h, config.gamma, config.sigma)

    def redraw(self, config: DiracConfig | None = None) -> np.ndarray | None:
        """Run ``config`` (default: the widgets' settings) and redraw; errors go to the status."""
        config = config or self.config()
        try:
            trajectory = self.trajectory(config)
        except (ValueError, NonFiniteLossError) as err:
            hint = " Lower h." if isinstance(err, NonFiniteLossError) else ""
            self.status.value = f"<b>error:</b> {html.escape(str(err))}{hint}"
            self.last_trajectory = None
            return None
        field = field_on_grid(self.lesson.vector_field, config.loss, config.gamma, config.sigma)
        d = distance(trajectory)
        self.status.value = html.escape(
            f"{config.label()}: distance to (0, 0) {d[0]:.3g} → {d[-1]:.3g}"
        )
        self.image.value = self.figure.render(field, trajectory, f"{config.method}, {config.loss}")
        self.redraws += 1
        self.last_trajectory = trajectory
        return trajectory
