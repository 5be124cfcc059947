"""Notebook 01's training step (its ``lesson`` cells) in ``TrainingLoop``, and ``check_gan``.

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
