"""The checks of notebook 01's exercises (``exercises.check_<name>`` finds them here).

The two loss checks run the learner's loss on several batches of logits (moderate ones, the
extremes -120 and 120 of section 8a, and sizes 3 to 6) and compare its value and its gradient
with respect to every logit with NumPy's, in float64, with a float32 tolerance. Each typical
mistake changes at least one of those numbers; the message names it first.
"""

from __future__ import annotations

import functools

from gan_helpers.exercises import Wrong, cause_then, check, expect, real_number


def _nb01_softplus(x):
    """softplus(x) = log(1 + e^x) in NumPy, float64, finite for every finite x."""
    import numpy as np

    return np.logaddexp(0.0, np.asarray(x, np.float64))


def _nb01_sigmoid(x):
    import numpy as np

    return 0.5 * (1.0 + np.tanh(0.5 * np.asarray(x, np.float64)))


def _nb01_close(a, b, rtol: float = 2e-5, atol: float = 2e-6) -> bool:
    """Equal up to float32 rounding (the learner computes in float32, NumPy in float64)."""
    import numpy as np

    a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
    return a.shape == b.shape and bool(np.all(np.abs(a - b) <= atol + rtol * np.abs(b)))


def _nb01_run(answer, call: str, *logits):
    """The learner's loss on float32 logits: (value, gradients), both as float64 NumPy.

    A gradient is None where no gradient reaches that input."""
    import numpy as np
    import tensorflow as tf

    tensors = [tf.constant(np.asarray(x, np.float32)) for x in logits]
    with tf.GradientTape() as tape:
        tape.watch(tensors)
        loss = answer(*tensors)
    expect(
        tf.is_tensor(loss),
        f"your loss is a {type(loss).__name__}, not a TensorFlow tensor: no gradient can flow "
        "back through it to the network. Use tf operations (tf.nn.softplus, tf.reduce_mean), "
        "not NumPy or float()",
    )
    expect(
        loss.dtype.is_floating,
        f"{call} returned a {loss.dtype.name} tensor, not a float one",
    )
    expect(
        loss.shape.rank == 0,
        f"a loss is one number, the mean over the batch (tf.reduce_mean): {call} has shape "
        f"{tuple(loss.shape)}",
    )
    grads = tape.gradient(loss, tensors)
    grads = [None if g is None else np.asarray(g, np.float64) for g in grads]
    return float(np.asarray(loss, np.float64)), grads


def _nb01_matches(got, want) -> bool:
    """Does the learner's (value, gradients) equal want's, value and every gradient?"""
    value, grads = got
    want_value, want_grads = want
    if not _nb01_close(value, want_value):
        return False
    return all(g is not None and _nb01_close(g, w) for g, w in zip(grads, want_grads))


def _nb01_show(x) -> str:
    import numpy as np

    return "[" + ", ".join(f"{v:g}" for v in np.ravel(x)) + "]"


# ----------------------------------------------------------------------------------------------
# 9a. the non-saturating loss


def _nb01_ns_cases():
    """Batches of fake logits: moderate, extreme (section 8a's -120), large; sizes 6, 3, 5."""
    import numpy as np

    # no logit exactly 0: there relu(-x) + log1p(exp(-|x|)), a right answer, has TensorFlow's
    # subgradient 0 for relu and |x|, not the derivative of softplus
    batches = ([2, -1, 0.5, -3, 0.25, 4], [-120, -3, 120], [-30, 15, -0.7, 8, -9])
    return [np.array(b, np.float32)[:, None] for b in batches]


def _nb01_ns(x, sign=1.0, target=1.0, scale=None):
    """(value, [gradient]) of mean softplus(-sign * x) (target 1) or softplus(x) (target 0)."""
    import numpy as np

    x = np.asarray(x, np.float64)
    n = x.size if scale is None else scale
    if target == 1.0:
        value, grad = _nb01_softplus(-x), -_nb01_sigmoid(-x)
    else:
        value, grad = _nb01_softplus(x), _nb01_sigmoid(x)
    return sign * float(np.sum(value)) / n, [sign * grad / n]


