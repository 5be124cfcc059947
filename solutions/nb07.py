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


def r1_jacobian(theta, psi, gamma):
    """J[i][j] = dv_i/dx_j of v = (psi s(psi theta), -theta s(psi theta) - gamma psi), by hand."""
    s = 1 / (1 + np.exp(-psi * theta))
    # the sigmoid's slope: s' = s (1 - s); the product rule gives the psi * theta terms
    ds = s * (1 - s)
    return np.array(
        [
            [psi**2 * ds, s + psi * theta * ds],
            [-s - psi * theta * ds, -(theta**2) * ds - gamma],
        ]
    )


def r1_rate(gamma):
    """Train the simultaneous R1 Dirac-GAN 600 steps from (1, 1); the fitted factor per step."""
    lesson = lessons.load("07_dirac_gan")
    theta, psi = tf.Variable(1.0, dtype=tf.float64), tf.Variable(1.0, dtype=tf.float64)
    h, weight, noise = (tf.Variable(v, dtype=tf.float64) for v in (lesson.H, gamma, lesson.SIGMA))
    steps = lesson.make_steps(theta, psi, h, weight, noise, "simultaneous", "R1")
    history = lesson.TrainingLoop(*steps).train(600, chunk=lesson.CHUNK, verbose=False)
    path = np.vstack([[1.0, 1.0], np.column_stack([history["theta"], history["psi"]])])
    distance = np.linalg.norm(path, axis=1)
    # the least-squares slope of log |x_t| over the second half: log of the factor per step
    second = np.arange(len(distance) // 2, len(distance))
    return float(np.exp(np.polyfit(second, np.log(distance[second]), 1)[0]))


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
    "r1_jacobian": (
        "Practises: deriving the Jacobian of the R1-regularised Dirac-GAN field anywhere "
        "(Mescheder et al. 2018), checked against finite differences of the notebook's "
        "vector_field; at (0, 0) it gives section 3's [[0, ½], [−½, −γ]], eigenvalues with real "
        "part −γ/2. Typical mistakes: section 3's J(0, 0) copied for every point, the γ term "
        "missing or with a + sign, the matrix transposed, the Jacobian of the losses (every sign "
        "flipped), s(ψθ) treated as a constant (no product rule), s or ¼ for s'."
    ),
    "r1_rate": (
        "Practises: training with the lesson's make_steps and TrainingLoop, then measuring a "
        "rate (a least-squares fit of log distance) and reading it against the eigenvalues: "
        "γ = 0.5 converges faster (0.976 per step) than the over-damped γ = 2 (0.987). Typical "
        "mistakes: alternating steps, gamma not handed to make_steps, |x|² instead of |x|, the "
        "log or the inverse of the factor, the endpoints' ratio (the transient), the final "
        "distance."
    ),
}
