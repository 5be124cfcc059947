"""The checks of notebook 01's exercises (``exercises.check_<name>`` finds them here).

The two loss checks run the learner's loss on several batches of logits (moderate ones, the
extremes -120 and 120 of section 8a, and sizes 3 to 6) and compare its value and its gradient
with respect to every logit with NumPy's, in float64, with a float32 tolerance. Each typical
mistake changes at least one of those numbers; the message names it first.
"""

from __future__ import annotations

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
# 9c and 9d: predictions, measured on the notebook's generator_loss


def _nb01_generator_slopes(d_fake: float) -> dict[str, float]:
    """|d g_loss / d logit| of each of notebook 01's generator losses at D(G(z)) = d_fake."""
    import numpy as np
    import tensorflow as tf

    from gan_helpers import lessons

    vanilla = lessons.load("01_vanilla_gan_mnist")
    logit = tf.constant([np.log(d_fake / (1 - d_fake))], tf.float32)
    slopes = {}
    for kind in vanilla.GENERATOR_LOSSES:
        with tf.GradientTape() as tape:
            tape.watch(logit)
            loss = vanilla.generator_loss(logit, kind)
        slopes[kind] = abs(float(tape.gradient(loss, logit)[0]))
    return slopes


@check("gradient_ratio")
def check_gradient_ratio(answer) -> str:
    """Predict |grad non-saturating| / |grad minimax| at D(G(z)) = 0.01; measured with tf."""
    import numpy as np

    value = real_number(answer)
    expect(
        value is not None and np.isfinite(value),
        f"gradient_ratio should be one number, e.g. 3 or 0.5, not {answer!r}",
    )
    d = 0.01
    slopes = _nb01_generator_slopes(d)
    ratio = slopes["non-saturating"] / slopes["minimax"]
    measured = (
        f"measured on the notebook's generator_loss: |slope| {slopes['non-saturating']:.2f} "
        f"(non-saturating) against {slopes['minimax']:.2f} (minimax), a ratio of {ratio:.1f}"
    )
    if abs(value - ratio) <= 0.5:
        return f"{measured}: near D(G(z)) = 0 the minimax loss saturates."
    losses = -np.log(d) / -np.log(1 - d)
    hints = [
        (value <= 0, f"a ratio of two sizes is positive, not {value:g}"),
        (
            abs(value - (1 - d)) < 0.002,
            f"{1 - d:g} is the non-saturating slope 1 - D alone: divide it by the minimax "
            f"slope D = {d:g}",
        ),
        (
            abs(value - 1) < 0.05,
            "the two losses share their fixed point D = 1/2, not their gradient: section 5 "
            "writes both derivatives, 1 - D and D",
        ),
        (
            abs(value * ratio - 1) < 0.05,
            "you gave minimax over non-saturating, the question asks the other way round",
        ),
        (
            abs(value - 1 / d) < 0.5,
            f"{1 / d:g} = 1/D takes the non-saturating slope as 1: it is 1 - D = {1 - d:g}, so "
            "the ratio is (1 - D) / D",
        ),
        (
            abs(value / losses - 1) < 0.02,
            f"{losses:.0f} is the ratio of the two losses' values, -log D against -log(1 - D): "
            "the question asks for the ratio of their slopes, 1 - D against D",
        ),
        (
            abs(value - 10) < 1,
            "about 10 is section 5's lower bound ('more than 10 times'), not the ratio at "
            "D = 0.01: what is (1 - D) / D there?",
        ),
    ]
    hint = next(
        (h for when, h in hints if when),
        "the slopes are 1 - D (non-saturating) and D (minimax): what is (1 - D) / D at D = 0.01?",
    )
    raise Wrong(cause_then(hint, f"Your {value:g}; {measured}."))


def _nb01_choice(answer, choices: tuple[str, ...]):
    """The learner's choice, forgiving case, spaces and '_' for '-' ("Non saturating")."""
    if not isinstance(answer, str):
        return None
    said = " ".join(answer.strip().lower().replace("_", " ").replace("-", " ").split())
    for choice in choices:
        if said in (choice.replace("-", " "), choice.replace("-", "")):
            return choice
    return None


@check("larger_gradient_when_fooled")
def check_larger_gradient_when_fooled(answer) -> str:
    """Predict which generator loss has the larger gradient at D(G(z)) = 0.99; measured with tf."""
    choices = ("minimax", "non-saturating", "equal")
    said = _nb01_choice(answer, choices)
    expect(said is not None, f"answer one of {choices}, not {answer!r}")
    slopes = _nb01_generator_slopes(0.99)
    if abs(slopes["minimax"] / slopes["non-saturating"] - 1) < 0.01:
        truth = "equal"
    else:
        truth = max(slopes, key=slopes.get)
    measured = (
        f"measured at D(G(z)) = 0.99: |slope| {slopes['minimax']:.2f} for minimax, "
        f"{slopes['non-saturating']:.2f} for non-saturating"
    )
    hints = {
        "equal": "they are equal only at D(G(z)) = 1/2, the shared fixed point; at 0.99 one is "
        "99 times the other",
        "non-saturating": "the slopes are D (minimax) and 1 - D (non-saturating): which is small "
        "when D(G(z)) is near 1?",
        "minimax": "the minimax slope is D itself",
    }
    expect(said == truth, cause_then(hints[said], f"{measured}."))
    return (
        f"{measured}. The non-saturating loss saturates too, but only once G is already fooling D."
    )
