"""Reference solutions of notebook 06 (mode collapse in 2-D): its section 7, Exercises."""

import numpy as np
import tensorflow as tf

import gan_helpers
from gan_helpers import lessons
from gan_helpers.labs import nb06_mixtures as mixtures


def modes_captured(samples, mixture):
    """The modes that are the nearest mode of at least one sample within 3 sigma of it."""
    # distance of every sample (n, 2) to every centre (K, 2): an (n, K) table
    gaps = np.linalg.norm(samples[:, None, :] - mixture.centres[None, :, :], axis=-1)
    nearest = gaps.argmin(axis=1)
    good = gaps.min(axis=1) <= 3 * mixture.sigma
    return len(np.unique(nearest[good]))


# real packs: the second point falls on the first one's mode with probability 1/8;
# a generator collapsed onto one mode puts both points there, always
pack_same_mode = (1 / 8, 1.0)


def pack_accuracy(G, pack, seed, steps=200):
    """Train a fresh D alone against G for `steps` d_steps; its accuracy on fresh packs."""
    lesson, ring = lessons.load("06_mode_collapse"), mixtures.ring()
    gan_helpers.set_seed(seed)
    D = lesson.make_discriminator(pack=pack)
    g_opt, d_opt = lesson.make_optimizers("non-saturating")
    d_step, _ = lesson.make_steps(G, D, g_opt, d_opt, ring, seed, pack=pack)
    d_step = tf.function(d_step)
    for _ in range(steps):
        d_step()
    # 5,000 fresh real and fake packs, from a stream split off the seed's: a nearby seed's stream
    # (seed + 1) would repeat the training stream's draws, shifted by a few
    rng = tf.random.Generator.from_seed(seed).split(1)[0]
    real, fake = lesson.make_batches(G, ring, rng, 5000, pack)
    hits_real = np.mean(D(real()).numpy() > 0)
    hits_fake = np.mean(D(fake()).numpy() <= 0)
    return float((hits_real + hits_fake) / 2)


NOTES = {
    "modes_captured": (
        "Practises: VEEGAN's modes-captured score (nearest mode, a 3σ threshold on the distance, "
        "count distinct modes). Typical mistakes: no threshold, the squared distance against 3σ, "
        "σ, 2σ or 3σ² instead of 3σ, a square box, the ring's σ or K = 8 written in, two "
        "samples per mode, counting high-quality samples instead of modes, a share of modes."
    ),
    "pack_same_mode": (
        "Practises: why PacGAN works: real packs agree on a mode with probability 1/K, collapsed "
        "ones always. Typical mistakes: 0 ('almost never'), 1/64 (both on a given mode), 1/7 "
        "(the second point avoiding the first one's mode), 7/8 (different modes), 1/2, "
        "percentages instead of fractions."
    ),
    "pack_accuracy": (
        "Practises: training D alone with the lesson's make_discriminator, make_optimizers and "
        "make_steps, then measuring its accuracy on fresh packs, against a generator that covers "
        "4 of the 8 ring modes: D reaches the best accuracy (1 + TV) / 2, 0.75 on single points "
        "and 0.875 on pairs (TV = 1 - (1/2)^m; Lin et al. 2018, PacGAN). Typical mistakes: pack "
        "handed to D but not to make_steps (a shape error) or to neither (pack 2 = pack 1), no "
        "training (1/2), scoring only the real packs (0.5, 0.75) or only the fakes (1.0), the "
        "error rate, a percentage."
    ),
}
