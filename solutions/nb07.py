"""Reference solutions of notebook 07 (the Dirac-GAN): its section 6, Exercises."""

import numpy as np
import tensorflow as tf

from gan_helpers import lessons

# the notebook's own losses (the solutions' source uses them as the notebook does)
d_loss, g_loss = lessons.load("07_dirac_gan").d_loss, lessons.load("07_dirac_gan").g_loss


def simultaneous_step(theta, psi, h):
    """One simultaneous step: both players take a gradient step from the same (theta, psi)."""
    theta, psi = tf.Variable(theta, dtype=tf.float64), tf.Variable(psi, dtype=tf.float64)
    # one tape per player, each differentiating its own loss with respect to its own variable
    with tf.GradientTape() as g_tape:
        g = g_loss(theta, psi, "GAN")
    with tf.GradientTape() as d_tape:
        d = d_loss(theta, psi, "GAN")
    g_grad, d_grad = g_tape.gradient(g, theta), d_tape.gradient(d, psi)
    return float(theta - h * g_grad), float(psi - h * d_grad)


# one step multiplies the distance by sqrt(1 + h^2 / 4) near (0, 0): solve factor^n = 2
doubling_steps = int(np.round(np.log(2) / np.log(np.sqrt(1 + 0.1**2 / 4))))

NOTES = {
    "simultaneous_step": (
        "Practises: the simultaneous update, each player down its own loss from the same point, "
        "one tape each. Typical mistakes: G stepping against D's new ψ or D against G's new θ "
        "(alternating), a sign (gradient ascent), the WGAN field without sigmoid(ψθ), the "
        "non-saturating loss, no h or the notebook's H, (psi, theta), the change instead of the "
        "new point."
    ),
    "doubling_steps": (
        "Practises: the per-step factor √(1 + h²f'(0)²) of section 2, turned into a prediction "
        "(555 steps). Typical mistakes: 'never' (expecting convergence), doubling |x|² (278), "
        "f'(0) = 1 (139), f'(0) = sigmoid'(0) = 1/4 (2,218), growth 1 + h/2 (14), an e-folding "
        "(801)."
    ),
}
