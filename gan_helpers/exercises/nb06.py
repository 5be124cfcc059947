"""The checks of notebook 06's exercises (``exercises.check_<name>`` finds them here)."""

from __future__ import annotations

import functools

from gan_helpers.exercises import Wrong, cause_then, check, expect, real_number

# ----------------------------------------------------------------------------------------------
# 7a. the modes-captured score


def _nb06_around(centre, radius: float, angle_degrees: float):
    import numpy as np

    angle = np.deg2rad(angle_degrees)
    return np.asarray(centre, np.float64) + radius * np.array([np.cos(angle), np.sin(angle)])


def _nb06_placed(mixture, plan):
    """Points placed around the modes: plan is [(mode, radius in sigma, angle in degrees)]."""
    import numpy as np

    points = [_nb06_around(mixture.centres[m], r * mixture.sigma, a) for m, r, a in plan]
    return np.array(points, np.float32)


def _nb06_cases():
    """(what, samples, mixture): each usual mistake changes the count in at least one of them."""
    import numpy as np

    from gan_helpers.labs import nb06_mixtures as mixtures

    rng = np.random.default_rng(0)
    ring, grid = mixtures.ring(), mixtures.grid()
    # one ring mode each: 2.9 sigma (in), 3.1 sigma (out), 3.5 sigma on the diagonal (out, but
    # inside a 3-sigma box), two points at 0.5 sigma, one at 0.5, one at 1.5, 10 and 20 sigma
    plan = [(0, 2.9, 0), (1, 3.1, 90), (2, 3.5, 45), (3, 0.5, 10), (3, 0.5, 200)]
    plan += [(4, 0.5, 300), (5, 1.5, 135), (6, 10, 0), (7, 20, 180)]
    # grid modes: 2.5 sigma (out with the ring's sigma 0.02), 2.9 in, 3.2 out, 0.2 in
    grid_plan = [(0, 2.5, 30), (6, 2.9, 270), (12, 3.2, 0), (24, 0.2, 60), (24, 1.0, 240)]
    one_mode = ring.centres[3] + ring.sigma * rng.normal(size=(500, 2))
    return [
        (
            "9 points placed from 0.5σ to 20σ around the 8 ring modes",
            _nb06_placed(ring, plan),
            ring,
        ),
        ("5 points placed around 4 grid modes", _nb06_placed(grid, grid_plan), grid),
        ("2,500 real points of the grid", grid.sample(2500, rng), grid),
        ("500 points around one ring mode", one_mode.astype(np.float32), ring),
        ("1 point on a ring mode", ring.centres[5:6].copy(), ring),
        ("3 points at the ring's centre, far from every mode", np.zeros((3, 2), np.float32), ring),
    ]


def _nb06_count(samples, mixture, rule: str) -> float:
    """What a modes-captured score computes under the right rule or a usual mistake."""
    import numpy as np

    from gan_helpers.labs import nb06_mixtures as mixtures

    index, distance = mixtures.nearest_mode(samples, mixture)
    sigma = mixture.sigma
    offset = samples.astype(np.float64) - mixture.centres[index].astype(np.float64)
    near = {
        "right": distance <= 3 * sigma,
        "no threshold": np.ones(len(samples), bool),
        "squared": distance**2 <= 3 * sigma,
        "sigma": distance <= sigma,
        "2 sigma": distance <= 2 * sigma,
        "variance": distance <= 3 * sigma**2,
        "box": np.all(np.abs(offset) <= 3 * sigma, axis=1),
        "ring sigma": distance <= 3 * 0.02,
    }
    good = near.get(rule, near["right"])
    counts = np.bincount(index[good], minlength=mixture.n_modes)
    if rule == "samples":
        return float(good.sum())
    if rule == "two samples":
        return float(np.sum(counts >= 2))
    if rule == "eight":
        return float(np.count_nonzero(counts[:8]))
    if rule == "share":
        return float(np.count_nonzero(counts)) / mixture.n_modes
    return float(np.count_nonzero(counts))


