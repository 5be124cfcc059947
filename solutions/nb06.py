"""Reference solutions of notebook 06 (mode collapse in 2-D): its section 7, Exercises."""

import numpy as np


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
}