@check("nonsaturating_loss")
def check_nonsaturating_loss(answer) -> str:
    """G's non-saturating loss -log D(G(z)) on logits: value and gradient against NumPy, on
    moderate and extreme logits, for batches of 6, 3 and 5."""
    import numpy as np

    expect(callable(answer), "nonsaturating_loss must be a function of fake_logits")
    call = "nonsaturating_loss(fake_logits)"
    cases = _nb01_ns_cases()
    got = [_nb01_run(answer, call, x) for x in cases]
    wants = [_nb01_ns(x) for x in cases]
    if all(_nb01_matches(g, w) for g, w in zip(got, wants)):
        return (
            "-log D(G(z)) on logits: right values and gradients for every batch size, finite at "
            "logit -120 with the full gradient -1/n there."
        )
    moderate, extreme = got[0], got[1]
    where = f"for the logits {_nb01_show(cases[0])}"
    candidates = [
        (
            lambda x: _nb01_ns(x, sign=-1.0, target=0.0),
            "your loss is log(1 - D(G(z))), the minimax loss of section 3, not the "
            "non-saturating -log D(G(z)) = softplus(-logit). Which sign does G's loss carry?",
        ),
        (
            lambda x: _nb01_ns(x, target=0.0),
            "your loss is -log(1 - D(G(z))) = softplus(logit), D's loss on fakes: minimising it "
            "makes the fakes look MORE fake. Which label do the fakes carry in G's loss?",
        ),
        (
            lambda x: _nb01_ns(x, scale=1.0),
            "your loss is the sum over the batch, n times too large for a batch of n: take the "
            "mean (tf.reduce_mean), not the sum",
        ),
    ]
    for reference, message in candidates:
        if all(_nb01_matches(g, reference(x)) for g, x in zip(got, cases)):
            raise Wrong(f"{message} ({where} your loss is {moderate[0]:.4f})")
    values = np.array([g[0] for g in got])
    if np.all(np.isfinite(values)):
        sums = np.array([np.sum(_nb01_softplus(-x)) for x in cases])
        sizes = np.array([x.size for x in cases])
        divisor = sums / np.where(values == 0, np.nan, values)
        if np.all(np.abs(divisor / divisor[0] - 1) < 1e-4):
            raise Wrong(
                f"you divide the sum by a fixed {divisor[0]:.4g}, not by the batch size: for "
                f"batches of {', '.join(map(str, sizes))} logits your loss is the sum over "
                f"{divisor[0]:.4g}. Take the mean over the batch (tf.reduce_mean)"
            )
    if not np.isfinite(extreme[0]):
        # sigmoid(-88) underflows to 0 but exp(88) does not overflow: tells the two apart
        probe, _ = _nb01_run(answer, call, np.array([[-88.0]], np.float32))
        if np.isfinite(probe):
            cause = (
                "log(1 + exp(-logit)) overflows: exp(120) is inf in float32 (anything above "
                "e^88.7 is), so your loss is inf at logit -120"
            )
        else:
            cause = (
                "you take the sigmoid first, then the log: sigmoid(-120) rounds to 0 in float32 "
                "and log(0) = -inf, so your loss is inf at logit -120"
            )
        raise Wrong(f"{cause}. Write it on the logit: tf.nn.softplus(-fake_logits).")
    expect(
        all(g is not None for _, (g,) in got),
        "no gradient reaches the logits: do you leave TensorFlow (.numpy(), np.*) or stop the "
        "gradient?",
    )
    expect(
        all(np.all(np.isfinite(g)) for _, (g,) in got),
        f"your loss's gradient is not finite at the logits {_nb01_show(cases[1])}: do you take "
        "the sigmoid first, then the log? Write it on the logit: tf.nn.softplus(-fake_logits).",
    )
    if _nb01_matches(moderate, wants[0]):
        # right on moderate logits, wrong at the extremes: a clamp, in some form
        for (value, (grad,)), x, (want_value, (want_grad,)) in zip(got, cases, wants):
            flat = np.abs(grad) < 0.01 * np.abs(want_grad)
            if np.any(flat):
                at = float(np.ravel(x)[np.argmax(np.ravel(flat))])
                raise Wrong(
                    "you clamp something before the log (the probability, as "
                    "tf.clip_by_value or Keras' BinaryCrossentropy without from_logits=True "
                    "does, an eps added to it, or the logit): at a logit of "
                    f"{at:g} your loss has gradient 0, so G learns nothing from its worst fakes. "
                    f"For the logits {_nb01_show(x)} your loss is {value:.4f}, want "
                    f"{want_value:.4f}. Write it on the logit, unclamped: "
                    "tf.nn.softplus(-fake_logits)."
                )
    for (value, (grad,)), x, (want_value, (want_grad,)) in zip(got, cases, wants):
        expect(
            _nb01_close(value, want_value),
            f"your loss is not mean(softplus(-logit)) = mean(-log sigmoid(logit)): for the "
            f"logits {_nb01_show(x)} it is {value:.4f}, want {want_value:.4f}",
        )
        expect(
            _nb01_close(grad, want_grad),
            f"your loss has the right value but the wrong gradient: for the logits "
            f"{_nb01_show(x)} d loss / d logit is {_nb01_show(np.round(grad, 4))}, want "
            f"-(1 - D) / n = {_nb01_show(np.round(want_grad, 4))}. Does a tf.stop_gradient "
            "or a constant hide part of the loss from the tape?",
        )
    raise AssertionError("unreachable: every case matched")  # pragma: no cover