_NB06_RULES = {
    "samples": "you count the high-quality samples, not the modes they sit on: count each mode "
    "once, however many good samples it holds (np.unique of their nearest modes)",
    "share": "you return the share of modes captured: return their number",
    "no threshold": "samples far from every mode count too: where is the 3σ threshold? A mode "
    "counts only for a sample within 3σ of it",
    "squared": "you compare the squared distance with 3σ: compare the distance itself, or the "
    "squared distance with (3σ)²",
    "variance": "your threshold is 3σ², a variance: compare the distance with 3σ",
    "sigma": "your threshold is σ, not 3σ",
    "2 sigma": "your threshold is 2σ, not 3σ",
    "box": "you test each coordinate against 3σ (a square box): the rule is on the distance, "
    "sqrt(dx² + dy²) <= 3σ",
    "ring sigma": "your σ is the ring's 0.02 on the grid too: use mixture.sigma (the grid's is "
    "0.05)",
    "two samples": "a mode needs only one sample within 3σ to count, not two or more",
    "eight": "you count only the first 8 modes (the ring's): the grid has 25, use "
    "len(mixture.centres)",
}


@check("modes_captured")
def check_modes_captured(modes_captured):
    """Compare with mixtures.mode_stats on points placed on both sides of the 3σ line (ring and
    grid), real grid data, a collapsed sample, one point and none near any mode."""
    from gan_helpers.labs import nb06_mixtures as mixtures

    expect(callable(modes_captured), "modes_captured must be a function of (samples, mixture)")
    cases = _nb06_cases()
    got = []
    for what, samples, mixture in cases:
        value = modes_captured(samples.copy(), mixture)
        number = real_number(value)
        expect(
            number is not None,
            f"return one whole number (an int), the count of captured modes; for {what} you "
            f"returned {value!r}",
        )
        got.append(number)
    truth = [float(mixtures.mode_stats(s, m)["modes_captured"]) for _, s, m in cases]
    if got == truth:
        return (
            "right on points placed on both sides of the 3σ line (ring and grid), on real data, "
            "on a collapsed sample, on one point and on none."
        )
    wrong = next(i for i, (g, t) in enumerate(zip(got, truth)) if g != t)
    numbers = (
        f"for {cases[wrong][0]} your count is {got[wrong]:g}, the right one is {truth[wrong]:g}"
    )
    for rule, hint in _NB06_RULES.items():
        counts = [_nb06_count(s, m, rule) for _, s, m in cases]
        if all(abs(g - c) < 1e-9 for g, c in zip(got, counts)):
            raise Wrong(cause_then(hint, numbers))
    expect(
        all(g == round(g) for g in got),
        f"a count of modes is a whole number: {numbers}",
    )
    raise Wrong(
        cause_then(
            "a mode counts when it is the nearest mode of at least one sample lying within 3σ "
            "(mixture.sigma) of it",
            numbers,
        )
    )


# ----------------------------------------------------------------------------------------------
# 7b. what a pack of two shows D


def _same_mode_share(G, mixture, collapsed, packs: int = 20000):
    """Measured: the share of packs of two points (real or G's) whose points share a mode."""
    import numpy as np
    import tensorflow as tf

    from gan_helpers import lessons
    from gan_helpers.labs import nb06_mixtures as mixtures

    lesson = lessons.load("06_mode_collapse")
    real, fake = lesson.make_batches(G, mixture, tf.random.Generator.from_seed(0), packs, 2)
    points = (fake() if collapsed else real()).numpy().reshape(-1, 2)
    index = mixtures.nearest_mode(points, mixture)[0].reshape(-1, 2)
    return float(np.mean(index[:, 0] == index[:, 1]))


