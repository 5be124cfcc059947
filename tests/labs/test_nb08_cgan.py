"""Notebook 08's lesson code (loaded from the notebook), its slant statistic, cache and panel.

The networks and the training step come from the notebook's ``lesson`` cells through
``gan_helpers.lessons.load``; nothing here trains for more than one step.
"""

import io

import keras
import numpy as np
import pytest
import tensorflow as tf

import gan_helpers
from gan_helpers import lessons, metrics
from gan_helpers.labs import nb08_cgan as cgan
from gan_helpers.labs.nb08_panel import CganPanel, to_png

lesson = lessons.load("08_conditional_gan")


@pytest.fixture(scope="module")
def generator():
    gan_helpers.set_seed(3)
    return lesson.make_conditional_generator()


def _same_z(n, seed=0):
    z = np.random.default_rng(seed).normal(size=(1, lesson.NOISE_DIM)).astype("float32")
    return np.repeat(z, n, axis=0)


# --- the lesson's networks and step ---------------------------------------------------------------
def test_shapes_and_the_label_conditions_both_networks(generator):
    D = lesson.make_projection_discriminator()
    labels = lesson.one_hot(np.arange(10))
    images = generator([tf.constant(_same_z(10)), labels], training=False)
    assert images.shape == (10, 28, 28, 1)
    assert float(tf.reduce_min(images)) >= -1 and float(tf.reduce_max(images)) <= 1
    # one z, ten labels: ten different images
    gaps = tf.reduce_max(tf.abs(images[1:] - images[:1]), axis=[1, 2, 3]).numpy()
    assert gaps.min() > 1e-3, gaps
    logits = D([images, labels])
    assert logits.shape == (10, 1)
    # the same image judged with another label gets another logit (the projection term)
    other = D([images, lesson.one_hot((np.arange(10) + 1) % 10)])
    assert np.max(np.abs(other.numpy() - logits.numpy())) > 1e-4
    assert not any(isinstance(layer, keras.layers.Lambda) for layer in generator.layers)


def test_one_step_moves_only_its_own_network(generator):
    gan_helpers.set_seed(4)
    G, D = lesson.make_conditional_generator(), lesson.make_projection_discriminator()
    rng = tf.random.Generator.from_seed(4)
    images = np.random.default_rng(0).uniform(-1, 1, (64, 28, 28, 1)).astype("float32")
    labels = np.arange(64) % 10
    adam = lambda: keras.optimizers.Adam(lesson.LEARNING_RATE, beta_1=0.5)  # noqa: E731
    d_step, g_step = lesson.make_conditional_steps(G, D, adam(), adam(), images, labels, rng, 16)
    g_before, d_before = [w.numpy() for w in G.trainable_variables], D.get_weights()
    out = d_step()
    assert {"d_loss", "d_real", "d_fake", "acc_real", "acc_fake"} <= set(out)
    assert all(np.array_equal(a, b.numpy()) for a, b in zip(g_before, G.trainable_variables))
    assert any(not np.array_equal(a, b) for a, b in zip(d_before, D.get_weights()))
    d_before = D.get_weights()
    assert set(g_step()) == {"g_loss"}
    assert all(np.array_equal(a, b) for a, b in zip(d_before, D.get_weights()))


def test_real_batches_keep_their_labels():
    rng = tf.random.Generator.from_seed(1)
    data = tf.reshape(tf.range(20, dtype=tf.float32), (20, 1))
    data_labels = lesson.one_hot(tf.range(20) % 10)
    real, real_y = lesson.real_batch_with_labels(data, data_labels, 32, rng)
    rows = real.numpy()[:, 0].astype(int)
    assert np.array_equal(real_y.numpy().argmax(axis=1), rows % 10)
    drawn = lesson.random_labels(4000, rng).numpy().argmax(axis=1)
    assert np.all(np.abs(np.bincount(drawn, minlength=10) / 4000 - 0.1) < 0.03)


# --- saving, reloading, the cache -----------------------------------------------------------------
def test_keras_file_round_trips_in_safe_mode(generator, tmp_path):
    path = cgan.save_generator(generator, tmp_path / "g.keras")
    reloaded = cgan.load_generator(path)
    z, y = tf.constant(_same_z(10, seed=2)), lesson.one_hot(np.arange(10))
    gap = np.max(np.abs(reloaded([z, y]).numpy() - generator([z, y]).numpy()))
    assert gap < 1e-6
    assert not list(tmp_path.glob("*.tmp*")), "no temporary file left behind"
    with pytest.raises(ValueError, match=r"\.keras"):
        cgan.save_generator(generator, tmp_path / "g.h5")


def test_load_generator_says_what_to_do_when_missing(tmp_path):
    with pytest.raises(FileNotFoundError, match="run notebook 08"):
        cgan.load_generator(tmp_path / "missing.keras")