# ----------------------------------------------------------------------------------------------
# 9b. D's loss with one-sided label smoothing


def _nb01_smoothed_cases():
    """(real logits, fake logits): moderate; extreme (+-120) with D(x) = 0.9 exactly; large.
    Sizes 4, 3 and 5."""
    import numpy as np

    best = float(np.log(9.0))
    pairs = (
        ([2, -1, 0.5, 3], [-3, 0.2, 1, -0.5]),
        ([best, -120, 120], [120, 0.3, -120]),
        ([-30, 15, -0.7, 8, -9], [30, -15, 0.7, -8, 9]),
    )
    return [tuple(np.array(b, np.float32)[:, None] for b in pair) for pair in pairs]


def _nb01_smoothed(real, fake, y_real=0.9, y_fake=0.0, both_terms=True, scale=None):
    """(value, [d/d real, d/d fake]) of the cross-entropy with targets y_real and y_fake."""
    import numpy as np

    real, fake = np.asarray(real, np.float64), np.asarray(fake, np.float64)
    keep = 1.0 if both_terms else 0.0
    n_real, n_fake = (real.size, fake.size) if scale is None else (scale, scale)
    on_real = y_real * _nb01_softplus(-real) + keep * (1 - y_real) * _nb01_softplus(real)
    on_fake = y_fake * _nb01_softplus(-fake) + (1 - y_fake) * _nb01_softplus(fake)
    grad_real = -y_real * _nb01_sigmoid(-real) + keep * (1 - y_real) * _nb01_sigmoid(real)
    grad_fake = -y_fake * _nb01_sigmoid(-fake) + (1 - y_fake) * _nb01_sigmoid(fake)
    value = float(np.sum(on_real)) / n_real + float(np.sum(on_fake)) / n_fake
    return value, [grad_real / n_real, grad_fake / n_fake]


def _nb01_half(real, fake):
    """One mean over the real and fake batches together: half the right loss."""
    value, grads = _nb01_smoothed(real, fake)
    return value / 2, [g / 2 for g in grads]


_NB01_SMOOTHED_MISTAKES = [
    (
        dict(y_fake=0.1),
        "you smoothed the fakes' label too (0.1): smoothing is one-sided, fakes keep the label "
        "0. A fake label above 0 tells D that fakes are a little real.",
    ),
    (
        dict(y_real=0.95),
        "your real images carry the label 0.95: Keras' label_smoothing=0.1 moves every label "
        "towards 1/2 (1 -> 0.95), it is not one-sided smoothing to 0.9. Write the cross-entropy "
        "with the target 0.9 yourself, y softplus(-l) + (1 - y) softplus(l)",
    ),
    (
        dict(y_real=0.95, y_fake=0.05),
        "your labels are 0.95 (real) and 0.05 (fake): Keras' label_smoothing=0.1 moves both "
        "towards 1/2. One-sided smoothing gives real images 0.9 and leaves the fakes at 0",
    ),
    (
        dict(y_real=0.1),
        "your real images carry the label 0.1: the smoothed label of real images is 0.9 "
        "(1 - 0.1). Which way round are the two labels?",
    ),
    (
        dict(y_real=1.0),
        "this is the unsmoothed loss of section 3 (real label 1): where does the 0.9 go?",
    ),
    (
        dict(both_terms=False),
        "your loss misses the term 0.1 softplus(real_logit): with a label y the cross-entropy "
        "is y softplus(-l) + (1 - y) softplus(l)",
    ),
    (
        dict(scale=1.0),
        "your loss sums over each batch instead of taking its mean: n times too large for "
        "batches of n. Take each batch's mean (tf.reduce_mean) and add the two",
    ),
]