@check("pack_same_mode")
def check_pack_same_mode(pack_same_mode):
    """Measure both shares with notebook 06's make_batches (pack = 2, 20,000 packs) on the ring."""
    import numpy as np

    from gan_helpers import lessons
    from gan_helpers.labs import nb06_mixtures as mixtures

    values = None
    if isinstance(pack_same_mode, (tuple, list, np.ndarray)) and len(pack_same_mode) == 2:
        values = [real_number(v) for v in pack_same_mode]
    expect(
        values is not None and None not in values,
        f"answer a pair of two fractions, (real packs, collapsed packs); got {pack_same_mode!r}",
    )
    real, collapsed = values
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
    measured = (
        f"measured on 20,000 packs: {measured_real:.3f} for real packs, {measured_collapsed:.3f} "
        "for the collapsed generator"
    )
    k = ring.n_modes
    # 20,000 packs measure the share within +-0.007 (3 standard errors): 0.01 is the lesson's
    # tolerance, tight enough to tell 1/8 from 1/7 and 1/9
    if abs(real - measured_real) > 0.01:
        hints = [
            (
                abs(real - 1 / k**2) < 0.005,
                f"1/{k**2} is the chance that both sit on one given mode; any of the {k} will do",
            ),
            (
                real < 0.03,
                f"'almost never' is not never: the second point picks 1 of {k} modes, "
                "and one of them is the first point's",
            ),
            (
                abs(real - 1 / (k - 1)) < 0.005,
                f"1/{k - 1}: the second point does not avoid the "
                f"first one's mode; it picks 1 of all {k} modes, so it matches with chance 1/{k}",
            ),
            (
                abs(real - (k - 1) / k) < 0.01,
                f"{k - 1}/{k} is the share of packs whose points "
                "sit on two DIFFERENT modes: the question asks for the same mode",
            ),
            (
                abs(real - 0.5) < 0.01,
                "the two points agree or not, but not 50-50: the second "
                f"point picks 1 of {k} equally likely modes",
            ),
        ]
        hint = next(
            (h for when, h in hints if when),
            f"the two points are drawn independently, each from {k} equally likely modes",
        )
        raise Wrong(cause_then(hint, f"You said {real:g} for real packs; {measured}."))
    if abs(collapsed - measured_collapsed) > 0.01:
        hint = (
            "a generator collapsed onto one mode puts every point on that mode, so both points "
            "of a pack always share it"
        )
        if abs(collapsed - real) < 0.01:
            hint = "the collapsed generator does not draw its modes like the data: " + hint
        raise Wrong(cause_then(hint, f"You said {collapsed:g} for collapsed packs; {measured}."))
    return (
        f"{measured}: a pack shows D what one point cannot, how often the points agree "
        f"(1/{k} for the data, always for a collapse)."
    )


# ----------------------------------------------------------------------------------------------
# 7c. train and measure: a packed D sees a half collapse better

_NB06_PACK_STEPS = 200
_NB06_EVAL_PACKS = 2000


def half_ring_generator(mixture, noise_dim: int):
    """A generator that covers every other mode of the mixture (4 of the ring's 8), each mode
    exactly like the data: z[0] picks the mode, z[1:3] the point around it. No weights."""
    import keras
    import numpy as np
    import tensorflow as tf

    centres = tf.constant(mixture.centres[::2])
    kept = int(centres.shape[0])

    def draw(z):
        share = 0.5 * (1 + tf.math.erf(z[:, 0] / np.sqrt(2.0)))
        which = tf.minimum(tf.cast(tf.floor(share * kept), tf.int32), kept - 1)
        return tf.gather(centres, which) + mixture.sigma * z[:, 1:3]

    return keras.Sequential(
        [keras.Input((noise_dim,)), keras.layers.Lambda(draw)], name="half_ring_generator"
    )


def _nb06_accuracy(D, real, fake) -> float:
    """D's accuracy on packs: real ones with a logit above 0, fake ones at or below it."""
    import numpy as np

    return float((np.mean(D(real).numpy() > 0) + np.mean(D(fake).numpy() <= 0)) / 2)


@functools.lru_cache(maxsize=4)
def _nb06_pack_reference(pack: int, seed: int, steps: int) -> dict:
    """The check's own run: notebook 06's D and d_step, D alone against the half-ring G, then
    its accuracy on fresh packs; also the accuracy on real and on fake packs alone."""
    import numpy as np
    import tensorflow as tf

    import gan_helpers
    from gan_helpers import lessons
    from gan_helpers.labs import nb06_mixtures as mixtures

    lesson, ring = lessons.load("06_mode_collapse"), mixtures.ring()
    G = half_ring_generator(ring, lesson.NOISE_DIM)
    gan_helpers.set_seed(seed)
    D = lesson.make_discriminator(pack=pack)
    g_opt, d_opt = lesson.make_optimizers("non-saturating")
    d_step = tf.function(lesson.make_steps(G, D, g_opt, d_opt, ring, seed, pack=pack)[0])
    # fresh packs: a split of the seed's stream (from_seed(seed + 1) would overlap it, shifted)
    rng = tf.random.Generator.from_seed(seed).split(1)[0]
    real, fake = (f() for f in lesson.make_batches(G, ring, rng, _NB06_EVAL_PACKS, pack))
    untrained = _nb06_accuracy(D, real, fake)
    for _ in range(steps):
        d_step()
    return {
        "accuracy": _nb06_accuracy(D, real, fake),
        "real only": float(np.mean(D(real).numpy() > 0)),
        "fake only": float(np.mean(D(fake).numpy() <= 0)),
        "untrained": untrained,
    }


