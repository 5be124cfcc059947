"""Notebook 06's runner: trains its lesson code on a 2-D mixture, many seeds on one compiled graph.

A table over models x datasets x seeds means dozens of short runs. Building and compiling a new
``TrainingLoop`` for each costs seconds, more than a run itself, so ``get_run`` builds ONE
``gan_helpers.runs.Run`` (networks, optimizers, random stream, compiled loop) per graph-fixing
choice (dataset, loss, pack size, minibatch std, k) and ``train`` restarts it for each seed: the
networks get the weights the lesson's ``make_generator`` / ``make_discriminator`` build after
``set_seed(seed)``, the optimizers' moments and step counters go back to zero, the in-graph random
stream restarts from ``seed``. A seed therefore gives the run a fresh build would give, whatever
ran before it.

``train(run, seed, steps, checkpoints)`` returns the generator's samples of a fixed noise batch
(drawn from the seed) at each checkpoint, ready for ``mixtures.mode_stats``. Notebook 06's panel
(``nb06_panel``) trains the same runs a step or a few at a time (``Run.step``, ``run.gan.loop``)
and draws them with ``make_snapshot``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import tensorflow as tf

from gan_helpers import runs
from gan_helpers.config import check_int
from gan_helpers.labs.nb06_mixtures import Mixture
from gan_helpers.training import NonFiniteLossError

# generator steps per compiled call: one size for every call, so no call compiles a new graph
CHUNK = 250


@dataclass(frozen=True)
class Lesson(runs.LessonCode):
    """Notebook 06's lesson code, as the runner calls it: ``Lesson.of(globals())`` in the notebook,
    ``Lesson.load()`` elsewhere."""

    NOTEBOOK = "06_mode_collapse"
    make_generator: Callable
    make_discriminator: Callable
    make_optimizers: Callable
    make_steps: Callable


@dataclass(eq=False)
class Run:
    """One model of the table: its options and its restartable ``gan`` (a ``runs.Run``)."""

    mixture: Mixture
    loss: str
    pack: int
    minibatch_std: bool
    gan: runs.Run
    generate: tf.types.experimental.GenericFunction  # z -> G(z), compiled
    d_step: Callable | None = None  # one D update of the loop's d_step, compiled
    g_step: Callable | None = None  # one G update, compiled

    @property
    def g_steps(self) -> int:
        """Generator updates since the last restart."""
        return int(self.gan.g_opt.iterations.numpy())

    @property
    def d_steps(self) -> int:
        return int(self.gan.d_opt.iterations.numpy())

    def step(self, network: str) -> dict:
        """One update of network "D" or "G"; its metrics (NonFiniteLossError if not finite)."""
        with self.gan.lock:
            out = self.d_step() if network == "D" else self.g_step()
            metrics = {name: float(value) for name, value in out.items()}
        if not all(np.isfinite(list(metrics.values()))):
            raise NonFiniteLossError(f"{network} step: {metrics}", self.gan.loop.history)
        return metrics


def build(
    lesson,
    mixture,
    *,
    loss,
    pack=1,
    minibatch_std=False,
    k=1,
    steps=None,
    jit_compile=True,
    noise_dim=None,
    learning_rate=None,
    d_learning_rate=None,
) -> Run:
    """The lesson's networks and steps for one model, its optimizers built, its loop compiled.

    ``noise_dim``, ``learning_rate`` (G's, and D's unless ``d_learning_rate``): handed to the
    lesson's ``make_generator`` and ``make_optimizers`` when given (default: the lesson's)."""
    lesson = Lesson.of(lesson)
    g_options = {} if noise_dim is None else {"noise_dim": noise_dim}
    rates = dict(learning_rate=learning_rate, d_learning_rate=d_learning_rate)
    rates = {name: rate for name, rate in rates.items() if rate is not None}
    gan = runs.build(
        lambda: (
            lesson.make_generator(**g_options),
            lesson.make_discriminator(pack=pack, minibatch_std=minibatch_std),
        ),
        lambda: lesson.make_optimizers(loss, steps, **rates),
        lambda r: lesson.make_steps(
            r.G, r.D, r.g_opt, r.d_opt, mixture, r.rng, loss=loss, pack=pack
        ),
        k=k,
        jit_compile=jit_compile,
    )
    generate = tf.function(lambda z: gan.G(z, training=False), jit_compile=jit_compile)
    one_step = (tf.function(gan.loop.d_step), tf.function(gan.loop.g_step))
    return Run(mixture, loss, pack, minibatch_std, gan, generate, *one_step)


def get_run(
    lesson, mixture, *, loss, pack=1, minibatch_std=False, k=1, steps=None, jit_compile=True
) -> Run:
    """The cached ``Run`` for this choice (built and compiled on first use, kept in ``runs``).

    ``lesson``: ``Lesson.of(globals())`` (or anything ``Lesson.of`` takes)."""
    lesson = Lesson.of(lesson)
    options = dict(loss=loss, pack=pack, minibatch_std=minibatch_std, k=k, steps=steps)
    key = (__name__, lesson, mixture.name, mixture.centres.tobytes(), mixture.sigma, jit_compile)
    key += tuple(options.items())
    return runs.CACHE.get(key, lambda: build(lesson, mixture, jit_compile=jit_compile, **options))


def eval_noise(seed: int, n: int, noise_dim: int) -> tf.Tensor:
    """The fixed noise a run's samples are drawn from at every checkpoint (one per seed)."""
    return tf.random.stateless_normal([n, noise_dim], seed=[7, seed])


