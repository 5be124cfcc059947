"""The checks of notebook 06's exercises (``exercises.check_<name>`` finds them here)."""

from __future__ import annotations

from gan_helpers.exercises import Wrong, check, expect


def _placed_points(mixture):
    """Ten points on circles around the first four modes, at 0.5, 2 and 5 sigma and at 0.5."""
    import numpy as np

    turns = np.linspace(0.0, 2 * np.pi, 10, endpoint=False)
    circle = np.stack([np.cos(turns), np.sin(turns)], axis=1)
    radii = [0.5 * mixture.sigma, 2 * mixture.sigma, 5 * mixture.sigma, 0.5]
    points = [mixture.centres[i] + r * circle for i, r in enumerate(radii)]
    return np.concatenate(points).astype(np.float32)


def _modes_within(samples, mixture, limit, squared=False):
    """How many modes are the nearest mode of a sample within limit (of the squared distance)."""
    import numpy as np

    from gan_helpers import mixtures

    index, distance = mixtures.nearest_mode(samples, mixture)
    near = (distance**2 if squared else distance) <= limit
    return len(np.unique(index[near]))


def _modes_captured_hint(got, samples, mixture):
    """The usual cause of a wrong count, found by computing what each usual mistake gives."""
    import numpy as np

    from gan_helpers import mixtures

    sigma = mixture.sigma
    good = int(np.sum(mixtures.nearest_mode(samples, mixture)[1] <= 3 * sigma))
    if got == good:
        return "did you count the high-quality samples instead of the modes they sit on?"
    if got == _modes_within(samples, mixture, np.inf):
        return "samples far from every mode count too: where is the 3σ threshold?"
    if got == _modes_within(samples, mixture, 3 * sigma, squared=True):
        return "is the squared distance compared with 3σ? Compare the distance itself."
    if got == _modes_within(samples, mixture, sigma):
        return "is the threshold σ instead of 3σ?"
    return "a mode counts when it is the nearest mode of at least one sample within 3σ of it."


@check("modes_captured")
def check_modes_captured(modes_captured):
    """Compare with mixtures.mode_stats on points placed around the 3σ line and on real data."""
    import numbers

    import numpy as np

    from gan_helpers import mixtures

    rng = np.random.default_rng(0)
    ring, grid = mixtures.ring(), mixtures.grid()
    one_mode = ring.centres[3] + ring.sigma * rng.normal(size=(500, 2))
    cases = [
        ("40 points at 0.5σ, 2σ, 5σ and 25σ from four ring modes", _placed_points(ring), ring),
        ("2,500 real points of the grid", grid.sample(2500, rng), grid),
        ("500 points around one ring mode", one_mode.astype(np.float32), ring),
    ]
    for name, samples, mixture in cases:
        got = modes_captured(samples.copy(), mixture)
        expect(
            isinstance(got, numbers.Integral) and not isinstance(got, bool),
            f"return a whole number (int), the count of captured modes; got {got!r}",
        )
        truth = mixtures.mode_stats(samples, mixture)["modes_captured"]
        expect(
            got == truth,
            f"for {name} you count {got} modes, the right count is {truth}: "
            + _modes_captured_hint(got, samples, mixture),
        )
    return "right on points placed near the 3σ line, on real data and on a collapsed sample."


def _same_mode_share(G, mixture, collapsed):
    """Measured: the share of packs of two points (real or G's) whose points share a mode."""
    import numpy as np
    import tensorflow as tf

    from gan_helpers import lessons, mixtures

    lesson = lessons.load("06_mode_collapse")
    real, fake = lesson.make_batches(G, mixture, tf.random.Generator.from_seed(0), 5000, 2)
    points = (fake() if collapsed else real()).numpy().reshape(-1, 2)
    index = mixtures.nearest_mode(points, mixture)[0].reshape(-1, 2)
    return float(np.mean(index[:, 0] == index[:, 1]))


@check("pack_same_mode")
def check_pack_same_mode(pack_same_mode):
    """Measure both shares with notebook 06's make_batches (pack = 2) on the ring."""
    import numbers

    import numpy as np

    from gan_helpers import lessons, mixtures

    expect(
        isinstance(pack_same_mode, (tuple, list))
        and len(pack_same_mode) == 2
        and all(isinstance(v, numbers.Real) for v in pack_same_mode),
        f"answer a pair of two fractions, (real packs, collapsed packs); got {pack_same_mode!r}",
    )
    real, collapsed = (float(v) for v in pack_same_mode)
    expect(
        0 <= real <= 1 and 0 <= collapsed <= 1,
        f"give fractions between 0 and 1, not percentages: got {pack_same_mode!r}",
    )
    lesson, ring = lessons.load("06_mode_collapse"), mixtures.ring()
    G = lesson.make_generator()
    measured_real = _same_mode_share(G, ring, collapsed=False)
    # a generator collapsed onto mode 0: its last layer sends every z to that centre
    last = G.layers[-1]
    last.set_weights([np.zeros_like(last.get_weights()[0]), ring.centres[0]])
    measured_collapsed = _same_mode_share(G, ring, collapsed=True)
    if abs(real - measured_real) > 0.03:
        if abs(real - 1 / 64) < 0.005:
            hint = "1/64 is the chance that both sit on one given mode; any of the 8 will do"
        elif real < 0.03:
            hint = "'almost never' is not never: the second point picks 1 of 8 modes"
        else:
            hint = "the two points are drawn independently, each from 8 equally likely modes"
        raise Wrong(f"measured {measured_real:.3f} for real packs, you said {real:g}: {hint}")
    expect(
        abs(collapsed - measured_collapsed) <= 0.03,
        f"measured {measured_collapsed:.3f} for the collapsed generator, you said "
        f"{collapsed:g}: where do its two points land?",
    )
    return (
        f"measured {measured_real:.3f} (real) and {measured_collapsed:.3f} (collapsed): a pack "
        "shows D what one point cannot, how often the points agree."
    )
