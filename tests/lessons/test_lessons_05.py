"""Tests of notebook 05's lesson code (losses, clipping, gradient penalty, training steps).

The code under test is the notebook's own, loaded from its cells tagged ``lesson`` with
``gan_helpers.lessons.load("05_wgan")``; its networks are notebook 04's, loaded the same way.
"""

import keras
import numpy as np
import pytest
import tensorflow as tf

from gan_helpers import lessons, weights

wgan = lessons.load("05_wgan")
dcgan = lessons.load("04_dcgan_mnist")


def linear_critic(w: np.ndarray, bias: float = 0.3) -> keras.Sequential:
    """f(x) = w . flatten(x) + bias, for 4x4x1 images."""
    critic = keras.Sequential(
        [keras.Input((4, 4, 1)), keras.layers.Flatten(), keras.layers.Dense(1)]
    )
    critic.layers[-1].set_weights(
        [w.reshape(16, 1).astype(np.float32), np.array([bias], np.float32)]
    )
    return critic


def images(n: int, seed: int) -> tf.Tensor:
    return tf.constant(np.random.default_rng(seed).uniform(-1, 1, (n, 4, 4, 1)).astype(np.float32))


# --- losses ---------------------------------------------------------------------------------------
def test_keras_style_loss_with_minus_one_for_real_is_the_critic_loss():
    real, fake = tf.constant([[1.0], [3.0]]), tf.constant([[-2.0], [0.5]])
    keras_style = wgan.wasserstein_loss(-tf.ones_like(real), real) + wgan.wasserstein_loss(
        tf.ones_like(fake), fake
    )
    assert float(keras_style) == pytest.approx(float(wgan.critic_loss(real, fake)))
    assert float(wgan.critic_loss(real, fake)) == pytest.approx(
        -float(wgan.wasserstein_estimate(real, fake))
    )
    assert float(wgan.wasserstein_estimate(real, fake)) == pytest.approx(2.0 - (-0.75))
    assert float(wgan.generator_loss(fake)) == pytest.approx(0.75)
    # Keras-GAN's generator loss, label -1 on generated images, is the same number
    g_keras_style = wgan.wasserstein_loss(-tf.ones_like(fake), fake)
    assert float(g_keras_style) == float(wgan.generator_loss(fake))


def test_critic_metrics_of_known_scores():
    real, fake = tf.constant([[2.0], [-1.0]]), tf.constant([[0.7], [-0.5]])
    m = {k: float(v) for k, v in wgan.critic_metrics(real, fake).items()}
    assert m["w_estimate"] == pytest.approx(0.5 - 0.1)
    assert m["f_real"] == pytest.approx(0.5) and m["f_fake"] == pytest.approx(0.1)
    # Keras' binary accuracy with labels -1/+1: only the generated image scored above 0.5 counts
    assert m["keras_accuracy"] == pytest.approx(1 / 4)
    # real above 0: 1 of 2; generated below 0: 1 of 2
    assert m["accuracy_at_0"] == pytest.approx(0.5)


# --- gradient penalty -----------------------------------------------------------------------------
@pytest.mark.parametrize("norm", [0.0, 0.5, 1.0, 3.0])
def test_penalty_of_a_linear_critic_is_lambda_times_norm_minus_one_squared(norm):
    rng = np.random.default_rng(0)
    w = rng.normal(size=16)
    w = norm * w / np.linalg.norm(w)
    critic = linear_critic(w)
    penalty = wgan.gradient_penalty(critic, images(32, 1), images(32, 2), weight=10.0)
    # the input gradient of w.x is w everywhere, whatever alpha was drawn
    assert float(penalty) == pytest.approx(10.0 * (norm - 1.0) ** 2, rel=1e-4, abs=1e-4)


def test_penalty_weight_scales_linearly():
    # |w| = 2
    critic = linear_critic(np.full(16, 0.5))
    p1 = wgan.gradient_penalty(critic, images(8, 1), images(8, 2), weight=1.0)
    p10 = wgan.gradient_penalty(critic, images(8, 1), images(8, 2), weight=10.0)
    assert float(p1) == pytest.approx(1.0, rel=1e-4) and float(p10) == pytest.approx(10.0, rel=1e-4)


def _penalty_grads(critic, eps):
    with tf.GradientTape() as tape:
        penalty = wgan.gradient_penalty(critic, images(8, 1), images(8, 2), eps=eps)
    return penalty, tape.gradient(penalty, critic.trainable_variables)


