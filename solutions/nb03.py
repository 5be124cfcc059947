"""Reference solutions of the exercises of notebook 03 (a 1-D toy GAN), section 8."""

import numpy as np


def w1_distance(a, b):
    """W1 between two 1-D samples of the same size: the mean gap between the sorted samples."""
    return float(np.mean(np.abs(np.sort(a) - np.sort(b))))


d_updates_per_run = 6000

unused_noise_rows = "exactly 0"

NOTES = {
    "w1_distance": (
        "Practises: what W1 measures in 1-D, the area between the CDFs = the mean gap between "
        "sorted samples of equal size. Typical mistakes: not sorting (or sorting one sample, or "
        "the two in opposite orders), comparing means or averaging signed gaps, squaring the "
        "gaps (W2), dividing by n - 1 or by a fixed 1,000, the largest or the median gap."
    ),
    "d_updates_per_run": (
        "Practises: what k counts: 20 D steps per generator step, 300 * 20 = 6,000. Typical "
        "mistakes: 300 (G's), 6,300 (both together, the notebook's optimizer steps), 20, 15 "
        "(k read as G steps per D step), 320 (k added), 5,980 or 6,020 (one G step off)."
    ),
    "unused_noise_rows": (
        "Practises: section 7's trick (one cached 16-input G for every noise_dim): a zero input "
        "gives its kernel row a zero gradient, and Adam's step is then 0 / (0 + eps) = 0. Typical "
        "mistake: 'tiny', thinking eps or rounding moves them."
    ),
}
