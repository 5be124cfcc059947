"""Notebook 06's exercises: right answers written differently, and typical wrong ones.

A row: ``Right("<exercise>", answer, "why")`` or ``Wrong("<exercise>", answer, "message")``
(see ``tests/exercises/answers/__init__.py``); add one line to ``RIGHT`` or ``WRONG``.
"""

import numpy as np

from answers import Right, Wrong
from solutions import nb06


def _counter(limit, squared=False, count_samples=False, box=False, at_least=1, share=False):
    """modes_captured with a chosen threshold rule (a typical mistake each)."""

    def modes_captured(samples, mixture):
        gaps = np.linalg.norm(samples[:, None, :] - mixture.centres[None, :, :], axis=-1)
        nearest = gaps.argmin(axis=1)
        distance = gaps.min(axis=1) ** 2 if squared else gaps.min(axis=1)
        good = distance <= limit(mixture.sigma)
        if box:
            offset = np.abs(samples - mixture.centres[nearest])
            good = np.all(offset <= limit(mixture.sigma), axis=1)
        if count_samples:
            return int(good.sum())
        counts = np.bincount(nearest[good], minlength=len(mixture.centres))
        if share:
            return np.count_nonzero(counts) / len(mixture.centres)
        return int(np.sum(counts >= at_least))

    return modes_captured


def _ring_sigma(samples, mixture):
    """The ring's sigma, 0.02, written in: wrong on the grid (sigma 0.05)."""
    gaps = np.linalg.norm(samples[:, None, :] - mixture.centres[None, :, :], axis=-1)
    return len(np.unique(gaps.argmin(axis=1)[gaps.min(axis=1) <= 3 * 0.02]))


def _first_eight(samples, mixture):
    """K = 8 written in: a count of the ring's modes, wrong on the grid's 25."""
    gaps = np.linalg.norm(samples[:, None, :] - mixture.centres[None, :, :], axis=-1)
    good = gaps.argmin(axis=1)[gaps.min(axis=1) <= 3 * mixture.sigma]
    return int(np.count_nonzero(np.bincount(good, minlength=25)[:8]))


def _packer(pack_in_d=True, pack_in_steps=True, steps_done=None, score="both", error=False):
    """pack_accuracy with one typical mistake: pack left out, no training, one kind scored."""
    import tensorflow as tf

    import gan_helpers
    from gan_helpers import lessons
    from gan_helpers.labs import nb06_mixtures as mixtures

    def pack_accuracy(G, pack, seed, steps=200):
        lesson, ring = lessons.load("06_mode_collapse"), mixtures.ring()
        gan_helpers.set_seed(seed)
        m = pack if pack_in_d else 1
        D = lesson.make_discriminator(pack=m)
        g_opt, d_opt = lesson.make_optimizers("non-saturating")
        d_step = lesson.make_steps(G, D, g_opt, d_opt, ring, seed, pack=m)[0]
        d_step = tf.function(d_step)
        for _ in range(steps if steps_done is None else steps_done):
            d_step()
        rng = tf.random.Generator.from_seed(seed).split(2)[1]
        real, fake = lesson.make_batches(G, ring, rng, 5000, m)
        hits = {"real": np.mean(D(real()).numpy() > 0), "fake": np.mean(D(fake()).numpy() <= 0)}
        value = (hits["real"] + hits["fake"]) / 2 if score == "both" else hits[score]
        return float(1 - value if error else value)

    return pack_accuracy


RIGHT = [
    # modes_captured: any whole number type
    Right(
        "modes_captured",
        lambda samples, mixture: float(nb06.modes_captured(samples, mixture)),
        "a whole float",
        id="float",
    ),
    Right(
        "modes_captured",
        lambda samples, mixture: np.int64(nb06.modes_captured(samples, mixture)),
        "a NumPy int64",
        id="np.int64",
    ),
    Right(
        "modes_captured",
        _counter(lambda s: (3 * s) ** 2, squared=True),
        "squared distances against the squared threshold (3σ)²",
        id="squared_against_squared",
    ),
    # pack_same_mode: any pair of real numbers
    Right("pack_same_mode", (1 / 8, 1.0), "a tuple of floats"),
    Right("pack_same_mode", [0.125, 1], "a list, an int"),
    Right("pack_same_mode", np.array([0.125, 1.0]), "a NumPy array"),
    Right("pack_same_mode", (np.float32(0.125), np.int64(1)), "NumPy scalars"),
    # pack_accuracy: another evaluation stream, a NumPy float
    Right("pack_accuracy", _packer(), "fresh packs from another stream", id="other_stream"),
    Right(
        "pack_accuracy",
        lambda G, pack, seed, steps=200: np.float32(nb06.pack_accuracy(G, pack, seed, steps)),
        "a NumPy float32",
        id="np.float32",
    ),
]

