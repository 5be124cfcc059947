"""Unit tests for notebook 03's lesson code and for gan_helpers.labs.nb03_toy, the runner that
trains it.

The lesson code (networks, losses, noise, training step) is loaded from the notebook's ``lesson``
cells, never copied. Graph mode and tiny runs, so fast; one test compiles with XLA.
"""

import dataclasses
import time

import keras
import numpy as np
import pytest
import tensorflow as tf

import gan_helpers  # noqa: F401  (quietens TensorFlow before it loads)
from gan_helpers.labs import nb03_toy as toy

LESSON = toy.Lesson.load()
NB = gan_helpers.lessons.load(toy.NOTEBOOK)  # the lesson cells as a module
SHORT = toy.ToyConfig(k=3, noise_dim=2, steps=6, seed=5)


# --- the lesson code, as the notebook writes it -----------------------------------------------
def test_max_over_units_takes_the_row_maximum():
    x = np.array([[0.1, 0.7, 0.2], [0.5, 0.25, 0.25]], np.float32)
    out = keras.ops.convert_to_numpy(NB.MaxOverUnits()(x))
    np.testing.assert_array_equal(out, x[[0, 1], [1, 0]][:, None])  # 0.7 and 0.5


@pytest.mark.parametrize("kind", LESSON.discriminators)
def test_discriminator_saves_and_loads_in_safe_mode(kind, tmp_path):
    model = LESSON.make_discriminator(kind)
    x = np.linspace(-3, 3, 7, dtype=np.float32)[:, None]
    path = tmp_path / f"{kind}.keras"
    model.save(path)
    loaded = keras.saving.load_model(path, safe_mode=True)
    np.testing.assert_array_equal(model.predict(x, verbose=0), loaded.predict(x, verbose=0))


def test_max_softmax_discriminator_outputs_probabilities_at_least_one_fiftieth():
    x = np.linspace(-50, 50, 101, dtype=np.float32)[:, None]
    d = keras.ops.convert_to_numpy(LESSON.make_discriminator("max-softmax")(x))
    assert d.shape == (101, 1)
    assert d.min() >= 1 / 50 - 1e-6 and d.max() <= 1 + 1e-6


def test_generator_shape_and_noise_range():
    assert LESSON.make_generator(7)(np.zeros((5, 7), np.float32)).shape == (5, 1)
    z = LESSON.sample_noise(tf.random.Generator.from_seed(0), 1000, 3).numpy()
    assert z.shape == (1000, 3) and NB.NOISE_LOW <= z.min() and z.max() <= NB.NOISE_HIGH


def test_losses_at_d_one_half_and_clamped_at_zero():
    half = tf.fill((4, 1), 0.5)
    np.testing.assert_allclose(NB.discriminator_loss(half, half), 2 * np.log(2), rtol=1e-6)
    np.testing.assert_allclose(NB.generator_loss(half, "minimax"), -np.log(2), rtol=1e-6)
    np.testing.assert_allclose(NB.generator_loss(half, "non-saturating"), np.log(2), rtol=1e-6)
    worst = NB.discriminator_loss(tf.zeros((4, 1)), tf.ones((4, 1)))  # logs hit the clamp
    np.testing.assert_allclose(worst, -2 * np.log(NB.LOG_EPS), rtol=1e-5)


def test_bad_kinds_name_the_choices():
    with pytest.raises(ValueError, match="max-softmax"):
        LESSON.make_discriminator("maxout")
    with pytest.raises(ValueError, match="non-saturating"):
        NB.generator_loss(tf.fill((4, 1), 0.5), "wgan")


# --- the runner's checks ------------------------------------------------------------------------
@pytest.mark.parametrize(
    "bad, message",
    [
        (dict(k=0), "k must be"),
        (dict(noise_dim=0), "noise_dim must be"),
        (dict(noise_dim=toy.MAX_NOISE_DIM + 1), "at most MAX_NOISE_DIM"),
        (dict(steps=-1), "steps must be"),
        (dict(k=2.5), "k must be"),
        (dict(learning_rate=0.0), "learning_rate"),
        (dict(seed=-1), "seed must be"),
        (dict(discriminator="maxout"), "discriminator must be one of"),
        (dict(loss="wgan"), "loss must be one of"),
    ],
)
def test_bad_settings_stop_with_a_clear_message(bad, message):
    with pytest.raises(ValueError, match=message):
        toy.ToyConfig(**bad).validate(LESSON)


def test_w1_to_normal_measures_distance():
    rng = np.random.default_rng(0)
    assert toy.w1_to_normal(rng.standard_normal(20_000)) < 0.03
    assert abs(toy.w1_to_normal(rng.standard_normal(20_000) + 1.0) - 1.0) < 0.03
    assert toy.w1_noise_floor() < 0.03


# --- runs ---------------------------------------------------------------------------------------
def _run(config=SHORT, lesson=LESSON, **kw):
    return toy.train_toy_gan(lesson, config, jit_compile=False, **{"chunk": 4, **kw})


@pytest.fixture(scope="module")
def short_runs():
    """Two runs with the same seed and one with another seed (graph mode, no XLA: fast to build)."""
    return [_run(dataclasses.replace(SHORT, seed=s), keep_weights=True) for s in (5, 5, 6)]


def test_same_seed_same_numbers(short_runs):
    a, b, c = short_runs
    assert a.w1 == b.w1 and a.d_loss == b.d_loss
    for wa, wb in zip(a.weights, b.weights):
        np.testing.assert_array_equal(wa, wb)
    assert a.w1 != c.w1  # and a different seed really is different


