import keras
import numpy as np
import pytest
import tensorflow as tf

import gan_helpers
from gan_helpers.models import mlp_discriminator, mlp_generator
from gan_helpers.training import GANTrainer, NonFiniteLossError

SHAPE = (4, 4, 1)
NOISE = 8


def tiny_gan(seed=0, n=256, **kwargs):
    gan_helpers.set_seed(seed)
    images = np.tanh(np.random.default_rng(seed).normal(size=(n, *SHAPE))).astype(np.float32)
    G = mlp_generator(NOISE, hidden=(16,), image_shape=SHAPE)
    D = mlp_discriminator(hidden=(16,), image_shape=SHAPE)
    kwargs.setdefault("batch_size", 16)
    return GANTrainer(G, D, images, noise_dim=NOISE, seed=seed, **kwargs)


def snapshot(model):
    return [v.numpy().copy() for v in model.variables]


def changed(before, model):
    return [not np.array_equal(b, v.numpy()) for b, v in zip(before, model.variables)]


def test_d_step_changes_only_d_and_g_step_changes_only_g():
    t = tiny_gan()
    real = t.images[:16]
    g0, d0 = snapshot(t.generator), snapshot(t.discriminator)
    t.d_step(real, tf.constant(True))
    assert all(changed(d0, t.discriminator)) and not any(changed(g0, t.generator))
    g0, d0 = snapshot(t.generator), snapshot(t.discriminator)
    t.g_step(tf.constant(True))
    assert all(changed(g0, t.generator)) and not any(changed(d0, t.discriminator))


def test_k_discriminator_steps_per_generator_step():
    t = tiny_gan(k=3)
    history = t.train(5, chunk=2, verbose=False)
    assert len(history) == 5
    assert int(t.d_optimizer.iterations) == 15 and int(t.g_optimizer.iterations) == 5
    h = history.as_arrays()
    assert all(np.all(np.isfinite(v)) for v in h.values())
    assert np.all((h["d_real"] > 0) & (h["d_real"] < 1)) and np.all((h["d_fake"] > 0) & (h["d_fake"] < 1))


def test_same_seed_gives_identical_losses():
    runs = [tiny_gan(seed=7).train(20, chunk=7, verbose=False).as_arrays() for _ in range(2)]
    for name in runs[0]:
        np.testing.assert_array_equal(runs[0][name], runs[1][name])
    other = tiny_gan(seed=8).train(20, chunk=7, verbose=False).as_arrays()
    assert not np.array_equal(runs[0]["g_loss"], other["g_loss"])


def test_nan_guard_keeps_last_good_step():
    t = tiny_gan()
    t.train(5, verbose=False)
    w = t.generator.layers[0].kernel
    w.assign(tf.fill(w.shape, np.nan))  # poison G: the next D loss is NaN
    d_before = snapshot(t.discriminator)
    with pytest.raises(NonFiniteLossError, match="last good step \\(5\\)") as info:
        t.train(5, verbose=False)
    assert len(info.value.history) == 5 and len(t.history) == 5
    assert not any(changed(d_before, t.discriminator)), "the NaN update must not be applied"


def test_exploding_learning_rate_stops_with_finite_weights():
    t = tiny_gan(d_optimizer=keras.optimizers.SGD(1e12), g_optimizer=keras.optimizers.SGD(1e12))
    with pytest.raises(NonFiniteLossError) as info:
        t.train(200, chunk=50, verbose=False)
    assert len(info.value.history) < 200
    assert all(np.all(np.isfinite(v)) for v in info.value.history.as_arrays().values())
    for model in (t.generator, t.discriminator):
        assert all(np.all(np.isfinite(v.numpy())) for v in model.variables)


@pytest.mark.parametrize("kwargs, message", [
    ({"k": 0}, "k must be at least 1"),
    ({"k": 2.5}, "k must be an integer"),
    ({"batch_size": 10_000}, "larger than the 256 training images"),
    ({"g_loss": "hinge"}, "g_loss must be one of"),
    ({"clip_norm": -1.0}, "clip_norm must be positive"),
])
def test_bad_arguments_say_what_to_change(kwargs, message):
    with pytest.raises((ValueError, TypeError), match=message):
        tiny_gan(**kwargs)


def test_bad_data_and_models_say_what_to_change():
    gan_helpers.set_seed(0)
    G = mlp_generator(NOISE, hidden=(16,), image_shape=SHAPE)
    D = mlp_discriminator(hidden=(16,), image_shape=SHAPE)
    good = np.zeros((64, *SHAPE), np.float32)
    with pytest.raises(ValueError, match="generator makes images of shape"):
        GANTrainer(G, D, np.zeros((64, 28, 28, 1), np.float32), noise_dim=NOISE)
    with pytest.raises(ValueError, match="scaled to \\[-1, 1\\]"):
        GANTrainer(G, D, good + 255.0, noise_dim=NOISE)
    with pytest.raises(ValueError, match="floats scaled"):
        GANTrainer(G, D, good.astype(np.uint8), noise_dim=NOISE)
    with pytest.raises(ValueError, match="NaN"):
        GANTrainer(G, D, good + np.nan, noise_dim=NOISE)
    with pytest.raises(ValueError, match="does not accept noise of shape"):
        GANTrainer(G, D, good, noise_dim=NOISE + 1)
    two_logits = keras.Sequential([keras.Input(SHAPE), keras.layers.Flatten(), keras.layers.Dense(2)])
    with pytest.raises(ValueError, match="one logit per image"):
        GANTrainer(G, two_logits, good, noise_dim=NOISE)
    t = GANTrainer(G, D, good, noise_dim=NOISE, batch_size=8)
    with pytest.raises(ValueError, match="steps must be at least 1"):
        t.train(0)
