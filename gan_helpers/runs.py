"""One restartable run: a GAN built once per graph-fixing choice and restarted for every seed.

Building networks and tracing (or XLA-compiling) ``TrainingLoop`` takes seconds, often more than
a short run, so a sweep over seeds, or a slider, builds once and restarts::

    run = runs.build(
        lambda: (make_generator(), make_discriminator()),  # the lesson's builders
        lambda: (keras.optimizers.Adam(2e-4), keras.optimizers.Adam(2e-4)),
        lambda r: make_steps(r.G, r.D, r.g_opt, r.d_opt, r.rng),  # the lesson's steps
    )
    run.restart(seed).loop.train(STEPS)

``restart(seed)`` calls the lesson's builders after ``set_seed(seed)`` and copies every value of the
new networks into the run's (weights, BatchNormalization statistics, Dropout's random state), zeroes
the optimizers' state, restarts the random stream from ``seed``: the run a new build would give
(``tests/core/test_runs.py``), nothing traced again. ``CACHE`` keeps the last runs, one per
graph-fixing choice. ``LessonCode`` is how lesson code reaches a helper."""

from __future__ import annotations

import dataclasses
import random
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, ClassVar

import keras
import numpy as np
import tensorflow as tf

from gan_helpers.config import set_seed
from gan_helpers.training import History, TrainingLoop

# the lesson's builders: () -> (G, D), new networks
Networks = Callable[[], tuple[keras.Model, keras.Model]]


@dataclasses.dataclass(eq=False)
class Run:
    """A GAN's networks, optimizers, random stream, settings and compiled loop (see the module)."""

    G: keras.Model
    D: keras.Model
    g_opt: keras.optimizers.Optimizer
    d_opt: keras.optimizers.Optimizer
    rng: tf.random.Generator  # the lesson's steps draw every batch and noise from it
    settings: dict[str, tf.Variable]  # numbers the steps read while they run (a label, a width)
    networks: Networks
    loop: TrainingLoop | None = None
    lock: threading.RLock = dataclasses.field(default_factory=threading.RLock)
    _start: dict = dataclasses.field(default_factory=dict)  # learning rates, settings at build
    _assign: Callable | None = None

    def restart(
        self,
        seed: int,
        *,
        networks: Networks | None = None,
        weights: tuple[list, list] | None = None,
        g_lr: float | None = None,
        d_lr: float | None = None,
        tf_seed: bool = True,
        **settings: float,
    ) -> Run:
        """Start afresh from ``seed``: the state right after a new build with ``set_seed(seed)``.

        ``networks``: other builders for this start (a variable of theirs smaller than the run's,
        as in a G built for fewer noise inputs, fills the leading rows; the rest is 0);
        ``weights``: (G's, D's) ``get_weights()`` to start from instead; ``g_lr``, ``d_lr``,
        ``settings``: this run's values (default: the build's). ``tf_seed=False`` seeds only what
        the builders draw from (Python's and NumPy's generators), not TensorFlow's global seed:
        setting it drops TensorFlow's kernel caches (a tenth of a second). Returns the run."""
        unknown = sorted(set(settings) - set(self.settings))
        if unknown:
            raise ValueError(f"no setting {unknown}; this run has {sorted(self.settings)}")
        if tf_seed:
            set_seed(seed)
        else:
            random.seed(seed)
            np.random.seed(seed)
        fresh = (networks or self.networks)()
        new = {}
        for net, built, start in zip((self.G, self.D), fresh, weights or (None, None)):
            if len(built.variables) != len(net.variables):
                raise ValueError(f"the builders made a {built.name} unlike the run's {net.name}")
            new.update({id(v): (v, w.numpy()) for v, w in zip(net.variables, built.variables)})
            new.update({id(v): (v, w) for v, w in zip(net.weights, start or [])})
        for opt, rate in ((self.g_opt, g_lr), (self.d_opt, d_lr)):
            lr = next((v for v in opt.variables if v is opt.learning_rate), None)
            if lr is None and rate is not None:
                raise ValueError("this optimizer's learning rate is a schedule: it cannot be set")
            # moments and step counter 0 (a schedule starts again); the learning rate as asked
            new.update({id(v): (v, 0) for v in opt.variables if v is not lr})
            if lr is not None:
                new[id(lr)] = (lr, self._start[id(lr)] if rate is None else rate)
        for name, v in self.settings.items():
            new[id(v)] = (v, settings.get(name, self._start[id(v)]))
        with self.lock:
            self._assign_all(list(new.values()))
            self.rng.reset_from_seed(seed)
            self.loop.history = History()
        return self

    def _assign_all(self, pairs: list) -> None:
        # ONE compiled call instead of one eager assign per variable (about 50 of them)
        if self._assign is None:
            variables = [v for v, _ in pairs]
            self._assign = tf.function(lambda xs: [v.assign(x) for v, x in zip(variables, xs)])
        self._assign([_fit(x, v) for v, x in pairs])