@check("smoothed_discriminator_loss")
def check_smoothed_discriminator_loss(answer) -> str:
    """D's loss with one-sided label smoothing (real 0.9, fake 0): value and both gradients
    against NumPy, on moderate and extreme logits, for batches of 4, 3 and 5."""
    import numpy as np

    expect(
        callable(answer),
        "smoothed_discriminator_loss must be a function of (real_logits, fake_logits)",
    )
    call = "smoothed_discriminator_loss(real_logits, fake_logits)"
    cases = _nb01_smoothed_cases()
    got = [_nb01_run(answer, call, *pair) for pair in cases]
    wants = [_nb01_smoothed(*pair) for pair in cases]
    if all(_nb01_matches(g, w) for g, w in zip(got, wants)):
        return (
            "one-sided smoothing: right values and both gradients for every batch size, finite "
            "at +-120, and D's loss on a real image is flat exactly at D(x) = 0.9."
        )
    where = (
        f"for the real logits {_nb01_show(cases[0][0])} and the fake logits "
        f"{_nb01_show(cases[0][1])} your loss is {got[0][0]:.4f}, want {wants[0][0]:.4f}"
    )
    mistakes = [
        (lambda r, f, kw=kw: _nb01_smoothed(r, f, **kw), message)
        for kw, message in _NB01_SMOOTHED_MISTAKES
    ]
    mistakes.append(
        (
            _nb01_half,
            "your loss is half the right one: did you average over the real and the fake "
            "logits together (one mean over both batches)? Take each batch's mean and add the "
            "two, as discriminator_loss does",
        )
    )
    for reference, message in mistakes:
        if all(_nb01_matches(g, reference(*pair)) for g, pair in zip(got, cases)):
            raise Wrong(f"{message} ({where})")
    values = np.array([g[0] for g in got])
    if np.all(np.isfinite(values)):
        sums = np.array([_nb01_smoothed(*pair, scale=1.0)[0] for pair in cases])
        divisor = sums / np.where(values == 0, np.nan, values)
        if np.all(np.abs(divisor / divisor[0] - 1) < 1e-4):
            raise Wrong(
                f"you divide by a fixed {divisor[0]:.4g}, not by the batch size: for batches of "
                "4, 3 and 5 logits your loss is the sum over that number. Take each batch's mean "
                "(tf.reduce_mean)"
            )
    expect(
        np.all(np.isfinite(values)) and all(np.all(np.isfinite(g)) for _, gs in got for g in gs),
        f"your loss (or its gradient) is not finite for the logits -120 and 120 (it is "
        f"{got[1][0]}): do you take the sigmoid first, then the log? sigmoid(-120) rounds to 0 "
        "in float32. Write it on the logits (tf.nn.softplus).",
    )
    expect(
        all(g is not None for _, gs in got for g in gs),
        "no gradient reaches the real or the fake logits: do you leave TensorFlow (.numpy(), "
        "np.*) or stop the gradient?",
    )
    if _nb01_matches(got[0], wants[0]):
        for (value, grads), pair, (want_value, want_grads) in zip(got, cases, wants):
            for name, x, g, w in zip(("real", "fake"), pair, grads, want_grads):
                flat = (np.abs(g) < 0.01 * np.abs(w)) & (np.abs(w) > 1e-3)
                if np.any(flat):
                    at = float(np.ravel(x)[np.argmax(np.ravel(flat))])
                    raise Wrong(
                        "you clamp something before the log (the probability, as "
                        "tf.clip_by_value or Keras' BinaryCrossentropy without "
                        "from_logits=True does, an eps added to it, or the logit): at a "
                        f"{name} logit of {at:g} your loss has gradient 0, so D learns nothing "
                        f"from its worst mistakes. For the real logits {_nb01_show(pair[0])} "
                        f"and the fake logits {_nb01_show(pair[1])} your loss is {value:.4f}, "
                        f"want {want_value:.4f}. Write it on the logits, unclamped "
                        "(tf.nn.softplus)."
                    )
    for (value, grads), pair, (want_value, want_grads) in zip(got, cases, wants):
        real, fake = (_nb01_show(x) for x in pair)
        expect(
            _nb01_close(value, want_value),
            f"your loss is not the mean over the real batch of 0.9 softplus(-l) + 0.1 "
            f"softplus(l) plus the mean over the fakes of softplus(l): for the real logits "
            f"{real} and the fake logits {fake} it is {value:.4f}, want {want_value:.4f}",
        )
        for name, g, w in zip(("real", "fake"), grads, want_grads):
            expect(
                _nb01_close(g, w),
                f"your loss has the right value but the wrong gradient with respect to the "
                f"{name} logits: {_nb01_show(np.round(g, 4))}, want "
                f"{_nb01_show(np.round(w, 4))} (for the real logits {real} and the fake logits "
                f"{fake}). Does a tf.stop_gradient or a constant hide part of the loss from the "
                "tape?",
            )
    raise AssertionError("unreachable: every case matched")  # pragma: no cover


