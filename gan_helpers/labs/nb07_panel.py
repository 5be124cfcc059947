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

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import tensorflow as tf

from gan_helpers import lessons
from gan_helpers import widgets as kit
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
class DiracConfig(kit.Settings):
    """The settings of one trajectory (the panel's widgets)."""

    method: str = "simultaneous"
    loss: str = "GAN"
    h: float = 0.1
    gamma: float = 0.5
    sigma: float = 1.0
    theta: float = 1.0
    psi: float = 0.0
    steps: int = 300

    def problems(self, lesson: DiracLesson) -> list:
        """What to change, each as a sentence (``validate`` raises them)."""
        off = {"gamma": " (0 switches R1 off)", "sigma": " (0 switches the noise off)"}
        found = [
            kit.one_of("method", self.method, lesson.methods),
            kit.one_of("loss", self.loss, lesson.losses),
            kit.number("h (the step size)", self.h, 0, 1, closed="high", hint="; try 0.1"),
            *(kit.number(n, getattr(self, n), 0, np.inf, "low", off[n]) for n in off),
            *(kit.number(n, getattr(self, n), -np.inf, np.inf) for n in ("theta", "psi")),
            kit.whole("steps", self.steps, lesson.chunk),
        ]
        if isinstance(self.steps, int) and self.steps % lesson.chunk:
            found.append(f"steps must be a multiple of {lesson.chunk} (one compiled chunk)")
        return found

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


def draw_phase(
    ax, field, trajectory: np.ndarray | None = None, title: str = "", limit=LIMIT, animated=False
) -> list:
    """Arrows of the field (direction only: all the same length), the trajectory, its start and
    end. Returns the trajectory's line (``animated=True``: drawn apart, over a kept background)."""
    theta, psi, vt, vp = field
    norm = np.hypot(vt, vp)
    scale = np.where(norm > 0, 1 / np.maximum(norm, 1e-12), 0.0)
    ax.quiver(theta, psi, vt * scale, vp * scale, color="0.6", width=0.004)
    drawn = []
    if trajectory is not None:
        path = dict(color="tab:red", lw=1.3, animated=animated)
        drawn = ax.plot(trajectory[:, 0], trajectory[:, 1], **path)
        ax.plot(*trajectory[0], "o", color="tab:red", ms=6, label="start")
        ax.plot(*trajectory[-1], "s", color="tab:red", ms=5, mfc="white", label="end")
    ax.plot(0, 0, "*", color="tab:blue", ms=12, label="equilibrium")
    ax.set(xlim=(-limit, limit), ylim=(-limit, limit), xlabel="θ (generator)", ylabel="ψ (D)")
    ax.set_aspect("equal")
    if title:
        ax.set_title(title)
    return drawn


def distance(trajectory: np.ndarray) -> np.ndarray:
    """Distance of every iterate to the equilibrium (0, 0)."""
    return np.hypot(trajectory[:, 0], trajectory[:, 1])


# --- the panel -----------------------------------------------------------------------------------
class PhaseFigure:
    """The panel's figure: the phase plane (left) and the distance to (0, 0) per step (right),
    redrawn in full for every trajectory (the field changes with the loss, gamma and sigma). The
    axes keep fixed places (no layout engine), so the same trajectory always gives the same
    picture."""

    def __init__(self, dpi: int = 90):
        self.canvas = kit.Canvas(FIGURE_WIDTH * 0.9, 4.0, dpi)
        self.fig = self.canvas.fig
        with self.canvas.style():
            self.ax_phase, self.ax_dist = self.fig.subplots(1, 2, width_ratios=[1, 1.25])
        self.fig.subplots_adjust(left=0.08, right=0.98, bottom=0.14, top=0.86, wspace=0.22)

    def render(self, field, trajectory: np.ndarray | None, title: str = "") -> bytes:
        """Both axes for ``field`` and ``trajectory``, as PNG bytes."""
        moving = []

        def static():
            self.ax_phase.clear()
            self.ax_dist.clear()
            moving[:] = draw_phase(self.ax_phase, field, trajectory, animated=True)
            self.ax_phase.legend(loc="lower left", fontsize=9)
            if trajectory is not None:
                d = np.maximum(distance(trajectory), 1e-12)
                moving.extend(self.ax_dist.plot(np.arange(len(d)), d, color="tab:red"))
                self.ax_dist.set_yscale("log")
            self.ax_dist.set(xlabel="step", title="distance to (0, 0)")
            self.fig.suptitle(title, fontsize=11)

        return self.canvas.render(lambda: moving, static=static, fmt="png")