def test_generator_path_is_in_the_cache_folder(monkeypatch, tmp_path):
    monkeypatch.setenv(metrics.CACHE_ENV_VAR, str(tmp_path))
    path = cgan.generator_path("quick", 2, "idx")
    assert path.parent == tmp_path and path.suffix == ".keras"
    assert "quick" in path.name and "base2" in path.name and "idx" in path.name
    assert cgan.generator_path("full", 2, "idx") != path
    with pytest.raises(ValueError, match="profile"):
        cgan.generator_path("fast", 0, "idx")
    with pytest.raises(ValueError, match="source"):
        cgan.generator_path("quick", 0, "../x")


# --- the slant statistic --------------------------------------------------------------------------
def _line(slope: float, rows=range(4, 24), centre=13.5) -> np.ndarray:
    """An image with one pixel of ink per row at x = centre + slope * (height above the middle),
    split between the two nearest columns (so the ink's mean x in each row is exact)."""
    ink = np.zeros((28, 28))
    middle = np.mean(list(rows))
    for r in rows:
        x = centre + slope * (middle - r)
        left = int(np.floor(x))
        ink[r, left] += 1 - (x - left)
        ink[r, left + 1] += x - left
    return 2 * ink - 1


@pytest.mark.parametrize("slope", [-0.6, -0.25, 0.0, 0.2, 0.5])
def test_slant_of_a_sheared_line_is_its_slope(slope):
    assert cgan.slant(_line(slope)[None])[0] == pytest.approx(slope, abs=1e-9)


def test_slant_sign_and_shape():
    right = _line(0.4)
    # leaning right: the ink of the top rows is to the right of the bottom rows'
    top, bottom = np.argmax(right[4]), np.argmax(right[23])
    assert top > bottom and cgan.slant(right[None])[0] > 0
    # a thick upright bar: no slant; a shape with (N, 28, 28, 1) works the same
    bar = -np.ones((28, 28, 1))
    bar[5:23, 12:16] = 1.0
    assert cgan.slant(bar[None])[0] == pytest.approx(0.0, abs=1e-12)
    assert cgan.slant(np.stack([_line(0.3), _line(-0.3)])).shape == (2,)


def test_slant_is_nan_without_ink_or_height():
    blank = -np.ones((28, 28))
    one_row = blank.copy()
    one_row[10, 5:20] = 1.0
    assert np.isnan(cgan.slant(np.stack([blank, one_row]))).all()
    with pytest.raises(ValueError, match="shape"):
        cgan.slant(np.zeros((2, 14, 14)))


# --- the panel, without a browser -----------------------------------------------------------------
@pytest.fixture()
def panel(generator):
    return CganPanel(generator, metrics.build_classifier(), n_sliders=3, seed=1)


def test_panel_widgets_redraw_at_once(panel):
    assert [w.description for w in panel.controls] == [
        "digit",
        "morph into",
        "morph",
        "z[0]",
        "z[1]",
        "z[2]",
    ]
    first = panel.image.value
    assert first[:8] == b"\x89PNG\r\n\x1a\n" and panel.status_text.startswith("asked for 7 |")
    assert panel.state == "idle" and panel.facts["digit"] == "7"
    # pick a digit, as a click on its button does
    panel.digit.value = "3"
    assert panel.image.value != first and panel.status_text.startswith("asked for 3 |")
    assert "the classifier sees" in panel.status_text and panel.facts["digit"] == "3"
    after_digit = panel.image.value
    panel.sliders[0].value = 2.5
    assert panel.latent()[0] == pytest.approx(2.5) and panel.image.value != after_digit
    # morph halfway from 3 into 1: the label is half of each
    panel.morph.value = 0.5
    assert np.allclose(panel.label()[[3, 1]], 0.5) and panel.label().sum() == pytest.approx(1)
    assert "morphing into 1" in panel.status_text
    assert (panel.facts["morph_into"], panel.facts["morph"]) == ("1", "0.50")
    # the image is the generator's for exactly these z and label
    expected = panel.generator([panel.latent()[None], panel.label()[None]], training=False)
    assert np.allclose(panel.last_image, np.asarray(expected)[0])


def test_panel_png_is_the_image_scaled():
    from PIL import Image

    image = -np.ones((28, 28, 1), dtype=np.float32)
    image[3, 5] = 1.0
    png = Image.open(io.BytesIO(to_png(image, scale=4)))
    assert png.size == (112, 112)
    pixels = np.asarray(png)
    # ink is dark on white
    assert pixels[0, 0] == 255 and pixels[3 * 4, 5 * 4] == 0


def test_panel_refuses_bad_arguments(generator):
    with pytest.raises(ValueError, match=r"two inputs, \[z, label\]"):
        CganPanel(keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)]))
    with pytest.raises(ValueError, match="noise_dim=64"):
        CganPanel(generator, n_sliders=65)
    with pytest.raises(ValueError, match="n_sliders must be an integer >= 1"):
        CganPanel(generator, n_sliders=0)
    with pytest.raises(ValueError, match="digit must be below 10"):
        CganPanel(generator, digit=10)
