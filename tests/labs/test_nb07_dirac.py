"""Notebook 07's lesson code (loaded from its ``lesson`` cells) and its panel, without a browser.

The Dirac-GAN has closed forms for everything: the tests compare the notebook's autodiff
Jacobians, vector fields and update rules with them. The panel is worked the way a slider does it
(setting a widget's value); tests/browser/test_dirac_panel_in_browser.py drives it in Chromium.
"""

import numpy as np
import pytest
import tensorflow as tf

import gan_helpers  # noqa: F401  (quietens TensorFlow before it loads)
from gan_helpers import lessons
from gan_helpers.labs import nb07_panel as dirac_panel

m = lessons.load("07_dirac_gan")
LESSON = dirac_panel.DiracLesson.load()


def sigmoid(t):
    return 1 / (1 + np.exp(-t))


def r1_eigenvalues(gamma, f1=0.5):
    root = np.sqrt(complex(gamma**2 / 4 - f1**2))
    return np.sort_complex(np.array([-gamma / 2 + root, -gamma / 2 - root]))


def test_gan_jacobian_from_autodiff_is_the_closed_form():
    J = m.jacobian([0.0, 0.0], "GAN")
    np.testing.assert_allclose(J, [[0.0, 0.5], [-0.5, 0.0]], atol=1e-12)
    eig = np.sort_complex(np.linalg.eigvals(J))
    np.testing.assert_allclose(eig, [-0.5j, 0.5j], atol=1e-12)
    np.testing.assert_allclose(m.jacobian([0.0, 0.0], "WGAN-clip"), [[0, 1], [-1, 0]], atol=1e-12)


@pytest.mark.parametrize("gamma", [0.1, 0.5, 1.5, 3.0])
def test_r1_eigenvalues_are_the_closed_form(gamma):
    eig = np.sort_complex(np.linalg.eigvals(m.jacobian([0.0, 0.0], "R1", gamma=gamma)))
    np.testing.assert_allclose(eig, r1_eigenvalues(gamma), atol=1e-9)


@pytest.mark.parametrize("sigma", [0.5, 1.0, 1.5])
def test_instance_noise_is_r1_with_gamma_sigma_squared_over_two(sigma):
    noise = m.jacobian([0.0, 0.0], "instance noise", sigma=sigma)
    np.testing.assert_allclose(noise, m.jacobian([0.0, 0.0], "R1", gamma=sigma**2 / 2), atol=1e-9)


def test_gan_vector_field_is_the_closed_form_away_from_the_equilibrium():
    for theta, psi in [(1.3, -0.4), (-2.0, 1.5), (0.2, 0.9)]:
        v = np.array([float(c) for c in m.vector_field(theta, psi, "GAN")])
        np.testing.assert_allclose(v, sigmoid(psi * theta) * np.array([psi, -theta]), rtol=1e-12)
        v = np.array([float(c) for c in m.vector_field(theta, psi, "R1", gamma=0.7)])
        closed = sigmoid(psi * theta) * np.array([psi, -theta]) - np.array([0.0, 0.7 * psi])
        np.testing.assert_allclose(v, closed, rtol=1e-12)


def test_simultaneous_and_alternating_steps_are_the_update_rules():
    start, h = (0.6, -0.3), 0.2
    sim = m.make_dirac_gan("simultaneous", "GAN")(start, m.CHUNK, h)
    alt = m.make_dirac_gan("alternating", "GAN")(start, m.CHUNK, h)
    theta, psi = start
    # simultaneous: both from the same point; alternating: psi first, theta sees the new psi
    v_theta, v_psi = sigmoid(psi * theta) * np.array([psi, -theta])
    np.testing.assert_allclose(sim[1], [theta + h * v_theta, psi + h * v_psi], rtol=1e-6)
    psi_new = psi - h * sigmoid(psi * theta) * theta
    theta_new = theta + h * sigmoid(psi_new * theta) * psi_new
    np.testing.assert_allclose(alt[1], [theta_new, psi_new], rtol=1e-6)
    assert sim.shape == alt.shape == (m.CHUNK + 1, 2)
    d = dirac_panel.distance(sim)
    growth = d[1:] ** 2 / d[:-1] ** 2
    np.testing.assert_allclose(growth, 1 + h**2 * sigmoid(sim[:-1, 0] * sim[:-1, 1]) ** 2, 1e-5)


