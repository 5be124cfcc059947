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


# ----------------------------------------------------------------------------------------------
# 6c. derive: the Jacobian of the R1 field, anywhere


def _r1_candidates(theta, psi, gamma):
    """The usual mistakes in deriving J of v = (ψ·s(ψθ), −θ·s(ψθ) − γψ): name -> 2x2 matrix."""
    import numpy as np

    s = 1 / (1 + np.exp(-psi * theta))
    ds = s * (1 - s)
    right = np.array(
        [[psi**2 * ds, s + psi * theta * ds], [-s - psi * theta * ds, -(theta**2) * ds]]
    )
    penalty = np.array([[0.0, 0.0], [0.0, gamma]])
    return {
        "at (0, 0)": np.array([[0.0, 0.5], [-0.5, -gamma]]),
        "no R1": right,
        "R1 sign": right + penalty,
        "transposed": (right - penalty).T,
        "losses": -(right - penalty),
        "no product rule": np.array([[0.0, s], [-s, 0.0]]) - penalty,
        "s for s'": np.array(
            [[psi**2 * s, s + psi * theta * s], [-s - psi * theta * s, -(theta**2) * s]]
        )
        - penalty,
        "s' = 1/4": np.array(
            [[psi**2 / 4, s + psi * theta / 4], [-s - psi * theta / 4, -(theta**2) / 4]]
        )
        - penalty,
    }


_R1_HINTS = {
    "at (0, 0)": "you wrote section 3's Jacobian at (0, 0): away from it the sigmoid's slope "
    "s(ψθ)(1 − s(ψθ)) enters every entry",
    "no R1": "the γ term is missing: R1 adds γ/2·ψ² to D's loss, so v_ψ gets −γψ and "
    "∂v_ψ/∂ψ gets −γ",
    "R1 sign": "the γ term has the wrong sign: D descends its loss, so R1's γ/2·ψ² adds −γψ to "
    "v_ψ and −γ to ∂v_ψ/∂ψ",
    "transposed": "your matrix is transposed: row i holds the derivatives of v_i, column j the "
    "derivatives with respect to x_j (θ first, then ψ)",
    "losses": "every entry has the wrong sign: that is the Jacobian of the losses' gradients; the "
    "field is v = −(∂g_loss/∂θ, ∂d_loss/∂ψ)",
    "no product rule": "you treated s(ψθ) as a constant: it depends on θ and ψ, so the product "
    "rule adds the terms with s'(ψθ) = s(1 − s)",
    "s for s'": "you used s for the sigmoid's derivative: s'(u) = s(u)(1 − s(u))",
    "s' = 1/4": "you used s'(0) = 1/4 everywhere: s'(ψθ) = s(ψθ)(1 − s(ψθ)) depends on the point",
}


def _finite_jacobian(field, theta, psi, step=1e-6):
    """Central differences of field(theta, psi) -> (v_theta, v_psi): J[i][j] = dv_i / dx_j."""
    import numpy as np

    columns = []
    for d_theta, d_psi in ((step, 0.0), (0.0, step)):
        plus = np.array([float(v) for v in field(theta + d_theta, psi + d_psi)])
        minus = np.array([float(v) for v in field(theta - d_theta, psi - d_psi)])
        columns.append((plus - minus) / (2 * step))
    return np.column_stack(columns)


@check("r1_jacobian")
def check_r1_jacobian(r1_jacobian):
    """Compare with central differences of notebook 07's vector_field (loss "R1") at (0, 0) and
    at five random points, for several γ; the eigenvalues at (0, 0) against section 3's."""
    import numpy as np

    from gan_helpers import lessons

    expect(callable(r1_jacobian), "r1_jacobian must be a function of (theta, psi, gamma)")
    lesson = lessons.load("07_dirac_gan")
    rng = np.random.default_rng(27)
    cases = [(0.0, 0.0, 0.5)] + [(*rng.uniform(-2, 2, 2), rng.uniform(0.1, 3)) for _ in range(5)]
    for theta, psi, gamma in cases:
        got = np.asarray(r1_jacobian(float(theta), float(psi), float(gamma)), dtype=float)
        expect(got.shape == (2, 2), f"return a 2x2 matrix; got shape {got.shape}")
        field = functools.partial(lesson.vector_field, loss="R1", gamma=gamma)
        truth = _finite_jacobian(field, theta, psi)
        if np.allclose(got, truth, atol=1e-6):
            continue
        place = (
            f"at (θ, ψ) = ({theta:.3f}, {psi:.3f}), γ = {gamma:.3f}, yours is "
            f"{np.round(got, 4).tolist()}, finite differences give {np.round(truth, 4).tolist()}"
        )
        for name, matrix in _r1_candidates(theta, psi, gamma).items():
            if np.allclose(got, matrix, atol=1e-6):
                raise Wrong(cause_then(_R1_HINTS[name], place))
        raise Wrong(
            cause_then(
                "differentiate v = (ψ·s(ψθ), −θ·s(ψθ) − γψ) entry by entry: J[i][j] = ∂v_i/∂x_j, "
                "x = (θ, ψ), with s'(u) = s(u)(1 − s(u))",
                place,
            )
        )
    eigenvalues = np.sort_complex(np.linalg.eigvals(np.asarray(r1_jacobian(0.0, 0.0, 0.5))))
    return (
        f"J matches finite differences at six points; at (0, 0) with γ = 0.5 its eigenvalues "
        f"{np.round(eigenvalues, 4)} have real part −γ/2 < 0 (without R1: ±½i)."
    )


