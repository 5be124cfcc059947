"""The training loop machinery, on steps that are not GANs (so that no lesson code is copied here).

Notebook 01's real step runs in this loop in ``tests/lessons/test_lessons_01.py`` (loaded from the
notebook itself, see ``gan_helpers.lessons``).
"""

import numpy as np
import pytest
import tensorflow as tf

from gan_helpers.training import PROGRESS_WIDTH, NonFiniteLossError, TrainingLoop, random_batch


def counting_steps(limit=None, seed=0):
    """A "D" that counts its calls and draws noise, and a "G" that counts its own.

    With ``limit``, D's metric becomes NaN once it has been called more than ``limit`` times.
    """
    calls = {"d": tf.Variable(0.0), "g": tf.Variable(0.0)}
    rng = tf.random.Generator.from_seed(seed)

    def d_step():
        calls["d"].assign_add(1.0)
        bound = 1e9 if limit is None else limit + 0.5
        return {"d_loss": tf.sqrt(bound - calls["d"]) + 0 * rng.normal([]), "noise": rng.normal([])}

    def g_step():
        calls["g"].assign_add(1.0)
        return {"g_loss": calls["g"]}

    return d_step, g_step, calls


def test_k_discriminator_steps_per_generator_step_in_chunks():
    d_step, g_step, calls = counting_steps()
    loop = TrainingLoop(d_step, g_step, k=3)
    history = loop.train(7, chunk=3, verbose=False)
    assert len(history) == 7 and int(calls["d"].numpy()) == 21 and int(calls["g"].numpy()) == 7
    np.testing.assert_array_equal(history["g_loss"], np.arange(1, 8))
    assert sorted(history.names) == ["d_loss", "g_loss", "noise"]
    # a new k, and a last chunk shorter than the others (7 = 3 + 3 + 1), reuse the compiled graph
    loop.k = 1
    loop.train(2, chunk=3, verbose=False)
    assert int(calls["d"].numpy()) == 23 and len(loop.history) == 9
    assert loop._run.experimental_get_tracing_count() == 1


def test_callback_and_progress_line(capsys):
    d_step, g_step, _ = counting_steps()
    seen = []
    TrainingLoop(d_step, g_step).train(5, chunk=2, callback=lambda h: seen.append(len(h)))
    assert seen == [2, 4, 5]
    lines = capsys.readouterr().out.strip().splitlines()
    assert (
        len(lines) == 3 and lines[-1].startswith("step      5 | d_loss") and "steps/s" in lines[-1]
    )


def test_history_times_the_training_steps_but_not_the_callbacks():
    import time

    d_step, g_step, _ = counting_steps()
    loop = TrainingLoop(d_step, g_step)
    started = time.perf_counter()
    history = loop.train(6, chunk=2, verbose=False, callback=lambda h: time.sleep(0.2))
    wall = time.perf_counter() - started
    assert 0 < history.seconds < wall - 3 * 0.2 + 1e-3, "the three callbacks are left out"
    before = history.seconds
    loop.train(2, chunk=2, verbose=False)
    assert history.seconds > before, "a second call adds its time"


def test_should_stop_ends_training_between_chunks():
    d_step, g_step, _ = counting_steps()
    loop = TrainingLoop(d_step, g_step)
    history = loop.train(100, chunk=10, verbose=False, should_stop=lambda: len(loop.history) >= 20)
    assert len(history) == 20


def test_same_seed_gives_identical_metrics():
    runs = [
        TrainingLoop(*counting_steps(seed=7)[:2]).train(9, chunk=4, verbose=False)["noise"]
        for _ in range(2)
    ]
    np.testing.assert_array_equal(runs[0], runs[1])
    other = TrainingLoop(*counting_steps(seed=8)[:2]).train(9, chunk=4, verbose=False)["noise"]
    assert not np.array_equal(runs[0], other)


@pytest.mark.parametrize("jit", [False, True], ids=["graph", "xla"])
def test_nan_guard_rolls_back_to_the_last_good_step(jit):
    """The copy kept before each chunk is not changed by the chunk's updates (XLA's included)."""
    d_step, g_step, calls = counting_steps(limit=5)
    loop = TrainingLoop(d_step, g_step, jit_compile=jit)
    loop.train(3, verbose=False)
    with pytest.raises(NonFiniteLossError, match="step 6.*last good step \\(5\\)") as info:
        loop.train(10, chunk=4, verbose=False)
    assert len(info.value.history) == 5 and len(loop.history) == 5
    assert np.all(np.isfinite(loop.history["d_loss"]))
    # the weights are those of step 5: D has run 5 times, G 5 times (not 6)
    assert calls["d"].numpy() == 5.0 and calls["g"].numpy() == 5.0


def test_nan_guard_replays_the_random_stream():
    d_step, g_step, _ = counting_steps(limit=6, seed=3)
    loop = TrainingLoop(d_step, g_step)
    with pytest.raises(NonFiniteLossError):
        loop.train(10, chunk=10, verbose=False)
    clean = TrainingLoop(*counting_steps(seed=3)[:2]).train(6, verbose=False)
    np.testing.assert_array_equal(loop.history["noise"], clean["noise"])


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"k": 0}, "k must be an integer >= 1"),
        ({"k": 2.5}, "k must be an integer >= 1"),
    ],
)
def test_bad_arguments_say_what_to_change(kwargs, message):
    d_step, g_step, _ = counting_steps()
    with pytest.raises(ValueError, match=message):
        TrainingLoop(d_step, g_step, **kwargs)
    loop = TrainingLoop(d_step, g_step)
    with pytest.raises(ValueError, match="steps must be an integer >= 1"):
        loop.train(0)


def test_steps_must_return_named_metrics():
    d_step, g_step, _ = counting_steps()
    with pytest.raises(TypeError, match="d_step must return a dict of named scalar metrics"):
        TrainingLoop(lambda: 1.0, g_step).train(1, verbose=False)
    with pytest.raises(ValueError, match="both return \\['d_loss'\\]"):
        TrainingLoop(d_step, lambda: {"d_loss": tf.constant(0.0)}).train(1, verbose=False)


def test_random_batch_draws_rows_of_the_data():
    data = tf.constant(np.arange(20, dtype=np.float32).reshape(10, 2))
    batch = random_batch(data, 64, tf.random.Generator.from_seed(0)).numpy()
    assert batch.shape == (64, 2) and np.all(batch[:, 1] == batch[:, 0] + 1)
    assert len(np.unique(batch[:, 0])) == 10  # every row drawn at least once in 64 draws


def test_a_long_progress_line_breaks_between_metrics_not_inside_numbers():
    def d_step():
        return {f"metric_{i}": tf.constant(1234.5678) for i in range(8)}

    def g_step():
        return {"g_loss": tf.constant(0.5)}

    loop = TrainingLoop(d_step, g_step)
    loop.train(3, chunk=3, verbose=False)
    lines = loop.progress_line(3, 70.0).splitlines()
    assert len(lines) > 1 and all(len(line) <= PROGRESS_WIDTH for line in lines)
    words = " ".join(lines).split()
    assert words.count("1.23e+03") == 8 and words[-2:] == ["70", "steps/s"]
    assert all(line.startswith("    ") for line in lines[1:])