def test_wgan_clip_keeps_the_critic_inside_the_bound():
    path = m.make_dirac_gan("alternating", "WGAN-clip", k=5)((1.5, 0.9), 2 * m.CHUNK)
    assert np.abs(path[1:, 1]).max() <= m.CLIP + 1e-12


def test_bad_combinations_stop_with_a_message():
    with pytest.raises(ValueError, match="simultaneous steps need k = 1"):
        m.make_dirac_gan("simultaneous", "WGAN-clip", k=5)
    with pytest.raises(ValueError, match="loss in"):
        m.make_dirac_gan("alternating", "hinge")


def test_optimal_discriminator_and_smoothed_loss():
    from scipy.stats import norm

    x = np.linspace(-2, 2, 9)
    p, q = norm(0, 1).pdf, norm(1, 0.5).pdf
    np.testing.assert_allclose(m.optimal_d(x, p, p), 0.5)
    plain = m.optimal_d(x, p, q)
    np.testing.assert_allclose(m.optimal_d(x, p, q, 0.9, 0.0), 0.9 * plain)
    np.testing.assert_allclose(m.optimal_d(x, p, q, 0.9, 0.1), 0.1 + 0.8 * plain)
    d_real, d_fake = tf.constant([[0.8], [0.4]]), tf.constant([[0.3], [0.1]])
    np.testing.assert_allclose(
        m.smoothed_d_loss(d_real, d_fake), m.toy.discriminator_loss(d_real, d_fake), rtol=1e-6
    )


# --- the panel ---------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def panel():
    return dirac_panel.DiracPanel(LESSON)


def test_a_slider_change_redraws_at_once(panel):
    assert panel.image.value[:4] == b"\x89PNG" and panel.redraws == 1
    before, redraws = panel.image.value, panel.redraws
    panel.h.value = 0.25
    assert panel.redraws == redraws + 1 and panel.image.value != before
    assert panel.facts["h"] == "0.25" and panel.last_trajectory.shape == (301, 2)
    assert "h=0.25" in panel.status_text and panel.state == "idle"
    panel.method.value = "alternating"
    panel.loss.value = "R1"
    assert panel.status_text.startswith("alternating, R1, h=0.25")
    panel.theta0.value = -1.5
    assert panel.last_trajectory[0, 0] == -1.5
    assert dirac_panel.distance(panel.last_trajectory)[-1] < 1e-3, "R1 converges"


def test_bad_values_give_a_clear_message(panel):
    with pytest.raises(ValueError, match=r"h \(the step size\) must be a number in \(0, 1\]"):
        dirac_panel.DiracConfig(h=0.0).validate(LESSON)
    with pytest.raises(ValueError, match="multiple of 100"):
        dirac_panel.DiracConfig(steps=150).validate(LESSON)
    with pytest.raises(ValueError, match="loss must be one of"):
        dirac_panel.DiracConfig(loss="hinge").validate(LESSON)
    with pytest.raises(ValueError, match=r"gamma must be a number in \[0, inf\) \(0 switches"):
        dirac_panel.DiracConfig(gamma=-1.0).validate(LESSON)
    with pytest.raises(ValueError, match=r"theta must be a number in \(-inf, inf\), not nan"):
        dirac_panel.DiracConfig(theta=float("nan")).validate(LESSON)
    image = panel.image.value
    assert panel.redraw(dirac_panel.DiracConfig(h=5.0)) is None
    assert panel.state == "error"
    assert panel.status_text.startswith("cannot use these settings: h (the step size) must be")
    assert panel.image.value == image, "a bad setting leaves the last figure in place"