# ----------------------------------------------------------------------------------------------
# 9c. a derivation: D* and the value of the game against it (Goodfellow et al., 2014)


def _nb01_optimum_cases():
    """(what, p_data, p_g): distributions on a few points, random, one with parts apart."""
    import numpy as np

    rng = np.random.default_rng(27)
    cases = [
        (
            f"two random distributions on {n} points",
            rng.dirichlet(np.ones(n)),
            rng.dirichlet(np.ones(n)),
        )
        for n in (5, 8, 12)
    ]
    cases.append(("a distribution against itself", *(2 * [rng.dirichlet(np.ones(6))])))
    apart_data, apart_g = np.array([0.5, 0.3, 0.2, 0, 0]), np.array([0, 0.1, 0.3, 0.4, 0.2])
    cases.append(("two distributions that share only 2 of 5 points", apart_data, apart_g))
    return cases


def _nb01_value(p, q, d):
    """V(D, G) = sum p log D + q log(1 - D), with 0 log 0 = 0 (scipy's xlogy)."""
    import numpy as np
    from scipy.special import xlogy

    d = np.asarray(d, np.float64)
    return float(np.sum(xlogy(p, d) + xlogy(q, 1 - d)))


def _nb01_kl(p, q):
    import numpy as np
    from scipy.special import xlogy

    return float(np.sum(xlogy(p, p) - xlogy(p, q)))


def _nb01_jsd(p, q):
    m = (p + q) / 2
    return 0.5 * _nb01_kl(p, m) + 0.5 * _nb01_kl(q, m)


def _nb01_grid_optimum(p, q):
    """max over D of V, point by point, on a grid of 200,001 values of D in [0, 1]."""
    import numpy as np
    from scipy.special import xlogy

    grid = np.linspace(0.0, 1.0, 200_001)
    with np.errstate(divide="ignore", invalid="ignore"):
        values = xlogy(p[:, None], grid[None, :]) + xlogy(q[:, None], 1 - grid[None, :])
    best = np.argmax(values, axis=1)
    return grid[best], float(np.sum(values[np.arange(len(p)), best]))


