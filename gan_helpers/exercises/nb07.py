"""The checks of notebook 07's exercises (``exercises.check_<name>`` finds them here)."""

from __future__ import annotations

import functools

from gan_helpers.exercises import Wrong, check, expect


def _dirac_candidates(theta, psi, h):
    """Where the usual mistakes take one step from (theta, psi): name -> (theta', psi')."""
    import math

    def sig(u):
        return 1 / (1 + math.exp(-u))

    psi_new = psi - h * theta * sig(psi * theta)
    return {
        "alternating": (theta + h * psi_new * sig(psi_new * theta), psi_new),
        "D ascends": (theta + h * psi * sig(psi * theta), psi + h * theta * sig(psi * theta)),
        "G ascends": (theta - h * psi * sig(psi * theta), psi_new),
        "no sigmoid": (theta + h * psi, psi - h * theta),
        "non-saturating": (theta + h * psi * sig(-psi * theta), psi_new),
    }


_DIRAC_HINTS = {
    "alternating": "θ moved as if G saw ψ after D's step: in a simultaneous step both players "
    "step from the same point (the notebook's psi_before)",
    "D ascends": "ψ moved the wrong way: D takes a step down its own loss, ψ ← ψ − h·∂d_loss/∂ψ",
    "G ascends": "θ moved the wrong way: G takes a step down its own loss, θ ← θ − h·∂g_loss/∂θ",
    "no sigmoid": "both moved by h·(ψ, −θ), the WGAN's field: where is the factor sigmoid(ψθ)?",
    "non-saturating": "θ moved as under the non-saturating loss: this game uses the minimax one",
}


@check("simultaneous_step")
def check_simultaneous_step(simultaneous_step):
    """Compare with h times notebook 07's vector_field (autodiff), from three points."""
    import numpy as np

    from gan_helpers import lessons

    lesson = lessons.load("07_dirac_gan")
    for theta, psi, h in [(1.0, 0.5, 0.1), (-0.7, 1.2, 0.5), (0.3, -2.0, 0.25)]:
        got = simultaneous_step(theta, psi, h)
        expect(
            isinstance(got, (tuple, list)) and len(got) == 2,
            f"return a pair (theta, psi) after the step; got {type(got).__name__}",
        )
        got = np.array([float(np.asarray(v)) for v in got])
        v_theta, v_psi = lesson.vector_field(theta, psi, "GAN")
        truth = np.array([theta + h * float(v_theta), psi + h * float(v_psi)])
        if np.allclose(got, truth, rtol=1e-6, atol=1e-9):
            continue
        place = f"from (θ, ψ) = ({theta}, {psi}) with h = {h} you step to {np.round(got, 4)}"
        for name, step in _dirac_candidates(theta, psi, h).items():
            if np.allclose(got, step, rtol=1e-6, atol=1e-9):
                raise Wrong(f"{place}: {_DIRAC_HINTS[name]}")
        raise Wrong(
            f"{place}, the step is {np.round(truth, 4)}: both players step from the same "
            "point, each down its own loss (section 2)"
        )
    return "one step from three points, as the notebook's vector_field moves them."


@functools.lru_cache(maxsize=1)
def _doubling_measured():
    """Run notebook 07's compiled simultaneous GAN from (0.05, 0), h = 0.1: steps to double."""
    import numpy as np

    from gan_helpers import dirac_panel, lessons

    run = lessons.load("07_dirac_gan").make_dirac_gan("simultaneous", "GAN")
    distance = dirac_panel.distance(run((0.05, 0.0), 1000, 0.1))
    return int(np.argmax(distance >= 2 * distance[0])) if distance.max() >= 0.1 else None


@check("doubling_steps")
def check_doubling_steps(doubling_steps):
    """Measure the first step at which the distance to (0, 0) has doubled."""
    import numbers

    expect(
        isinstance(doubling_steps, numbers.Real) and not isinstance(doubling_steps, bool),
        f"answer a number of steps (an int, or math.inf for never); got {doubling_steps!r}",
    )
    measured = _doubling_measured()
    expect(
        doubling_steps > 0 and doubling_steps != float("inf"),
        f"the distance does double, after {measured} steps: simultaneous steps spiral out",
    )
    if abs(doubling_steps / measured - 1) <= 0.1:
        return f"measured {measured} steps: each multiplies the distance by √(1 + h²/4)."
    ratio = measured / doubling_steps
    hint = "near (0, 0) one step multiplies the distance by √(1 + h²f'(0)²), f'(0) = ½"
    if abs(ratio - 2) < 0.2:
        hint = "did you double |x|² rather than |x|? The distance grows by the square root"
    elif abs(ratio - 4) < 0.4:
        hint = "did you take f'(0) = 1? The GAN's is sigmoid(0) = ½ (WGAN's is 1)"
    raise Wrong(f"measured {measured} steps, you said {doubling_steps}: {hint}")