def train(
    run: Run, seed: int, steps: int, checkpoints: int = 1, n_eval: int = 2500, on_checkpoint=None
) -> list:
    """Restart ``run`` from ``seed``, train ``steps`` G steps; the samples at each checkpoint.

    Returns a list of ``checkpoints`` arrays (n_eval, 2), taken after every ``steps //
    checkpoints`` generator steps (the last one at the end). ``on_checkpoint(run)``, if given, is
    called at each checkpoint (to take a picture of the discriminator, say).
    """
    check_int("checkpoints", checkpoints, 1, "Use at least one checkpoint.")
    check_int("steps", steps, checkpoints, "Train at least one step per checkpoint.")
    run.gan.restart(seed)
    z = eval_noise(seed, n_eval, run.gan.G.input_shape[-1])
    per = steps // checkpoints
    out = []
    for i in range(checkpoints):
        n = per if i < checkpoints - 1 else steps - per * (checkpoints - 1)
        run.gan.loop.train(n, chunk=CHUNK, verbose=False)
        out.append(run.generate(z).numpy())
        if on_checkpoint is not None:
            on_checkpoint(run)
    return out


def heatmap(run: Run, extent: float, n: int = 100) -> np.ndarray:
    """D's output on an n x n grid over [-extent, extent]^2, shape (n, n), rows along y.

    For a GAN the probability D(x) = sigmoid(logit); for WGAN-GP the raw critic score. Only for
    an unpacked D (pack 1): a packed D judges m points at once, so it has no map of one point.
    """
    if run.pack != 1:
        raise ValueError(f"a packed discriminator (pack={run.pack}) has no heat-map of one point")
    scores = np.asarray(run.gan.D(grid(extent, n), training=False)).reshape(n, n)
    return scores if run.loss == "wgan-gp" else 1 / (1 + np.exp(-scores))


def grid(extent: float, n: int) -> np.ndarray:
    """The n x n points of a grid over [-extent, extent]^2, shape (n * n, 2), rows along y."""
    axis = np.linspace(-extent, extent, n, dtype=np.float32)
    xs, ys = np.meshgrid(axis, axis)
    return np.stack([xs.ravel(), ys.ravel()], axis=1)


def make_snapshot(run: Run, g_objective: Callable, packed: Callable, n_push: int):
    """A compiled ``snapshot(z, points) -> (G(z), D(points), push)``: the panel's picture.

    ``points`` are D's inputs (rows of ``2 * pack`` numbers: the panel packs each grid point with
    the same ``pack - 1`` real points); ``push`` is minus the gradient of G's loss (the lesson's
    ``g_objective`` on packs of ``packed`` points) at G's first ``n_push`` points: where a
    generator step moves them, scaled from the batch mean back to one pack's loss."""
    G, D, pack = run.gan.G, run.gan.D, run.pack

    @tf.function
    def snapshot(z, points):
        fake = G(z, training=False)
        x = fake[:n_push]
        with tf.GradientTape() as tape:
            tape.watch(x)
            g_loss = g_objective(D(packed(x, pack), training=False), run.loss)
        # the loss is a mean over n_push / pack packs: times that, the gradient of one pack's loss
        return fake, D(points, training=False)[:, 0], -tape.gradient(g_loss, x) * (n_push / pack)

    return snapshot