@check("discriminator_optimum")
def check_discriminator_optimum(answer) -> str:
    """D* and max_D V against a grid search of V, on random distributions (Goodfellow et al.,
    2014, Proposition 1 and Theorem 1)."""
    import numpy as np

    expect(callable(answer), "discriminator_optimum must be a function of (p_data, p_g)")
    lines = []
    for what, p, q in _nb01_optimum_cases():
        got = answer(p.copy(), q.copy())
        expect(
            isinstance(got, tuple) and len(got) == 2,
            f"discriminator_optimum should return a pair (d_star, value), not {type(got).__name__}",
        )
        d_star, value = np.asarray(got[0], np.float64), real_number(got[1])
        grid_d, grid_v = _nb01_grid_optimum(p, q)
        expect(
            d_star.shape == p.shape,
            f"d_star should hold D*(x) at each of the {p.size} points, not shape {d_star.shape}",
        )
        where = (
            f"for {what}, p_data = {_nb01_show(np.round(p, 3))}, p_g = {_nb01_show(np.round(q, 3))}"
        )
        if not np.allclose(d_star, grid_d, atol=1e-4):
            with np.errstate(divide="ignore", invalid="ignore"):
                hints = [
                    (
                        q / (p + q),
                        "your D* is p_g / (p_data + p_g): D says 'real', so p_data goes on top",
                    ),
                    (
                        np.full_like(p, 0.5),
                        "D* = 1/2 only where p_g = p_data: what D maximises "
                        "p_data log D + p_g log(1 - D) at one point?",
                    ),
                    (
                        p / q,
                        "p_data / p_g is a ratio of densities, not a probability: divide by "
                        "p_data + p_g",
                    ),
                ]
            cause = next(
                (h for ref, h in hints if np.allclose(d_star, ref, atol=1e-4, equal_nan=True)),
                "set the derivative of p_data log D + p_g log(1 - D) with respect to D to 0, "
                "point by point",
            )
            raise Wrong(
                cause_then(
                    cause,
                    f"{where} your D* is {_nb01_show(np.round(d_star, 3))}, the grid search finds "
                    f"{_nb01_show(np.round(grid_d, 3))}.",
                )
            )
        expect(
            value is not None and np.isfinite(value),
            f"value should be one finite number, not {got[1]!r} ({where}): with 0 log 0 = 0 "
            "(np.where, or scipy.special.xlogy), no point where p is 0 contributes to a KL",
        )
        jsd = _nb01_jsd(p, q)
        if abs(value - grid_v) > 1e-4:
            hints = [
                (
                    -np.log(4) + jsd,
                    "you have -log 4 + JS: the 2 of Theorem 1 comes from the two expectations, "
                    "each a KL to the mixture, and JS is half their sum",
                ),
                (
                    -np.log(4) + 2 * jsd / np.log(2),
                    "your JS is in bits (log base 2): the value function uses natural logs",
                ),
                (2 * jsd, "you left out -log 4: at p_g = p_data the value is -log 4, not 0"),
                (
                    -np.log(4),
                    "-log 4 is the value only where p_g = p_data: add 2 JS(p_data || p_g)",
                ),
                (
                    -np.log(4) + 2 * _nb01_kl(p, q),
                    "KL(p_data || p_g) is not JS: JS compares each distribution with their "
                    "mixture M = (p_data + p_g) / 2",
                ),
            ]
            cause = next(
                (h for ref, h in hints if abs(value - ref) < 1e-4),
                "plug D* into V and write the two sums as KL divergences to the mixture "
                "M = (p_data + p_g) / 2",
            )
            raise Wrong(
                cause_then(
                    cause,
                    f"{where} your value is {value:.5f}; the grid search's max of V is "
                    f"{grid_v:.5f}.",
                )
            )
        lines.append((grid_v, jsd))
    shown = ", ".join(f"{v:.4f} = -log 4 + 2 x {j:.4f}" for v, j in lines[:3])
    return (
        f"D* and max_D V agree with a grid search over D on {len(lines)} pairs of distributions "
        f"({shown}, ...): the game's value against D* is -log 4 + 2 JS, from -log 4 "
        "(p_g = p_data) up to 0 (no overlap)."
    )


# ----------------------------------------------------------------------------------------------
# 9d. train and measure: D alone, with and without one-sided label smoothing

_NB01_ALONE_STEPS = 100


def _nb01_smoothed_loss(real_logits, fake_logits):
    """9b's loss: real target 0.9, fake target 0, on logits."""
    import tensorflow as tf

    real = 0.9 * tf.nn.softplus(-real_logits) + 0.1 * tf.nn.softplus(real_logits)
    return tf.reduce_mean(real) + tf.reduce_mean(tf.nn.softplus(fake_logits))


def _nb01_alone_images():
    """5,000 images of the course's data (real MNIST or the fallback digits)."""
    from gan_helpers.data import load_mnist

    return load_mnist(verbose=False).images[:5000]


@functools.lru_cache(maxsize=4)
def _nb01_alone_reference(smoothed: bool, seed: int, source_size: int):
    """The check's own run: notebook 01's networks and d_step recipe, D alone, then D(x), D(G(z))
    on 512 fresh images and fakes."""
    import keras
    import tensorflow as tf

    import gan_helpers
    from gan_helpers import lessons
    from gan_helpers.training import random_batch

    lesson = lessons.load("01_vanilla_gan_mnist")
    loss_of = _nb01_smoothed_loss if smoothed else lesson.discriminator_loss
    gan_helpers.set_seed(seed)
    G, D = lesson.make_generator(), lesson.make_discriminator()
    d_opt, rng = keras.optimizers.Adam(2e-4, beta_1=0.5), tf.random.Generator.from_seed(seed)
    data = tf.constant(_nb01_alone_images())

    @tf.function
    def step():
        real, z = (
            random_batch(data, lesson.BATCH_SIZE, rng),
            rng.normal([lesson.BATCH_SIZE, lesson.NOISE_DIM]),
        )
        with tf.GradientTape() as tape:
            loss = loss_of(D(real, training=True), D(G(z), training=True))
        d_opt.apply_gradients(
            zip(tape.gradient(loss, D.trainable_variables), D.trainable_variables)
        )

    for _ in range(_NB01_ALONE_STEPS):
        step()
    real, fake = random_batch(data, 512, rng), G(rng.normal([512, lesson.NOISE_DIM]))
    return float(lesson.mean_prob(D(real))), float(lesson.mean_prob(D(fake)))