def _fit(value, variable) -> np.ndarray:
    """``value`` in ``variable``'s dtype and shape: a number broadcast, a smaller array padded."""
    shape = tuple(variable.shape)
    value = np.asarray(value, tf.as_dtype(variable.dtype).as_numpy_dtype)
    if value.ndim == 0 or value.shape == shape:
        return np.broadcast_to(value, shape)
    if value.ndim != len(shape) or any(a > b for a, b in zip(value.shape, shape)):
        raise ValueError(
            f"{variable.name}: a new value of shape {value.shape} does not fit {shape}"
        )
    return np.pad(value, [(0, b - a) for a, b in zip(value.shape, shape)])


def build(
    networks: Networks,
    optimizers: Callable[[], tuple[keras.optimizers.Optimizer, keras.optimizers.Optimizer]],
    steps: Callable[[Run], tuple[Callable, Callable]],
    *,
    k: int = 1,
    jit_compile: bool = False,
    settings: dict[str, float] | None = None,
) -> Run:
    """Build once: ``networks()`` -> (G, D), ``optimizers()`` -> (g_opt, d_opt), each
    ``settings`` item a ``tf.Variable`` (``run.settings[name]``), and the loop of
    ``steps(run)`` -> (d_step, g_step). Call ``restart(seed)`` before training."""
    G, D = networks()
    g_opt, d_opt = optimizers()
    # built now, so that no variable is created inside a compiled function
    g_opt.build(G.trainable_variables)
    d_opt.build(D.trainable_variables)
    variables = {n: tf.Variable(x, trainable=False, name=n) for n, x in (settings or {}).items()}
    run = Run(G, D, g_opt, d_opt, tf.random.Generator.from_seed(0), variables, networks)
    run.loop = TrainingLoop(*steps(run), k=k, jit_compile=jit_compile)
    learning_rates = [v for o in (g_opt, d_opt) for v in o.variables if v is o.learning_rate]
    run._start = {id(v): v.numpy() for v in [*learning_rates, *variables.values()]}
    return run


class Cache:
    """The last ``size`` objects made, by key (least recently used dropped); thread-safe."""

    def __init__(self, size: int):
        self.size, self._items, self._lock = size, OrderedDict(), threading.Lock()

    def get(self, key: tuple, make: Callable[[], Any]) -> Any:
        """The object for ``key`` (start it with the helper's name), made on first use."""
        with self._lock:
            if key not in self._items:
                self._items[key] = make()
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)
            return self._items[key]

    def __contains__(self, key: tuple) -> bool:
        return key in self._items

    def clear(self, owner: str | None = None) -> None:
        """Forget every object (or those whose key starts with ``owner``)."""
        with self._lock:
            for key in [k for k in self._items if owner in (None, k[0])]:
                del self._items[key]


# notebook 06 trains 14 models in one sweep; notebook 03's panel has 4 (D x G loss)
CACHE = Cache(size=16)


@dataclasses.dataclass(frozen=True)
class LessonCode:
    """The lesson names a helper calls, as one record: a subclass lists them as fields (a field
    ``losses`` reads the notebook's ``LOSSES``) and names its ``NOTEBOOK``. ``Record.of(globals())``
    in the notebook, ``Record.load()`` elsewhere. Lists become tuples: a record can key a cache."""

    NOTEBOOK: ClassVar[str] = ""

    @classmethod
    def of(cls, source: Any) -> LessonCode:
        """From the notebook's ``globals()``, a module from ``lessons.load`` or a record."""
        if isinstance(source, cls):
            return source
        names = source if isinstance(source, dict) else vars(source)
        found = {
            f.name: next((names[n] for n in (f.name, f.name.upper()) if n in names), None)
            for f in dataclasses.fields(cls)
        }
        missing = [name for name, value in found.items() if value is None]
        if missing:
            raise ValueError(
                f"{cls.__name__} needs {cls.NOTEBOOK}'s lesson names {missing}: run the notebook's "
                f"lesson cells first, or pass gan_helpers.lessons.load({cls.NOTEBOOK!r})"
            )
        return cls(**{n: tuple(v) if isinstance(v, list) else v for n, v in found.items()})

    @classmethod
    def load(cls) -> LessonCode:
        """The record filled from ``NOTEBOOK``'s lesson cells (``lessons.load``): for tests."""
        from gan_helpers import lessons

        return cls.of(lessons.load(cls.NOTEBOOK))
