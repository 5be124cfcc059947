"""Unit tests for gan_helpers.toy (the 1-D Gaussian GAN of notebook 03). Graph mode, tiny runs: fast."""

import time

import keras
import numpy as np
import pytest
import tensorflow as tf

import gan_helpers  # noqa: F401  (quietens TensorFlow before it loads)
from gan_helpers import toy

SHORT = toy.ToyConfig(k=3, noise_dim=2, steps=6, seed=5)


def test_max_over_units_takes_the_row_maximum():
    x = np.array([[0.1, 0.7, 0.2], [0.5, 0.25, 0.25]], np.float32)
    out = keras.ops.convert_to_numpy(toy.MaxOverUnits()(x))
    np.testing.assert_array_equal(out, x[:, [1, 0]].diagonal()[:, None])  # 0.7 and 0.5


@pytest.mark.parametrize("kind", toy.DISCRIMINATORS)
def test_discriminator_saves_and_loads_in_safe_mode(kind, tmp_path):
    model = toy.make_discriminator(kind)
    x = np.linspace(-3, 3, 7, dtype=np.float32)[:, None]
    path = tmp_path / f"{kind}.keras"
    model.save(path)
    loaded = keras.saving.load_model(path, safe_mode=True)
    np.testing.assert_array_equal(model.predict(x, verbose=0), loaded.predict(x, verbose=0))


def test_max_softmax_discriminator_outputs_probabilities_at_least_one_fiftieth():
    d = toy.make_discriminator("max-softmax")(np.linspace(-50, 50, 101, dtype=np.float32)[:, None])
    d = keras.ops.convert_to_numpy(d)
    assert d.shape == (101, 1)
    assert d.min() >= 1 / 50 - 1e-6 and d.max() <= 1 + 1e-6


def test_generator_shape():
    g = toy.make_generator(7)
    assert g(np.zeros((5, 7), np.float32)).shape == (5, 1)


def test_losses_at_d_one_half_and_clamped_at_zero():
    half = tf.fill((4, 1), 0.5)
    np.testing.assert_allclose(toy.discriminator_loss(half, half), 2 * np.log(2), rtol=1e-6)
    np.testing.assert_allclose(toy.generator_loss(half, "minimax"), -np.log(2), rtol=1e-6)
    np.testing.assert_allclose(toy.generator_loss(half, "non-saturating"), np.log(2), rtol=1e-6)
    zeros, ones = tf.zeros((4, 1)), tf.ones((4, 1))
    worst = toy.discriminator_loss(zeros, ones)  # D is as wrong as it can be: logs hit the clamp
    np.testing.assert_allclose(worst, -2 * np.log(toy.LOG_EPS), rtol=1e-5)


