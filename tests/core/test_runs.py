"""Unit tests for gan_helpers.runs: a restarted run is the run a fresh build would give.

Tiny networks with the layers whose state a restart must put back (BatchNormalization's running
statistics in G, Dropout's random state in D) and a step in the course's shape, graph mode.
"""

import dataclasses
import types

import keras
import numpy as np
import pytest
import tensorflow as tf

import gan_helpers
from gan_helpers import runs
from gan_helpers.training import TrainingLoop

NOISE_DIM, BATCH = 3, 16


def make_generator(noise_dim=NOISE_DIM):
    layers = [keras.layers.Dense(8, use_bias=False), keras.layers.BatchNormalization()]
    layers += [keras.layers.ReLU(), keras.layers.Dense(2)]
    return keras.Sequential([keras.Input((noise_dim,)), *layers], name="generator")


def make_discriminator():
    layers = [keras.layers.Dense(8, activation="relu"), keras.layers.Dropout(0.3)]
    return keras.Sequential([keras.Input((2,)), *layers, keras.layers.Dense(1)], name="critic")


def make_optimizers():
    return keras.optimizers.Adam(1e-2), keras.optimizers.Adam(3e-2)


def make_steps(G, D, g_opt, d_opt, rng, shift):
    def d_step():
        real = rng.normal([BATCH, 2]) + shift
        fake = G(rng.normal([BATCH, G.input_shape[-1]]), training=True)
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(D(fake, training=True)) - tf.reduce_mean(D(real, training=True))
        grads = tape.gradient(loss, D.trainable_variables)
        d_opt.apply_gradients(zip(grads, D.trainable_variables))
        return {"d_loss": loss}

    def g_step():
        with tf.GradientTape() as tape:
            fake = G(rng.normal([BATCH, G.input_shape[-1]]), training=True)
            loss = -tf.reduce_mean(D(fake, training=True))
        grads = tape.gradient(loss, G.trainable_variables)
        g_opt.apply_gradients(zip(grads, G.trainable_variables))
        return {"g_loss": loss}

    return d_step, g_step


def networks():
    return make_generator(), make_discriminator()


def new_run(**kw):
    def steps(r):
        return make_steps(r.G, r.D, r.g_opt, r.d_opt, r.rng, r.settings["shift"])

    return runs.build(networks, make_optimizers, steps, settings={"shift": 1.0}, **kw)


def fresh_build(seed, steps=6, shift=1.0):
    """What a notebook writes without a helper: seed, build everything, train."""
    gan_helpers.set_seed(seed)
    G, D = networks()
    g_opt, d_opt = make_optimizers()
    rng = tf.random.Generator.from_seed(seed)
    loop = TrainingLoop(*make_steps(G, D, g_opt, d_opt, rng, tf.constant(shift)), k=2)
    return loop.train(steps, chunk=3, verbose=False).as_arrays(), G.variables + D.variables


@pytest.fixture(scope="module")
def run():
    return new_run(k=2)


def train(run, steps=6):
    return run.loop.train(steps, chunk=3, verbose=False).as_arrays()


@pytest.mark.parametrize("tf_seed", [True, False])
def test_a_restarted_run_is_the_run_a_fresh_build_gives(run, tf_seed):
    run.restart(4)
    train(run)  # another seed first: the restart must undo all of it
    history = train(run.restart(7, tf_seed=tf_seed))
    expected, variables = fresh_build(7)
    assert history.keys() == expected.keys()
    for name in expected:
        np.testing.assert_array_equal(history[name], expected[name], err_msg=name)
    for mine, theirs in zip(run.G.variables + run.D.variables, variables):
        np.testing.assert_array_equal(mine.numpy(), theirs.numpy(), err_msg=mine.path)


def test_restart_puts_back_every_value_of_a_fresh_build(run):
    run.restart(3, g_lr=0.5, shift=-2.0)
    train(run)
    run.restart(3)
    gan_helpers.set_seed(3)
    G, D = networks()
    values = G.variables + D.variables
    assert len(run.G.weights) < len(run.G.variables) or len(run.D.weights) < len(run.D.variables)
    for mine, theirs in zip(run.G.variables + run.D.variables, values):
        np.testing.assert_array_equal(mine.numpy(), theirs.numpy(), err_msg=mine.path)
    for opt, rate in ((run.g_opt, 1e-2), (run.d_opt, 3e-2)):
        assert int(opt.iterations.numpy()) == 0
        assert float(opt.learning_rate.numpy()) == pytest.approx(rate)
        moments = [v for v in opt.variables if v is not opt.learning_rate]
        assert all(not np.any(v.numpy()) for v in moments)
    assert float(run.settings["shift"].numpy()) == 1.0 and len(run.loop.history) == 0