WRONG = [
    # modes_captured
    Wrong(
        "modes_captured",
        _counter(lambda s: np.inf),
        "where is the 3σ threshold?",
        id="no_threshold",
    ),
    Wrong(
        "modes_captured",
        _counter(lambda s: 3 * s, squared=True),
        "squared distance",
        id="squared_distance",
    ),
    Wrong("modes_captured", _counter(lambda s: s), "your threshold is σ, not 3σ", id="1_sigma"),
    Wrong(
        "modes_captured",
        _counter(lambda s: 3 * s, count_samples=True),
        "not the modes they sit on",
        id="counts_samples",
    ),
    Wrong(
        "modes_captured",
        lambda samples, mixture: 8.0,
        "a mode counts when it is the nearest mode",
        id="constant_8",
    ),
    Wrong("modes_captured", _counter(lambda s: 3 * s, box=True), "a square box", id="box"),
    Wrong(
        "modes_captured",
        _counter(lambda s: 3 * s, at_least=2),
        "needs only one sample",
        id="two_samples_per_mode",
    ),
    Wrong(
        "modes_captured",
        _counter(lambda s: 3 * s, share=True),
        "return their number",
        id="share",
    ),
    # 2σ, 3σ², the ring's sigma and K written in
    Wrong("modes_captured", _counter(lambda s: 2 * s), "your threshold is 2σ", id="2_sigma"),
    Wrong("modes_captured", _counter(lambda s: 3 * s**2), "a variance", id="3_sigma_squared"),
    Wrong("modes_captured", _ring_sigma, "use mixture.sigma"),
    Wrong("modes_captured", _first_eight, "only the first 8 modes"),
    Wrong(
        "modes_captured",
        lambda samples, mixture: "8",
        "return one whole number",
        id="string",
    ),
    # pack_same_mode
    Wrong("pack_same_mode", (0.0, 1.0), "'almost never' is not never"),
    Wrong("pack_same_mode", (1 / 64, 1.0), "one given mode", id="(1/64, 1.0)"),
    Wrong("pack_same_mode", (0.125, 0.125), "does not draw its modes like the data"),
    Wrong("pack_same_mode", (12.5, 100), "not percentages"),
    Wrong("pack_same_mode", 0.125, "a pair of two fractions"),
    # 1/7 and 1/9, accepted by an older 0.03 tolerance
    Wrong("pack_same_mode", (1 / 7, 1.0), "does not avoid the first one's mode", id="(1/7, 1.0)"),
    Wrong("pack_same_mode", (1 / 9, 1.0), "drawn independently", id="(1/9, 1.0)"),
    # the share of packs on different modes
    Wrong("pack_same_mode", (7 / 8, 1.0), "two DIFFERENT modes"),
    Wrong("pack_same_mode", (0.5, 1.0), "not 50-50"),
    # a collapsed generator's packs never agree
    Wrong("pack_same_mode", (0.125, 0.0), "both points of a pack always share it"),
    # pack_accuracy
    Wrong("pack_accuracy", _packer(pack_in_d=False), "pack = 2 your D does as well", id="no_pack"),
    Wrong("pack_accuracy", _packer(steps_done=0), "your D has not learned", id="untrained"),
    Wrong("pack_accuracy", _packer(score="real"), "only the real packs", id="real_only"),
    Wrong("pack_accuracy", _packer(score="fake"), "only the fake packs", id="fake_only"),
    Wrong("pack_accuracy", _packer(error=True), "the error rate", id="error_rate"),
    Wrong(
        "pack_accuracy",
        lambda G, pack, seed, steps=200: 100 * nb06.pack_accuracy(G, pack, seed, steps),
        "a percentage",
        id="percentage",
    ),
    Wrong("pack_accuracy", _packer(steps_done=5), "train a fresh D", id="5_steps"),
]
