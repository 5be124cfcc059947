"""The checks of notebook 07's exercises (``exercises.check_<name>`` finds them here)."""

from __future__ import annotations

import functools

from gan_helpers.exercises import Wrong, cause_then, check, expect, real_number

# ----------------------------------------------------------------------------------------------
# 6a. one simultaneous step


def _dirac_candidates(theta, psi, h):
    """Where the usual mistakes take one step from (theta, psi): name -> (theta', psi')."""
    import math

    def sig(u):
        return 1 / (1 + math.exp(-u))

    s = sig(psi * theta)
    right = (theta + h * psi * s, psi - h * theta * s)
    psi_new = right[1]
    theta_new = right[0]
    return {
        "alternating": (theta + h * psi_new * sig(psi_new * theta), psi_new),
        "G first": (theta_new, psi - h * theta_new * sig(psi * theta_new)),
        "D ascends": (theta + h * psi * s, psi + h * theta * s),
        "G ascends": (theta - h * psi * s, psi_new),
        "no sigmoid": (theta + h * psi, psi - h * theta),
        "non-saturating": (theta + h * psi * sig(-psi * theta), psi_new),
        "no h": (theta + psi * s, psi - theta * s),
        "h = 0.1": (theta + 0.1 * psi * s, psi - 0.1 * theta * s),
        "swapped": (right[1], right[0]),
        "the step": (h * psi * s, -h * theta * s),
    }


_DIRAC_HINTS = {
    "alternating": "θ moved as if G saw ψ after D's step (an alternating step, D first): in a "
    "simultaneous step both players step from the same point (the notebook's psi_before)",
    "G first": "ψ moved as if D saw θ after G's step (an alternating step, G first): in a "
    "simultaneous step both players step from the same point",
    "D ascends": "ψ moved the wrong way: D takes a step down its own loss, ψ ← ψ − h·∂d_loss/∂ψ",
    "G ascends": "θ moved the wrong way: G takes a step down its own loss, θ ← θ − h·∂g_loss/∂θ",
    "no sigmoid": "both moved by h·(ψ, −θ), the WGAN's field: where is the factor sigmoid(ψθ)?",
    "non-saturating": "θ moved as under the non-saturating loss: this game uses the minimax one",
    "no h": "your step has size 1: multiply each gradient by the step size h",
    "h = 0.1": "your step size is 0.1 whatever h is: use the argument h, not the notebook's H",
    "swapped": "you return (psi, theta): return the pair in the order (theta, psi)",
    "the step": "you return the change h·v, not the new point: return (theta + h·v_θ, psi + h·v_ψ)",
}


@check("simultaneous_step")
def check_simultaneous_step(simultaneous_step):
    """Compare with h times notebook 07's vector_field (autodiff), from four points and step
    sizes, one where sigmoid(ψθ) is near 1."""
    import numpy as np

    from gan_helpers import lessons

    expect(callable(simultaneous_step), "simultaneous_step must be a function of (theta, psi, h)")
    lesson = lessons.load("07_dirac_gan")
    points = [(1.0, 0.5, 0.1), (-0.7, 1.2, 0.5), (0.3, -2.0, 0.25), (2.0, 1.5, 0.05)]
    for theta, psi, h in points:
        got = simultaneous_step(theta, psi, h)
        expect(
            isinstance(got, (tuple, list, np.ndarray)) and len(got) == 2,
            f"return a pair (theta, psi) after the step; got {type(got).__name__}",
        )
        values = [real_number(v) for v in got]
        expect(
            None not in values,
            f"return two numbers (theta, psi) after the step; got {got!r}",
        )
        got = np.array(values)
        v_theta, v_psi = lesson.vector_field(theta, psi, "GAN")
        truth = np.array([theta + h * float(v_theta), psi + h * float(v_psi)])
        # float32 is fine: a relative 1e-5
        if np.allclose(got, truth, rtol=1e-5, atol=1e-6):
            continue
        place = (
            f"from (θ, ψ) = ({theta}, {psi}) with h = {h} you step to {np.round(got, 4)}, the "
            f"step is {np.round(truth, 4)}"
        )
        for name, step in _dirac_candidates(theta, psi, h).items():
            if np.allclose(got, step, rtol=1e-5, atol=1e-6):
                raise Wrong(cause_then(_DIRAC_HINTS[name], place))
        raise Wrong(
            cause_then(
                "both players step from the same point, each down its own loss (section 2): "
                "θ ← θ − h·∂g_loss/∂θ and ψ ← ψ − h·∂d_loss/∂ψ",
                place,
            )
        )
    return "one step from four points, as the notebook's vector_field moves them."


# ----------------------------------------------------------------------------------------------
# 6b. how long until the distance doubles?


@functools.lru_cache(maxsize=1)
def _doubling_measured():
    """Run notebook 07's compiled simultaneous GAN from (0.05, 0), h = 0.1: steps to double."""
    import numpy as np

    from gan_helpers import lessons
    from gan_helpers.labs import nb07_panel as dirac_panel

    run = lessons.load("07_dirac_gan").make_dirac_gan("simultaneous", "GAN")
    distance = dirac_panel.distance(run((0.05, 0.0), 1000, 0.1))
    return int(np.argmax(distance >= 2 * distance[0])) if distance.max() >= 0.1 else None


@check("doubling_steps")
def check_doubling_steps(doubling_steps):
    """Measure the first step at which the distance to (0, 0) has doubled; within 10%, as the
    exercise says."""
    import math

    value = real_number(doubling_steps)
    expect(
        value is not None and not math.isnan(value),
        f"answer a number of steps (an int, or math.inf for never); got {doubling_steps!r}",
    )
    measured = _doubling_measured()
    said = f"You said {value:g}; measured {measured} steps."
    expect(
        value != math.inf,
        cause_then(
            "the distance does double: simultaneous steps spiral out, each multiplying the "
            "distance by √(1 + h²f'(0)²) > 1",
            said,
        ),
    )
    expect(value > 0, cause_then("a number of steps is positive", said))
    if abs(value / measured - 1) <= 0.1:
        return f"measured {measured} steps: each multiplies the distance by √(1 + h²/4)."
    ratio = measured / value
    h = 0.1
    hints = [
        (
            abs(ratio - 2) < 0.2,
            "did you double |x|² rather than |x|? The distance grows by the square root, "
            "√(1 + h²/4) per step",
        ),
        (
            abs(ratio - 4) < 0.4,
            "did you take f'(0) = 1? The GAN's is sigmoid(0) = ½ (WGAN's is 1)",
        ),
        (
            abs(ratio - 0.25) < 0.025,
            "did you take f'(0) = ¼, the slope of the sigmoid at 0? The field's factor is "
            "sigmoid(0) = ½ itself",
        ),
        (
            abs(value - math.log(2) / math.log(1 + h / 2)) < 1.5,
            "the growth per step is second order in h, √(1 + h²/4) ≈ 1 + h²/8, not 1 + h/2: "
            "the field turns the point more than it pushes it out",
        ),
        (
            abs(ratio - math.log(2)) < 0.05,
            "you solved factor^n = e (an e-folding): doubling is factor^n = 2, n = ln 2 / ln "
            "factor",
        ),
    ]
    hint = next(
        (h_ for when, h_ in hints if when),
        "near (0, 0) one step multiplies the distance by √(1 + h²f'(0)²), f'(0) = ½: solve "
        "factor^n = 2",
    )
    raise Wrong(cause_then(hint, said))
