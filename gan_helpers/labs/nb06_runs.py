"""Notebook 06's runner: trains its lesson code on a 2-D mixture, many seeds on one compiled graph.

A table over models x datasets x seeds means dozens of short runs. Building and compiling a new
``TrainingLoop`` for each costs seconds, more than a run itself, so ``get_run`` builds ONE set of
networks, optimizers, random stream and compiled loop per graph-fixing choice (dataset, loss,
pack size, minibatch std, k) and ``reset(run, seed)`` starts it afresh: the networks get the
weights the lesson's ``make_generator`` / ``make_discriminator`` build after ``set_seed(seed)``,
the optimizers' moments and step counters go back to zero, the in-graph random stream restarts
from ``seed``. A seed therefore gives the same run whatever ran before it.

``train(run, seed, steps, checkpoints)`` returns the generator's samples of a fixed noise batch
(drawn from the seed) at each checkpoint, ready for ``mixtures.mode_stats``.
"""

from __future__ import annotations

import types
from dataclasses import dataclass

import keras
import numpy as np
import tensorflow as tf

from gan_helpers.config import check_int, set_seed
from gan_helpers.labs.nb06_mixtures import Mixture
from gan_helpers.training import History, TrainingLoop


@dataclass
class Run:
    """One compiled model: the lesson's networks, optimizers, random stream and loop."""

    lesson: types.ModuleType
    mixture: Mixture
    loss: str
    pack: int
    minibatch_std: bool
    generator: keras.Model
    discriminator: keras.Model
    optimizers: tuple
    rng: tf.random.Generator
    loop: TrainingLoop
    generate: tf.types.experimental.GenericFunction


def build(
    lesson, mixture, *, loss, pack=1, minibatch_std=False, k=1, steps=None, jit_compile=True
) -> Run:
    """The lesson's networks and steps for one model, its optimizers built, its loop compiled."""
    G = lesson.make_generator()
    D = lesson.make_discriminator(pack=pack, minibatch_std=minibatch_std)
    g_opt, d_opt = lesson.make_optimizers(loss, steps)
    g_opt.build(G.trainable_variables)
    d_opt.build(D.trainable_variables)
    rng = tf.random.Generator.from_seed(0)
    d_step, g_step = lesson.make_steps(G, D, g_opt, d_opt, mixture, rng, loss=loss, pack=pack)
    loop = TrainingLoop(d_step, g_step, k=k, jit_compile=jit_compile)
    generate = tf.function(lambda z: G(z, training=False), jit_compile=jit_compile)
    return Run(
        lesson, mixture, loss, pack, minibatch_std, G, D, (g_opt, d_opt), rng, loop, generate
    )


def reset(run: Run, seed: int) -> None:
    """Start ``run`` afresh from ``seed`` without building anything new (see the module doc)."""
    set_seed(seed)
    fresh_g = run.lesson.make_generator()
    fresh_d = run.lesson.make_discriminator(pack=run.pack, minibatch_std=run.minibatch_std)
    pairs = list(zip(run.generator.weights, fresh_g.get_weights()))
    pairs += list(zip(run.discriminator.weights, fresh_d.get_weights()))
    for opt in run.optimizers:
        # moments and step counter back to 0 (a decaying rate starts again); a constant rate stays
        pairs += [
            (v, np.zeros(v.shape, v.dtype)) for v in opt.variables if v is not opt.learning_rate
        ]
    for variable, value in pairs:
        variable.assign(value)
    run.rng.reset_from_seed(seed)
    run.loop.history = History()


_CACHE: dict[tuple, Run] = {}
# generator steps per compiled call: one size for every call, so no call compiles a new graph
CHUNK = 250


def get_run(
    lesson, mixture, *, loss, pack=1, minibatch_std=False, k=1, steps=None, jit_compile=True
) -> Run:
    """The cached ``Run`` for this choice (built and compiled on first use)."""
    options = dict(loss=loss, pack=pack, minibatch_std=minibatch_std, k=k, steps=steps)
    # a Run keeps its lesson, so id(lesson) names no other object while the Run is cached
    key = (id(lesson), mixture.name, mixture.centres.tobytes(), mixture.sigma, jit_compile)
    key += tuple(options.items())
    if key not in _CACHE:
        _CACHE[key] = build(lesson, mixture, jit_compile=jit_compile, **options)
    return _CACHE[key]


def eval_noise(seed: int, n: int, noise_dim: int) -> tf.Tensor:
    """The fixed noise a run's samples are drawn from at every checkpoint (one per seed)."""
    return tf.random.stateless_normal([n, noise_dim], seed=[7, seed])


def train(
    run: Run, seed: int, steps: int, checkpoints: int = 1, n_eval: int = 2500, on_checkpoint=None
) -> list:
    """Reset ``run`` to ``seed``, train ``steps`` generator steps; the samples at each checkpoint.

    Returns a list of ``checkpoints`` arrays (n_eval, 2), taken after every ``steps //
    checkpoints`` generator steps (the last one at the end). ``on_checkpoint(run)``, if given, is
    called at each checkpoint (to take a picture of the discriminator, say).
    """
    check_int("checkpoints", checkpoints, 1, "Use at least one checkpoint.")
    check_int("steps", steps, checkpoints, "Train at least one step per checkpoint.")
    reset(run, seed)
    z = eval_noise(seed, n_eval, run.generator.input_shape[-1])
    per = steps // checkpoints
    out = []
    for i in range(checkpoints):
        n = per if i < checkpoints - 1 else steps - per * (checkpoints - 1)
        run.loop.train(n, chunk=CHUNK, verbose=False)
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
    axis = np.linspace(-extent, extent, n, dtype=np.float32)
    xs, ys = np.meshgrid(axis, axis)
    scores = run.discriminator(np.stack([xs.ravel(), ys.ravel()], 1), training=False)
    scores = np.asarray(scores).reshape(n, n)
    return scores if run.loss == "wgan-gp" else 1 / (1 + np.exp(-scores))