def test_run_logs_every_chunk_and_k_sets_the_number_of_d_steps(short_runs):
    result = short_runs[-1]
    assert result.steps == [4, 6] and len(result.w1) == 2 and not result.stopped
    assert result.samples.shape == (toy.EVAL_SAMPLES, 1)
    assert result.d_curve.shape == toy.X_GRID.shape
    run = toy.get_toy_gan(LESSON, SHORT.discriminator, SHORT.loss, jit_compile=False).run
    # the last run used these cached optimizers: k D updates per G update
    assert int(run.g_opt.iterations.numpy()) == SHORT.steps
    assert int(run.d_opt.iterations.numpy()) == SHORT.k * SHORT.steps
    assert set(run.loop.history.names) == {"d_loss", "g_loss", "d_real", "d_fake"}


def test_a_new_k_noise_dim_lr_steps_or_seed_reuses_the_compiled_loop():
    """The lesson's d_step runs in Python only while TensorFlow traces it: count those calls."""
    calls = []

    def counting_make_steps(*args, **kwargs):
        d_step, g_step = LESSON.make_steps(*args, **kwargs)
        return (lambda: calls.append(1) or d_step()), g_step

    lesson = dataclasses.replace(LESSON, make_steps=counting_make_steps)
    _run(lesson=lesson)
    traced = len(calls)
    _run(toy.ToyConfig(k=5, noise_dim=7, steps=3, learning_rate=3e-4, seed=9), lesson=lesson)
    assert traced > 0 and len(calls) == traced


def test_padded_generator_is_exactly_a_noise_dim_generator(short_runs):
    """Unused inputs start with zero kernel rows, get zero gradients, and so stay exactly zero."""
    weights = short_runs[0].weights
    kernel = weights[0]  # G's first kernel, (MAX_NOISE_DIM, 200)
    assert kernel.shape == (toy.MAX_NOISE_DIM, 200)
    assert np.all(kernel[SHORT.noise_dim :] == 0) and np.all(kernel[: SHORT.noise_dim] != 0)
    small = LESSON.make_generator(SHORT.noise_dim)
    n_g = len(small.get_weights())
    small.set_weights([kernel[: SHORT.noise_dim]] + weights[1:n_g])
    padded = LESSON.make_generator(toy.MAX_NOISE_DIM)
    padded.set_weights(weights[:n_g])
    z = np.random.default_rng(0).uniform(-3, 3, (50, SHORT.noise_dim)).astype(np.float32)
    z_pad = np.pad(z, [(0, 0), (0, toy.MAX_NOISE_DIM - SHORT.noise_dim)])
    np.testing.assert_allclose(small(z), padded(z_pad), rtol=1e-5, atol=1e-6)


def test_should_stop_ends_the_run_early():
    calls = []
    result = _run(chunk=2, should_stop=lambda: bool(calls.append(1)) or len(calls) > 1)
    # asked before the first chunk (no), then after it (yes): one chunk trained
    assert result.stopped and result.steps == [2] and len(calls) == 2
    assert "stopped:" in result.summary()


def test_summary_names_k_noise_dim_and_w1(short_runs):
    line = short_runs[0].summary()
    assert line.startswith("done: k=3 noise_dim=2 ") and f"W1 {short_runs[0].final_w1:.3f}" in line


def test_a_run_starts_from_the_weights_the_lessons_builders_give(short_runs):
    """G's first kernel: make_generator(noise_dim)'s after set_seed(seed), zero rows below it."""
    gan = toy.get_toy_gan(LESSON, SHORT.discriminator, SHORT.loss, jit_compile=False)
    toy.reset_toy_gan(gan, SHORT.seed, SHORT.learning_rate, SHORT.noise_dim)
    gan_helpers.set_seed(SHORT.seed)
    G, D = LESSON.make_generator(SHORT.noise_dim), LESSON.make_discriminator(SHORT.discriminator)
    fresh = G.get_weights() + D.get_weights()
    fresh[0] = np.pad(fresh[0], [(0, toy.MAX_NOISE_DIM - SHORT.noise_dim), (0, 0)])
    for mine, theirs in zip(gan.run.G.get_weights() + gan.run.D.get_weights(), fresh):
        np.testing.assert_array_equal(mine, theirs)


def test_a_restarted_run_is_the_run_a_fresh_build_gives():
    """Same seed: the cached models restarted after another run, and models built anew."""
    _run(dataclasses.replace(SHORT, seed=11))
    restarted = _run(keep_weights=True)
    toy.clear_cache()
    fresh = _run(keep_weights=True)
    assert toy.is_built(LESSON, SHORT.discriminator, SHORT.loss, jit_compile=False)
    for name in ("w1", "d_loss", "g_loss", "d_real", "d_fake"):
        assert getattr(restarted, name) == getattr(fresh, name), name
    for a, b in zip(restarted.weights, fresh.weights):
        np.testing.assert_array_equal(a, b)


def test_xla_loop_does_not_recompile_for_a_new_k_or_seed():
    """XLA compiles once per graph (seconds of CPU); a new k, noise_dim or seed compiles nothing."""
    config = toy.ToyConfig(k=2, noise_dim=3, steps=toy.CHUNK, seed=1)
    toy.train_toy_gan(LESSON, config)  # builds and compiles
    started = time.process_time()
    toy.train_toy_gan(LESSON, dataclasses.replace(config, k=5, noise_dim=6, seed=2))
    assert time.process_time() - started < 1.5  # 120 optimizer steps: a fraction of a second
