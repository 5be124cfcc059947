"""Notebook 06's data and scores: hand-made sample sets whose answers are known."""

import math

import numpy as np
import pytest
import tensorflow as tf

from gan_helpers.labs import nb06_mixtures as mixtures


def test_ring_has_eight_distinct_modes_on_the_circle():
    ring = mixtures.ring()
    assert ring.centres.shape == (8, 2) and ring.centres.dtype == np.float32
    assert ring.sigma == 0.02
    assert np.allclose(np.linalg.norm(ring.centres, axis=1), 2.0, atol=1e-6)
    gaps = np.linalg.norm(ring.centres[:, None] - ring.centres[None], axis=-1)
    # distinct: every pair at least one side of the inscribed octagon apart (2 r sin(pi / 8))
    off_diagonal = gaps[~np.eye(8, dtype=bool)]
    assert off_diagonal.min() == pytest.approx(2 * 2.0 * math.sin(math.pi / 8), rel=1e-5)


def test_the_copied_demo_ring_has_seven_modes():
    # linspace without endpoint=False puts the last centre on the first: what ring() avoids
    angles = np.linspace(0, 2 * np.pi, 8)
    centres = np.round(np.stack([np.cos(angles), np.sin(angles)], 1), 6)
    assert len(np.unique(centres, axis=0)) == 7


def test_grid_is_five_by_five_two_apart():
    grid = mixtures.grid()
    assert grid.centres.shape == (25, 2) and grid.sigma == 0.05
    assert sorted(set(grid.centres[:, 0].tolist())) == [-4.0, -2.0, 0.0, 2.0, 4.0]
    assert len(np.unique(grid.centres, axis=0)) == 25


def test_sample_is_reproducible_and_close_to_the_modes():
    ring = mixtures.ring()
    a = ring.sample(2500, np.random.default_rng(3))
    b = ring.sample(2500, np.random.default_rng(3))
    assert a.shape == (2500, 2) and a.dtype == np.float32 and np.array_equal(a, b)
    stats = mixtures.mode_stats(a, ring)
    # real data: every mode captured, 3 sigma holds 1 - exp(-4.5) = 98.9% of a 2-D Gaussian
    assert stats["modes_captured"] == 8
    assert stats["high_quality"] > 0.97
    assert stats["reverse_kl"] < 0.01


def test_all_on_one_mode():
    grid = mixtures.grid()
    samples = np.repeat(grid.centres[7:8], 100, axis=0)
    stats = mixtures.mode_stats(samples, grid)
    assert stats["modes_captured"] == 1 and stats["high_quality"] == 1.0
    assert stats["reverse_kl"] == pytest.approx(math.log(25))
    assert stats["counts"][7] == 100 and stats["counts"].sum() == 100
    assert stats["shares"][7] == 1.0 and stats["shares"].sum() == 1.0


def test_evenly_spread():
    ring = mixtures.ring()
    samples = np.repeat(ring.centres, 10, axis=0) + 0.02  # 0.028 from each centre: < 3 sigma
    stats = mixtures.mode_stats(samples, ring)
    assert stats["modes_captured"] == 8 and stats["high_quality"] == 1.0
    assert stats["reverse_kl"] == pytest.approx(0.0, abs=1e-12)
    assert stats["counts"].tolist() == [10] * 8


def test_all_off_mode():
    ring = mixtures.ring()
    # the centre of the ring and points half-way between two modes: no sample within 3 sigma
    between = (ring.centres + np.roll(ring.centres, 1, axis=0)) / 2
    samples = np.concatenate([np.zeros((5, 2)), between])
    stats = mixtures.mode_stats(samples, ring)
    assert stats["modes_captured"] == 0 and stats["high_quality"] == 0.0
    assert stats["reverse_kl"] == math.inf and stats["counts"].sum() == 0
    # the shares still say where the samples are: 5 at the centre went to the nearest mode (0)
    assert stats["shares"].sum() == pytest.approx(1.0) and stats["shares"].max() > 1 / 13


def test_half_on_two_modes():
    ring = mixtures.ring()
    on = np.repeat(ring.centres[[0, 4]], [30, 10], axis=0)
    samples = np.concatenate([on, np.full((40, 2), 9.0)])
    stats = mixtures.mode_stats(samples, ring)
    assert stats["modes_captured"] == 2 and stats["high_quality"] == 0.5
    p = np.array([0.75, 0.25])
    assert stats["reverse_kl"] == pytest.approx(float(np.sum(p * np.log(8 * p))))


def test_three_sigma_is_the_boundary():
    grid = mixtures.grid()
    inside = grid.centres[:1] + [[0.149, 0.0]]
    outside = grid.centres[:1] + [[0.151, 0.0]]
    assert mixtures.mode_stats(inside, grid)["high_quality"] == 1.0
    assert mixtures.mode_stats(outside, grid)["high_quality"] == 0.0


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: mixtures.ring(sigma=0), "sigma must be a positive"),
        (lambda: mixtures.ring(n_modes=1), "n_modes must be"),
        (lambda: mixtures.grid(spacing=-1), "spacing must be positive"),
        (lambda: mixtures.mode_stats(np.zeros((4, 3)), mixtures.ring()), r"\(n, 2\)"),
        (lambda: mixtures.mode_stats(np.full((4, 2), np.nan), mixtures.ring()), "NaN"),
        (lambda: mixtures.ring().sample(10, 0), "numpy Generator"),
    ],
)
def test_bad_arguments_say_what_to_change(call, message):
    with pytest.raises((ValueError, TypeError), match=message):
        call()