def test_learning_rates_and_settings_for_one_run(run):
    run.restart(0, g_lr=1e-3, d_lr=2e-3, shift=0.5)
    assert float(run.g_opt.learning_rate.numpy()) == pytest.approx(1e-3)
    assert float(run.d_opt.learning_rate.numpy()) == pytest.approx(2e-3)
    assert float(run.settings["shift"].numpy()) == 0.5
    with pytest.raises(ValueError, match=r"no setting \['width'\]"):
        run.restart(0, width=3)


def test_a_restart_traces_nothing(run):
    """The steps run in Python only while TensorFlow traces them: count those calls."""
    calls = []
    train(run.restart(1))
    d_step = run.loop.d_step
    run.loop.d_step = lambda: calls.append(1) or d_step()
    try:
        train(run.restart(2))
        assert calls == []
    finally:
        run.loop.d_step = d_step


def test_a_narrower_fresh_network_fills_the_leading_rows_and_the_rest_is_zero(run):
    run.restart(2, networks=lambda: (make_generator(1), make_discriminator()))
    gan_helpers.set_seed(2)
    narrow = make_generator(1).layers[0].kernel.numpy()
    kernel = run.G.layers[0].kernel.numpy()
    np.testing.assert_array_equal(kernel[:1], narrow)
    assert not np.any(kernel[1:])
    with pytest.raises(ValueError, match="does not fit"):
        run.restart(2, networks=lambda: (make_generator(5), make_discriminator()))


def test_restart_from_saved_weights(run):
    saved = [run.G.get_weights(), run.D.get_weights()]
    run.restart(9)
    train(run)
    run.restart(5, weights=saved)
    for mine, theirs in zip(run.G.get_weights() + run.D.get_weights(), saved[0] + saved[1]):
        np.testing.assert_array_equal(mine, theirs)


def test_a_schedule_keeps_its_rate_and_starts_again():
    schedule = keras.optimizers.schedules.ExponentialDecay(1e-2, 10, 0.5)

    def optimizers():
        return keras.optimizers.Adam(schedule), keras.optimizers.Adam(schedule)

    def steps(r):
        return make_steps(r.G, r.D, r.g_opt, r.d_opt, r.rng, 0.0)

    run = runs.build(networks, optimizers, steps)
    first = train(run.restart(0))
    np.testing.assert_array_equal(first["g_loss"], train(run.restart(0))["g_loss"])
    with pytest.raises(ValueError, match="schedule"):
        run.restart(0, g_lr=1e-3)


def test_the_cache_keeps_the_last_few_and_forgets_by_owner():
    cache = runs.Cache(size=2)
    made = []

    def make(key):
        return lambda: made.append(key) or key

    assert cache.get(("a", 1), make(1)) == 1 and cache.get(("b", 2), make(2)) == 2
    assert cache.get(("a", 1), make(1)) == 1 and made == [1, 2]
    cache.get(("a", 3), make(3))  # drops ("b", 2), the least recently used
    assert ("b", 2) not in cache and ("a", 1) in cache and made == [1, 2, 3]
    cache.clear("a")
    assert ("a", 1) not in cache and ("a", 3) not in cache


@dataclasses.dataclass(frozen=True)
class Record(runs.LessonCode):
    NOTEBOOK = "99_example"
    make_generator: object
    losses: tuple


def test_a_lesson_record_reads_the_notebooks_names():
    names = {"make_generator": make_generator, "LOSSES": ["a", "b"], "other": 1}
    record = Record.of(names)
    assert record.make_generator is make_generator and record.losses == ("a", "b")
    assert Record.of(record) is record and hash(record) == hash(Record.of(names))
    assert Record.of(types.SimpleNamespace(**names)) == record
    with pytest.raises(ValueError, match=r"needs 99_example's lesson names \['losses'\]"):
        Record.of({"make_generator": make_generator})
