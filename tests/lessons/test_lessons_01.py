"""Notebook 01's lesson code: its losses against the textbook, its training step in
``TrainingLoop``, and ``check_gan``.

The step is loaded from the notebook with ``gan_helpers.lessons``: nothing is copied here. The
networks are the notebook's builders with small hidden layers and the data random images in
[-1, 1], so that every test runs in seconds without MNIST.
"""

import keras
import numpy as np
import pytest
import tensorflow as tf

import gan_helpers
from gan_helpers import lessons
from gan_helpers.training import TrainingLoop, check_gan
from gan_helpers.weights import changes, snapshot

nb01 = lessons.load("01_vanilla_gan_mnist")
NOISE_DIM, BATCH = 8, 16


def images(n=64, seed=0):
    rng = np.random.default_rng(seed)
    return rng.uniform(-1, 1, size=(n, 28, 28, 1)).astype(np.float32)


def gan(seed=0, g_loss="non-saturating"):
    """Notebook 01's networks (small), optimizers and steps, everything seeded by ``seed``."""
    gan_helpers.set_seed(seed)
    G = nb01.make_generator(noise_dim=NOISE_DIM, hidden=(16,))
    D = nb01.make_discriminator(hidden=(16,))
    g_opt, d_opt = keras.optimizers.Adam(1e-3), keras.optimizers.Adam(1e-3)
    rng = tf.random.Generator.from_seed(seed)
    d_step, g_step = nb01.make_steps(
        G, D, g_opt, d_opt, images(seed=seed), rng, g_loss=g_loss, batch_size=BATCH
    )
    return G, D, g_opt, d_opt, d_step, g_step


def nothing():
    return {"idle": tf.constant(0.0)}


def test_a_d_step_moves_only_d_and_a_g_step_only_g():
    G, D, _, _, d_step, g_step = gan()
    models = {"G": G, "D": D}
    before = snapshot(models)
    # the D step alone, compiled by the loop (the partner step does nothing)
    TrainingLoop(d_step, nothing).train(3, verbose=False)
    after_d = snapshot(models)
    TrainingLoop(nothing, g_step).train(3, verbose=False)
    moved_by_d, moved_by_g = changes(before, after_d), changes(after_d, snapshot(models))
    assert moved_by_d["D"] > 0 and moved_by_d["G"] == 0
    assert moved_by_g["G"] > 0 and moved_by_g["D"] == 0


def test_k_discriminator_steps_per_generator_step():
    _, _, g_opt, d_opt, d_step, g_step = gan()
    loop = TrainingLoop(d_step, g_step, k=3)
    history = loop.train(4, chunk=3, verbose=False)
    assert len(history) == 4
    assert int(d_opt.iterations.numpy()) == 12 and int(g_opt.iterations.numpy()) == 4
    loop.k = 1
    loop.train(2, verbose=False)
    assert int(d_opt.iterations.numpy()) == 14 and int(g_opt.iterations.numpy()) == 6


def test_same_seed_gives_an_identical_history():
    runs = [TrainingLoop(*gan(seed=3)[4:]).train(6, chunk=4, verbose=False) for _ in range(2)]
    # the course's vocabulary: mean D(x) and mean D(G(z)) are probabilities
    assert runs[0].names == ["d_loss", "d_real", "d_fake", "g_loss"]
    for name in ("d_real", "d_fake"):
        assert np.all((runs[0][name] > 0) & (runs[0][name] < 1)), name
    assert np.all(runs[0]["g_loss"] > 0), "the default, non-saturating loss -log D(G(z)) > 0"
    for name in runs[0].names:
        np.testing.assert_array_equal(runs[0][name], runs[1][name])
    other = TrainingLoop(*gan(seed=4)[4:]).train(6, chunk=4, verbose=False)
    assert not np.array_equal(runs[0]["d_loss"], other["d_loss"])


def test_the_generator_loss_kind_reaches_the_step():
    """g_loss="minimax" trains with log(1 - D(G(z))), which is negative."""
    history = TrainingLoop(*gan(g_loss="minimax")[4:]).train(3, verbose=False)
    assert np.all(history["g_loss"] < 0)


def test_check_gan_accepts_the_notebooks_networks():
    G, D = nb01.make_generator(), nb01.make_discriminator()
    check_gan(G, D, images(), noise_dim=nb01.NOISE_DIM, batch_size=nb01.BATCH_SIZE)


def two_logits():
    return keras.Sequential(
        [keras.Input((28, 28, 1)), keras.layers.Flatten(), keras.layers.Dense(2)]
    )