# --- notebook 06's lesson code on these mixtures (loaded from its lesson cells) -----------------


@pytest.fixture(scope="module")
def lesson():
    from gan_helpers import lessons

    return lessons.load("06_mode_collapse")


def test_packed_rows_hold_consecutive_points(lesson):
    points = np.arange(12, dtype=np.float32).reshape(6, 2)
    rows = lesson.packed(points, 3).numpy()
    assert rows.shape == (2, 6) and rows[1].tolist() == [6, 7, 8, 9, 10, 11]


@pytest.mark.parametrize(("pack", "minibatch_std"), [(1, False), (3, False), (1, True)])
def test_discriminator_takes_packs_and_gives_one_score(lesson, pack, minibatch_std):
    D = lesson.make_discriminator(pack=pack, minibatch_std=minibatch_std)
    assert D.input_shape == (None, 2 * pack)
    assert tuple(D(np.zeros((5, 2 * pack), np.float32)).shape) == (5, 1)


@pytest.mark.parametrize("loss", ["minimax", "non-saturating", "wgan-gp"])
def test_steps_return_the_course_metrics_and_train(lesson, loss):
    import gan_helpers

    gan_helpers.set_seed(0)
    G, D = lesson.make_generator(), lesson.make_discriminator(pack=2)
    g_opt, d_opt = lesson.make_optimizers(loss)
    before = [w.copy() for w in G.get_weights()]
    d_step, g_step = lesson.make_steps(
        G, D, g_opt, d_opt, mixtures.ring(), 0, loss=loss, pack=2, batch_size=16
    )
    assert {"d_loss", "d_real", "d_fake"} <= set(d_step()) and "g_loss" in g_step()
    assert any(not np.array_equal(a, b) for a, b in zip(before, G.get_weights()))


def test_bad_loss_and_pack_say_what_to_change(lesson):
    G, D = lesson.make_generator(), lesson.make_discriminator()
    g_opt, d_opt = lesson.make_optimizers("minimax")
    with pytest.raises(ValueError, match="loss must be one of"):
        lesson.make_steps(G, D, g_opt, d_opt, mixtures.ring(), 0, loss="hinge")
    with pytest.raises(ValueError, match="pack"):
        lesson.make_discriminator(pack=0)


def test_a_run_restarts_identically_from_its_seed(lesson):
    from gan_helpers.labs import nb06_runs as mixture_runs

    run = mixture_runs.get_run(lesson, mixtures.ring(), loss="non-saturating", jit_compile=False)
    first = mixture_runs.train(run, 3, 20, 2, n_eval=50)
    mixture_runs.train(run, 4, 20, 1, n_eval=50)
    again = mixture_runs.train(run, 3, 20, 2, n_eval=50)
    assert all(np.array_equal(a, b) for a, b in zip(first, again))
    assert not np.array_equal(first[0], first[1])


@pytest.mark.parametrize("options", [{"loss": "wgan-gp", "k": 5}, {"pack": 2}])
def test_a_restarted_run_is_the_run_a_fresh_build_gives(lesson, options):
    """The notebook's table must not depend on the cache: a fresh build, written out by hand."""
    import gan_helpers
    from gan_helpers.labs import nb06_runs as mixture_runs
    from gan_helpers.training import TrainingLoop

    ring, seed, steps = mixtures.ring(), 8, 12
    loss, pack, k = (
        options.get("loss", "non-saturating"),
        options.get("pack", 1),
        options.get("k", 1),
    )
    options = dict(loss=loss, pack=pack, k=k, steps=steps)
    run = mixture_runs.get_run(lesson, ring, jit_compile=False, **options)
    mixture_runs.train(run, seed + 1, steps, n_eval=50)  # another seed first
    (restarted,) = mixture_runs.train(run, seed, steps, n_eval=50)
    gan_helpers.set_seed(seed)
    G, D = lesson.make_generator(), lesson.make_discriminator(pack=pack)
    g_opt, d_opt = lesson.make_optimizers(loss, steps)
    rng = tf.random.Generator.from_seed(seed)
    d_step, g_step = lesson.make_steps(G, D, g_opt, d_opt, ring, rng, loss=loss, pack=pack)
    TrainingLoop(d_step, g_step, k=k).train(steps, chunk=mixture_runs.CHUNK, verbose=False)
    fresh = G(mixture_runs.eval_noise(seed, 50, G.input_shape[-1]), training=False).numpy()
    np.testing.assert_array_equal(restarted, fresh)


def test_heatmap_of_an_unpacked_discriminator_only(lesson):
    from gan_helpers.labs import nb06_runs as mixture_runs

    run = mixture_runs.get_run(lesson, mixtures.ring(), loss="non-saturating", jit_compile=False)
    heat = mixture_runs.heatmap(run, 3.0, n=10)
    assert heat.shape == (10, 10) and 0 <= heat.min() and heat.max() <= 1
    packed = mixture_runs.get_run(
        lesson, mixtures.ring(), loss="non-saturating", pack=2, jit_compile=False
    )
    with pytest.raises(ValueError, match="packed discriminator"):
        mixture_runs.heatmap(packed, 3.0)