class DiracPanel(kit.Panel):
    """Drop-downs and sliders; any change reruns the lesson's dynamics and redraws at once.

    Widget descriptions (for people and browser tests): drop-downs ``method``, ``loss``; sliders
    ``h``, ``gamma``, ``sigma``, ``theta0``, ``psi0``, ``steps``. ``status`` reports the settings
    and the distance to the equilibrium at the start and at the end, or what went wrong, with the
    facts ``method``, ``loss``, ``h`` and ``redraws``. ``redraw()`` is what a slider change calls
    (in the kernel's thread for widget messages, or a cell's: one at a time); it returns the
    trajectory (None after an error).
    """

    css = "dirac-panel"

    def __init__(self, lesson: DiracLesson, config: DiracConfig | None = None, auto: bool = True):

        super().__init__("png")
        self.lesson = lesson
        config = (config or DiracConfig()).validate(lesson)
        chunk, lim = lesson.chunk, dict(min=-LIMIT, max=LIMIT, step=0.05)
        steps = dict(min=chunk, max=30 * chunk, step=chunk)
        self.settings = {
            "method": kit.dropdown(lesson.methods, config.method, "method"),
            "loss": kit.dropdown(lesson.losses, config.loss, "loss"),
            "h": kit.slider("float", config.h, "h", min=0.01, max=1.0, step=0.01),
            "gamma": kit.slider("float", config.gamma, "gamma", min=0.0, max=3.0, step=0.05),
            "sigma": kit.slider("float", config.sigma, "sigma", min=0.0, max=2.0, step=0.05),
            "theta": kit.slider("float", config.theta, "theta0", **lim),
            "psi": kit.slider("float", config.psi, "psi0", **lim),
            "steps": kit.slider("int", config.steps, "steps", **steps),
        }
        s = self.settings
        self.method, self.loss, self.h, self.gamma = s["method"], s["loss"], s["h"], s["gamma"]
        self.sigma, self.theta0, self.psi0, self.steps = (
            s["sigma"],
            s["theta"],
            s["psi"],
            s["steps"],
        )
        self.figure = PhaseFigure()
        self.redraws = 0
        self.last_trajectory: np.ndarray | None = None
        self._runs: dict[tuple[str, str], Callable] = {}
        self.assemble(
            [
                kit.row(self.method, self.loss, self.steps),
                kit.row(self.h, self.gamma, self.sigma),
                kit.row(self.theta0, self.psi0),
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
        return list(self.settings.values())

    def config(self) -> DiracConfig:
        """The settings the widgets show now."""
        return kit.read_settings(DiracConfig, self.settings)

    def trajectory(self, config: DiracConfig) -> np.ndarray:
        """Run the lesson's dynamics for ``config`` (one compiled run per method and loss)."""
        config.validate(self.lesson)
        key = (config.method, config.loss)
        if key not in self._runs:
            self.say(kit.COMPILING, f"compiling the run for {config.method}, {config.loss} (once)")
            self._runs[key] = self.lesson.make_dirac_gan(config.method, config.loss)
        start = (config.theta, config.psi)
        return self._runs[key](start, config.steps, config.h, config.gamma, config.sigma)

    def diverged(self, err: NonFiniteLossError) -> str:
        return f"({err}). Lower h."

    def redraw(self, config: DiracConfig | None = None) -> np.ndarray | None:
        """Run ``config`` (default: the widgets' settings) and redraw; errors go to the status."""
        config = config or self.config()
        with self.lock:
            try:
                trajectory = self.trajectory(config)
            except (kit.SettingsError, NonFiniteLossError) as err:
                self.fail(err)
                self.last_trajectory = None
                return None
            field = field_on_grid(self.lesson.vector_field, config.loss, config.gamma, config.sigma)
            title = f"{config.method}, {config.loss}"
            self.image.value = self.figure.render(field, trajectory, title)
            self.redraws += 1
            self.last_trajectory = trajectory
            d = distance(trajectory)
            self.say(
                kit.IDLE,
                f"{config.label()}: distance to (0, 0) {d[0]:.3g} → {d[-1]:.3g}",
                method=config.method,
                loss=config.loss,
                h=f"{config.h:g}",
                redraws=self.redraws,
            )
            return trajectory