@pytest.mark.parametrize(
    "change, message",
    [
        ({"images": images() * 127.5 + 127.5}, r"scaled to \[-1, 1\].*x / 127.5 - 1"),
        ({"images": (images() * 127.5 + 127.5).astype(np.uint8)}, "must be floats"),
        ({"images": np.where(images() > 0.9, np.nan, images())}, "NaN"),
        ({"noise_dim": 32}, r"does not accept noise of shape \(batch, 32\)"),
        ({"D": two_logits}, r"one logit per image.*got \(2, 2\)"),
        ({"images": images(n=10)}, "batch_size=64 is larger than the 10 training images"),
        ({"G": lambda: nb01.make_generator(image_shape=(32, 32, 1))}, "makes images of shape"),
        ({"batch_size": 0}, "batch_size must be an integer >= 1"),
    ],
)
def test_check_gan_says_what_to_change(change, message):
    args = {
        "G": nb01.make_generator,
        "D": nb01.make_discriminator,
        "images": images(),
        "noise_dim": nb01.NOISE_DIM,
        "batch_size": nb01.BATCH_SIZE,
    }
    args.update(change)
    with pytest.raises(ValueError, match=message):
        check_gan(
            args["G"](),
            args["D"](),
            args["images"],
            noise_dim=args["noise_dim"],
            batch_size=args["batch_size"],
        )


# --- the losses, against the textbook ---------------------------------------------------------
REAL = np.array([2.0, -1.0, 0.5, 0.0], dtype=np.float32)
FAKE = np.array([-3.0, 0.2, 1.0, -0.5], dtype=np.float32)


def sigmoid(logits):
    return 1 / (1 + np.exp(-np.asarray(logits, dtype=np.float64)))


def test_discriminator_loss_is_minus_the_value_function():
    """-V = -E[log D(x)] - E[log(1 - D(G(z)))], computed on probabilities in float64."""
    expected = -np.mean(np.log(sigmoid(REAL))) - np.mean(np.log(1 - sigmoid(FAKE)))
    assert float(nb01.discriminator_loss(REAL, FAKE)) == pytest.approx(expected, rel=1e-5)
    # At D = 1/2 everywhere the loss is 2 log 2 = log 4 (Goodfellow et al., 2014, Theorem 1)
    zeros = tf.zeros(4)
    assert float(nb01.discriminator_loss(zeros, zeros)) == pytest.approx(np.log(4), rel=1e-6)


@pytest.mark.parametrize(
    "kind, textbook",
    [
        ("minimax", lambda p: np.mean(np.log(1 - p))),
        ("non-saturating", lambda p: -np.mean(np.log(p))),
    ],
)
def test_generator_losses_match_the_textbook(kind, textbook):
    assert kind in nb01.GENERATOR_LOSSES
    value = float(nb01.generator_loss(FAKE, kind))
    assert value == pytest.approx(textbook(sigmoid(FAKE)), rel=1e-5)


def test_the_default_generator_loss_is_non_saturating():
    assert nb01.GENERATOR_LOSSES[0] == "non-saturating"
    assert float(nb01.generator_loss(FAKE)) == float(nb01.generator_loss(FAKE, "non-saturating"))


def test_mean_prob_is_the_mean_of_the_sigmoid():
    assert float(nb01.mean_prob(REAL)) == pytest.approx(np.mean(sigmoid(REAL)), rel=1e-6)


def test_an_unknown_kind_names_the_known_ones():
    with pytest.raises(ValueError, match="kind must be one of .*non-saturating.*minimax.*'wgan'"):
        nb01.generator_loss(FAKE, "wgan")


def test_losses_and_gradients_stay_finite_at_extreme_logits():
    extreme = tf.constant([-500.0, -120.0, 120.0, 500.0])
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(extreme)
        values = {
            "D": nb01.discriminator_loss(extreme, extreme),
            **{kind: nb01.generator_loss(extreme, kind) for kind in nb01.GENERATOR_LOSSES},
        }
        # the same -log D(G(z)) computed on a probability: sigmoid(-120) is 0 in float32
        naive = -tf.math.log(tf.sigmoid(extreme))
    for name, value in values.items():
        assert np.isfinite(value.numpy()), name
        assert np.all(np.isfinite(tape.gradient(value, extreme).numpy())), name
    assert not np.all(np.isfinite(naive.numpy())), "on probabilities log(0) = -inf"


def test_minimax_saturates_where_non_saturating_does_not():
    """d loss / d logit: minimax -sigmoid(l) / n, non-saturating -(1 - sigmoid(l)) / n."""
    logits = tf.constant([-8.0, -2.0, 0.0, 3.0])
    n = len(logits)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(logits)
        loss = {kind: nb01.generator_loss(logits, kind) for kind in nb01.GENERATOR_LOSSES}
    grad = {kind: tape.gradient(value, logits).numpy() for kind, value in loss.items()}
    p = sigmoid(logits.numpy())
    np.testing.assert_allclose(grad["minimax"], -p / n, rtol=1e-4)
    np.testing.assert_allclose(grad["non-saturating"], -(1 - p) / n, rtol=1e-4)
    # D(G(z)) = sigmoid(-8) ~ 3e-4: the minimax gradient has all but vanished
    assert grad["non-saturating"][0] / grad["minimax"][0] > 1000