def _nb06_bayes(pack: int, covered: float = 0.5) -> float:
    """The best accuracy any D can reach: (1 + TV) / 2, TV = 1 - covered**pack between real
    packs and packs of a G that covers the share `covered` of the modes."""
    return (1 + 1 - covered**pack) / 2


@check("pack_accuracy")
def check_pack_accuracy(pack_accuracy):
    """Train D alone against the half-ring generator through the learner's function, pack 1 and 2,
    and compare its accuracy with the check's own run from the same seed (0.03) and with the
    best possible accuracy (1 + TV) / 2."""
    import math

    import gan_helpers
    from gan_helpers import lessons
    from gan_helpers.labs import nb06_mixtures as mixtures

    expect(callable(pack_accuracy), "pack_accuracy must be a function of (G, pack, seed, steps)")
    lesson, ring = lessons.load("06_mode_collapse"), mixtures.ring()
    G = half_ring_generator(ring, lesson.NOISE_DIM)
    seed, steps = gan_helpers.seed(0), _NB06_PACK_STEPS
    got, ref = {}, {}
    for pack in (1, 2):
        value = real_number(pack_accuracy(G, pack, seed, steps=steps))
        expect(
            value is not None and math.isfinite(value),
            f"return one number, D's accuracy on fresh packs; got {value!r} for pack = {pack}",
        )
        got[pack], ref[pack] = value, _nb06_pack_reference(pack, seed, steps)
    expect(
        all(0 <= v <= 1 for v in got.values()),
        f"an accuracy is a fraction between 0 and 1: you got {got[1]:g} (pack 1), {got[2]:g} "
        "(pack 2). Did you return a percentage, or a mean logit?",
    )
    said = (
        f"Your accuracies: {got[1]:.3f} (pack 1), {got[2]:.3f} (pack 2); the check's own run "
        f"from seed {seed}: {ref[1]['accuracy']:.3f}, {ref[2]['accuracy']:.3f} (the best "
        f"possible: {_nb06_bayes(1):.3f}, {_nb06_bayes(2):.3f})."
    )
    if all(abs(got[p] - ref[p]["accuracy"]) <= 0.03 for p in (1, 2)):
        return (
            f"{said} D alone reaches the best accuracy (1 + TV) / 2 in {steps} steps: a G missing "
            "half the modes differs from the data by TV 1/2 on single points, 1 − (1/2)² = 3/4 "
            "on pairs. Packing makes the same collapse easier to see."
        )

    def near(key, tolerance=0.03):
        return all(abs(got[p] - ref[p][key]) <= tolerance for p in (1, 2))

    hints = [
        (
            all(abs((1 - got[p]) - ref[p]["accuracy"]) <= 0.03 for p in (1, 2)),
            "you returned the error rate, 1 − accuracy: count the packs D gets right",
        ),
        (
            near("real only"),
            "you scored only the real packs: the accuracy averages D's hits on real packs "
            "(logit > 0) and on fake ones (logit ≤ 0)",
        ),
        (
            near("fake only"),
            "you scored only the fake packs: the accuracy averages D's hits on real packs "
            "(logit > 0) and on fake ones (logit ≤ 0)",
        ),
        (
            near("untrained", 0.05) or max(got.values()) < 0.6,
            "your D has not learned: are both accuracies near 1/2, as an untrained D's? Call "
            f"d_step {steps} times (make_steps(...)[0]) before you measure",
        ),
        (
            abs(got[2] - ref[1]["accuracy"]) <= 0.03,
            "with pack = 2 your D does as well as with pack = 1: is pack handed to "
            "make_discriminator(pack=pack) AND to make_steps(..., pack=pack) and make_batches?",
        ),
        (
            any(got[p] > _nb06_bayes(p) + 0.02 for p in (1, 2)),
            "your accuracy is above what any D can reach on fresh packs: do you measure it on "
            "the packs D was trained on, or only on one kind?",
        ),
    ]
    hint = next(
        (h for when, h in hints if when),
        f"train a fresh D (make_discriminator(pack=pack), after gan_helpers.set_seed(seed)) alone "
        f"for {steps} d_steps of make_steps(G, D, *make_optimizers('non-saturating'), RING, seed, "
        "pack=pack), then measure on 5,000 fresh real and 5,000 fake packs",
    )
    raise Wrong(cause_then(hint, said))