def _nb01_alone_result(got, call: str) -> tuple[float, float]:
    expect(
        isinstance(got, dict) and {"d_real", "d_fake"} <= set(got),
        f'{call} should return a dict {{"d_real": ..., "d_fake": ...}}, not {got!r:.80}',
    )
    values = [real_number(got[key]) for key in ("d_real", "d_fake")]
    expect(
        all(v is not None for v in values),
        f"{call}: d_real and d_fake should be numbers, not {got!r:.80}",
    )
    expect(
        all(0 <= v <= 1 for v in values),
        f"{call} gave d_real {values[0]:.3g}, d_fake {values[1]:.3g}: a mean D is a probability "
        "in [0, 1]. Do you average the logits? Take mean_prob(D(x)), the mean of sigmoid(logit)",
    )
    return values[0], values[1]


@check("train_discriminator_alone")
def check_train_discriminator_alone(answer) -> str:
    """Trains D alone (100 steps) with section 3's loss and with 9b's smoothed loss, through the
    learner's function, and compares D(x) and D(G(z)) with the check's own run on the same seed."""
    import gan_helpers
    from gan_helpers import lessons

    expect(
        callable(answer),
        "train_discriminator_alone must be a function of (d_loss, images, steps, seed)",
    )
    lesson, images = lessons.load("01_vanilla_gan_mnist"), _nb01_alone_images()
    seed, steps = gan_helpers.seed(0), _NB01_ALONE_STEPS
    runs = {}
    for name, smoothed, loss in (
        ("discriminator_loss", False, lesson.discriminator_loss),
        ("the smoothed loss", True, _nb01_smoothed_loss),
    ):
        call = f"train_discriminator_alone({name}, images, steps={steps}, seed={seed})"
        got = _nb01_alone_result(answer(loss, images, steps=steps, seed=seed), call)
        runs[name] = (got, _nb01_alone_reference(smoothed, seed, len(images)))
    (real, fake), (ref_real, ref_fake) = runs["discriminator_loss"]
    (s_real, s_fake), (ref_s_real, _) = runs["the smoothed loss"]
    measured = (
        f"with discriminator_loss your D(x) {real:.3f}, D(G(z)) {fake:.3f} (the check's own run: "
        f"{ref_real:.3f}, {ref_fake:.3f}); with the smoothed loss your D(x) {s_real:.3f} "
        f"(the check's: {ref_s_real:.3f})"
    )
    hints = [
        (
            real < 0.5 < fake,
            "your D calls the real images fake and the fakes real: are the real and fake logits "
            "handed to d_loss in the wrong order? It takes (real_logits, fake_logits)",
        ),
        (
            abs(real - 0.5) < 0.15,
            "your D has not learned to say 'real': D(x) is still near 1/2. Do you apply the "
            "gradients to D.trainable_variables (not G's), and call the step `steps` times?",
        ),
        (
            abs(real - ref_real) > 0.03 or abs(fake - ref_fake) > 0.03,
            f"your D is far from the check's after {steps} steps of Adam(2e-4, beta_1=0.5) on "
            "batches of BATCH_SIZE: do you train for all `steps` steps, with that optimizer, "
            "and measure after training, on fresh batches?",
        ),
        (
            s_real > 0.97,
            "with the smoothed loss your D(x) still goes to 1: does your function ignore d_loss "
            "and always train with discriminator_loss?",
        ),
        (
            abs(s_real - ref_s_real) > 0.04,
            "with the smoothed loss your D(x) is far from the check's: do you train with the "
            "d_loss you are given, on (real_logits, fake_logits)?",
        ),
    ]
    hint = next((h for when, h in hints if when), None)
    if hint is not None:
        raise Wrong(cause_then(hint, f"{measured}."))
    return (
        f"{measured}. Against a G that makes noise, D wins outright with target 1 (D(x) -> 1); "
        "with target 0.9 it settles at D(x) = 0.9, the minimum of 0.9 softplus(-l) + 0.1 "
        "softplus(l): smoothing stops D's logits on real images from growing without end."
    )
