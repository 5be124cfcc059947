"""Notebook 04's lesson code: the label-smoothed loss, the step's metrics, new_gan's restart.

Everything is loaded from the notebook's ``lesson`` cells with ``gan_helpers.lessons`` (nothing is
copied here). Random images in [-1, 1] stand in for MNIST, so the tests need no data set.
"""

import keras
import numpy as np
import tensorflow as tf

from gan_helpers import lessons

nb04 = lessons.load("04_dcgan_mnist")


def images(n=128, seed=0):
    rng = np.random.default_rng(seed)
    return rng.uniform(-1, 1, size=(n, 28, 28, 1)).astype(np.float32)


def test_smoothed_loss_is_the_cross_entropy_with_the_smoothed_target():
    # the notebook says: cross-entropy with target t on logit l = softplus(-l) + (1 - t) * l
    rng = np.random.default_rng(1)
    real, fake = (tf.constant(rng.normal(0, 3, (64, 1)), tf.float32) for _ in range(2))
    bce = keras.losses.BinaryCrossentropy(from_logits=True)
    for t in (1.0, 0.9, 0.7):
        expected = bce(t * tf.ones_like(real), real) + bce(tf.zeros_like(fake), fake)
        got = nb04.smoothed_discriminator_loss(real, fake, real_label=t)
        np.testing.assert_allclose(float(got), float(expected), rtol=1e-5)


def test_the_steps_return_the_course_vocabulary_and_touch_only_their_network():
    G, D = nb04.make_generator(noise_dim=8), nb04.make_discriminator()
    adam = lambda: keras.optimizers.Adam(1e-3)
    rng = tf.random.Generator.from_seed(0)
    d_step, g_step = nb04.make_steps(G, D, adam(), adam(), images(), rng, batch_size=8)
    g_before = [v.numpy().copy() for v in G.trainable_variables]
    d_metrics = d_step()
    assert set(d_metrics) == {"d_loss", "d_real", "d_fake", "acc_real", "acc_fake"}
    assert all(np.array_equal(a, v.numpy()) for a, v in zip(g_before, G.trainable_variables))
    d_before = [v.numpy().copy() for v in D.trainable_variables]
    assert set(g_step()) == {"g_loss"}
    assert all(np.array_equal(a, v.numpy()) for a, v in zip(d_before, D.trainable_variables))


def test_restart_gives_the_same_run_twice_and_applies_its_settings():
    gan = nb04.new_gan(images())
    runs = []
    for d_lr in (1e-2, 1e-2, 1e-4):
        gan.restart(7, d_lr=d_lr, real_label=0.9, noise=0.1)
        # three steps, run eagerly (compiling the loop would take longer than the test)
        runs.append(
            [float(gan.loop.d_step()["d_loss"] + gan.loop.g_step()["g_loss"]) for _ in range(3)]
        )
        assert float(gan.d_opt.learning_rate) == np.float32(d_lr)
        assert float(gan.g_opt.learning_rate) == np.float32(nb04.LEARNING_RATE)
        settings = {name: float(v) for name, v in gan.settings.items()}
        assert settings == {"real_label": np.float32(0.9), "noise": np.float32(0.1)}
    # the same seed and settings: the same run; another learning rate: another run
    np.testing.assert_array_equal(runs[0], runs[1])
    assert not np.array_equal(runs[0], runs[2])
    # a restart puts the defaults back; one from saved weights puts exactly those weights back
    saved = [gan.G.get_weights(), gan.D.get_weights()]
    gan.restart(8)
    assert float(gan.d_opt.learning_rate) == np.float32(nb04.LEARNING_RATE)
    assert float(gan.settings["real_label"]) == 1.0 and float(gan.settings["noise"]) == 0.0
    gan.restart(8, weights=saved)
    for net, values in zip((gan.G, gan.D), saved):
        assert all(np.array_equal(a, b) for a, b in zip(net.get_weights(), values))
    assert int(gan.d_opt.iterations) == 0 and len(gan.loop.history) == 0


def test_settle_batchnorm_sets_the_running_statistics_from_one_batch_and_moves_no_weight():
    keras.utils.set_random_seed(3)
    G = nb04.make_generator(noise_dim=8)
    z = tf.random.normal([64, 8], seed=4)
    weights_before = [v.numpy().copy() for v in G.trainable_variables]
    momenta = [layer.momentum for layer in G.layers if hasattr(layer, "moving_mean")]
    # a new generator: inference mode uses the initial statistics, not the batch's
    assert not np.allclose(G(z, training=False), G(z, training=True), atol=1e-3)
    assert nb04.settle_batchnorm(G, z) is G
    # now inference mode on that batch draws what training mode draws
    np.testing.assert_allclose(G(z, training=False), G(z, training=True), atol=1e-4)
    assert all(np.array_equal(a, v.numpy()) for a, v in zip(weights_before, G.trainable_variables))
    assert [layer.momentum for layer in G.layers if hasattr(layer, "moving_mean")] == momenta