def test_penalty_gradient_is_finite_when_the_input_gradient_is_exactly_zero():
    # a constant critic: grad_x f = 0 exactly
    critic = linear_critic(np.zeros(16))
    penalty, grads = _penalty_grads(critic, eps=1e-12)
    # 10 * (0 - 1)^2
    assert float(penalty) == pytest.approx(10.0, rel=1e-4)
    assert all(np.all(np.isfinite(g.numpy())) for g in grads if g is not None)
    # the bug this guards against: a plain norm, sqrt(sum g^2), has gradient g/|g| = 0/0 there
    _, naive = _penalty_grads(critic, eps=0.0)
    assert any(np.any(np.isnan(g.numpy())) for g in naive if g is not None)


def test_penalty_draws_alpha_uniformly_on_the_segment():
    # f(x) = |x|^2 / 2 has grad_x f = x. With real = r (norm 2) and fake = 0, x_hat = alpha r, so
    # the penalty is 10 * E[(2 alpha - 1)^2]: 10/3 for alpha ~ U(0, 1), but 50 for alpha ~ N(0, 1).
    critic = keras.Sequential(
        [
            keras.Input((4, 4, 1)),
            keras.layers.Lambda(
                lambda x: 0.5 * tf.reduce_sum(tf.square(x), axis=[1, 2, 3])[:, None]
            ),
        ]
    )
    # each image has norm sqrt(16 * 0.25) = 2
    real = tf.fill([20_000, 4, 4, 1], 0.5)
    penalty = wgan.gradient_penalty(
        critic, real, tf.zeros_like(real), rng=tf.random.Generator.from_seed(0)
    )
    assert float(penalty) == pytest.approx(10.0 / 3.0, rel=0.03)


def test_interpolation_weights_are_uniform_per_sample():
    alpha = wgan.interpolation_weights(50_000, tf.random.Generator.from_seed(1)).numpy()
    assert alpha.shape == (50_000, 1, 1, 1)
    a = alpha.ravel()
    assert a.min() >= 0.0 and a.max() <= 1.0
    assert a.mean() == pytest.approx(0.5, abs=0.01) and a.var() == pytest.approx(1 / 12, abs=0.003)
    counts, _ = np.histogram(a, bins=10, range=(0, 1))
    # flat, not bell-shaped
    assert counts.min() > 0.9 * len(a) / 10
    assert wgan.interpolation_weights(3, ndim=2).shape == (3, 1)


def test_penalty_rejects_mismatched_batches():
    critic = linear_critic(np.ones(16))
    with pytest.raises(ValueError, match="same shape"):
        wgan.gradient_penalty(critic, images(8, 1), images(4, 2))


def test_input_gradient_norms_of_a_linear_critic():
    # |w| = 1
    w = np.full(16, 0.25)
    norms = wgan.input_gradient_norms(linear_critic(w), images(5, 3)).numpy()
    np.testing.assert_allclose(norms, 1.0, rtol=1e-5)


# --- weight clipping ------------------------------------------------------------------------------
def test_after_a_clipped_critic_step_every_weight_is_within_c():
    keras.utils.set_random_seed(0)
    critic = dcgan.make_discriminator(batchnorm=True, name="critic")
    # a huge step, so that the update leaves [-c, c]
    opt = keras.optimizers.RMSprop(0.1)
    real = tf.random.uniform([8, 28, 28, 1], -1, 1)
    fake = tf.random.uniform([8, 28, 28, 1], -1, 1)
    moving_before = [v.numpy().copy() for v in critic.non_trainable_variables]
    with tf.GradientTape() as tape:
        loss = wgan.critic_loss(critic(real, training=False), critic(fake, training=False))
    opt.apply_gradients(
        zip(tape.gradient(loss, critic.trainable_variables), critic.trainable_variables)
    )
    c = 0.01
    assert max(float(tf.reduce_max(tf.abs(v))) for v in critic.trainable_variables) > c
    wgan.clip_weights(critic.trainable_variables, c)
    for v in critic.trainable_variables:
        assert float(tf.reduce_max(tf.abs(v))) <= c, v.path
    gamma = [v for v in critic.trainable_variables if "gamma" in v.path]
    # BN's scale started at 1: clipped to c
    assert gamma and np.allclose(gamma[0].numpy(), c)
    # moving statistics untouched
    for before, v in zip(moving_before, critic.non_trainable_variables):
        np.testing.assert_array_equal(before, v.numpy())
    assert wgan.fraction_at_bound(critic.trainable_variables, c) > 0.5


def test_clip_weights_rejects_bad_arguments():
    v = tf.Variable([1.0, -2.0])
    with pytest.raises(ValueError, match="positive"):
        wgan.clip_weights([v], 0.0)
    with pytest.raises(ValueError, match="trainable_variables"):
        wgan.clip_weights([], 0.01)
    wgan.clip_weights([v], 0.5)
    np.testing.assert_array_equal(v.numpy(), [0.5, -0.5])