@pytest.mark.parametrize(
    "bad, message",
    [
        (dict(k=0), "k must be"),
        (dict(noise_dim=0), "noise_dim must be"),
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
        toy.ToyConfig(**bad).validate()


def test_bad_discriminator_kind_names_the_choices():
    with pytest.raises(ValueError, match="max-softmax"):
        toy.make_discriminator("maxout")


def test_w1_to_normal_measures_distance():
    rng = np.random.default_rng(0)
    assert toy.w1_to_normal(rng.standard_normal(20_000)) < 0.03
    assert abs(toy.w1_to_normal(rng.standard_normal(20_000) + 1.0) - 1.0) < 0.03
    assert toy.w1_noise_floor() < 0.03


@pytest.fixture(scope="module")
def short_runs():
    """Two runs with the same seed and one with another seed (graph mode, no XLA: fast to build)."""
    return [
        toy.train_toy_gan(
            toy.ToyConfig(**{**SHORT.__dict__, "seed": seed}),
            jit_compile=False,
            log_every=4,
            keep_weights=True,
        )
        for seed in (5, 5, 6)
    ]


def test_same_seed_same_numbers(short_runs):
    a, b, c = short_runs
    assert a.w1 == b.w1 and a.d_loss == b.d_loss
    for wa, wb in zip(a.weights, b.weights):
        np.testing.assert_array_equal(wa, wb)
    assert a.w1 != c.w1  # and a different seed really is different


def test_run_logs_every_chunk_and_k_sets_the_number_of_d_steps(short_runs):
    result = short_runs[0]
    assert result.steps == [4, 6] and len(result.w1) == 2 and not result.stopped
    assert (
        result.samples.shape == (toy.EVAL_SAMPLES, 1) and result.d_curve.shape == toy.X_GRID.shape
    )
    gan = toy.get_compiled(SHORT.discriminator, SHORT.loss, jit_compile=False).gan
    # the last run used these cached optimizers: k D updates per G update
    assert int(gan.g_optimizer.iterations.numpy()) == SHORT.steps
    assert int(gan.d_optimizer.iterations.numpy()) == SHORT.k * SHORT.steps


def test_a_new_k_reuses_the_compiled_function(short_runs):
    compiled = toy.get_compiled(SHORT.discriminator, SHORT.loss, jit_compile=False)
    traces = compiled.run.experimental_get_tracing_count()
    toy.train_toy_gan(
        toy.ToyConfig(k=5, noise_dim=7, steps=3, learning_rate=3e-4, seed=9), jit_compile=False
    )
    assert (
        compiled.run.experimental_get_tracing_count() == traces
    )  # new k, noise_dim, lr, steps, seed


def test_padded_generator_is_exactly_a_noise_dim_generator(short_runs):
    """Unused inputs start with zero kernel rows, get zero gradients, and so stay exactly zero."""
    kernel = short_runs[0].weights[0]  # G's first kernel, (MAX_NOISE_DIM, 200)
    assert kernel.shape == (toy.MAX_NOISE_DIM, 200)
    assert np.all(kernel[SHORT.noise_dim :] == 0) and np.all(kernel[: SHORT.noise_dim] != 0)
    small = toy.make_generator(SHORT.noise_dim)
    n_g = len(small.get_weights())
    small.set_weights([kernel[: SHORT.noise_dim]] + short_runs[0].weights[1:n_g])
    z = np.random.default_rng(0).uniform(-3, 3, (50, SHORT.noise_dim)).astype(np.float32)
    padded = toy.get_compiled(jit_compile=False).gan.generator
    padded.set_weights(short_runs[0].weights[:n_g])
    z_pad = np.concatenate(
        [z, np.zeros((50, toy.MAX_NOISE_DIM - SHORT.noise_dim), np.float32)], axis=1
    )
    np.testing.assert_allclose(small(z), padded(z_pad), rtol=1e-5, atol=1e-6)


def test_noise_dim_above_the_maximum_is_refused():
    with pytest.raises(ValueError, match="at most MAX_NOISE_DIM"):
        toy.ToyConfig(noise_dim=toy.MAX_NOISE_DIM + 1).validate()


def test_should_stop_ends_the_run_early():
    calls = []
    result = toy.train_toy_gan(
        SHORT, jit_compile=False, log_every=2, should_stop=lambda: calls.append(1) or True
    )
    assert result.stopped and result.steps == [2] and len(calls) == 1
    assert "stopped:" in result.summary()


def test_summary_names_k_noise_dim_and_w1(short_runs):
    line = short_runs[0].summary()
    assert line.startswith("done: k=3 noise_dim=2 ") and f"W1={short_runs[0].final_w1:.3f}" in line


def test_panel_widgets_train_and_stop():
    panel = toy.ToyPanel(
        toy.ToyConfig(k=3, noise_dim=2, steps=10, seed=5),
        log_every=5,
        auto_run=False,
        jit_compile=False,
    )
    descriptions = {w.description for w in panel.controls} | {
        panel.train_button.description,
        panel.stop_button.description,
    }
    assert {"k", "noise_dim", "Train", "Stop"} <= descriptions
    assert (panel.k.min, panel.k.max, panel.noise_dim.min, panel.noise_dim.max) == (1, 30, 1, 16)
    result = panel.train()  # what the Train button runs, in the foreground
    assert panel.status.value == result.summary() and "k=3 noise_dim=2" in panel.status.value
    assert panel.image.value[:2] == b"\xff\xd8"  # a JPEG frame of the live figure
    # background run, stopped: the thread ends promptly and the panel trains again afterwards
    panel.steps.value = 3000
    thread = panel.start()
    assert panel.wait_for_progress(timeout=60), "the background run never trained a chunk"
    panel.stop()
    thread.join(timeout=30)
    assert not thread.is_alive() and panel.last_result.stopped
    assert panel.last_result.steps[-1] < 3000 and panel.status.value.startswith("stopped: ")
    panel.steps.value = 20
    assert panel.train().steps[-1] == 20


def test_xla_loop_does_not_recompile_for_a_new_k_or_step_count():
    """The loops are `while i < k`: with `for _ in tf.range(k)` XLA compiles again for every new k."""
    compiled = toy.get_compiled(jit_compile=True)
    toy.reset_toy_gan(compiled.gan, 0)
    compiled.run(tf.constant(2), tf.constant(2)).numpy()  # compiles (seconds of CPU)
    started = time.process_time()
    compiled.run(tf.constant(3), tf.constant(5)).numpy()  # 18 optimizer steps: milliseconds
    assert time.process_time() - started < 0.5
