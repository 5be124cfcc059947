"""The checks of notebook 01's exercises (``exercises.check_<name>`` finds them here)."""

from __future__ import annotations

from gan_helpers.exercises import check, expect


def _nb01_softplus(x):
    """softplus(x) = log(1 + e^x) in NumPy, float64, finite for every finite x."""
    import numpy as np

    return np.logaddexp(0.0, np.asarray(x, np.float64))


def _nb01_scalar(value, call: str) -> float:
    """The learner's loss as a float, or a plain message when it is not one number."""
    import numpy as np

    array = np.asarray(value)
    expect(array.dtype.kind == "f", f"{call} returned {type(value).__name__}, not a float tensor")
    expect(
        array.ndim == 0,
        f"{call} has shape {array.shape}: a loss is one number, the mean over the batch "
        "(tf.reduce_mean)",
    )
    return float(array)


def _nb01_close(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-4 * max(1.0, abs(b))


def _nb01_loss_and_grad(answer, *logits):
    """The learner's loss on float32 logits and its gradient with respect to each of them."""
    import tensorflow as tf

    tensors = [tf.constant(x, tf.float32) for x in logits]
    with tf.GradientTape() as tape:
        tape.watch(tensors)
        loss = answer(*tensors)
    expect(
        tf.is_tensor(loss),
        f"your loss is a {type(loss).__name__}, not a TensorFlow tensor: no gradient can flow "
        "back through it to G. Use tf operations (tf.nn.softplus, tf.reduce_mean).",
    )
    grads = tape.gradient(loss, tensors)
    return loss, grads


@check("nonsaturating_loss")
def check_nonsaturating_loss(answer) -> str:
    """G's non-saturating loss -log D(G(z)) on logits, against NumPy, extremes included."""
    import numpy as np

    logits = np.array([[2.0], [-1.0], [0.5], [-3.0], [0.0], [4.0]], np.float32)
    import tensorflow as tf

    value = _nb01_scalar(answer(tf.constant(logits)), "nonsaturating_loss(fake_logits)")
    want = float(np.mean(_nb01_softplus(-logits)))
    near = {
        "minimax": -np.mean(_nb01_softplus(logits)),
        "label 0": np.mean(_nb01_softplus(logits)),
        "sum": want * len(logits),
    }
    expect(
        not _nb01_close(value, near["minimax"]),
        "your loss is log(1 - D(G(z))), the minimax loss of section 3: the non-saturating loss is "
        "-log D(G(z)) = softplus(-logit). Which sign does G's loss carry?",
    )
    expect(
        not _nb01_close(value, near["label 0"]),
        f"your loss is -log(1 - D(G(z))) (mean softplus(logit) = {value:.4f}), D's loss on fakes: "
        "minimising it makes the fakes look MORE fake. Which label do the fakes carry in G's loss?",
    )
    expect(
        not _nb01_close(value, near["sum"]),
        f"your loss is {len(logits)} times too large for a batch of {len(logits)}: take the mean "
        "over the batch (tf.reduce_mean), not the sum",
    )
    expect(
        _nb01_close(value, want),
        f"for the logits {logits.ravel().tolist()} your loss is {value:.4f}, want "
        f"mean(-log sigmoid(logit)) = {want:.4f}",
    )
    loss, (grad,) = _nb01_loss_and_grad(answer, [[-120.0], [-3.0], [120.0]])
    value = float(np.asarray(loss))
    expect(
        np.isfinite(value),
        f"at a logit of -120 your loss is {value}: sigmoid(-120) rounds to 0 in float32 and "
        "log(0) = -inf. Do you take the sigmoid first, then the log? Write it on the logit.",
    )
    expect(grad is not None, "no gradient reaches the logits: do you leave TensorFlow (.numpy())?")
    slope = float(np.asarray(grad)[0, 0])
    expect(
        abs(slope) > 0.1,
        f"at a logit of -120 your loss has gradient {slope:.3g} per logit: G would learn nothing "
        "from its worst fakes. Do you clamp (clip) the probability before the log?",
    )
    want = float(np.mean(_nb01_softplus([120.0, 3.0, -120.0])))
    expect(
        _nb01_close(value, want) and abs(slope + 1 / 3) < 1e-4,
        f"at the logits -120, -3, 120 your loss is {value:.4f} with gradient {slope:.4f} at -120; "
        f"want {want:.4f} and -1/3 (= -(1 - D) / batch size)",
    )
    return "-log D(G(z)) on logits: right values, finite at logit -120, full gradient there."


@check("smoothed_discriminator_loss")
def check_smoothed_discriminator_loss(answer) -> str:
    """D's loss with one-sided label smoothing (real 0.9, fake 0), against NumPy."""
    import numpy as np

    real = np.array([[2.0], [-1.0], [0.5], [3.0]], np.float32)
    fake = np.array([[-3.0], [0.2], [1.0], [-0.5]], np.float32)
    import tensorflow as tf

    value = _nb01_scalar(
        answer(tf.constant(real), tf.constant(fake)),
        "smoothed_discriminator_loss(real_logits, fake_logits)",
    )

    def loss(y_real, y_fake, both_terms=True):
        keep = 1.0 if both_terms else 0.0
        on_real = y_real * _nb01_softplus(-real) + keep * (1 - y_real) * _nb01_softplus(real)
        on_fake = y_fake * _nb01_softplus(-fake) + (1 - y_fake) * _nb01_softplus(fake)
        return float(np.mean(on_real) + np.mean(on_fake))

    want = loss(0.9, 0.0)
    wrong = [
        (
            loss(0.9, 0.1),
            "you smoothed the fakes' label too (0.1): smoothing is one-sided, fakes "
            "keep the label 0. A fake label above 0 tells D that fakes are a little real.",
        ),
        (
            loss(0.1, 0.0),
            "your real images carry the label 0.1: the smoothed label of real images "
            "is 0.9 (1 - 0.1). Which way round are the two labels?",
        ),
        (
            loss(1.0, 0.0),
            "this is the unsmoothed loss of section 3 (real label 1): where does the 0.9 go?",
        ),
        (
            loss(0.9, 0.0, both_terms=False),
            "your loss misses the term 0.1 softplus(real_logit): "
            "with a label y the cross-entropy is y softplus(-l) + (1 - y) softplus(l)",
        ),
        (
            want / 2,
            "your loss is half the right one: did you average over real and fakes "
            "together? Take each batch's mean and add the two, as discriminator_loss does",
        ),
    ]
    for value_if_wrong, message in wrong:
        expect(not _nb01_close(value, value_if_wrong), message)
    expect(
        _nb01_close(value, want),
        f"your loss is {value:.4f} on the test logits, want {want:.4f}: mean over the real batch "
        "of 0.9 softplus(-l) + 0.1 softplus(l), plus mean over the fakes of softplus(l)",
    )
    best = np.log(9.0)
    loss_value, (g_real, g_fake) = _nb01_loss_and_grad(answer, [[best], [-120.0]], [[120.0], [0.0]])
    expect(
        np.isfinite(float(np.asarray(loss_value))),
        "your loss is not finite for the logits -120 and 120: do you take the sigmoid first, then "
        "the log? Write it on the logits (tf.nn.softplus).",
    )
    expect(g_real is not None, "no gradient reaches the logits: do you leave TensorFlow?")
    slope = float(np.asarray(g_real)[0, 0])
    expect(
        abs(slope) < 1e-5,
        f"at D(x) = 0.9 your loss still has slope {slope:.3g} on a real logit: the smoothed loss "
        "should be flat exactly there",
    )
    return "one-sided smoothing: right values, finite at ±120, and D's best D(x) is now 0.9."


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
    import numbers

    expect(
        isinstance(answer, numbers.Real) and not isinstance(answer, bool),
        f"gradient_ratio should be a number, e.g. 3 or 0.5, not {answer!r}",
    )
    slopes = _nb01_generator_slopes(0.01)
    ratio = slopes["non-saturating"] / slopes["minimax"]
    measured = (
        f"measured on the notebook's generator_loss: |slope| {slopes['non-saturating']:.2f} "
        f"(non-saturating) against {slopes['minimax']:.2f} (minimax), a ratio of {ratio:.1f}"
    )
    expect(answer > 0, f"a ratio of two sizes is positive, not {answer}; {measured}")
    expect(
        abs(answer - 1) > 0.1,
        f"{measured}. The two losses share their fixed point D = 1/2, not their gradient: "
        "section 5 writes both derivatives",
    )
    expect(
        abs(answer * ratio - 1) > 0.1,
        f"{measured}: you gave minimax over non-saturating, the question asks the other way",
    )
    expect(
        abs(answer / ratio - 1) < 0.1,
        f"{measured}. Your {answer} is off: the slopes are 1 - D and D; what is (1 - D) / D at "
        "D = 0.01?",
    )
    return f"{measured}: near D(G(z)) = 0 the minimax loss saturates."


@check("larger_gradient_when_fooled")
def check_larger_gradient_when_fooled(answer) -> str:
    """Predict which generator loss has the larger gradient at D(G(z)) = 0.99; measured with tf."""
    choices = ("minimax", "non-saturating", "equal")
    expect(answer in choices, f"answer one of {choices}, not {answer!r}")
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
        "equal": "they are equal only at D(G(z)) = 1/2, the shared fixed point",
        "non-saturating": "the slopes are D (minimax) and 1 - D (non-saturating): which is small "
        "when D(G(z)) is near 1?",
        "minimax": "the minimax slope is D itself",
    }
    expect(answer == truth, f"{measured}: {hints[answer]}")
    return (
        f"{measured}. The non-saturating loss saturates too, but only once G is already fooling D."
    )