# ----------------------------------------------------------------------------------------------
# 6d. train and measure: how fast does R1 converge?

R1_GAMMAS = (0.5, 2.0)


def _fitted_rate(path):
    """exp of the least-squares slope of log |x_t| over the second half: the per-step factor."""
    import numpy as np

    d = np.linalg.norm(np.asarray(path), axis=1)
    steps = np.arange(len(d) // 2, len(d))
    return float(np.exp(np.polyfit(steps, np.log(d[steps]), 1)[0]))


@functools.lru_cache(maxsize=1)
def _r1_rates_measured():
    """Notebook 07's own R1 runs from (1, 1), h = H, 600 steps: gamma -> {method: rate}, and
    section 3's closed form max |1 + hλ| from the autodiff Jacobian at (0, 0)."""
    import numpy as np

    from gan_helpers import lessons

    lesson = lessons.load("07_dirac_gan")
    runs = {m: lesson.make_dirac_gan(m, "R1") for m in lesson.METHODS}
    found = {}
    for gamma in (*R1_GAMMAS, lesson.GAMMA):
        paths = {m: run((1.0, 1.0), 600, lesson.H, gamma, lesson.SIGMA) for m, run in runs.items()}
        eigenvalues = np.linalg.eigvals(lesson.jacobian([0.0, 0.0], "R1", gamma))
        found[gamma] = {m: _fitted_rate(p) for m, p in paths.items()}
        found[gamma]["closed form"] = float(np.max(np.abs(1 + lesson.H * eigenvalues)))
        ends = np.linalg.norm(paths["simultaneous"][[0, -1]], axis=1)
        found[gamma]["endpoints"] = float((ends[1] / ends[0]) ** (1 / 600))
        found[gamma]["final distance"] = float(ends[1])
    return found


def _close(a, b, tolerance=0.01):
    """Two per-step factors agree: their logarithms (the rates) within `tolerance`, relative."""
    import math

    return a > 0 and b > 0 and abs(math.log(a) / math.log(b) - 1) < tolerance


@check("r1_rate")
def check_r1_rate(r1_rate):
    """Train with the learner's function for γ = 0.5 and 2; compare with notebook 07's own runs
    (make_dirac_gan, the same fit) and with section 3's closed form, 1% of the rate's log."""
    import math

    expect(callable(r1_rate), "r1_rate must be a function of gamma")
    measured = _r1_rates_measured()
    got = {}
    for gamma in R1_GAMMAS:
        value = real_number(r1_rate(gamma))
        expect(
            value is not None and math.isfinite(value),
            f"return one number, the factor per step; got {value!r} for γ = {gamma}",
        )
        got[gamma] = value
        ref = measured[gamma]
        said = (
            f"For γ = {gamma} you measured {value:.5f}; this notebook's run gives "
            f"{ref['simultaneous']:.5f} (closed form {ref['closed form']:.5f})."
        )
        if _close(value, ref["simultaneous"]):
            continue
        other = measured[0.5 if gamma != 0.5 else 2.0]["simultaneous"]
        hints = [
            (value <= 0, "a factor per step is positive: did you return the log of the factor?"),
            (
                value > 1 and _close(1 / value, ref["simultaneous"]),
                "you inverted the factor: "
                "the distance shrinks, so the factor per step is below 1 (|x_{t+1}| / |x_t|)",
            ),
            (
                _close(value, ref["simultaneous"] ** 2),
                "you measured |x|², not |x|: the factor of the distance is the square root",
            ),
            (
                _close(value, ref["alternating"]),
                "that is the rate of alternating steps: call "
                'make_steps with method="simultaneous" (section 3\'s rate is for those)',
            ),
            (
                gamma != 0.5 and _close(value, other),
                "your rate does not change with γ: did you hand gamma to make_steps?",
            ),
            (
                _close(value, ref["endpoints"]),
                "you took (|x_end| / |x_0|)^(1/steps): the first "
                "steps are a transient; fit the slope of log |x| over the second half",
            ),
            (
                abs(value - ref["final distance"]) < 0.1 * ref["final distance"],
                "you returned the final distance: return the factor per step",
            ),
            (
                value >= 1,
                "your run does not converge: R1 with simultaneous steps does; is γ in "
                'D\'s loss (loss="R1") and does each player step down its own loss?',
            ),
        ]
        hint = next(
            (h for when, h in hints if when),
            "train 600 steps from (1, 1) with h = H, "
            "then fit log |x_t| over the second half (section 3's measured_rate)",
        )
        raise Wrong(cause_then(hint, said))
    return (
        f"factors {got[0.5]:.5f} (γ = 0.5) and {got[2.0]:.5f} (γ = 2), as this notebook's runs "
        "and section 3's max |1 + hλ|: γ = 2 is over-damped (real eigenvalues, one near 0), so "
        "it converges more slowly than γ = 0.5."
    )