def test_fraction_at_bound():
    v = tf.Variable([0.01, -0.01, 0.0, 0.005])
    assert wgan.fraction_at_bound([v], 0.01) == pytest.approx(0.5)
    with pytest.raises(ValueError, match="no weights"):
        wgan.fraction_at_bound([], 0.01)


# --- the training steps ---------------------------------------------------------------------------
@pytest.fixture(scope="module")
def data():
    return np.random.default_rng(0).uniform(-1, 1, (64, 28, 28, 1)).astype(np.float32)


def test_clip_steps_move_only_their_own_network_and_keep_the_critic_within_c(data):
    G, C, loop = wgan.make_run("clip, n_critic=5", data, seed=0, batch_size=8)
    assert loop.k == wgan.N_CRITIC and C.name == "critic"
    nets = {"G": G, "critic": C}
    before = weights.snapshot(nets)
    metrics = loop.d_step()
    after_d = weights.snapshot(nets)
    assert float(metrics["d_loss"]) == pytest.approx(-float(metrics["w_estimate"]), abs=1e-7)
    assert max(float(tf.reduce_max(tf.abs(v))) for v in C.trainable_variables) <= wgan.CLIP
    loop.g_step()
    by_d = weights.changes(before, after_d)
    by_g = weights.changes(after_d, weights.snapshot(nets))
    assert by_d["G"] == 0 and by_d["critic"] > 0 and by_d["G-BN-stats"] > 0
    assert by_g["G"] > 0 and by_g["critic"] == 0


@pytest.mark.parametrize("model", ["WGAN-GP, beta_1=0", "DCGAN"])
def test_every_row_trains_in_the_training_loop(data, model):
    G, D, loop = wgan.make_run(model, data, seed=0, batch_size=8)
    history = loop.train(2, chunk=1, verbose=False)
    assert len(history) == 2 and "d_loss" in history.names and "g_loss" in history.names
    if model == "DCGAN":
        assert loop.k == 1 and D.name == "discriminator" and "d_real" in history.names
    else:
        assert loop.k == wgan.N_CRITIC and "penalty" in history.names
        # no BatchNormalization in a WGAN-GP critic: the penalty is per sample
        assert not any(isinstance(layer, keras.layers.BatchNormalization) for layer in D.layers)
    assert all(np.all(np.isfinite(v)) for v in history.as_arrays().values())


def test_make_run_rejects_an_unknown_model(data):
    with pytest.raises(ValueError, match="one of"):
        wgan.make_run("WGAN", data, seed=0)


def test_same_seed_same_numbers(data):
    # the steps run eagerly here (no compilation): same seed, same metrics, bit for bit
    runs = [wgan.make_run("clip, n_critic=1", data, seed=3, batch_size=8) for _ in range(2)]
    metrics = [[loop.d_step(), loop.g_step(), loop.d_step()] for _, _, loop in runs]
    for first, second in zip(*metrics):
        assert {k: float(v) for k, v in first.items()} == {k: float(v) for k, v in second.items()}


# --- notebook 04's networks, as notebook 05 uses them ---------------------------------------------
def test_dcgan_networks_shapes_and_ranges():
    keras.utils.set_random_seed(0)
    G = dcgan.make_generator(noise_dim=16)
    x = G(tf.random.normal([3, 16]), training=False)
    assert x.shape == (3, 28, 28, 1) and float(tf.reduce_max(tf.abs(x))) <= 1.0
    assert G.layers[-1].activation.__name__ == "tanh"
    # every layer followed by BatchNormalization has no bias
    for layer, nxt in zip(G.layers, G.layers[1:]):
        if isinstance(nxt, keras.layers.BatchNormalization):
            assert not layer.use_bias, layer.name
    assert all(
        layer.momentum == 0.9
        for layer in G.layers
        if isinstance(layer, keras.layers.BatchNormalization)
    )
    for bn in (False, True):
        D = dcgan.make_discriminator(batchnorm=bn)
        assert D(x).shape == (3, 1)
        assert any(isinstance(layer, keras.layers.BatchNormalization) for layer in D.layers) == bn
        assert D.layers[-1].activation.__name__ == "linear"
    D = dcgan.make_discriminator(dropout=0.3)
    assert sum(isinstance(layer, keras.layers.Dropout) for layer in D.layers) == 2


def test_dcgan_networks_reject_bad_arguments():
    # notebook 04's builders have no size arguments left to check; Keras checks the dropout rate
    with pytest.raises(ValueError, match="rate"):
        dcgan.make_discriminator(dropout=1.5)
