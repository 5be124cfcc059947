"""Notebook 03's runner: the 1-D toy GAN trained fast enough for a slider, and W1 to N(0, 1).

No lesson code lives here. The networks, the losses, the noise and the training step (``d_step``,
``g_step``) are written in notebook 03's ``lesson`` cells; the notebook hands them to this module as
a ``Lesson``, and tests and benchmarks load the same cells with ``Lesson.load()``. This module adds
only the plumbing around them: the run that the panel's Train button starts (``train_toy_gan``) on
a model pair built once and restarted per seed (``gan_helpers.runs``), and the distance it reports.

Why a runner at all
-------------------
A slider change in the notebook starts a new run, so a run must be fast (about a second on two CPU
cores for the post's 300 generator steps at k = 20, 6,300 optimizer steps).
``benchmarks/toy_run.py`` measures it. Four things make it so:

1. The lesson's ``d_step``/``g_step`` run in ``gan_helpers.training.TrainingLoop``: ``k`` D steps
   and one G step, repeated for a chunk of 20 generator steps, in ONE ``tf.function``. ``k`` is a
   tensor there, so a new k reuses the graph.
2. The models, optimizers and the loop are a ``runs.Run``, built once per graph-fixing choice (the
   lesson, the discriminator, the generator loss, XLA or not) and kept in ``runs.CACHE``. A new
   run restarts it from its seed (``Run.restart``: the weights the lesson's builders give for the
   seed, optimizer state zeroed, random stream reseeded) instead of building new models, so the
   compiled loop is reused.
3. One graph serves every noise_dim: G always has ``MAX_NOISE_DIM`` = 16 inputs. A run with
   noise_dim = d hands the lesson's ``make_steps`` a ``noise`` function that draws the lesson's
   noise for all 16 and sets all but the first d to zero, and starts from the weights of the
   lesson's ``make_generator(d)``, with zero kernel rows for the unused inputs. An input that is
   always 0 gives its kernel row a gradient of exactly 0, so Adam never moves that row (its step is
   0 / (0 + epsilon)): the network computes exactly what a d-input generator computes, and a new
   noise_dim needs no new graph.
4. XLA (``jit_compile=True``) fuses the hundreds of tiny ops of one step into a few kernels: about
   twice as fast per step, for a one-off compilation of several seconds per graph. XLA compiles
   once per *chunk length* (the loop's history buffer has the chunk's length), so every run uses
   chunks of ``CHUNK`` generator steps; a run whose length is not a multiple of it compiles its
   last, shorter chunk once more (seconds, once per length). The panel's step slider moves in
   multiples of ``CHUNK``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import keras
import numpy as np
import tensorflow as tf
from scipy.stats import wasserstein_distance
from threadpoolctl import ThreadpoolController  # installed with scikit-learn

from gan_helpers import runs
from gan_helpers.config import Timer, check_int
from gan_helpers.training import History

NOTEBOOK = "03_toy_gaussian_gan"
CHUNK = 20  # generator steps per compiled call; W1 is measured after each chunk
MAX_NOISE_DIM = 16  # G's input width in the cached models; a run uses the first noise_dim of them
REFERENCE_SIZE = 50_000  # the fixed N(0, 1) sample every distance is measured against
REFERENCE_SEED = 2024
EVAL_SAMPLES = 10_000  # generated samples for the final distance of a run
LIVE_SAMPLES, LIVE_REFERENCE = 2_000, 10_000  # the cheaper distance measured during a run
X_GRID = np.linspace(-4.0, 4.0, 161, dtype=np.float32)  # where D(x) is drawn


# --- the lesson code the runner calls ------------------------------------------------------------
@dataclass(frozen=True)
class Lesson(runs.LessonCode):
    """Notebook 03's lesson code, as the runner calls it: ``Lesson.of(globals())`` in the notebook,
    ``Lesson.load()`` elsewhere.

    * ``make_generator(noise_dim)`` and ``make_discriminator(kind)``: the two networks;
    * ``make_steps(G, D, g_opt, d_opt, rng, g_loss=..., noise=...) -> (d_step, g_step)``: the
      training step, where ``noise(n)`` draws a batch of z;
    * ``sample_noise(rng, n, noise_dim)``: z, from a ``tf.random.Generator``;
    * ``discriminators``, ``generator_losses`` (the notebook's ``DISCRIMINATORS`` and
      ``GENERATOR_LOSSES``): the names ``make_discriminator`` and the generator loss accept.
    """

    NOTEBOOK = NOTEBOOK
    make_generator: Callable
    make_discriminator: Callable
    make_steps: Callable
    sample_noise: Callable
    discriminators: tuple[str, ...]
    generator_losses: tuple[str, ...]


# --- the settings of one run --------------------------------------------------------------------
@dataclass(frozen=True)
class ToyConfig:
    """The settings of one run (the panel's widgets). ``steps`` counts generator steps."""

    k: int = 20
    noise_dim: int = 4
    steps: int = 300
    learning_rate: float = 1e-3
    discriminator: str = "max-softmax"
    loss: str = "minimax"
    seed: int = 0

    def validate(self, lesson: Lesson | None = None) -> ToyConfig:
        """Stop with a message that says what to change; names are checked against ``lesson``."""
        check_int("k", self.k, 1, "Take at least one discriminator step per generator step.")
        check_int("noise_dim", self.noise_dim, 1, "Use at least one noise dimension.")
        if self.noise_dim > MAX_NOISE_DIM:
            raise ValueError(
                f"noise_dim must be at most MAX_NOISE_DIM = {MAX_NOISE_DIM}, got {self.noise_dim}"
            )
        check_int("steps", self.steps, 1, "Train for at least one generator step.")
        check_int("seed", self.seed, 0, "Use a seed from gan_helpers.seed(i).")
        if not (isinstance(self.learning_rate, (int, float)) and 0 < self.learning_rate < 1):
            raise ValueError(
                f"learning_rate must be a number in (0, 1), got {self.learning_rate!r}"
            )
        if lesson is not None and self.discriminator not in lesson.discriminators:
            raise ValueError(
                f"discriminator must be one of {lesson.discriminators}, got {self.discriminator!r}"
            )
        if lesson is not None and self.loss not in lesson.generator_losses:
            raise ValueError(f"loss must be one of {lesson.generator_losses}, got {self.loss!r}")
        return self

    def short_label(self) -> str:
        """``k=20 noise_dim=4 steps=300``: the settings the panel's status names."""
        return f"k={self.k} noise_dim={self.noise_dim} steps={self.steps}"

    def label(self) -> str:
        return (
            f"k={self.k} noise_dim={self.noise_dim} steps={self.steps} lr={self.learning_rate:g} "
            f"D={self.discriminator} G-loss={self.loss} seed={self.seed}"
        )


# --- one cached experiment: the lesson's models and steps in a compiled loop ---------------------
@dataclass(eq=False)
class ToyGAN:
    """One graph-fixing choice's ``runs.Run`` (G with ``MAX_NOISE_DIM`` inputs) and its views."""

    lesson: Lesson
    discriminator: str
    run: runs.Run  # run.settings["noise_dim"]: how many of G's inputs carry noise in this run
    sample: Callable  # z -> G(z), compiled
    d_curve: Callable  # x -> D(x), compiled

    @property
    def generator(self) -> keras.Model:
        return self.run.G


def pad_noise(z: tf.Tensor, noise_dim: tf.Tensor | int) -> tf.Tensor:
    """Zero every column of ``z`` from ``noise_dim`` on (see the module doc, point 3)."""
    return tf.where(tf.range(MAX_NOISE_DIM) < noise_dim, z, 0.0)


def build_toy_gan(
    lesson: Lesson,
    discriminator: str = "max-softmax",
    loss: str = "minimax",
    jit_compile: bool = True,
) -> ToyGAN:
    """The lesson's networks and steps, Adam optimizers and the compiled loop, built once;
    ``reset_toy_gan`` prepares each run."""

    def steps(run: runs.Run):
        def noise(n):  # the lesson's noise for all MAX_NOISE_DIM inputs, the unused ones 0
            z = lesson.sample_noise(run.rng, n, MAX_NOISE_DIM)
            return pad_noise(z, run.settings["noise_dim"])

        return lesson.make_steps(
            run.G, run.D, run.g_opt, run.d_opt, run.rng, g_loss=loss, noise=noise
        )

    run = runs.build(
        lambda: (lesson.make_generator(MAX_NOISE_DIM), lesson.make_discriminator(discriminator)),
        lambda: (keras.optimizers.Adam(), keras.optimizers.Adam()),
        steps,
        jit_compile=jit_compile,
        settings={"noise_dim": MAX_NOISE_DIM},
    )
    sample = tf.function(lambda z: run.G(z, training=False))
    d_curve = tf.function(lambda x: run.D(x, training=False))
    return ToyGAN(lesson, discriminator, run, sample, d_curve)


def reset_toy_gan(gan: ToyGAN, seed: int, learning_rate: float = 1e-3, noise_dim: int = 4) -> None:
    """Start afresh from ``seed`` without building anything new (so the compiled loop stays valid).

    The weights are those the lesson's ``make_generator(noise_dim)`` and ``make_discriminator``
    give after ``set_seed(seed)``, G's first kernel padded with zero rows for the unused inputs;
    Adam's moments and step counters go back to zero, its learning rate to ``learning_rate``; the
    in-graph random stream restarts from ``seed``.
    """
    check_int("noise_dim", noise_dim, 1, "Use at least one noise dimension.")
    if noise_dim > MAX_NOISE_DIM:
        raise ValueError(
            f"noise_dim must be at most MAX_NOISE_DIM = {MAX_NOISE_DIM}, got {noise_dim}"
        )
    make_g, make_d = gan.lesson.make_generator, gan.lesson.make_discriminator
    gan.run.restart(
        seed,
        networks=lambda: (make_g(noise_dim), make_d(gan.discriminator)),
        g_lr=learning_rate,
        d_lr=learning_rate,
        # the run draws from its own random stream: TensorFlow's global seed can stay
        tf_seed=False,
        noise_dim=noise_dim,
    )


def get_toy_gan(
    lesson: Lesson,
    discriminator: str = "max-softmax",
    loss: str = "minimax",
    jit_compile: bool = True,
) -> ToyGAN:
    """The cached ``ToyGAN`` for one graph-fixing combination (built on first use)."""
    key = (__name__, lesson, discriminator, loss, jit_compile)
    return runs.CACHE.get(key, lambda: build_toy_gan(lesson, discriminator, loss, jit_compile))


def is_built(lesson: Lesson, discriminator: str, loss: str, jit_compile: bool = True) -> bool:
    """True when ``get_toy_gan`` has this combination cached (its next run compiles nothing)."""
    return (__name__, lesson, discriminator, loss, jit_compile) in runs.CACHE


def clear_cache() -> None:
    """Forget every cached model and compiled loop (the next run builds and compiles again)."""
    runs.CACHE.clear(__name__)


# --- the distance to the target ---------------------------------------------------------------
_REFERENCE: np.ndarray | None = None
_BLAS: ThreadpoolController | None = None


def reference_sample() -> np.ndarray:
    """A fixed sample of ``REFERENCE_SIZE`` draws from N(0, 1) (seed ``REFERENCE_SEED``), 1-D."""
    global _REFERENCE
    if _REFERENCE is None:
        _REFERENCE = np.random.default_rng(REFERENCE_SEED).standard_normal(REFERENCE_SIZE)
    return _REFERENCE


def w1_to_normal(samples: np.ndarray, reference_size: int = REFERENCE_SIZE) -> float:
    """1-D Wasserstein distance between ``samples`` and N(0, 1) (a large fixed reference sample).

    It is the area between the two CDFs: how far, on average, the samples must move to become the
    target. 0 for a perfect match, 1 for N(0, 1) shifted by one unit. Even genuine N(0, 1) samples
    score above 0 (sampling noise); see ``w1_noise_floor``. ``reference_size`` uses only the first
    draws of the reference (cheaper: scipy sorts both samples on every call).

    scipy ends with a dot product, which OpenBLAS splits over its threads; those then spin-wait
    and compete with TensorFlow for the CPU cores. Measured on 2 cores between training chunks:
    8 ms a call and 0.5 s of extra CPU per run, against 1.8 ms with one BLAS thread, so the call
    runs with BLAS limited to one thread.
    """
    global _BLAS
    if _BLAS is None:
        _BLAS = ThreadpoolController()
    with _BLAS.limit(limits=1, user_api="blas"):
        return float(wasserstein_distance(np.ravel(samples), reference_sample()[:reference_size]))


def w1_noise_floor(
    n: int = EVAL_SAMPLES, seed: int = 0, reference_size: int = REFERENCE_SIZE
) -> float:
    """W1 of ``n`` genuine N(0, 1) draws: the best a perfect generator scores with ``n`` samples."""
    return w1_to_normal(np.random.default_rng(seed).standard_normal(n), reference_size)


# --- one run: what the Train button and a slider change call -------------------------------------
@dataclass
class ToyResult:
    """What a run measured. Lists have one entry per chunk of generator steps."""

    config: ToyConfig
    steps: list[int] = field(default_factory=list)  # generator steps done at each log point
    w1: list[float] = field(default_factory=list)  # W1(G's samples, N(0, 1)) at each log point
    d_loss: list[float] = field(default_factory=list)  # chunk means of the steps' metrics
    g_loss: list[float] = field(default_factory=list)
    d_real: list[float] = field(default_factory=list)  # mean D(x) on real batches
    d_fake: list[float] = field(default_factory=list)  # mean D(G(z)) on generated batches
    samples: np.ndarray | None = None  # G's samples at the last log point (EVAL_SAMPLES at the end)
    d_curve: np.ndarray | None = None  # D(X_GRID) at the end
    stopped: bool = False  # True when should_stop() ended the run early
    seconds: float = 0.0
    weights: list[np.ndarray] | None = None  # G's then D's weights at the end (for comparisons)

    @property
    def final_w1(self) -> float:
        return self.w1[-1] if self.w1 else float("nan")

    @property
    def d_deviation(self) -> float:
        """How far D is from 0.5 where the data lives: E_{x ~ N(0, 1)} |D(x) - 0.5|."""
        if self.d_curve is None:
            return float("nan")
        weights = np.exp(-(X_GRID**2) / 2)
        return float(np.sum(np.abs(self.d_curve - 0.5) * weights) / np.sum(weights))

    def summary(self) -> str:
        """One line for the panel's status: what was run and how it ended.

        ``done: k=20 noise_dim=4 steps=300 | W1 0.057 after 300 G steps in 1.1 s | D(x) 0.51,
        D(G(z)) 0.49`` (or ``stopped: ...``). The other settings are on the panel's widgets.
        """
        state = "stopped" if self.stopped else "done"
        last = {n: getattr(self, n)[-1] if self.steps else np.nan for n in ("d_real", "d_fake")}
        return (
            f"{state}: {self.config.short_label()} | W1 {self.final_w1:.3f} after "
            f"{self.steps[-1] if self.steps else 0} G steps in {self.seconds:.1f} s | "
            f"D(x) {last['d_real']:.2f}, D(G(z)) {last['d_fake']:.2f}"
        )


def eval_noise(lesson: Lesson, gan: ToyGAN, seed: int, n: int = EVAL_SAMPLES) -> tf.Tensor:
    """A fixed batch of the lesson's noise for measuring a run (its own stream: ``[seed, 1]``)."""
    rng = tf.random.Generator.from_seed([seed, 1])
    return pad_noise(lesson.sample_noise(rng, n, MAX_NOISE_DIM), gan.run.settings["noise_dim"])


def train_toy_gan(
    lesson: Lesson,
    config: ToyConfig = ToyConfig(),
    on_progress: Callable[[ToyResult], None] | None = None,
    should_stop: Callable[[], bool] | None = None,
    jit_compile: bool = True,
    keep_weights: bool = False,
    chunk: int = CHUNK,
) -> ToyResult:
    """Train one toy GAN from ``config`` and measure it: what the panel's Train button runs.

    The lesson's steps run in ``TrainingLoop`` in chunks of ``chunk`` generator steps. After each
    chunk this measures W1 on G's outputs for a fixed batch of noise (``LIVE_SAMPLES`` against
    ``LIVE_REFERENCE`` draws; after the last chunk: ``EVAL_SAMPLES`` against the full reference),
    calls ``on_progress(result)``, and stops early when ``should_stop()`` returns True. The same
    config and seed give the same numbers twice.
    """
    config.validate(lesson)
    chunk = check_int("chunk", chunk, 1, f"Measure every few generator steps, e.g. {CHUNK}.")
    timer = Timer()
    gan = get_toy_gan(lesson, config.discriminator, config.loss, jit_compile)
    result = ToyResult(config)
    stop = False

    def stop_now() -> bool:  # once True, stays True: the loop and the measurement agree
        nonlocal stop
        stop = stop or bool(should_stop is not None and should_stop())
        return stop

    run = gan.run
    with run.lock:  # two threads must not train the same cached models at once
        reset_toy_gan(gan, config.seed, config.learning_rate, config.noise_dim)
        z_eval = eval_noise(lesson, gan, config.seed)
        run.loop.k = config.k
        measure = _measurement(gan, result, z_eval, on_progress, stop_now, timer)
        run.loop.train(
            config.steps, chunk=chunk, callback=measure, verbose=False, should_stop=stop_now
        )
        result.stopped = len(run.loop.history) < config.steps
        result.d_curve = gan.d_curve(tf.constant(X_GRID[:, None])).numpy().ravel()
        if keep_weights:
            result.weights = run.G.get_weights() + run.D.get_weights()
    result.seconds = timer.seconds
    if on_progress is not None:
        on_progress(result)
    return result


def _measurement(gan, result, z_eval, on_progress, stop_now, timer) -> Callable[[History], None]:
    """The loop's callback: after each chunk, W1 and the chunk's mean metrics go into ``result``."""
    steps, z_live = result.config.steps, z_eval[:LIVE_SAMPLES]

    def measure(history: History) -> None:
        done = len(history)
        last = done == steps
        samples = gan.sample(z_eval if last else z_live).numpy()
        means = history.mean_of_last(done - (result.steps[-1] if result.steps else 0))
        result.steps.append(done)
        result.w1.append(w1_to_normal(samples, REFERENCE_SIZE if last else LIVE_REFERENCE))
        for name in ("d_loss", "g_loss", "d_real", "d_fake"):
            getattr(result, name).append(means[name])
        result.samples = samples
        result.seconds = timer.seconds
        if on_progress is not None and not last and not stop_now():
            result.d_curve = gan.d_curve(tf.constant(X_GRID[:, None])).numpy().ravel()
            on_progress(result)

    return measure
